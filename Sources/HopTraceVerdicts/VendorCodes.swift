import HopTraceCore

/// Look-ups in the code table (`table`, generated from `data/vendor-verdict-codes.tsv`).
public enum VendorCodes {
    struct Key: Hashable {
        var header: String
        var field: String
        var code: String
    }

    /// The table indexed by lower-cased header, field and code.
    static let index: [Key: VendorCodeRow] = {
        var out: [Key: VendorCodeRow] = [:]
        for row in table {
            out[Key(header: row.header.lowercased(), field: row.field.lowercased(), code: row.code.lowercased())] = row
        }
        return out
    }()

    /// The headers the table names, lower case, with their vendor.
    static let headers: [String: (name: String, vendor: FilterVendor)] = {
        var out: [String: (name: String, vendor: FilterVendor)] = [:]
        for row in table where out[row.header.lowercased()] == nil {
            out[row.header.lowercased()] = (row.header, row.vendor)
        }
        return out
    }()

    /// The row for a field (`code` nil) or for one of its codes: the exact code, else its
    /// family (`1xx` for a three-digit code starting with 1).
    public static func row(header: String, field: String, code: String?) -> VendorCodeRow? {
        let h = header.lowercased()
        let f = field.lowercased()
        guard let code else { return index[Key(header: h, field: f, code: "*")] }
        let c = code.lowercased()
        if let row = index[Key(header: h, field: f, code: c)] { return row }
        let bytes = Array(c.utf8)
        if bytes.count == 3, bytes.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) {
            return index[Key(header: h, field: f, code: String(c.prefix(1)) + "xx")]
        }
        return nil
    }

    /// A field with the meanings the table gives its value and itself. A value the table does
    /// not list keeps a nil meaning (undocumented); `free` fields (addresses, names, scores) have
    /// no codes, so only the field's meaning applies.
    static func decode(header: String, key: String, value: String, free: Bool = false) -> DecodedField {
        let fieldRow = row(header: header, field: key, code: nil)
        let codeRow = free ? nil : row(header: header, field: key, code: value)
        let meaning = codeRow.flatMap { $0.meaning.isEmpty ? nil : $0.meaning }
        let fieldMeaning = fieldRow.flatMap { $0.meaning.isEmpty ? nil : $0.meaning }
        let sourceRow = meaning != nil ? codeRow : fieldRow
        let source = sourceRow.flatMap { $0.source.isEmpty ? nil : CodeSource(url: $0.source, date: $0.sourceDate) }
        return DecodedField(key: key, value: value, meaning: meaning, fieldMeaning: fieldMeaning, source: source)
    }
}
