/// Writes the fields of one JSON object. A list of fields written once against this protocol
/// serves two outputs: `JSONFieldList` collects them into a `JSONValue` (the report documents,
/// pretty-printed) and `JSONByteFields` appends them straight to bytes, compact, with no value
/// tree in between (the JSON Lines of `hoptrace hops`, where building and freeing that tree cost
/// as much as writing it).
public protocol JSONFieldWriter {
    mutating func field(_ key: StaticString, _ value: String?)
    mutating func field(_ key: StaticString, _ value: Int?)
    mutating func field(_ key: StaticString, _ value: Bool)
    /// A time (UTC seconds) as `UTCCalendar.iso8601` writes it, or null.
    mutating func field(_ key: StaticString, iso8601 utcSeconds: Int64?)
    /// A value built as a tree (the parts that are not on a hot path).
    mutating func field(_ key: StaticString, value: JSONValue)
    mutating func field(_ key: StaticString, strings: [String])
    mutating func field(_ key: StaticString, ints: [Int])
    /// A field whose key is not one of the contract's literals (escaped like any string).
    mutating func field(named name: String, value: JSONValue)
    /// A nested object, its fields written by `body`.
    mutating func object(_ key: StaticString, _ body: (inout Self) -> Void)
    /// A nested array of objects, one per element, each written by `body`.
    mutating func objects<S: Sequence>(_ key: StaticString, _ elements: S, _ body: (inout Self, S.Element) -> Void)
}

extension JSONFieldWriter {
    /// A nested object written by `body` when `value` is there, `null` when it is not.
    @inlinable public mutating func object<T>(_ key: StaticString, _ value: T?, _ body: (inout Self, T) -> Void) {
        if let value {
            object(key) { body(&$0, value) }
        } else {
            field(key, value: .null)
        }
    }

    /// A field whose key is not one of the contract's literals, with a string (or null) value.
    @inlinable public mutating func field(named name: String, _ value: String?) {
        field(named: name, value: .string(value))
    }
}

/// Collects fields into an object value.
public struct JSONFieldList: JSONFieldWriter {
    public var fields: [(String, JSONValue)] = []

    public init() {}

    public var value: JSONValue { .object(fields) }

    @usableFromInline static func key(_ k: StaticString) -> String {
        k.withUTF8Buffer { String(decoding: $0, as: UTF8.self) }
    }

    public mutating func field(_ key: StaticString, _ value: String?) { fields.append((Self.key(key), .string(value))) }
    public mutating func field(_ key: StaticString, _ value: Int?) { fields.append((Self.key(key), .int(value))) }
    public mutating func field(_ key: StaticString, _ value: Bool) { fields.append((Self.key(key), .bool(value))) }
    public mutating func field(_ key: StaticString, iso8601 utcSeconds: Int64?) {
        fields.append((Self.key(key), .string(utcSeconds.map(UTCCalendar.iso8601))))
    }
    public mutating func field(_ key: StaticString, value: JSONValue) { fields.append((Self.key(key), value)) }
    public mutating func field(named name: String, value: JSONValue) { fields.append((name, value)) }
    public mutating func field(_ key: StaticString, strings: [String]) {
        fields.append((Self.key(key), .array(strings.map { .string($0) })))
    }
    public mutating func field(_ key: StaticString, ints: [Int]) {
        fields.append((Self.key(key), .array(ints.map { .int($0) })))
    }
    @inlinable public mutating func object(_ key: StaticString, _ body: (inout JSONFieldList) -> Void) {
        var inner = JSONFieldList()
        body(&inner)
        fields.append((Self.key(key), inner.value))
    }
    @inlinable public mutating func objects<S: Sequence>(
        _ key: StaticString, _ elements: S, _ body: (inout JSONFieldList, S.Element) -> Void
    ) {
        var items: [JSONValue] = []
        for element in elements {
            var inner = JSONFieldList()
            body(&inner, element)
            items.append(inner.value)
        }
        fields.append((Self.key(key), .array(items)))
    }
}

/// Appends fields to compact JSON bytes, byte for byte what `JSONFieldList`'s value serialises
/// to with `pretty: false`. Open an object with `begin`, write its fields, close it with `end`.
public struct JSONByteFields: JSONFieldWriter {
    /// The bytes written so far (shared by every copy of this writer).
    public let out: JSONBuffer
    @usableFromInline var first = true

