import NIOCore

/// The batch answer `{"admitted": n, "refused": n, "results": [...]}`, written by hand: the
/// same JSON the synthesized encoding gives (nil fields left out), without JSONEncoder.
struct AdmissionBatchWriter {
    private(set) var results: ByteBuffer
    private(set) var admitted = 0
    private(set) var count = 0

    init(allocator: ByteBufferAllocator, items: Int) {
        results = allocator.buffer(capacity: 16 + items * 96)
    }

    /// The response body: the counts, then the results in item order.
    func body(allocator: ByteBufferAllocator) -> ByteBuffer {
        var buffer = allocator.buffer(capacity: results.readableBytes + 64)
        buffer.writeStaticString("{\"admitted\":")
        Self.writeDecimal(admitted, &buffer)
        buffer.writeStaticString(",\"refused\":")
        Self.writeDecimal(count - admitted, &buffer)
        buffer.writeStaticString(",\"results\":[")
        buffer.writeImmutableBuffer(results)
        buffer.writeStaticString("]}")
        return buffer
    }

    /// An admission's fields as sent: their content had no escapes, so it holds no quote,
    /// backslash or control character and is valid UTF-8 (`AdmissionBatchReader`): copied as is.
    struct Admitted {
        let account: UnsafeRawBufferPointer
        let message: UnsafeRawBufferPointer?
        let channel: UnsafeRawBufferPointer

        /// The field names, an index and separators fit in 128 bytes.
        var capacity: Int { 128 + account.count + (message?.count ?? 0) + channel.count }
    }

    /// An admitted answer's keys; the raw values are the JSON names, which the sorted order sorts.
    private enum Key: String {
        case accountSid = "account_sid", admitted, channel, index, messageSid = "message_sid"
    }

    /// A batch's results lead with `admitted` and `index`, as `write(_:)` writes every result.
    private static let batchOrder: [Key] = [.admitted, .index, .accountSid, .messageSid, .channel]
    /// A single admission's answer has the bytes `JSONEncoder.trustDesk` gives: sorted keys.
    private static let sortedOrder: [Key] = batchOrder.sorted { $0.rawValue < $1.rawValue }

    mutating func writeAdmitted(index: Int, _ fields: Admitted) {
        let comma = count > 0
        count += 1
        admitted += 1
        // One reservation and plain copies: thousands of small ByteBuffer writes were a tenth of
        // the batch's time.
        results.writeWithUnsafeMutableBytes(minimumWritableBytes: fields.capacity) { target in
            var cursor = Cursor(target: target)
            if comma { cursor.append(",") }
            Self.appendAdmitted(fields, index: index, order: Self.batchOrder, to: &cursor)
            return cursor.written
        }
    }

