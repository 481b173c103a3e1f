import Foundation
import TrustDeskCore
import Vapor

/// `POST /v1/Accounts/{sid}/PrivacyRequests`.
struct PrivacyRequestBody: StrictContent {
    static let allowedFields: Set<String> = ["type"]
    let type: String?
}

/// `POST /v1/Accounts/{sid}/UsageDeletions`: `from` and `to` in ISO-8601.
struct UsageDeletionBody: StrictContent {
    static let allowedFields: Set<String> = ["from", "to"]
    let from: String?
    let to: String?
}

struct PrivacyRequestDTO: Content {
    let sid: String
    let accountSid: String?
    let type: String
    let status: String
    let dateCreated: Date
    let dateDue: Date
    let dateExtendedTo: Date?
    let extensionReason: String?
    let overdue: Bool
    let legalHold: Bool
    let progress: String
    let dateCompleted: Date?
    let reportUri: String

    enum CodingKeys: String, CodingKey {
        case sid, type, status, overdue, progress
        case accountSid = "account_sid"
        case dateCreated = "date_created"
        case dateDue = "date_due"
        case dateExtendedTo = "date_extended_to"
        case extensionReason = "extension_reason"
        case legalHold = "legal_hold"
        case dateCompleted = "date_completed"
        case reportUri = "report_uri"
    }

    init(_ request: PrivacyRequest, now: Date) {
        let id = request.id?.uuidString.lowercased() ?? ""
        self.sid = id
        self.accountSid = request.accountSID
        self.type = request.type
        self.status = request.status
        self.dateCreated = request.receivedAt
        self.dateDue = request.dueAt
        self.dateExtendedTo = request.extendedTo
        self.extensionReason = request.extensionReason
        self.overdue = PrivacyDeadline.isOverdue(dueAt: request.dueAt, extendedTo: request.extendedTo, status: request.requestStatus, now: now)
        self.legalHold = request.legalHoldCases != nil
        self.progress = request.progress
        self.dateCompleted = request.completedAt
        self.reportUri = "/v1/Accounts/\(request.accountSID ?? "")/PrivacyRequests/\(id)/Report"
    }

    // Absent optional dates are null, not missing: clients read the fields.
    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(sid, forKey: .sid)
        try container.encode(accountSid, forKey: .accountSid)
        try container.encode(type, forKey: .type)
        try container.encode(status, forKey: .status)
        try container.encode(dateCreated, forKey: .dateCreated)
        try container.encode(dateDue, forKey: .dateDue)
        try container.encode(dateExtendedTo, forKey: .dateExtendedTo)
        try container.encode(extensionReason, forKey: .extensionReason)
        try container.encode(overdue, forKey: .overdue)
        try container.encode(legalHold, forKey: .legalHold)
        try container.encode(progress, forKey: .progress)
        try container.encode(dateCompleted, forKey: .dateCompleted)
        try container.encode(reportUri, forKey: .reportUri)
    }
}

struct PrivacyRequestListDTO: Content {
    let privacyRequests: [PrivacyRequestDTO]
    enum CodingKeys: String, CodingKey { case privacyRequests = "privacy_requests" }
}

/// PRV-9: what an export or deletion returned or removed: tables, fields, row counts, the
/// archive's hash. Never a value.
struct PrivacyReportDTO: Content {
    let requestSid: String
    let entries: [PrivacyLedgerEntryDTO]
    enum CodingKeys: String, CodingKey {
        case entries
        case requestSid = "request_sid"
    }
}

struct PrivacyLedgerEntryDTO: Content {
    let action: String
    let dateCreated: Date
    let rowsTotal: Int
    let tables: [LedgerTable]
    let archiveSha256: String?
    let legalHoldCases: [String]

    enum CodingKeys: String, CodingKey {
        case action, tables
        case dateCreated = "date_created"
        case rowsTotal = "rows_total"
        case archiveSha256 = "archive_sha256"
        case legalHoldCases = "legal_hold_cases"
    }

    init(_ entry: PrivacyLedgerEntry) throws(CorruptStoredValue) {
        self.action = entry.action
        self.dateCreated = entry.at
        self.rowsTotal = entry.rowsTotal
        self.tables = try entry.entries
        self.archiveSha256 = entry.archiveSHA256
        self.legalHoldCases = (entry.legalHoldCases ?? "").split(separator: ",").map(String.init)
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(action, forKey: .action)
        try container.encode(dateCreated, forKey: .dateCreated)
        try container.encode(rowsTotal, forKey: .rowsTotal)
        try container.encode(tables, forKey: .tables)
        try container.encode(archiveSha256, forKey: .archiveSha256)
        try container.encode(legalHoldCases, forKey: .legalHoldCases)
    }
}

struct UsageDeletionDTO: Content {
    let sid: String
    let accountSid: String
    let from: Date
    let to: Date
    let status: String
    let rowsTotal: Int
    let rowsDeleted: Int
    let dateCreated: Date
    let dateDue: Date
    let dateCompleted: Date?

    enum CodingKeys: String, CodingKey {
        case sid, from, to, status
        case accountSid = "account_sid"
        case rowsTotal = "rows_total"
        case rowsDeleted = "rows_deleted"
        case dateCreated = "date_created"
        case dateDue = "date_due"
        case dateCompleted = "date_completed"
    }

    init(_ deletion: UsageDeletion) {
        self.sid = deletion.id?.uuidString.lowercased() ?? ""
        self.accountSid = deletion.accountSID
        self.from = deletion.rangeFrom
        self.to = deletion.rangeTo
        self.status = deletion.status
        self.rowsTotal = deletion.rowsTotal
        self.rowsDeleted = deletion.rowsDeleted
        self.dateCreated = deletion.requestedAt
        self.dateDue = deletion.dueBy
        self.dateCompleted = deletion.completedAt
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(sid, forKey: .sid)
        try container.encode(accountSid, forKey: .accountSid)
        try container.encode(from, forKey: .from)
        try container.encode(to, forKey: .to)
        try container.encode(status, forKey: .status)
        try container.encode(rowsTotal, forKey: .rowsTotal)
        try container.encode(rowsDeleted, forKey: .rowsDeleted)
        try container.encode(dateCreated, forKey: .dateCreated)
        try container.encode(dateDue, forKey: .dateDue)
        try container.encode(dateCompleted, forKey: .dateCompleted)
    }
}

struct UsageDeletionListDTO: Content {
    let usageDeletions: [UsageDeletionDTO]
    enum CodingKeys: String, CodingKey { case usageDeletions = "usage_deletions" }
}
