import Foundation
import HopTraceTestSupport
import Testing

/// `hoptrace X.msg` against `hoptrace X.eml`: an Outlook item written from a sample's header
/// block (its transport headers) and body gives the same hops.
@Suite struct OutlookMessageCommandTests {
    /// The sample's header block (up to the first blank line) and body.
    static func split(_ sample: String) throws -> (headers: String, body: String) {
        let text = try String(
            contentsOf: TestSupport.packageRoot.appendingPathComponent("samples/\(sample)"), encoding: .utf8
        )
        .replacingOccurrences(of: "\r\n", with: "\n")
        let parts = text.components(separatedBy: "\n\n")
        return (
            parts[0].replacingOccurrences(of: "\n", with: "\r\n") + "\r\n\r\n",
            parts.dropFirst().joined(separator: "\n\n").replacingOccurrences(of: "\n", with: "\r\n")
        )
    }

    static func hops(_ run: TestSupport.Run) throws -> [NSArray] {
        let document = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
        let chains = try #require(document["chains"] as? [[String: Any]])
        return try chains.map { try #require($0["hops"] as? NSArray) }
    }

    @Test(arguments: ["dialect-exim.eml", "dialect-exchange-online.eml", "dialect-postfix.eml", "dialect-gmail.eml"])
    func anOutlookItemGivesTheHopsOfTheSameMessageSavedAsEML(sample: String) throws {
        let (headers, body) = try Self.split(sample)
        for unicode in [true, false] {
            let item = OutlookMessageWriter.Item(transportHeaders: headers, unicode: unicode, subject: "s", body: body)
            let file = try TestSupport.temporaryDirectory().appendingPathComponent("message.msg")
            try Data(OutlookMessageWriter.write(item).bytes).write(to: file)
            let eml = TestSupport.packageRoot.appendingPathComponent("samples/\(sample)").path
            let fromMsg = try TestSupport.run([file.path, "--json", "--offline"])
            let fromEml = try TestSupport.run([eml, "--json", "--offline"])
            #expect(fromMsg.status == 0, "\(fromMsg.stderr)")
            let msgHops = try Self.hops(fromMsg)
            let emlHops = try Self.hops(fromEml)
            #expect(msgHops.count == 1 && emlHops.count == 1)
            #expect(msgHops.first?.count ?? 0 > 0)
            #expect(msgHops == emlHops, "\(sample) unicode=\(unicode)")
            // The parse stage alone reads the item too.
            let parsed = try TestSupport.run(["hops", file.path, "--jsonl"])
            #expect(parsed.status == 0, "\(parsed.stderr)")
            let record = try #require(
                try JSONSerialization.jsonObject(with: Data(parsed.stdout.utf8)) as? [String: Any])
            let chains = try #require(record["chains"] as? [[String: Any]])
            #expect((chains.first?["hops"] as? NSArray)?.count == emlHops.first?.count)
        }
    }

    @Test func aDraftSaysItsTransportHeadersAreAbsent() throws {
        let draft = OutlookMessageWriter.Item(subject: "Draft", senderName: "Alice", senderEmail: "alice@example.org")
        let file = try TestSupport.temporaryDirectory().appendingPathComponent("draft.msg")
        try Data(OutlookMessageWriter.write(draft).bytes).write(to: file)
        let run = try TestSupport.run([file.path, "--offline"])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("no transport headers"), "\(run.stdout)")
    }

    @Test func aBrokenCompoundFileIsUnreadableMail() throws {
        var bytes = OutlookMessageWriter.write(OutlookMessageWriter.Item(subject: "x")).bytes
        bytes.removeLast(bytes.count - 600)
        bytes.replaceSubrange(0x30..<0x34, with: [0xFF, 0xFF, 0xFF, 0x00])
        let file = try TestSupport.temporaryDirectory().appendingPathComponent("broken.msg")
        try Data(bytes).write(to: file)
        let run = try TestSupport.run([file.path, "--offline"])
        #expect(run.status == 65)
        #expect(run.stderr.contains("Outlook message"), "\(run.stderr)")
    }
}
