import Foundation
import HopTraceCore
import Testing

/// HopTraceCore's stand-ins for full-Foundation APIs the executable no longer uses, checked
/// against those APIs (the tests link full Foundation).
@Suite struct PathKindTests {
    @Test func tellsFoldersFromFilesAndNothing() throws {
        let fm = FileManager.default
        let root = fm.temporaryDirectory.appendingPathComponent("hoptrace-pathkind-\(UUID().uuidString)").path
        defer { try? fm.removeItem(atPath: root) }
        try fm.createDirectory(atPath: root + "/folder", withIntermediateDirectories: true)
        try Data("x".utf8).write(to: URL(fileURLWithPath: root + "/file"))
        try fm.createSymbolicLink(atPath: root + "/link-to-folder", withDestinationPath: root + "/folder")
        try fm.createSymbolicLink(atPath: root + "/dangling", withDestinationPath: root + "/nothing")
        #expect(PathKind.of(root + "/folder") == .directory)
        #expect(PathKind.of(root + "/folder/") == .directory)
        #expect(PathKind.of(root + "/file") == .other)
        #expect(PathKind.of("/dev/null") == .other)
        #expect(PathKind.of(root + "/link-to-folder") == .directory)
        #expect(PathKind.of(root + "/nothing") == nil)
        #expect(PathKind.of(root + "/dangling") == nil)
        #expect(PathKind.of(root + "/file/below-a-file") == nil)
        // As FileManager says it, whose Bool/ObjCBool signature differs between platforms.
        for name in ["folder", "file", "link-to-folder", "nothing", "dangling"] {
            var isDirectory: ObjCBool = false
            let exists = fm.fileExists(atPath: root + "/" + name, isDirectory: &isDirectory)
            #expect(
                PathKind.of(root + "/" + name) == (exists ? (isDirectory.boolValue ? .directory : .other) : nil),
                "\(name)")
        }
    }

    @Test(arguments: ["maildir", "maildir/", "maildir//", "/", "", "./a/", "a//b", "~/x", "/var/mail/"])
    func joinsAsNSStringDoes(_ folder: String) {
        for name in ["cur", "new", "1471684442.M1P1.host:2,S", "é ☺"] {
            #expect(PathKind.join(folder, name) == (folder as NSString).appendingPathComponent(name))
        }
    }
}

@Suite struct ASCIIFoldStringTests {
    @Test(arguments: [
        ("Blocked by SPF () - (Score: 3)", "(Score:"),
        ("blocked - (SCORE: 3)", "(score:"),
        ("no score here", "(Score:"),
        ("spf=pass SMTP.MailFrom=a@example.org", "smtp.mailfrom="),
        ("smtp.mailfrom=", "smtp.mailfrom="),
        ("ünïcödé ☺ before (sCoRe: 5)", "(Score:"),
        ("", "(Score:"),
        ("(Sco", "(Score:"),
    ])
    func findsWhatFoundationFinds(_ text: String, _ needle: String) {
        let mine = ASCIIFold.firstRange(of: needle, in: text)
        let foundation = text.range(of: needle, options: .caseInsensitive)
        #expect(mine == foundation)
        if let mine { #expect(text[mine.upperBound...] == text[foundation!.upperBound...]) }
    }

    /// Only ASCII letters fold: a look-alike (the Kelvin sign, long s) is not the keyword.
    @Test func aNonASCIILookAlikeIsNotAMatch() {
        #expect(ASCIIFold.firstRange(of: "(Score:", in: "(\u{17F}core: 3)") == nil)
        #expect(ASCIIFold.firstRange(of: "k=", in: "\u{212A}=rsa") == nil)
    }
}
