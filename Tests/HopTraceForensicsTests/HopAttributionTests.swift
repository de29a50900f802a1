import HopTraceForensics
import Testing

/// The position rule every attribution shares: a field belongs to the first Received below it.
struct HopPositionTests {
    @Test(
        arguments: [
            // (header index, Received indexes, expected position in receivedIndexes)
            (1, [0, 4, 5], 1),  // fields prepended with the hMailServer hop's Received at 4
            (3, [0, 4, 5], 1),
            (4, [0, 4, 5], 2),  // a Received itself belongs to the one below it, never to itself
            (0, [2, 6, 9], 0),  // above every Received: the newest hop
            (7, [2, 6, 9], 2),
            (10, [2, 6, 9], nil),  // below every Received
            (5, [9, 2, 6], 2),  // order of the array does not matter; the position is returned
            (5, [], nil),
        ] as [(Int, [Int], Int?)])
    func hopBelow(_ header: Int, _ received: [Int], _ expected: Int?) {
        #expect(HopAttribution.hopBelow(headerIndex: header, receivedIndexes: received) == expected)
    }

    /// The article's Raynet case prints hMailServer's fields under every Received: position
    /// alone names no hop (hMailServer appends its fields).
    @Test func belowEveryReceivedNamesNoHop() {
        #expect(HopAttribution.hopBelow(headerIndex: 4, receivedIndexes: [0, 1, 2]) == nil)
    }
}
