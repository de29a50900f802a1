#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Invariants a target asserts on what the code under test returned. A violation aborts the
/// process, which libFuzzer reports as a crash with its reproducer, like any other crash.
public enum FuzzCheck {
    /// Aborts with `message` on standard error.
    public static func fail(_ message: String, file: StaticString = #fileID, line: UInt = #line) -> Never {
        var text = "fuzz invariant violated (\(file):\(line)): \(visible(message, limit: 2000))\n"
        text.withUTF8 { _ = write(2, $0.baseAddress, $0.count) }
        abort()
    }

    public static func require(
        _ condition: @autoclosure () -> Bool, _ message: @autoclosure () -> String,
        file: StaticString = #fileID, line: UInt = #line
    ) {
        if !condition() { fail(message(), file: file, line: line) }
    }

    /// A control character a terminal or a document reader could act on: C0 (except those in
    /// `allowed`), DEL and C1.
    public static func isControl(_ s: Unicode.Scalar, allowed: Set<Unicode.Scalar>) -> Bool {
        if allowed.contains(s) { return false }
        return s.value < 0x20 || (s.value >= 0x7F && s.value <= 0x9F)
    }

    /// `text` holds no raw control character other than those in `allowed`.
    public static func noControlCharacters(
        _ text: String, allowed: Set<Unicode.Scalar> = ["\n"], in what: String,
        file: StaticString = #fileID, line: UInt = #line
    ) {
        for (offset, s) in text.unicodeScalars.enumerated() where isControl(s, allowed: allowed) {
            let context = String(
                String.UnicodeScalarView(text.unicodeScalars.dropFirst(max(offset - 60, 0)).prefix(120)))
            fail(
                "\(what) holds control character U+\(String(s.value, radix: 16, uppercase: true)) at scalar \(offset): \(context)",
                file: file, line: line)
        }
    }

    /// `text` with control characters shown as `\u{…}`, cut at `limit` scalars.
    public static func visible(_ text: String, limit: Int) -> String {
        var out = ""
        for s in text.unicodeScalars.prefix(limit) {
            if isControl(s, allowed: []) {
                out += "\\u{\(String(s.value, radix: 16))}"
            } else {
                out.unicodeScalars.append(s)
            }
        }
        return out
    }
}
