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
    @ExplicitNull var accountSid: String?
    let type: String
    let status: String
    let dateCreated: Date
    let dateDue: Date
    @ExplicitNull var dateExtendedTo: Date?
    @ExplicitNull var extensionReason: String?
    let overdue: Bool
    let legalHold: Bool
    let progress: String
    @ExplicitNull var dateCompleted: Date?
    let reportUri: String

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
}

struct PrivacyRequestListDTO: Content {
    let privacyRequests: [PrivacyRequestDTO]
}

/// PRV-9: what an export or deletion returned or removed: tables, fields, row counts, the
/// archive's hash. Never a value.
struct PrivacyReportDTO: Content {
    let requestSid: String
    let entries: [PrivacyLedgerEntryDTO]
}

struct PrivacyLedgerEntryDTO: Content {
    let action: String
    let dateCreated: Date
    let rowsTotal: Int
    let tables: [LedgerTable]
    @ExplicitNull var archiveSha256: String?
    let legalHoldCases: [String]

    init(_ entry: PrivacyLedgerEntry) throws(CorruptStoredValue) {
        self.action = entry.action
        self.dateCreated = entry.at
        self.rowsTotal = entry.rowsTotal
        self.tables = try entry.entries
        self.archiveSha256 = entry.archiveSHA256
        self.legalHoldCases = (entry.legalHoldCases ?? "").split(separator: ",").map(String.init)
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
    @ExplicitNull var dateCompleted: Date?

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
}

struct UsageDeletionListDTO: Content {
    let usageDeletions: [UsageDeletionDTO]
}
