/// The words of a clause (`with`, `via`) read as one text, joined by one space as they come: the
/// keyword is made once (the one word itself when there is one, no copy) however often it is
/// asked for, and no list of the words is kept.
struct WordList {
    /// The words so far, joined by one space.
    private(set) var text = ""
    private(set) var count = 0

    init() {}

    init(_ words: [String]) {
        for w in words { append(w) }
    }

    var isEmpty: Bool { count == 0 }

    mutating func append(_ w: String) {
        if count == 0 {
            text = w
        } else {
            text += " "
            text += w
        }
        count += 1
    }
}
