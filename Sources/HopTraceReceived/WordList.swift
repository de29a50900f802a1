/// The words of a clause (`with`, `via`) and the text they are read as, joined by one space as
/// they come: the keyword is made once (the one word itself when there is one, no copy) however
/// often it is asked for, and a clause of one word keeps no array.
struct WordList {
    /// The words so far, joined by one space.
    private(set) var text = ""
    private(set) var count = 0
    /// The words after the first.
    private var more: [String] = []
    /// Bytes of the first word at the start of `text`.
    private var firstLength = 0

    init() {}

    init(_ words: [String]) {
        for w in words { append(w) }
    }

    var isEmpty: Bool { count == 0 }

    /// The words, in order.
    var words: [String] { count == 0 ? [] : [first] + more }

    private var first: String {
        count == 1 ? text : String(text[..<text.utf8.index(text.startIndex, offsetBy: firstLength)])
    }

    mutating func append(_ w: String) {
        if count == 0 {
            text = w
            firstLength = w.utf8.count
        } else {
            text += " "
            text += w
            more.append(w)
        }
        count += 1
    }
}
