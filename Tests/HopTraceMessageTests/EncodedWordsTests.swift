import Testing

@testable import HopTraceMessage

@Suite struct EncodedWordsTests {
    @Test(arguments: [
        ("=?UTF-8?B?R3LDvMOfZQ==?=", "Grüße"),
        ("=?utf-8?q?caf=C3=A9_au_lait?=", "café au lait"),
        ("=?ISO-8859-1?Q?Andr=E9?= Pirard <PIRARD@vm1.ulg.ac.be>", "André Pirard <PIRARD@vm1.ulg.ac.be>"),
        ("=?US-ASCII?Q?Keith_Moore?=", "Keith Moore"),
        // RFC 2047 §8: whitespace between adjacent encoded words is dropped.
        ("=?ISO-8859-1?Q?a?= =?ISO-8859-1?Q?b?=", "ab"),
        ("=?ISO-8859-1?Q?a?=\r\n  =?ISO-8859-1?Q?b?=", "ab"),
        ("(=?ISO-8859-1?Q?a?= b)", "(a b)"),
        // A UTF-8 character split across two words (Outlook does this).
        ("=?UTF-8?B?w6k=?= =?UTF-8?B?w6k=?=", "éé"),
        ("=?UTF-8?B?4oK=?= =?UTF-8?B?rA==?=", "€"),
        // Language suffix (RFC 2231 §5).
        ("=?utf-8*en?Q?hi?=", "hi"),
        // Unknown charset and malformed words stay as written.
        ("=?KOI8-R?B?8NLJ18XU?=", "=?KOI8-R?B?8NLJ18XU?="),
        ("=?UTF-8?X?abc?=", "=?UTF-8?X?abc?="),
        ("=?UTF-8?Q?unterminated", "=?UTF-8?Q?unterminated"),
        ("plain text", "plain text"),
        ("=?UTF-8?Q??=", ""),
    ])
    func decodes(_ input: String, _ expected: String) {
        #expect(EncodedWords.decode(input) == expected)
    }
}
