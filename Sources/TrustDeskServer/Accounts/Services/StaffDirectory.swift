import Fluent
import Foundation
import SQLKit
import TrustDeskCore

/// The staff console's account lookup, with every look recorded (SEC-3).
struct StaffDirectory {
    let database: any Database
    let now: Date

    static let resultLimit = 50

    /// Finds accounts by exact SID, by a teammate's email or username, or by name.
    func search(_ rawQuery: String, by staff: User) async throws -> [Account] {
        let query = rawQuery.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !query.isEmpty else { return [] }
        guard query.count <= 254 else {
            throw DomainError(.invalidParameter, "q: use at most 254 characters.")
        }
        try await record(staff, action: "search_accounts", account: nil, detail: String(query.prefix(100)))

        if query.count == SID.length, query.hasPrefix("AC") {
            let sid = try SID(parsing: query, expecting: .account)
            return try await Account.find(sid.rawValue, on: database).map { [$0] } ?? []
        }
        if query.count == SID.length, query.hasPrefix("US") {
            let sid = try SID(parsing: query, expecting: .user)
            return try await accounts(ofUsers: [sid.rawValue])
        }
        let lowered = query.lowercased()
        if lowered.contains("@") {
            let users = try await User.query(on: database).filter(\.$email == lowered).all()
            return try await accounts(ofUsers: users.map(\.sid))
        }
        let pattern = withoutWildcards(query)
        var results = pattern.isEmpty ? [] : try await Account.query(on: database)
            .filter(\.$friendlyName, .custom(caseInsensitiveLike), "%\(pattern)%")
            .sort(\.$friendlyName).limit(Self.resultLimit).all()
        if let user = try await User.query(on: database).filter(\.$username == lowered).first() {
            let extra = try await accounts(ofUsers: [user.sid])
            results.append(contentsOf: extra.filter { candidate in !results.contains { $0.sid == candidate.sid } })
        }
        return results
    }

    /// People by user SID, for pages that name who did something rather than show a SID.
    func people(_ sids: Set<String>) async throws -> [String: User] {
        guard !sids.isEmpty else { return [:] }
        let users = try await User.query(on: database).filter(\.$id ~~ Array(sids)).all()
        return Dictionary(users.map { ($0.sid, $0) }, uniquingKeysWith: { first, _ in first })
    }

    func record(_ staff: User, action: String, account: String?, detail: String) async throws {
        try await StaffAuditEvent(staff: staff.sid, action: action, account: account, detail: detail, at: now).create(on: database)
    }

    private func accounts(ofUsers userSIDs: [String]) async throws -> [Account] {
        guard !userSIDs.isEmpty else { return [] }
        let memberships = try await Membership.query(on: database).filter(\.$userSID ~~ userSIDs).all()
        return try await Account.query(on: database).filter(\.$id ~~ memberships.map(\.accountSID)).sort(\.$friendlyName).limit(Self.resultLimit).all()
    }

    /// PostgreSQL's LIKE is case-sensitive; SQLite's already ignores ASCII case.
    private var caseInsensitiveLike: String {
        (database as? any SQLDatabase)?.dialect.name == "postgresql" ? "ILIKE" : "LIKE"
    }

    /// `%` and `_` typed by staff are dropped: a name search is for names, not patterns.
    private func withoutWildcards(_ text: String) -> String {
        text.replacingOccurrences(of: "%", with: "").replacingOccurrences(of: "_", with: "")
    }
}
