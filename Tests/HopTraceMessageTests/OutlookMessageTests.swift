import HopTraceCore
import HopTraceTestSupport
import Testing

@testable import HopTraceMessage

/// Outlook `.msg` items (MS-OXMSG over MS-CFB) and TNEF streams, written by the tests' own
/// compound file writer: the same chains as the `.eml`, attached items as embedded chains,
/// items without transport headers, and hostile files that must fail cleanly.
@Suite struct OutlookMessageTests {
    static let eml = originalHeaders + "\n\nHello Bob,\nthe numbers.\n"
    /// The header block as Exchange stores it: CRLF line ends, a blank line after.
    static var headerText: String { (originalHeaders + "\n\n").replacingOccurrences(of: "\n", with: "\r\n") }

    static func item(unicode: Bool = true, attachments: [OutlookMessageWriter.Attachment] = [])
        -> OutlookMessageWriter.Item
    {
        OutlookMessageWriter.Item(
            transportHeaders: headerText, unicode: unicode, subject: "Quarterly numbers",
            senderName: "Alice", senderEmail: "alice@example.org", displayTo: "Bob",
            body: "Hello Bob,\r\nthe numbers.\r\n", submitTime: 1_471_684_441, attachments: attachments)
    }

    /// Field names and values of a block, for comparing blocks read from different buffers.
    static func fields(_ block: HeaderBlock) -> [String] { block.fields.map { "\($0.name): \($0.value)" } }

    @Test(arguments: [true, false])
    func transportHeadersGiveTheChainOfTheSameMessageSavedAsEML(unicode: Bool) throws {
        let msg = try MessageIntake.read(OutlookMessageWriter.write(Self.item(unicode: unicode)).bytes)
        let eml = try MessageIntake.read(bytes(Self.eml))
        #expect(msg.chains.count == 1)
        let chain = try #require(msg.chains.first)
        #expect(chain.source == .message && chain.part == "" && chain.container == "outlook-msg")
        #expect(Self.fields(chain.headers) == Self.fields(eml.chains[0].headers))
        #expect(chain.headers.fields(named: "Received").count == 2)
        #expect(msg.findings.isEmpty)
        // A single text/plain part without transfer encoding: PR_BODY can be the body as sent.
        #expect(chain.body.map { Array($0) } == Array("Hello Bob,\r\nthe numbers.\r\n".utf8))
    }

    @Test func aBodyThatCannotBeTheSentOneIsNotOffered() throws {
        var item = Self.item()
        // "\r\n" is one Character: dropLast(1) removes the blank line.
        item.transportHeaders = Self.headerText.dropLast(1) + "Content-Type: multipart/alternative; boundary=x\r\n\r\n"
        let result = try MessageIntake.read(OutlookMessageWriter.write(item).bytes)
        #expect(result.chains[0].body == nil)
    }

    @Test func aLargeHeaderStreamIsReadFromRegularSectors() throws {
        var item = Self.item()
        let filler = (0..<120).map { "X-Filler-\($0): \(String(repeating: "a", count: 40))\r\n" }.joined()
        item.transportHeaders = Self.headerText.dropLast(1) + filler
        let result = try MessageIntake.read(OutlookMessageWriter.write(item).bytes)
        #expect(result.chains[0].headers.fields.count == 8 + 120)
        #expect(result.chains[0].headers.fields.last?.name == "X-Filler-119")
    }

