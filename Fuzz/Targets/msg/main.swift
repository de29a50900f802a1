// Outlook items (MS-CFB compound files) and TNEF streams, told by content as the command does:
// the compound file reader walked entry by entry with every stream read, then the whole intake.
import FuzzSupport
import HopTraceMessage

FuzzDriver.run { data, size in
    let bytes = FuzzDriver.bytes(data, size)
    if CompoundFile.isCompoundFile(bytes), let file = try? CompoundFile(bytes) {
        for entry in file.entries where entry.kind == .stream { _ = try? file.read(entry) }
    }
    _ = try? MessageIntake.read(bytes)
    return 0
}
