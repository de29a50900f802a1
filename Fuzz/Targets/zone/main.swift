// A DNS snapshot (zone file, as --dns-snapshot reads it). What parses is written back as
// --save-dns writes it, and that text must parse again: a snapshot hoptrace saved is one it reads.
import FuzzSupport
import HopTraceDNS

FuzzDriver.run { data, size in
    guard let zone = try? ZoneFile(parsing: FuzzDriver.bytes(data, size)) else { return 0 }
    let text = zone.text()
    do {
        _ = try ZoneFile(parsing: text)
    } catch {
        FuzzCheck.fail("the written zone does not parse again: \(error)\n\(text)")
    }
    return 0
}
