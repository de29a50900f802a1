/// The bounds the MaxMind reader enforces on data it decodes.
///
/// libmaxminddb validates offsets and sizes against the file (and has its own nesting limit),
/// but a database is a file the user downloaded from somewhere, so the Swift side never trusts
/// it either: every value it copies out is bounded by one of these numbers. Real GeoIP2/GeoLite2
/// and DB-IP records are far inside them (a GeoIP2-City record is about 5 levels deep and a few
/// hundred values; the longest names are under 200 bytes).
public enum GeoLimits {
    /// Deepest map/array nesting decoded in a record (`MaxMindDatabase.record(for:)`).
    public static let maxValueDepth = 32
    /// Most values (map keys count as values) decoded from one record.
    public static let maxValueCount = 10_000
    /// Longest string or byte string copied out of a database (bytes). A longer one makes the
    /// record invalid rather than being cut: no real database has one, so it means corruption.
    public static let maxStringBytes = 16 * 1024
}
