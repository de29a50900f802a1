import HopTraceCore

/// TNEF streams (MS-OXTNEF), the `winmail.dat` / application/ms-tnef attachments Exchange and
/// Outlook send: the message's MAPI properties (attMsgProps), and per attachment its
/// properties (attAttachment) and bytes (attAttachData). An attached item is a PT_OBJECT
/// PR_ATTACH_DATA_OBJ holding a TNEF stream of its own.
///
/// Every length is checked against the bytes left; attached items nest at most
/// `Limits.maxMIMEDepth` deep.
enum TNEF {
    /// 0x223E9F78, little-endian.
    static let signature: [UInt8] = [0x78, 0x9F, 0x3E, 0x22]

    static let levelAttachment: UInt8 = 0x02
    static let attMsgProps: UInt32 = 0x0006_9003
    static let attAttachRendData: UInt32 = 0x0006_9002
    static let attAttachment: UInt32 = 0x0006_9005
    static let attAttachData: UInt32 = 0x0006_800F
    static let attAttachTitle: UInt32 = 0x0001_8010
    static let attSubject: UInt32 = 0x0001_8004
    static let attMessageClass: UInt32 = 0x0007_8008

    static func isTNEF(_ bytes: [UInt8]) -> Bool {
        bytes.count >= 6 && bytes[0..<4].elementsEqual(signature)
    }

    /// Reads a TNEF stream; what cannot be read is in the message's `problems`.
    static func read(_ bytes: [UInt8], depth: Int = 0) -> MAPIMessage {
        var message = MAPIMessage()
        var o = 6  // signature and legacy key
        var attachment: MAPIAttachment?
        func finishAttachment() {
            if let a = attachment { message.attachments.append(a) }
            attachment = nil
        }
        while o < bytes.count {
            guard o + 9 <= bytes.count else {
                message.problems.append("the TNEF stream ends inside an attribute header at byte \(o)")
                break
            }
            let level = bytes[o]
            let id = CompoundFile.u32(bytes, o + 1)
            let length = Int(CompoundFile.u32(bytes, o + 5))
            let start = o + 9
            guard length <= bytes.count - start - 2 else {
                message.problems.append(
                    "TNEF attribute 0x\(String(id, radix: 16)) at byte \(o) declares \(length) bytes; \(max(0, bytes.count - start)) remain"
                )
                break
            }
            let data = Array(bytes[start..<(start + length)])
            o = start + length + 2  // checksum
            switch id {
            case attMsgProps where level != levelAttachment:
                var noAttachment: MAPIAttachment?
                properties(data, into: &message, depth: depth, attachmentValue: &noAttachment)
            case attSubject where level != levelAttachment:
                if message.strings[MAPIMessage.Property.subject] == nil {
                    message.strings[MAPIMessage.Property.subject] = MAPIMessage.string8(MAPIMessage.trimmedNUL(data))
                }
            case attMessageClass where level != levelAttachment:
                if message.strings[MAPIMessage.Property.messageClass] == nil {
                    message.strings[MAPIMessage.Property.messageClass] = MAPIMessage.string8(
                        MAPIMessage.trimmedNUL(data))
                }
            case attAttachRendData:
                finishAttachment()
                attachment = MAPIAttachment(content: .none)
            case attAttachTitle:
                if var a = attachment, a.filename == nil {
                    a.filename = MAPIMessage.string8(MAPIMessage.trimmedNUL(data))
                    attachment = a
                }
            case attAttachData:
                if var a = attachment, case .none = a.content {
                    a.content = .bytes(data)
                    attachment = a
                }
            case attAttachment:
                var props = MAPIMessage()
                var current: MAPIAttachment? = attachment ?? MAPIAttachment(content: .none)
                properties(data, into: &props, depth: depth, attachmentValue: &current)
                message.problems += props.problems
                var a = current!
                a.filename =
                    props.strings[MAPIMessage.Property.attachLongFilename] ?? a.filename
                    ?? props.strings[MAPIMessage.Property.attachFilename]
                a.mimeTag = props.strings[MAPIMessage.Property.attachMIMETag] ?? a.mimeTag
                attachment = a
            default:
                break
            }
        }
        finishAttachment()
        return message
    }

    /// IID_IMessage {00020307-0000-0000-C000-000000000046}: a PT_OBJECT that is an attached item.
    private static let iidMessage: [UInt8] = [
        0x07, 0x03, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00,
        0xC0, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x46,
    ]