    @Test func attachedItemsBecomeEmbeddedChains() throws {
        let inner = Self.item(attachments: [.item(Self.item())])
        let outer = Self.item(attachments: [
            .file(name: "notes.txt", mimeTag: "text/plain", bytes: Array("just text".utf8)),
            .item(inner),
            .file(name: "original.eml", mimeTag: "message/rfc822", bytes: bytes(Self.eml)),
            .file(name: "forwarded.msg", mimeTag: nil, bytes: OutlookMessageWriter.write(Self.item()).bytes),
        ])
        let result = try MessageIntake.read(OutlookMessageWriter.write(outer).bytes)
        #expect(result.embedded == ["2 attached-msg", "2.1 attached-msg", "3 attached-eml", "4 attached-msg"])
        for chain in result.chains { #expect(chain.headers.fields(named: "Received").count == 2) }
        #expect(result.findings.isEmpty)
    }

    @Test func anItemWithoutTransportHeadersSaysSoAndKeepsItsProperties() throws {
        let draft = OutlookMessageWriter.Item(
            subject: "Draft\r\nReceived: from forged", senderName: "Alice",
            senderEmail: "alice@example.org", displayTo: "Bob",
            submitTime: 1_471_684_441)
        let result = try MessageIntake.read(OutlookMessageWriter.write(draft).bytes)
        let chain = try #require(result.chains.first)
        #expect(chain.headers.first("Received") == nil)
        #expect(chain.headers.first("Subject")?.value == "Draft  Received: from forged")
        #expect(chain.headers.first("From")?.value == "Alice <alice@example.org>")
        #expect(chain.headers.first("Date")?.value == "Sat, 20 Aug 2016 09:14:01 +0000")
        let finding = try #require(result.findings(.unreadablePart).first)
        #expect(finding.summary.contains("has no transport headers"))
    }

    @Test func aReportItemIsADeliveryReport() throws {
        var item = Self.item()
        item.messageClass = "REPORT.IPM.Note.NDR"
        #expect(
            try MessageIntake.read(OutlookMessageWriter.write(item).bytes).reportKind
                == MessageIntake.deliveryStatusReport)
    }

    @Test func anItemAttachedToAMIMEMessageIsAnEmbeddedChain() throws {
        let msg = OutlookMessageWriter.write(Self.item()).bytes
        let mime = """
            From: carol@example.com
            Subject: fwd
            Content-Type: multipart/mixed; boundary=b

            --b
            Content-Type: text/plain

            see attached
            --b
            Content-Type: application/vnd.ms-outlook; name="q.msg"
            Content-Transfer-Encoding: base64

            \(base64(msg))
            --b--

            """
        let result = try MessageIntake.read(bytes(mime))
        #expect(result.embedded == ["2 attached-msg"])
        #expect(result.chains[1].headers.fields(named: "Received").count == 2)
    }

    // MARK: TNEF

    /// A TNEF stream with attMsgProps holding the transport headers and one attached item.
    static func tnef(headers: String?, attached: [UInt8]? = nil) -> [UInt8] {
        func le32(_ v: UInt32) -> [UInt8] { (0..<4).map { UInt8(truncatingIfNeeded: v >> (8 * UInt32($0))) } }
        func attribute(_ level: UInt8, _ id: UInt32, _ data: [UInt8]) -> [UInt8] {
            let sum = data.reduce(UInt16(0)) { $0 &+ UInt16($1) }
            return [level] + le32(id) + le32(UInt32(data.count)) + data + [UInt8(sum & 0xFF), UInt8(sum >> 8)]
        }
        func pad(_ b: [UInt8]) -> [UInt8] { b + [UInt8](repeating: 0, count: (4 - b.count % 4) % 4) }
        var out: [UInt8] = [0x78, 0x9F, 0x3E, 0x22, 0x01, 0x00]
        out += attribute(1, 0x0007_8008, Array("IPM.Note\0".utf8))
        var props = le32(headers == nil ? 1 : 2)
        props += le32(0x0E07_0003) + le32(1)  // PR_MESSAGE_FLAGS
        if let headers {
            let text = Array(headers.utf8) + [0]
            props += le32(0x007D_001E) + le32(1) + le32(UInt32(text.count)) + pad(text)
        }
        out += attribute(1, 0x0006_9003, props)
        if let attached {
            out += attribute(2, 0x0006_9002, [UInt8](repeating: 0, count: 14))
            let object =
                [0x07, 0x03, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0xC0, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x46]
                + attached
            var a = le32(2)
            a += le32(0x3705_0003) + le32(5)
            a += le32(0x3701_000D) + le32(1) + le32(UInt32(object.count)) + pad(object)
            out += attribute(2, 0x0006_9005, a)
        }
        return out
    }

