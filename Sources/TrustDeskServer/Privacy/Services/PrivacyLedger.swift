import Fluent
import Foundation
import TrustDeskCore

/// PRV-9: appends to and reads the privacy ledger. Entries name tables, fields and row counts,
/// never values.
struct PrivacyLedger {
    let database: any Database
    let now: Date

    struct Subject {
        var requestID: UUID?
        var accountSID: String?
        var userSID: String?
    }

    @discardableResult
    func record(_ action: String, _ subject: Subject, tables: [LedgerTable], archiveSHA256: String? = nil,
                holdCases: [String] = [], actor: String) async throws -> PrivacyLedgerEntry {
        let entry = PrivacyLedgerEntry()
        entry.id = UUID()
        entry.requestID = subject.requestID
        entry.accountSID = subject.accountSID
        entry.userSID = subject.userSID
        entry.action = action
        entry.tables = String(decoding: try JSONEncoder.sortedKeys.encode(tables), as: UTF8.self)
        entry.rowsTotal = tables.reduce(0) { $0 + $1.rows }
        entry.archiveSHA256 = archiveSHA256
        entry.legalHoldCases = holdCases.isEmpty ? nil : holdCases.joined(separator: ",")
        entry.actor = actor
        entry.at = now
        try await entry.create(on: database)
        return entry
    }

    func entries(account accountSID: String? = nil, user userSID: String? = nil, request requestID: UUID? = nil, limit: Int = 100) async throws -> [PrivacyLedgerEntry] {
        var query = PrivacyLedgerEntry.query(on: database)
        if let requestID {
            query = query.filter(\.$requestID == requestID)
        } else if let accountSID, let userSID {
            query = query.group(.or) { $0.filter(\.$accountSID == accountSID).filter(\.$userSID == userSID) }
        } else if let accountSID {
            query = query.filter(\.$accountSID == accountSID)
        } else if let userSID {
            query = query.filter(\.$userSID == userSID)
        }
        return try await query.sort(\.$at, .descending).limit(limit).all()
    }
}
