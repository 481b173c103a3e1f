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