    public init(_ out: JSONBuffer = JSONBuffer()) { self.out = out }

    /// A copy of the bytes written.
    public var bytes: [UInt8] { out.bytes }

    @inlinable public mutating func begin() {
        out.append(UInt8(ascii: "{"))
        first = true
    }
    @inlinable public mutating func end() { out.append(UInt8(ascii: "}")) }

    /// `,"KEY":` (no comma before an object's first field): one capacity test, then stores.
    /// Keys are the contract's own names: plain ASCII, nothing to escape.
    @inlinable @inline(__always) mutating func key(_ k: StaticString) {
        let comma = first ? 0 : 1
        first = false
        let length = k.utf8CodeUnitCount
        out.reserve(comma &+ length &+ 3)
        var at = out.used
        let base = out.base
        if comma == 1 {
            base[at] = UInt8(ascii: ",")
            at &+= 1
        }
        base[at] = UInt8(ascii: "\"")
        (base + (at &+ 1)).update(from: k.utf8Start, count: length)
        at &+= 1 &+ length
        base[at] = UInt8(ascii: "\"")
        base[at &+ 1] = UInt8(ascii: ":")
        out.used = at &+ 2
    }

    public mutating func field(_ k: StaticString, _ value: String?) {
        key(k)
        out.appendValue(value)
    }
    public mutating func field(_ k: StaticString, _ value: Int?) {
        key(k)
        out.appendValue(value)
    }
    public mutating func field(_ k: StaticString, _ value: Bool) {
        key(k)
        out.append(value ? "true" : "false")
    }
    public mutating func field(_ k: StaticString, iso8601 utcSeconds: Int64?) {
        key(k)
        out.appendValue(iso8601: utcSeconds)
    }
    public mutating func field(_ k: StaticString, value: JSONValue) {
        key(k)
        value.write(into: out, indent: -1)
    }
    public mutating func field(named name: String, value: JSONValue) {
        if !first { out.append(UInt8(ascii: ",")) }
        first = false
        out.appendString(name)
        out.append(UInt8(ascii: ":"))
        value.write(into: out, indent: -1)
    }
    public mutating func field(_ k: StaticString, strings: [String]) {
        list(k, strings) { $0.appendString($1) }
    }
    public mutating func field(_ k: StaticString, ints: [Int]) {
        list(k, ints) { $0.appendDecimal($1) }
    }
    /// `"KEY":[…]`, each item written by `item`.
    private mutating func list<T>(_ k: StaticString, _ items: [T], _ item: (JSONBuffer, T) -> Void) {
        key(k)
        out.append(UInt8(ascii: "["))
        for (i, x) in items.enumerated() {
            if i > 0 { out.append(UInt8(ascii: ",")) }
            item(out, x)
        }
        out.append(UInt8(ascii: "]"))
    }
    @inlinable public mutating func object(_ k: StaticString, _ body: (inout JSONByteFields) -> Void) {
        key(k)
        begin()
        body(&self)
        end()
        first = false
    }
    @inlinable public mutating func objects<S: Sequence>(
        _ k: StaticString, _ elements: S, _ body: (inout JSONByteFields, S.Element) -> Void
    ) {
        key(k)
        out.append(UInt8(ascii: "["))
        var firstElement = true
        for element in elements {
            if !firstElement { out.append(UInt8(ascii: ",")) }
            firstElement = false
            begin()
            body(&self, element)
            end()
        }
        out.append(UInt8(ascii: "]"))
        first = false
    }
}

/// Appends fields to pretty-printed JSON bytes, byte for byte what `JSONFieldList`'s value
/// gives with `append(to:prettyAtLevel:)` at the same level: a large document written object
/// by object, with no value tree in between. Open an object with `begin`, write its fields,
/// close it with `end`.
public struct JSONPrettyFields: JSONFieldWriter {
    /// The bytes written so far (shared by every copy of this writer).
    public let out: JSONBuffer
    /// The level of the object being written (its fields stand one level deeper).
    @usableFromInline var level: Int
    @usableFromInline var first = true

