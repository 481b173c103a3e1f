import Foundation
import TrustDeskCore

/// Leaf view models shared by the privacy pages.
struct PrivacyRequestView: Encodable {
    let id: String
    let type: String
    let status: String
    let statusTitle: String
    let received: String
    let due: String
    let extendedTo: String?
    let extensionReason: String?
    let overdue: Bool
    let onLegalHold: Bool
    let holdCases: String?
    let progress: String
    let scope: String
    let accountSid: String?
    let channel: String

    init(_ request: PrivacyRequest, now: Date) {
        self.id = request.id?.uuidString.lowercased() ?? ""
        self.type = request.requestType.title
        self.status = request.status
        self.statusTitle = request.requestStatus.title
        self.received = DateDisplay.local(request.receivedAt)
        self.due = DateDisplay.local(request.dueAt)
        self.extendedTo = request.extendedTo.map(DateDisplay.local)
        self.extensionReason = request.extensionReason
        self.overdue = PrivacyDeadline.isOverdue(dueAt: request.dueAt, extendedTo: request.extendedTo, status: request.requestStatus, now: now)
        self.onLegalHold = request.legalHoldCases != nil
        self.holdCases = request.legalHoldCases
        self.progress = request.progress
        self.scope = request.scope
        self.accountSid = request.accountSID
        self.channel = request.channel
    }
}

struct LedgerEntryView: Encodable {
    let action: String
    let at: String
    let rows: Int
    let tables: String
    let archiveSHA256: String?
    let holdCases: String?

    init(_ entry: PrivacyLedgerEntry) throws(CorruptStoredValue) {
        self.action = entry.action
        self.at = DateDisplay.local(entry.at)
        self.rows = entry.rowsTotal
        self.tables = try entry.entries.map { "\($0.table) (\($0.rows) rows: \($0.fields.joined(separator: ", ")))" }.joined(separator: "; ")
        self.archiveSHA256 = entry.archiveSHA256
        self.holdCases = entry.legalHoldCases
    }
}

struct HoldingView: Encodable {
    let category: String
    let table: String
    let fields: String
    let rows: String
    let disposal: String

    init(_ holding: PrivacyOverview.Holding) {
        self.category = holding.category.title
        self.table = holding.table
        self.fields = holding.fields.joined(separator: ", ")
        self.rows = holding.rows > PrivacyOverview.shownRows
            ? "more than \(PrivacyOverview.shownRows.formatted(.number.locale(Locale(identifier: "en_US"))))" : String(holding.rows)
        self.disposal = holding.disposal
    }
}