    @Test func aTNEFStreamGivesItsTransportHeadersAndAttachedItems() throws {
        let stream = Self.tnef(headers: Self.headerText, attached: Self.tnef(headers: Self.headerText))
        let result = try MessageIntake.read(stream)
        #expect(result.chains.map(\.container) == ["tnef", "attached-msg"])
        for chain in result.chains {
            #expect(
                Self.fields(chain.headers) == Self.fields(try MessageIntake.read(bytes(Self.eml)).chains[0].headers))
        }
        #expect(result.findings.isEmpty)
    }

    @Test func aWinmailDatPartWithoutTransportHeadersAddsNoChain() throws {
        let mime = """
            From: carol@example.com
            Content-Type: multipart/mixed; boundary=b

            --b
            Content-Type: application/ms-tnef; name="winmail.dat"
            Content-Transfer-Encoding: base64

            \(base64(Self.tnef(headers: nil)))
            --b
            Content-Type: application/ms-tnef; name="winmail.dat"
            Content-Transfer-Encoding: base64

            \(base64(Self.tnef(headers: Self.headerText)))
            --b--

            """
        let result = try MessageIntake.read(bytes(mime))
        #expect(result.embedded == ["2 tnef"])
        #expect(result.findings.isEmpty)
    }

    @Test func aTruncatedTNEFStreamIsAPartialResult() throws {
        let stream = Self.tnef(headers: Self.headerText)
        let result = try MessageIntake.read(Array(stream.prefix(stream.count - 20)))
        #expect(result.findings(.unreadablePart).contains { $0.summary.contains("declares") })
    }

    // MARK: Hostile compound files

    static func intakeError(_ bytes: [UInt8]) -> String? {
        do {
            _ = try MessageIntake.read(bytes)
            return nil
        } catch {
            return error.message
        }
    }

    @Test func aCyclicFATChainIsAnError() {
        var file = OutlookMessageWriter.write(Self.item())
        file.setU32(UInt32(file.directorySector), at: CompoundFileWriter.Output.fatEntryOffset(file.directorySector))
        // The directory's sector now follows itself: the walk stops at the file's sector count.
        #expect(Self.intakeError(file.bytes)?.contains("a cycle") == true)
    }

    @Test func aSectorOutsideTheFileIsAnError() {
        var file = OutlookMessageWriter.write(Self.item())
        file.setU32(0x00FF_FFFF, at: 0x30)
        #expect(Self.intakeError(file.bytes)?.contains("sector 16777215 is outside") == true)
        var fat = OutlookMessageWriter.write(Self.item())
        fat.setU32(0x7FFF_FFFF, at: 0x4C)
        #expect(Self.intakeError(fat.bytes)?.contains("outside the file") == true)
    }

    @Test func aHugeDeclaredStreamSizeIsReportedNotAllocated() throws {
        var file = OutlookMessageWriter.write(Self.item())
        let entry = try #require(file.entryOffsets[OutlookMessageWriter.streamName(0x007D, 0x001F)])
        file.setU32(0xFFFF_FFF0, at: entry + 0x78)
        let result = try MessageIntake.read(file.bytes)
        #expect(result.findings(.unreadablePart).contains { $0.summary.contains("declares 4294967280 bytes") })
        // Without readable transport headers the item is read from its properties.
        #expect(result.chains[0].headers.first("Subject")?.value == "Quarterly numbers")
        var root = OutlookMessageWriter.write(Self.item())
        root.setU32(0x7FFF_FFFF, at: try #require(root.entryOffsets[""]) + 0x78)
        #expect(Self.intakeError(root.bytes)?.contains("mini stream declares") == true)
    }

    @Test func aDirectoryTreeWithACycleIsAnError() throws {
        var file = OutlookMessageWriter.write(Self.item())
        let properties = try #require(file.entryOffsets["__properties_version1.0"])
        file.setU32(0, at: properties + 0x48)  // right sibling: the root
        #expect(Self.intakeError(file.bytes)?.contains("linked twice") == true)
        var outside = OutlookMessageWriter.write(Self.item())
        outside.setU32(9999, at: properties + 0x44)
        #expect(Self.intakeError(outside.bytes)?.contains("outside the directory") == true)
    }

    @Test func deepStorageNestingStopsAtTheLimit() throws {
        var item = Self.item()
        for _ in 0..<40 { item = Self.item(attachments: [.item(item)]) }
        let result = try MessageIntake.read(OutlookMessageWriter.write(item).bytes)
        // Each attached item is two storages deep: 15 fit under the limit of 32.
        #expect(result.chains.count == 16)
        #expect(
            result.findings(.unreadablePart).contains {
                $0.summary.contains("deeper than \(CompoundFile.maxStorageDepth)")
            })
    }

    @Test func aTruncatedFileIsAnErrorOrAPartialResult() {
        let file = OutlookMessageWriter.write(Self.item(attachments: [.item(Self.item())])).bytes
        for cut in stride(from: 0, to: file.count, by: 97) {
            // Never a crash or a hang: an error, or chains with findings.
            if let result = try? MessageIntake.read(Array(file.prefix(cut))) {
                #expect(!result.chains.isEmpty)
            }
        }
        #expect(Self.intakeError(Array(file.prefix(300)))?.contains("header") == true)
    }

    @Test func tooManyDirectoryEntriesIsAnError() {
        let streams = (0..<(CompoundFile.maxDirectoryEntries + 1)).map { CompoundFileWriter.Node.stream("s\($0)", []) }
        #expect(Self.intakeError(CompoundFileWriter.write(streams).bytes)?.contains("directory entries") == true)
    }

    @Test func everyByteFlippedStillEndsCleanly() {
        let file = OutlookMessageWriter.write(Self.item(attachments: [.item(Self.item())])).bytes
        var seed: UInt64 = 0x9E37_79B9_7F4A_7C15
        for _ in 0..<400 {
            var copy = file
            for _ in 0..<8 {
                seed = seed &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
                copy[Int(seed >> 33) % copy.count] = UInt8(truncatingIfNeeded: seed >> 17)
            }
            _ = try? MessageIntake.read(copy)
        }
    }
}

