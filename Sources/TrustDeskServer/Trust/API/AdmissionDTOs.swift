import Foundation
import NIOCore
import TrustDeskCore
import Vapor

struct AdmissionBody: StrictContent {
    static let allowedFields: Set<String> = ["account_sid", "channel", "message_sid"]
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
}

/// One admission's JSON body decoded in a single pass, unknown fields rejected (20007) as
/// `decodeStrict` does; the hot path can't afford its second parse.
struct SingleAdmissionBody: Decodable {
    let body: AdmissionBody

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: BatchKey.self)
        try BatchKey.rejectUnknown(container, allowed: AdmissionBody.allowedFields)
        body = AdmissionBody(
            accountSid: try container.decodeIfPresent(String.self, forKey: BatchKey("account_sid")),
            channel: try container.decodeIfPresent(String.self, forKey: BatchKey("channel")),
            messageSid: try container.decodeIfPresent(String.self, forKey: BatchKey("message_sid"))
        )
    }
}

struct AdmissionBatchBody: Decodable {
    static let allowedFields: Set<String> = ["items"]
    static let maximumItems = 10_000
    let items: [AdmissionBody]

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: BatchKey.self)
        try BatchKey.rejectUnknown(container, allowed: Self.allowedFields)
        items = try container.decode([AdmissionBody].self, forKey: BatchKey("items"))
    }
}

/// Keys of a batch body, checked against the fields it takes (20007 like `decodeStrict`).
struct BatchKey: CodingKey {
    let stringValue: String
    var intValue: Int? { nil }
    init(_ value: String) { stringValue = value }
    init?(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }

    static func rejectUnknown(_ container: KeyedDecodingContainer<BatchKey>, allowed: Set<String>) throws {
        if let unknown = container.allKeys.map(\.stringValue).filter({ !allowed.contains($0) }).sorted().first {
            throw DomainError(.unknownField, "\(unknown.prefix(64)): unknown field. Allowed fields: \(allowed.sorted().joined(separator: ", ")).")
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

struct AdmissionBatchDTO: Content {
    let admitted: Int
    let refused: Int
    let results: [AdmissionDTO]

    /// The same JSON the synthesized encoding gives (nil fields left out), without JSONEncoder.
    func write(to buffer: inout ByteBuffer) {
        buffer.writeString("{\"admitted\":\(admitted),\"refused\":\(refused),\"results\":[")
        for (position, result) in results.enumerated() {
            if position > 0 { buffer.writeString(",") }
            buffer.writeString("{\"admitted\":\(result.admitted)")
            if let index = result.index { buffer.writeString(",\"index\":\(index)") }
            Self.field("account_sid", result.accountSid, &buffer)
            Self.field("message_sid", result.messageSid, &buffer)
            Self.field("channel", result.channel, &buffer)
            if let code = result.errorCode { buffer.writeString(",\"error_code\":\(code)") }
            Self.field("error_message", result.errorMessage, &buffer)
            if let limit = result.dailyLimit { buffer.writeString(",\"daily_limit\":\(limit)") }
            Self.field("standing", result.standing, &buffer)
            buffer.writeString("}")
        }
        buffer.writeString("]}")
    }

    private static func field(_ name: String, _ value: String?, _ buffer: inout ByteBuffer) {
        guard let value else { return }
        buffer.writeString(",\"\(name)\":\"")
        if value.utf8.allSatisfy({ $0 >= 0x20 && $0 != 0x22 && $0 != 0x5C }) {
            buffer.writeString(value)
            buffer.writeString("\"")
            return
        }
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": buffer.writeString("\\\"")
            case "\\": buffer.writeString("\\\\")
            case "\n": buffer.writeString("\\n")
            case "\r": buffer.writeString("\\r")
            case "\t": buffer.writeString("\\t")
            default:
                if scalar.value < 0x20 {
                    let hex = String(scalar.value, radix: 16)
                    buffer.writeString("\\u" + String(repeating: "0", count: 4 - hex.count) + hex)
                } else {
                    buffer.writeString(String(scalar))
                }
            }
        }
        buffer.writeString("\"")
    }
}

struct OutcomeBody: Decodable {
    let messageSid: String?
    let status: String?

    enum CodingKeys: String, CodingKey {
        case messageSid = "message_sid", status
    }
}

struct OutcomeBatchBody: Decodable {
    static let allowedFields: Set<String> = ["outcomes"]
    let outcomes: [OutcomeBody]

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: BatchKey.self)
        try BatchKey.rejectUnknown(container, allowed: Self.allowedFields)
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
