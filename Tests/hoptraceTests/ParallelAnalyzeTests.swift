import Foundation
import HopTraceTestSupport
import Testing

/// `hoptrace analyze MBOX`: the messages are analysed on several threads and written in input
/// order, byte for byte what one thread writes, in every output form, and with a DNS snapshot
/// whose answers are saved.
@Suite struct ParallelAnalyzeTests {
    @Test(arguments: [["--json", "--offline"], ["--offline", "--color=never"]])
    func aMailboxComesOutTheSameWhateverTheNumberOfThreads(_ form: [String]) throws {
        let mbox = try MapCommandTests.samplesMailbox()
        let one = try TestSupport.run(["analyze", mbox.path, "--jobs", "1"] + form)
        let many = try TestSupport.run(["analyze", mbox.path, "-j", "5"] + form)
        let all = try TestSupport.run(["analyze", mbox.path] + form)
        #expect(one.status == 0 && many.status == 0 && all.status == 0, "\(one.stderr)\(many.stderr)")
        #expect(one.stdout.count > 10_000)
        #expect(one.stdout == many.stdout)
        #expect(one.stdout == all.stdout)
    }

    @Test func savedDNSIsTheSameWhateverTheNumberOfThreads() throws {
        let mbox = try MapCommandTests.samplesMailbox()
        let zone = TestSupport.packageRoot.appendingPathComponent("samples/bt-delivery-receipt.zone").path
        let dir = try TestSupport.temporaryDirectory()
        var outputs: [(stdout: String, saved: String)] = []
        for jobs in ["1", "6"] {
            let saved = dir.appendingPathComponent("saved-\(jobs).zone").path
            let run = try TestSupport.run([
                "analyze", mbox.path, "--json", "--dns-snapshot", zone, "--save-dns", saved, "--jobs", jobs,
            ])
            #expect(run.status == 0, "\(run.stderr)")
            outputs.append((run.stdout, try String(contentsOfFile: saved, encoding: .utf8)))
        }
        #expect(outputs[0].stdout == outputs[1].stdout)
        #expect(outputs[0].saved == outputs[1].saved)
        #expect(outputs[0].saved.contains("m0noc.net. IN TXT \"v=spf1"))
    }

    @Test(arguments: [["analyze", "x.eml", "--jobs", "0"], ["analyze", "x.eml", "-j", "257"]])
    func jobsOutOfRangeIsAUsageError(_ arguments: [String]) throws {
        let run = try TestSupport.run(arguments)
        #expect(run.status == 64)
        #expect(run.stderr.contains("--jobs must be between 1 and 256"))
    }
}
