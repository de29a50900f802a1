import Foundation
import HopTraceCore
import HopTraceTestSupport
import Testing

@testable import HopTraceMessage

/// Real-world messages from ../shared/corpus/real-world (outside the package; the test carries
/// `.requiresShared`): every file goes through intake without crashing.
@Suite struct CorpusTests {
    static let corpus = SharedFolder.path("corpus/real-world")

    static func files() -> [String] {
        guard let e = FileManager.default.enumerator(atPath: corpus) else { return [] }
        var out: [String] = []
        while let rel = e.nextObject() as? String {
            var isDir: ObjCBool = false
            let path = corpus + "/" + rel
            if FileManager.default.fileExists(atPath: path, isDirectory: &isDir), !isDir.boolValue { out.append(rel) }
        }
        return out.sorted()
    }

    @Test(.requiresShared("corpus/real-world"))
    func readsEveryFile() throws {
        var messages = 0
        var rejected = 0
        var chains = 0
        var embedded = 0
        var perFile: [String: Int] = [:]
        for rel in Self.files() {
            let data = try [UInt8](Data(contentsOf: URL(fileURLWithPath: Self.corpus + "/" + rel)))
            let pieces = rel.hasSuffix(".mbox") || Mailbox.isMailbox(data) ? Mailbox.split(mbox: data) : [data[...]]
            for piece in pieces {
                do {
                    let r = try MessageIntake.read(piece)
                    messages += 1
                    chains += r.chains.count
                    embedded += r.chains.count - 1
                    perFile[rel, default: 0] += r.chains.count
                    if r.chains.count > 1 || r.reportKind != nil || !r.findings.isEmpty {
                        print("  \(rel): \(r.embedded) \(r.reportKind ?? "-") \(r.findings.map(\.summary))")
                    }
                } catch {
                    rejected += 1
                }
            }
        }
        print("corpus: \(messages) messages, \(rejected) rejected, \(chains) chains (\(embedded) embedded)")
        for (file, n) in perFile.sorted(by: { $0.key < $1.key }) where n > 1 { print("  \(file): \(n) chains") }
        #expect(messages > 0)
        #expect(chains >= messages)
        // Files whose embedded originals are known (the corpus is fixed; see PROVENANCE.md).
        let known: [String: Int] = [
            "eml_analyzer/attachment_message_rfc822.eml": 2,
            "eml_analyzer/report_422.eml": 2,
            "eml_analyzer/multipart_report_multiple_status.eml": 2,
            "spamassassin/nice_mime9.eml": 3,
            "spamscope-mail-parser/mail_malformed_2.eml": 2,
        ]
        for (file, n) in known where perFile[file] != nil {
            #expect(perFile[file] == n, "\(file)")
        }
    }
}
