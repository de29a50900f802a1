import HopTraceCore

/// The MAPI properties of one message that intake uses, read from an Outlook item (`.msg`,
/// MS-OXMSG) or a TNEF stream (`winmail.dat`, MS-OXTNEF).
struct MAPIMessage: Sendable {
    /// String properties by property id (PT_UNICODE decoded from UTF-16LE; PT_STRING8 as UTF-8,
    /// or Latin-1 where not UTF-8).
    var strings: [UInt16: String] = [:]
    /// PR_TRANSPORT_MESSAGE_HEADERS as bytes: PT_STRING8's as stored, PT_UNICODE's as UTF-8.
    var transportHeaders: [UInt8]?
    /// PT_SYSTIME properties by property id, as UTC seconds.
    var times: [UInt16: Int64] = [:]
    /// PT_LONG properties by property id.
    var integers: [UInt16: UInt32] = [:]
    var attachments: [MAPIAttachment] = []
    /// What could not be read (a stream, an attachment, a limit), in words.
    var problems: [String] = []

    /// Property ids (MS-OXPROPS).
    enum Property {
        static let subject: UInt16 = 0x0037
        static let clientSubmitTime: UInt16 = 0x0039
        static let sentRepresentingName: UInt16 = 0x0042
        static let sentRepresentingEmail: UInt16 = 0x0065
        static let messageClass: UInt16 = 0x001A
        static let transportMessageHeaders: UInt16 = 0x007D
        static let senderName: UInt16 = 0x0C1A
        static let senderEmail: UInt16 = 0x0C1F
        static let displayTo: UInt16 = 0x0E04
        static let displayCc: UInt16 = 0x0E03
        static let messageDeliveryTime: UInt16 = 0x0E06
        static let body: UInt16 = 0x1000
        static let internetMessageID: UInt16 = 0x1035
        static let senderSMTPAddress: UInt16 = 0x5D01
        static let attachData: UInt16 = 0x3701
        static let attachFilename: UInt16 = 0x3704
        static let attachMethod: UInt16 = 0x3705
        static let attachLongFilename: UInt16 = 0x3707
        static let attachMIMETag: UInt16 = 0x370E
    }

    /// Property types (MS-OXCDATA 2.11.1).
    enum PropertyType {
        static let long: UInt16 = 0x0003
        static let object: UInt16 = 0x000D
        static let string8: UInt16 = 0x001E
        static let unicode: UInt16 = 0x001F
        static let systime: UInt16 = 0x0040
        static let binary: UInt16 = 0x0102
    }

    /// The string properties read.
    static let wantedStrings: [UInt16] = [
        Property.subject, Property.sentRepresentingName, Property.sentRepresentingEmail, Property.messageClass,
        Property.senderName, Property.senderEmail, Property.displayTo, Property.displayCc, Property.body,
        Property.internetMessageID, Property.senderSMTPAddress,
        Property.attachFilename, Property.attachLongFilename, Property.attachMIMETag,
    ]

    /// Sets a string property from its stored bytes.
    mutating func setString(_ id: UInt16, type: UInt16, bytes: [UInt8]) {
        if id == Property.transportMessageHeaders {
            transportHeaders = type == PropertyType.unicode ? Array(Self.utf16(bytes).utf8) : Self.trimmedNUL(bytes)
        } else {
            strings[id] = type == PropertyType.unicode ? Self.utf16(bytes) : Self.string8(Self.trimmedNUL(bytes))
        }
    }

    /// A FILETIME (100 ns since 1601-01-01) as UTC seconds; nil for 0.
    static func utcSeconds(filetime: UInt64) -> Int64? {
        filetime == 0 || filetime > UInt64(Int64.max) ? nil : Int64(filetime / 10_000_000) - 11_644_473_600
    }

    static func utf16(_ bytes: [UInt8]) -> String {
        var units: [UInt16] = []
        units.reserveCapacity(bytes.count / 2)
        var k = 0
        while k + 1 < bytes.count {
            let u = UInt16(bytes[k]) | UInt16(bytes[k + 1]) << 8
            if u == 0 { break }
            units.append(u)
            k += 2
        }
        return String(decoding: units, as: UTF16.self)
    }

    static func string8(_ bytes: [UInt8]) -> String {
        if let s = String(validating: bytes, as: UTF8.self) { return s }
        return String(bytes.map { Character(Unicode.Scalar($0)) })
    }

    static func trimmedNUL(_ bytes: [UInt8]) -> [UInt8] {
        var end = bytes.count
        while end > 0, bytes[end - 1] == 0 { end -= 1 }
        return Array(bytes[..<end])
    }
}

/// One attachment of a `MAPIMessage`.
struct MAPIAttachment: Sendable {
    enum Content: Sendable {
        /// An attached Outlook item (ATTACH_EMBEDDED_MSG).
        case message(MAPIMessage)
        /// The attachment's bytes (ATTACH_BY_VALUE).
        case bytes([UInt8])
        case none
    }
    var filename: String?
    var mimeTag: String?
    var content: Content
}

