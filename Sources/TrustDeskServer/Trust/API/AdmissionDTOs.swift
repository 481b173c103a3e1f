import Foundation
import NIOCore
import TrustDeskCore
import Vapor

struct AdmissionBody: StrictContent {
    static let allowedFields: Set<String> = ["account_sid", "channel", "message_sid"]
    static let emptyBodyMessage = "account_sid: the body is empty; send account_sid and channel, and optionally message_sid."
    let accountSid: String?
    let channel: String?
    let messageSid: String?

    enum CodingKeys: String, CodingKey {
        case accountSid = "account_sid", channel, messageSid = "message_sid"
    }

    init(accountSid: String?, channel: String?, messageSid: String?) {
        self.accountSid = accountSid
        self.channel = channel
        self.messageSid = messageSid
    }

    /// The string fields of an item read by `AdmissionBatchReader` (others are nil).
    init(_ item: AdmissionItem, in bytes: UnsafeRawBufferPointer) {
        func text(_ field: AdmissionField) -> String? {
            guard case let .text(range, escaped) = field else { return nil }
            return AdmissionBatchReader.text(range, escaped: escaped, in: bytes)
        }
        self.init(accountSid: text(item.accountSid), channel: text(item.channel), messageSid: text(item.messageSid))
    }
}

/// The batch endpoint's limits; its body is read by `AdmissionBatchReader`.
enum AdmissionBatchBody {
    static let allowedFields = ["items"]
    static let maximumItems = 10_000
}

/// Keys of a batch body, checked against the fields it takes (20007 like `decodeStrict`).
struct BatchKey: CodingKey {
    let stringValue: String
    var intValue: Int? { nil }
    init(_ value: String) { stringValue = value }
    init?(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }

    /// `path` places a nested object's field (`outcomes[3].`).
    static func rejectUnknown(_ container: KeyedDecodingContainer<BatchKey>, allowed: Set<String>, at path: String = "") throws {
        if let unknown = container.allKeys.map(\.stringValue).filter({ !allowed.contains($0) }).sorted().first {
            throw DomainError(.unknownField, "\(path)\(unknown.prefix(64)): unknown field. Allowed fields: \(allowed.sorted().joined(separator: ", ")).")
        }
    }
}

/// One decision (PT-4, PT-5): admitted, or refused with the code that says why.
struct AdmissionDTO: Content {
    var index: Int?
    let accountSid: String?
    let messageSid: String?
    let channel: String?
    let admitted: Bool
    var errorCode: Int?
    var errorMessage: String?
    var dailyLimit: Int?
    var standing: String?

    enum CodingKeys: String, CodingKey {
        case index, accountSid = "account_sid", messageSid = "message_sid", channel, admitted
        case errorCode = "error_code", errorMessage = "error_message", dailyLimit = "daily_limit", standing
    }

    init(index: Int?, body: AdmissionBody, admitted: Bool) {
        self.index = index
        self.accountSid = body.accountSid
        self.messageSid = body.messageSid
        self.channel = body.channel
        self.admitted = admitted
    }

    static func error(index: Int?, body: AdmissionBody, _ error: DomainError) -> AdmissionDTO {
        var dto = AdmissionDTO(index: index, body: body, admitted: false)
        dto.errorCode = error.code.rawValue
        dto.errorMessage = error.message
        return dto
    }
}

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

    /// An admission whose fields are copied as sent: their content had no escapes, so it holds
    /// no quote, backslash or control character and is valid UTF-8 (`AdmissionBatchReader`).
    /// An admission's fields as sent: their content had no escapes, so it holds no quote,
    /// backslash or control character and is valid UTF-8 (`AdmissionBatchReader`): copied as is.
    struct Admitted {
        let account: UnsafeRawBufferPointer
        let message: UnsafeRawBufferPointer?
        let channel: UnsafeRawBufferPointer

        /// The field names, an index and separators fit in 128 bytes.
        var capacity: Int { 128 + account.count + (message?.count ?? 0) + channel.count }
    }

    mutating func writeAdmitted(index: Int, _ fields: Admitted) {
        let comma = count > 0
        count += 1
        admitted += 1
        // One reservation and plain copies: thousands of small ByteBuffer writes were a tenth of
        // the batch's time.
        results.writeWithUnsafeMutableBytes(minimumWritableBytes: fields.capacity) { target in
            var cursor = Cursor(target: target)
            if comma { cursor.append(",") }
            cursor.append("{\"admitted\":true,\"index\":")
            cursor.appendDecimal(index)
            cursor.append(",\"account_sid\":\"")
            cursor.append(fields.account)
            if let message = fields.message {
                cursor.append("\",\"message_sid\":\"")
                cursor.append(message)
            }
            cursor.append("\",\"channel\":\"")
            cursor.append(fields.channel)
            cursor.append("\"}")
            return cursor.written
        }
    }

    /// One admission's answer, the bytes `JSONEncoder.trustDesk` gives (sorted keys).
    static func admittedObject(_ fields: Admitted, allocator: ByteBufferAllocator) -> ByteBuffer {
        var buffer = allocator.buffer(capacity: fields.capacity)
        buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: fields.capacity) { target in
            var cursor = Cursor(target: target)
            cursor.append("{\"account_sid\":\"")
            cursor.append(fields.account)
            cursor.append("\",\"admitted\":true,\"channel\":\"")
            cursor.append(fields.channel)
            if let message = fields.message {
                cursor.append("\",\"message_sid\":\"")
                cursor.append(message)
            }
            cursor.append("\"}")
            return cursor.written
        }
        return buffer
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

struct OutcomeBody: Decodable {
    static let allowedFields: Set<String> = ["message_sid", "status"]
    let messageSid: String?
    let status: String?

    /// An outcome is strict like every body: an unknown field is 20007, not ignored.
    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: BatchKey.self)
        try BatchKey.rejectUnknown(container, allowed: Self.allowedFields, at: "outcomes[\(decoder.codingPath.last?.intValue ?? 0)].")
        messageSid = try container.decodeIfPresent(String.self, forKey: BatchKey("message_sid"))
        status = try container.decodeIfPresent(String.self, forKey: BatchKey("status"))
    }
}

struct OutcomeBatchBody: Decodable {
    static let allowedFields: Set<String> = ["outcomes"]
    let outcomes: [OutcomeBody]

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: BatchKey.self)
        try BatchKey.rejectUnknown(container, allowed: Self.allowedFields)
        guard container.contains(BatchKey("outcomes")) else {
            throw DomainError(.invalidParameter, "outcomes: required, a list of 1 to \(AdmissionBatchBody.maximumItems) objects with message_sid and status.")
        }
        outcomes = try container.decode([OutcomeBody].self, forKey: BatchKey("outcomes"))
    }
}

struct OutcomeResultDTO: Content {
    let index: Int
    let messageSid: String?
    let accepted: Bool
    var errorCode: Int?
    var errorMessage: String?

    enum CodingKeys: String, CodingKey {
        case index, messageSid = "message_sid", accepted, errorCode = "error_code", errorMessage = "error_message"
    }
}

struct OutcomeBatchDTO: Content {
    let accepted: Int
    let rejected: Int
    let results: [OutcomeResultDTO]
}

/// What outcome a delivery report can carry (PT-7's inputs).
enum MessageOutcome: String, CaseIterable {
    case delivered, undelivered, carrierFiltered = "carrier_filtered", optedOut = "opted_out", complaint
}