    public init(_ out: JSONBuffer = JSONBuffer(), level: Int) {
        self.out = out
        self.level = level
    }

    /// A copy of the bytes written.
    public var bytes: [UInt8] { out.bytes }

    @inlinable public mutating func begin() {
        out.append(UInt8(ascii: "{"))
        first = true
    }

    @inlinable public mutating func end() {
        if !first { out.newline(level) }
        out.append(UInt8(ascii: "}"))
    }

    /// `,` (not before an object's first field), a new line indented one level deeper than
    /// the object, `"KEY": `: one capacity test, then stores. Keys are the contract's own
    /// names: plain ASCII, nothing to escape.
    @inlinable @inline(__always) mutating func key(_ k: StaticString) {
        let comma = first ? 0 : 1
        first = false
        let spaces = 2 &* (level &+ 1)
        let length = k.utf8CodeUnitCount
        out.reserve(comma &+ spaces &+ length &+ 5)
        var at = out.used
        let base = out.base
        if comma == 1 {
            base[at] = UInt8(ascii: ",")
            at &+= 1
        }
        base[at] = 0x0A
        (base + (at &+ 1)).initialize(repeating: 0x20, count: spaces)
        at &+= 1 &+ spaces
        base[at] = UInt8(ascii: "\"")
        (base + (at &+ 1)).update(from: k.utf8Start, count: length)
        at &+= 1 &+ length
        base[at] = UInt8(ascii: "\"")
        base[at &+ 1] = UInt8(ascii: ":")
        base[at &+ 2] = 0x20
        out.used = at &+ 3
    }

    public mutating func field(_ k: StaticString, _ value: String?) {
        key(k)
        out.appendValue(value)
    }
    public mutating func field(_ k: StaticString, _ value: Int?) {
        key(k)
        out.appendValue(value)
    }
    public mutating func field(_ k: StaticString, _ value: Bool) {
        key(k)
        out.append(value ? "true" : "false")
    }
    public mutating func field(_ k: StaticString, iso8601 utcSeconds: Int64?) {
        key(k)
        out.appendValue(iso8601: utcSeconds)
    }
    public mutating func field(_ k: StaticString, value: JSONValue) {
        key(k)
        value.write(into: out, indent: level + 1)
    }
    public mutating func field(named name: String, value: JSONValue) {
        if !first { out.append(UInt8(ascii: ",")) }
        first = false
        out.newline(level + 1)
        out.appendString(name)
        out.append(UInt8(ascii: ":"), 0x20)
        value.write(into: out, indent: level + 1)
    }
    public mutating func field(_ k: StaticString, strings: [String]) {
        list(k, strings) { $0.appendString($1) }
    }
    public mutating func field(_ k: StaticString, ints: [Int]) {
        list(k, ints) { $0.appendDecimal($1) }
    }
    /// `"KEY": […]`, one item a line, each written by `item`; `[]` when there is none.
    private mutating func list<T>(_ k: StaticString, _ items: [T], _ item: (JSONBuffer, T) -> Void) {
        key(k)
        if items.isEmpty {
            out.append("[]")
            return
        }
        out.append(UInt8(ascii: "["))
        for (i, x) in items.enumerated() {
            if i > 0 { out.append(UInt8(ascii: ",")) }
            out.newline(level + 2)
            item(out, x)
        }
        out.newline(level + 1)
        out.append(UInt8(ascii: "]"))
    }
    @inlinable public mutating func object(_ k: StaticString, _ body: (inout JSONPrettyFields) -> Void) {
        key(k)
        level += 1
        begin()
        body(&self)
        end()
        level -= 1
        first = false
    }
    @inlinable public mutating func objects<S: Sequence>(
        _ k: StaticString, _ elements: S, _ body: (inout JSONPrettyFields, S.Element) -> Void
    ) {
        key(k)
        let outer = level
        var any = false
        for element in elements {
            out.append(UInt8(ascii: any ? "," : "["))
            any = true
            out.newline(outer + 2)
            level = outer + 2
            begin()
            body(&self, element)
            end()
        }
        level = outer
        if any {
            out.newline(outer + 1)
            out.append(UInt8(ascii: "]"))
        } else {
            out.append("[]")
        }
        first = false
    }
}
