import HopTraceCore

@testable import HopTraceMessage

/// Test helpers. Fixtures are written inline in the test files with LF line ends; `crlf`
/// converts them where a test needs wire-format line ends.
func bytes(_ s: String) -> [UInt8] { Array(s.utf8) }

func crlf(_ s: String) -> [UInt8] { Array(s.replacingOccurrences(of: "\n", with: "\r\n").utf8) }

extension IntakeResult {
    /// (part, container) of each embedded chain, for compact assertions.
    var embedded: [String] {
        chains.filter { $0.source == .embedded }.map { "\($0.part) \($0.container)" }
    }
    func findings(_ kind: FindingKind) -> [Finding] { findings.filter { $0.kind == kind } }
}

/// A short original message used inside bounces and reports.
let originalHeaders = """
    Return-Path: <alice@example.org>
    Received: from mail.example.org (mail.example.org [192.0.2.10])
    \tby mx.example.net (Postfix) with ESMTPS id 4F2A1;
    \tSat, 20 Aug 2016 09:14:02 +0000
    Received: from [10.0.0.5] (unknown [198.51.100.7])
    \tby mail.example.org (Postfix) with ESMTPSA id 11AA;
    \tSat, 20 Aug 2016 09:14:01 +0000
    From: Alice <alice@example.org>
    To: bob@example.net
    Subject: Quarterly numbers
    Message-ID: <orig-1@example.org>
    Date: Sat, 20 Aug 2016 10:14:00 +0100
    """