/// Base64 with 76-character lines.
func base64(_ data: [UInt8]) -> String {
    let table = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/")
    var out = ""
    var i = 0
    while i < data.count {
        let b0 = UInt32(data[i])
        let b1 = i + 1 < data.count ? UInt32(data[i + 1]) : 0
        let b2 = i + 2 < data.count ? UInt32(data[i + 2]) : 0
        let n = b0 << 16 | b1 << 8 | b2
        out.append(table[Int(n >> 18 & 63)])
        out.append(table[Int(n >> 12 & 63)])
        out.append(i + 1 < data.count ? table[Int(n >> 6 & 63)] : "=")
        out.append(i + 2 < data.count ? table[Int(n & 63)] : "=")
        i += 3
        if i % 57 == 0 { out.append("\n") }
    }
    return out
}

/// The bounds on message files inside message files.
@Suite struct OutlookNestingLimitTests {
    @Test func messageFilesNestDeeperThanTheLimitAreNotRead() throws {
        var bytes = OutlookMessageWriter.write(OutlookMessageTests.item()).bytes
        for _ in 0..<(Limits.maxMIMEDepth + 2) {
            bytes =
                OutlookMessageWriter.write(
                    OutlookMessageTests.item(attachments: [
                        .file(name: "inner.msg", mimeTag: nil, bytes: bytes)
                    ])
                ).bytes
        }
        let result = try MessageIntake.read(bytes)
        #expect(result.chains.count == Limits.maxMIMEDepth + 1)
        #expect(
            result.findings(.limitReached).contains { $0.summary.contains("nested deeper than \(Limits.maxMIMEDepth)") }
        )
    }

    @Test func nestedMessageFilesShareOneByteBudget() throws {
        // Two nested items of about 33 MiB each: together more than Limits.maxInputBytes.
        var inner = OutlookMessageTests.item()
        inner.body = String(repeating: "a", count: 17 * 1024 * 1024)  // UTF-16: 34 MiB
        let innerBytes = OutlookMessageWriter.write(inner).bytes
        let outer = OutlookMessageWriter.write(
            OutlookMessageTests.item(attachments: [
                .file(name: "big.msg", mimeTag: nil, bytes: innerBytes)
            ])
        ).bytes
        #expect(outer.count <= Limits.maxInputBytes)
        let result = try MessageIntake.read(outer)
        #expect(result.chains.count == 1)
        #expect(
            result.findings(.limitReached).contains {
                $0.summary.contains("exceed \(Limits.maxInputBytes) bytes in all")
            })
    }
}
