/// RFC 3492 Punycode encoding, used only to give Public Suffix List rules written in Unicode
/// (U-labels, `公司.cn`) their A-label form (`xn--55qx5d.cn`), because mail headers carry
/// names in A-labels. Encoding only: hoptrace never decodes attacker-written labels.
enum Punycode {
    private static let base = 36, tMin = 1, tMax = 26, skew = 38, damp = 700
    private static let initialBias = 72, initialN = 128

    /// The A-label (`xn--…`) of one label, or the label itself when it is ASCII. Nil when the
    /// label cannot be encoded (overflow on absurd input).
    static func aLabel(_ label: String) -> String? {
        let scalars = Array(label.unicodeScalars)
        if scalars.allSatisfy({ $0.isASCII }) { return label }
        guard let encoded = encode(scalars) else { return nil }
        return "xn--" + encoded
    }

    /// A domain with every non-ASCII label replaced by its A-label.
    static func aLabels(ofDomain domain: String) -> String? {
        var out: [String] = []
        for label in domain.split(separator: ".", omittingEmptySubsequences: false) {
            guard let a = aLabel(String(label)) else { return nil }
            out.append(a)
        }
        return out.joined(separator: ".")
    }

    private static func adapt(_ deltaIn: Int, _ numPoints: Int, _ firstTime: Bool) -> Int {
        var delta = firstTime ? deltaIn / damp : deltaIn / 2
        delta += delta / numPoints
        var k = 0
        while delta > ((base - tMin) * tMax) / 2 {
            delta /= base - tMin
            k += base
        }
        return k + (((base - tMin + 1) * delta) / (delta + skew))
    }

    private static func digit(_ d: Int) -> Character {
        Character(Unicode.Scalar(UInt8(d < 26 ? 97 + d : 22 + d)))
    }

    private static func encode(_ input: [Unicode.Scalar]) -> String? {
        var output = ""
        for s in input where s.isASCII { output.unicodeScalars.append(s) }
        let basicCount = output.unicodeScalars.count
        var handled = basicCount
        if basicCount > 0 { output.append("-") }
        var n = initialN
        var delta = 0
        var bias = initialBias
        let limit = Int(Int32.max)
        while handled < input.count {
            guard let m = input.map({ Int($0.value) }).filter({ $0 >= n }).min() else { return nil }
            guard (m - n) <= (limit - delta) / (handled + 1) else { return nil }
            delta += (m - n) * (handled + 1)
            n = m
            for s in input {
                let c = Int(s.value)
                if c < n {
                    delta += 1
                    guard delta < limit else { return nil }
                }
                if c == n {
                    var q = delta
                    var k = base
                    while true {
                        let t = k <= bias ? tMin : (k >= bias + tMax ? tMax : k - bias)
                        if q < t { break }
                        output.append(digit(t + (q - t) % (base - t)))
                        q = (q - t) / (base - t)
                        k += base
                    }
                    output.append(digit(q))
                    bias = adapt(delta, handled + 1, handled == basicCount)
                    delta = 0
                    handled += 1
                }
            }
            delta += 1
            n += 1
        }
        return output
    }
}
