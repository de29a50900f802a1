import Testing

@testable import HopTraceReceived

struct DateCase: Sendable, CustomTestStringConvertible {
    let text: String
    let iso: String
    let offset: Int?
    var testDescription: String { text }
}

@Test(arguments: [
    DateCase(text: "Fri, 14 Nov 2003 09:05:49 +0100 (CET)", iso: "2003-11-14T08:05:49Z", offset: 3600),
    DateCase(text: "Tue,  3 Jul 2018 14:40:19 +0200 (CEST)", iso: "2018-07-03T12:40:19Z", offset: 7200),
    DateCase(text: "14 Nov 2003 08:05:52 -0000", iso: "2003-11-14T08:05:52Z", offset: 0),
    DateCase(text: "8 Mar 2004 23:59:05 -0000", iso: "2004-03-08T23:59:05Z", offset: 0),
    DateCase(text: "Sat, 15 Mar 2003 00:38:03 GMT", iso: "2003-03-15T00:38:03Z", offset: 0),
    DateCase(text: "Sat, 15 Mar 2003 00:38:03 UT", iso: "2003-03-15T00:38:03Z", offset: 0),
    DateCase(text: "Sat, 15 Mar 2003 00:38:03 EST", iso: "2003-03-15T05:38:03Z", offset: -18000),
    DateCase(text: "Sat, 15 Mar 2003 00:38:03 EDT", iso: "2003-03-15T04:38:03Z", offset: -14400),
    DateCase(text: "Sat, 15 Mar 2003 00:38:03 CST", iso: "2003-03-15T06:38:03Z", offset: -21600),
    DateCase(text: "Sat, 15 Mar 2003 00:38:03 CDT", iso: "2003-03-15T05:38:03Z", offset: -18000),
    DateCase(text: "Sat, 15 Mar 2003 00:38:03 MST", iso: "2003-03-15T07:38:03Z", offset: -25200),
    DateCase(text: "Sat, 15 Mar 2003 00:38:03 MDT", iso: "2003-03-15T06:38:03Z", offset: -21600),
    DateCase(text: "Sat, 14 Feb 2004 11:53:49 PST", iso: "2004-02-14T19:53:49Z", offset: -28800),
    DateCase(text: "Sat, 14 Feb 2004 11:53:49 PDT", iso: "2004-02-14T18:53:49Z", offset: -25200),
    // Military zones: RFC 5322 §4.3 says read them as -0000.
    DateCase(text: "Sat, 14 Feb 2004 11:53:49 Z", iso: "2004-02-14T11:53:49Z", offset: 0),
    DateCase(text: "Sat, 14 Feb 2004 11:53:49 A", iso: "2004-02-14T11:53:49Z", offset: 0),
    DateCase(text: "Sat, 14 Feb 2004 11:53:49 +0530", iso: "2004-02-14T06:23:49Z", offset: 19800),
    DateCase(text: "Sat, 14 Feb 2004 11:53:49 -0930", iso: "2004-02-14T21:23:49Z", offset: -34200),
    // Two-digit years: 00–49 are 20xx, 50–99 are 19xx (RFC 5322 §4.3).
    DateCase(text: "Mon, 5 Jan 04 06:17:31 +0000", iso: "2004-01-05T06:17:31Z", offset: 0),
    DateCase(text: "Thu, 5 Jan 98 06:17:31 +0000", iso: "1998-01-05T06:17:31Z", offset: 0),
    // Three-digit years: add 1900.
    DateCase(text: "Mon, 5 Jan 104 06:17:31 +0000", iso: "2004-01-05T06:17:31Z", offset: 0),
    // Fractional seconds (SendGrid), full names, extra spaces, no seconds, zone missing.
    DateCase(text: "Thu, 02 Apr 2020 07:53:55.516 +0000 (UTC)", iso: "2020-04-02T07:53:55Z", offset: 0),
    DateCase(text: "Thursday, 2 April 2020 07:53:55 +0000", iso: "2020-04-02T07:53:55Z", offset: 0),
    DateCase(text: "  Wed,   8 Sep 2010   00:50:57   -0500  ", iso: "2010-09-08T05:50:57Z", offset: -18000),
    DateCase(text: "Wed, 8 Sep 2010 00:50 -0500", iso: "2010-09-08T05:50:00Z", offset: -18000),
    DateCase(text: "Wed, 8 Sep 2010 00:50:57", iso: "2010-09-08T00:50:57Z", offset: nil),
    DateCase(text: "Mon, 6 May 2019 15:03:29 +0800 ", iso: "2019-05-06T07:03:29Z", offset: 28800),
    // Leap day, end of year across the zone.
    DateCase(text: "Thu, 29 Feb 2024 23:30:00 -0100", iso: "2024-03-01T00:30:00Z", offset: -3600),
    DateCase(text: "Thu, 31 Dec 2015 23:59:59 -0800", iso: "2016-01-01T07:59:59Z", offset: -28800),
    DateCase(text: "Sat, 1 Jan 2000 00:00:00 +1400", iso: "1999-12-31T10:00:00Z", offset: 50400),
    // Go time.Time (SendGrid filter hops).
    DateCase(
        text: "2020-08-27 00:57:28.235008524 +0000 UTC m=+92278.764015266", iso: "2020-08-27T00:57:28Z", offset: 0),
    DateCase(text: "2021-03-04 05:06:07 -0700 MST", iso: "2021-03-04T12:06:07Z", offset: -25200),
    // Non-ASCII text goes the Character way: a no-break space still separates, full names work.
    DateCase(text: "Mon, 3 Feb 2025\u{A0}10:00:05 +0000", iso: "2025-02-03T10:00:05Z", offset: 0),
    DateCase(
        text: "Thursday, 6 September 2012 07:08:09.5 +0100 (Mitteleuropäische Zeit)", iso: "2012-09-06T06:08:09Z",
        offset: 3600),
])
func dateParses(_ c: DateCase) {
    let (ts, leftover) = MailDateParser.parse(c.text)
    #expect(ts?.iso8601 == c.iso)
    #expect(ts?.offsetSeconds == c.offset)
    #expect(ts?.raw == String(c.text.trimmedSpaces))
    #expect(leftover == nil)
}