    /// One admission's answer, the bytes `JSONEncoder.trustDesk` gives (sorted keys).
    static func admittedObject(_ fields: Admitted, allocator: ByteBufferAllocator) -> ByteBuffer {
        var buffer = allocator.buffer(capacity: fields.capacity)
        buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: fields.capacity) { target in
            var cursor = Cursor(target: target)
            appendAdmitted(fields, index: nil, order: sortedOrder, to: &cursor)
            return cursor.written
        }
        return buffer
    }

    /// The one writer of an admitted object, with its keys in `order`; without an index, no
    /// `index` key (a single admission), without a message SID no `message_sid`.
    private static func appendAdmitted(_ fields: Admitted, index: Int?, order: [Key], to cursor: inout Cursor) {
        var separate = false
        func key(_ text: StaticString) {
            if separate { cursor.append(",") }
            separate = true
            cursor.append(text)
        }
        func text(_ value: UnsafeRawBufferPointer) {
            cursor.append(value)
            cursor.append("\"")
        }
        cursor.append("{")
        for field in order {
            switch field {
            case .admitted:
                key("\"admitted\":true")
            case .index:
                guard let index else { continue }
                key("\"index\":")
                cursor.appendDecimal(index)
            case .accountSid:
                key("\"account_sid\":\"")
                text(fields.account)
            case .messageSid:
                guard let message = fields.message else { continue }
                key("\"message_sid\":\"")
                text(message)
            case .channel:
                key("\"channel\":\"")
                text(fields.channel)
            }
        }
        cursor.append("}")
    }

    /// Appends into reserved bytes; never past them (copies are clipped to what is left).
    private struct Cursor {
        let target: UnsafeMutableRawBufferPointer
        var written = 0

        mutating func append(_ bytes: UnsafeRawBufferPointer) {
            let count = min(bytes.count, target.count - written)
            guard count > 0, let source = bytes.baseAddress, let destination = target.baseAddress else { return }
            (destination + written).copyMemory(from: source, byteCount: count)
            written += count
        }

        mutating func append(_ literal: StaticString) {
            append(UnsafeRawBufferPointer(start: literal.utf8Start, count: literal.utf8CodeUnitCount))
        }

        mutating func appendDecimal(_ value: Int) {
            var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)
            withUnsafeMutableBytes(of: &digits) { storage in
                var magnitude = value.magnitude, start = storage.count
                repeat {
                    start -= 1
                    storage[start] = UInt8(ascii: "0") + UInt8(magnitude % 10)
                    magnitude /= 10
                } while magnitude > 0
                if value < 0 {
                    start -= 1
                    storage[start] = UInt8(ascii: "-")
                }
                append(UnsafeRawBufferPointer(rebasing: storage[start...]))
            }
        }
    }

    mutating func write(_ result: AdmissionDTO) {
        separate()
        if result.admitted { admitted += 1 }
        Self.write(result, to: &results)
    }

    private mutating func separate() {
        if count > 0 { results.writeStaticString(",") }
        count += 1
    }

    static func write(_ result: AdmissionDTO, to buffer: inout ByteBuffer) {
        buffer.writeStaticString(result.admitted ? "{\"admitted\":true" : "{\"admitted\":false")
        if let index = result.index {
            buffer.writeStaticString(",\"index\":")
            writeDecimal(index, &buffer)
        }
        field("account_sid", result.accountSid, &buffer)
        field("message_sid", result.messageSid, &buffer)
        field("channel", result.channel, &buffer)
        if let code = result.errorCode {
            buffer.writeStaticString(",\"error_code\":")
            writeDecimal(code, &buffer)
        }
        field("error_message", result.errorMessage, &buffer)
        if let limit = result.dailyLimit {
            buffer.writeStaticString(",\"daily_limit\":")
            writeDecimal(limit, &buffer)
        }
        field("standing", result.standing, &buffer)
        buffer.writeStaticString("}")
    }

    static func writeDecimal(_ value: Int, _ buffer: inout ByteBuffer) {
        buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: 24) { target in
            var cursor = Cursor(target: target)
            cursor.appendDecimal(value)
            return cursor.written
        }
    }

    private static func field(_ name: String, _ value: String?, _ buffer: inout ByteBuffer) {
        guard let value else { return }
        buffer.writeString(",\"\(name)\":\"")
        if value.utf8.allSatisfy({ $0 >= 0x20 && $0 != 0x22 && $0 != 0x5C }) {
            buffer.writeString(value)
            buffer.writeStaticString("\"")
            return
        }
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": buffer.writeStaticString("\\\"")
            case "\\": buffer.writeStaticString("\\\\")
            case "\n": buffer.writeStaticString("\\n")
            case "\r": buffer.writeStaticString("\\r")
            case "\t": buffer.writeStaticString("\\t")
            default:
                if scalar.value < 0x20 {
                    let hex = String(scalar.value, radix: 16)
                    buffer.writeString("\\u" + String(repeating: "0", count: 4 - hex.count) + hex)
                } else {
                    buffer.writeString(String(scalar))
                }
            }
        }
        buffer.writeStaticString("\"")
    }
}