/// Outlook items (MS-OXMSG) in a compound file: each message storage has a
/// `__properties_version1.0` stream (fixed-size properties), one `__substg1.0_IIIITTTT` stream
/// per variable-size property (id IIII, type TTTT), and a `__attach_version1.0_#NNNNNNNN`
/// storage per attachment, whose `__substg1.0_3701000D` storage is an attached item.
enum OutlookMessage {
    /// The top-level message of an Outlook item.
    static func read(_ file: CompoundFile) -> MAPIMessage {
        var message = read(file, storage: file.root, propertiesHeader: 32)
        if file.depthLimitReached {
            message.problems.append("storages nested deeper than \(CompoundFile.maxStorageDepth) levels were not read")
        }
        return message
    }

    /// A message storage; `propertiesHeader` is the size of its property stream's header (32
    /// for the top-level message, 24 for an attached one, 8 for an attachment).
    private static func read(_ file: CompoundFile, storage: CompoundFile.Entry, propertiesHeader: Int) -> MAPIMessage {
        var message = MAPIMessage()
        let children = file.children(of: storage)
        var byName: [String: CompoundFile.Entry] = [:]
        for child in children { byName[child.name.uppercased()] = child }

        if let stream = byName["__PROPERTIES_VERSION1.0"] {
            do {
                let props = try file.read(stream)
                var o = propertiesHeader
                while o + 16 <= props.count {
                    let tag = CompoundFile.u32(props, o)
                    let type = UInt16(tag & 0xFFFF)
                    let id = UInt16(tag >> 16)
                    if type == MAPIMessage.PropertyType.long {
                        message.integers[id] = CompoundFile.u32(props, o + 8)
                    } else if type == MAPIMessage.PropertyType.systime {
                        let ft = UInt64(CompoundFile.u32(props, o + 8)) | UInt64(CompoundFile.u32(props, o + 12)) << 32
                        message.times[id] = MAPIMessage.utcSeconds(filetime: ft)
                    }
                    o += 16
                }
            } catch {
                message.problems.append("its property stream could not be read: \(error)")
            }
        }

        for id in [MAPIMessage.Property.transportMessageHeaders] + MAPIMessage.wantedStrings {
            for type in [MAPIMessage.PropertyType.unicode, MAPIMessage.PropertyType.string8] {
                guard let stream = byName[streamName(id, type)], stream.kind == .stream else { continue }
                do {
                    message.setString(id, type: type, bytes: try file.read(stream))
                } catch {
                    message.problems.append("property 0x\(hex4(id))\(hex4(type)) could not be read: \(error)")
                }
                break
            }
        }

        let attachments = children.filter {
            $0.kind == .storage && $0.name.uppercased().hasPrefix("__ATTACH_VERSION1.0_#")
        }
        .sorted { $0.name.uppercased() < $1.name.uppercased() }
        for storage in attachments {
            message.attachments.append(attachment(file, storage: storage, problems: &message.problems))
        }
        return message
    }

    private static func attachment(_ file: CompoundFile, storage: CompoundFile.Entry, problems: inout [String])
        -> MAPIAttachment
    {
        let properties = read(file, storage: storage, propertiesHeader: 8)
        problems += properties.problems.map { "attachment \(storage.name): \($0)" }
        let filename =
            properties.strings[MAPIMessage.Property.attachLongFilename]
            ?? properties.strings[MAPIMessage.Property.attachFilename]
        var result = MAPIAttachment(
            filename: filename, mimeTag: properties.strings[MAPIMessage.Property.attachMIMETag],
            content: .none)
        if let embedded = file.child(
            streamName(MAPIMessage.Property.attachData, MAPIMessage.PropertyType.object), of: storage),
            embedded.kind == .storage
        {
            // A storage at the depth limit was listed but not read (`depthLimitReached`).
            guard embedded.depth < CompoundFile.maxStorageDepth else { return result }
            result.content = .message(read(file, storage: embedded, propertiesHeader: 24))
        } else if let data = file.child(
            streamName(MAPIMessage.Property.attachData, MAPIMessage.PropertyType.binary), of: storage),
            data.kind == .stream
        {
            do {
                result.content = .bytes(try file.read(data))
            } catch {
                problems.append("attachment \(storage.name) (\(filename ?? "no name")) could not be read: \(error)")
            }
        }
        return result
    }

    static func streamName(_ id: UInt16, _ type: UInt16) -> String {
        "__SUBSTG1.0_\(hex4(id))\(hex4(type))"
    }

    static func hex4(_ v: UInt16) -> String {
        let digits = Array("0123456789ABCDEF")
        return String([12, 8, 4, 0].map { digits[Int(v >> UInt16($0)) & 0xF] })
    }
}