    /// A MAPI property list (MS-OXTNEF 2.1.3.4): count, then each property's tag, its name when
    /// named (id ≥ 0x8000), and its value(s), every value padded to four bytes.
    private static func properties(
        _ d: [UInt8], into message: inout MAPIMessage, depth: Int,
        attachmentValue: inout MAPIAttachment?
    ) {
        var o = 0
        func take(_ n: Int) -> Int? {
            guard n >= 0, n <= d.count - o else { return nil }
            defer { o += n }
            return o
        }
        func padded(_ n: Int) -> Int { (n + 3) & ~3 }
        guard let c = take(4) else { return }
        let count = Int(CompoundFile.u32(d, c))
        var read = 0
        while read < count {
            read += 1
            guard let t = take(4) else { return truncated(&message) }
            let tag = CompoundFile.u32(d, t)
            let type = UInt16(tag & 0xFFFF)
            let id = UInt16(tag >> 16)
            if id >= 0x8000 {
                guard take(16) != nil, let k = take(4) else { return truncated(&message) }
                if CompoundFile.u32(d, k) == 0 {
                    guard take(4) != nil else { return truncated(&message) }
                } else {
                    guard let l = take(4), take(padded(Int(CompoundFile.u32(d, l)))) != nil else {
                        return truncated(&message)
                    }
                }
            }
            let multi = type & 0x1000 != 0
            let base = type & ~0x1000
            var values = 1
            let variable = [
                MAPIMessage.PropertyType.string8, MAPIMessage.PropertyType.unicode,
                MAPIMessage.PropertyType.binary, MAPIMessage.PropertyType.object,
            ].contains(base)
            if multi || variable {
                guard let n = take(4) else { return truncated(&message) }
                values = Int(CompoundFile.u32(d, n))
                guard values <= (d.count - o) / 4 else { return truncated(&message) }
            }
            for v in 0..<values {
                if variable {
                    guard let l = take(4) else { return truncated(&message) }
                    let length = Int(CompoundFile.u32(d, l))
                    guard let s = take(padded(length)), length <= d.count - s else { return truncated(&message) }
                    guard v == 0, !multi else { continue }
                    let value = Array(d[s..<(s + length)])
                    if base == MAPIMessage.PropertyType.string8 || base == MAPIMessage.PropertyType.unicode {
                        message.setString(id, type: base, bytes: value)
                    } else if id == MAPIMessage.Property.attachData, attachmentValue != nil {
                        attachmentValue!.content = attachedContent(
                            value, base: base, depth: depth, problems: &message.problems)
                    }
                    continue
                }
                let size: Int
                switch base {
                case 0x0002, 0x0003, 0x0004, 0x000A, 0x000B: size = 4
                case 0x0005, 0x0006, 0x0007, 0x0014, MAPIMessage.PropertyType.systime: size = 8
                case 0x0048: size = 16
                default:
                    message.problems.append(
                        "TNEF property 0x\(String(tag, radix: 16)) has a type this reader does not know; the rest of the list was not read"
                    )
                    return
                }
                guard let s = take(size) else { return truncated(&message) }
                guard v == 0, !multi else { continue }
                if base == MAPIMessage.PropertyType.long {
                    message.integers[id] = CompoundFile.u32(d, s)
                } else if base == MAPIMessage.PropertyType.systime {
                    message.times[id] = MAPIMessage.utcSeconds(
                        filetime: UInt64(CompoundFile.u32(d, s)) | UInt64(CompoundFile.u32(d, s + 4)) << 32)
                }
            }
        }
    }

    private static func attachedContent(_ value: [UInt8], base: UInt16, depth: Int, problems: inout [String])
        -> MAPIAttachment.Content
    {
        guard base == MAPIMessage.PropertyType.object else { return .bytes(value) }
        guard value.count >= 16, value[0..<16].elementsEqual(iidMessage) else { return .none }
        let inner = Array(value[16...])
        guard depth < Limits.maxMIMEDepth else {
            problems.append("attached items nested deeper than \(Limits.maxMIMEDepth) levels were not read")
            return .none
        }
        guard isTNEF(inner) else {
            problems.append("an attached item is not a TNEF stream")
            return .none
        }
        return .message(read(inner, depth: depth + 1))
    }

    private static func truncated(_ message: inout MAPIMessage) {
        message.problems.append("a TNEF property list ends inside a property")
    }
}