@Test(arguments: [
    "Mon, 30 Feb 2004 10:00:00 +0000",  // no such day
    "Mon, 29 Feb 2023 10:00:00 +0000",  // not a leap year
    "Mon, 1 Jan 2004 24:00:00 +0000",  // hour out of range
    "Mon, 1 Jan 2004 10:60:00 +0000",  // minute out of range
    "Mon, 1 Foo 2004 10:00:00 +0000",  // no such month
    "yesterday",
    "Mon, 1 Jan",
    "2020-13-01 00:00:00 +0000 UTC",  // Go date with month 13
])
func invalidDateIsNilAndKept(_ text: String) {
    let h = ReceivedParser.parse("by mx.example with ESMTP id 1; \(text)")
    #expect(h.timestamp == nil)
    #expect(h.unparsed == [text])
}

/// The time of day, read byte by byte: `hh:mm`, `hh:mm:ss`, a fraction of up to nine digits.
@Test(arguments: [
    ("10:30", true), ("10:30:15", true), ("9:5:1", true), ("10:30:15.123456789", true), ("10:30.5", true),
    ("10:30:15.1234567890", false), ("10:30.", false), ("10:30:15.1.2", false), ("10", false), (":30", false),
    ("10::30", false), ("10:30:", false), ("1:2:3:4", false), ("100:30", false), ("10:30x", false),
    ("１0:30", false), ("", false), ("10.5", false),
])
func timeOfDayShapes(text: String, valid: Bool) {
    #expect((MailDateParser.timeOfDay(Substring(text)) != nil) == valid)
}

@Test func timeOfDayValues() {
    #expect(MailDateParser.timeOfDay("07:08:09.5")! == (7, 8, 9))
    #expect(MailDateParser.timeOfDay("23:59")! == (23, 59, 0))
}

@Test func trailingJunkAfterDateIsKept() {
    let h = ReceivedParser.parse("by mx.example with ESMTP; Mon, 1 Jan 2024 10:00:00 +0000 trailing words")
    #expect(h.timestamp?.iso8601 == "2024-01-01T10:00:00Z")
    #expect(h.unparsed == ["trailing words"])
}

@Test func unixEpochAndFarDatesRoundTrip() {
    #expect(MailDateParser.parse("1 Jan 1970 00:00:00 +0000").timestamp?.utcSeconds == 0)
    #expect(MailDateParser.parse("1 Jan 1969 00:00:00 +0000").timestamp?.iso8601 == "1969-01-01T00:00:00Z")
    #expect(MailDateParser.parse("31 Dec 9999 23:59:59 +0000").timestamp?.iso8601 == "9999-12-31T23:59:59Z")
    #expect(MailDateParser.parse("1 Mar 2100 00:00:00 +0000").timestamp?.iso8601 == "2100-03-01T00:00:00Z")
}

@Test func goDateWithoutSemicolonIsTheTimestamp() {
    let h = ReceivedParser.parse(
        "by filter1586p1las1.sendgrid.net with SMTP id filter1586p1las1-20176-5F4704F8-8 2020-08-27 00:57:28.235008524 +0000 UTC m=+92278.764015266"
    )
    #expect(h.id == "filter1586p1las1-20176-5F4704F8-8")
    #expect(h.timestamp?.utcSeconds == 1_598_489_848)
    #expect(h.timestamp?.raw == "2020-08-27 00:57:28.235008524 +0000 UTC m=+92278.764015266")
    #expect(h.unparsed.isEmpty)
}
