import HopTraceForensics

/// Words of the text report that are not the forensics' own: the short form a hop's line
/// takes for a reason that repeats, with the explanation said once in a numbered note.
enum TextReportText {
    /// Why SPF was not replayed at a hop: a few words for the hop's line, and the
    /// explanation for the note they refer to (nil when the words say it all). The same reason
    /// on several hops gives the same note text, so the note is printed once.
    static func skip(_ s: SPFReplaySkip) -> (short: String, note: String?) {
        switch s {
        case .offline:
            return ("offline", FindingsText.text(ForensicsNote.offline))
        case .internalAddress(_, let scope):
            return (
                "\(scope.rawValue) address",
                "A \(scope.rawValue) address cannot be in a public SPF record unless the domain lists it; "
                    + "SPF is not replayed for such a client when no receiver recorded SPF for it"
            )
        case .noSender:
            return (FindingsText.text(s), nil)
        case .notChecked(let why, let originHop):
            let origin = FindingsText.spfOrigin(originHop)
            switch why {
            case .authenticatedSubmission(let keyword):
                return (
                    "authenticated submission (\(keyword))",
                    "An authenticated submission's client is the sender's own user, not a server SPF checks; \(origin)"
                )
            case .insideSenderOrganisation(let org):
                let owner = org ?? "the sender's organisation"
                return (
                    "internal hop of \(owner)",
                    "A hop whose client and receiver both belong to \(owner) is internal, not one SPF checks; \(origin)"
                )
            }
        }
    }

    /// The line that refers back to notes an earlier chain printed.
    static func notesAbove(_ numbers: [Int]) -> String {
        (numbers.count == 1 ? "note " : "notes ") + numbers.map(String.init).joined(separator: ", ") + ": see above"
    }
}

/// The notes of one text report: each distinct text numbered once, in order of first use.
struct NoteBook {
    private(set) var texts: [String] = []
    private var numbers: [String: Int] = [:]

    /// The number of `text`, and whether this call gave it (true: not printed yet).
    mutating func number(_ text: String) -> (number: Int, isNew: Bool) {
        if let n = numbers[text] { return (n, false) }
        texts.append(text)
        numbers[text] = texts.count
        return (texts.count, true)
    }
}
