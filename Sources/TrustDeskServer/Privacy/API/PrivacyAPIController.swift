import Fluent
import Foundation
import TrustDeskCore
import Vapor

/// `/v1/Accounts/{sid}/PrivacyRequests` and `/v1/Accounts/{sid}/UsageDeletions` (PRV-2, PRV-3,
/// PRV-5, PRV-9). An API credential of the account is a verified requester; requests are about
/// the account's data and answered to its owners.
struct PrivacyAPIController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let account = routes.grouped("Accounts", ":accountSid")
        account.get("PrivacyRequests", use: list)
        account.post("PrivacyRequests", use: create)
        account.get("PrivacyRequests", ":id", use: show)
        account.get("PrivacyRequests", ":id", "Report", use: report)
        account.get("UsageDeletions", use: listUsage)
        account.post("UsageDeletions", use: createUsage)
        account.get("UsageDeletions", ":id", use: showUsage)
        account.methodNotAllowed("PrivacyRequests", except: [.GET, .POST])
        account.methodNotAllowed("PrivacyRequests", ":id", except: [.GET])
        account.methodNotAllowed("UsageDeletions", except: [.GET, .POST])
        account.methodNotAllowed("UsageDeletions", ":id", except: [.GET])
    }

    private func target(_ request: Request) async throws -> Account {
        try await request.targetAccount()
    }

    private func id(_ request: Request, _ what: String) throws -> UUID {
        guard let text = request.parameters.get("id"), let id = UUID(uuidString: text) else { throw DomainError.notFound(what) }
        return id
    }

    func list(request: Request) async throws -> Response {
        let account = try await target(request)
        let rows = try await request.privacyRequests.list(account: account.sid)
        return try await PrivacyRequestListDTO(privacyRequests: rows.map { PrivacyRequestDTO($0, now: request.now) }).encodeResponse(for: request)
    }

    func create(request: Request) async throws -> Response {
        let account = try await target(request)
        let body = try request.decodeStrict(PrivacyRequestBody.self)
        let type = try PrivacyRequestType.parse(body.type ?? "")
        let standing = StandingService(database: request.db, now: request.now, configuration: request.application.trustDeskConfiguration)
        guard let owner = try await standing.owners(of: account).first else { throw DomainError(.conflict, "The account has no owner to answer.") }
        let now = request.now
        let application = request.application
        let created = try await request.db.transaction { db in
            try await application.privacyRequests(now: now, database: db).submitVerified(type, by: .init(
                scope: .account, accountSID: account.sid, userSID: owner.sid, replyTo: owner.email, channel: "api"))
        }
        return try await PrivacyRequestDTO(created, now: request.now).encodeResponse(status: .created, for: request)
    }

    func show(request: Request) async throws -> Response {
        let account = try await target(request)
        let found = try await request.privacyRequests.find(try id(request, "privacy request"), account: account.sid)
        return try await PrivacyRequestDTO(found, now: request.now).encodeResponse(for: request)
    }

    func report(request: Request) async throws -> Response {
        let account = try await target(request)
        let found = try await request.privacyRequests.find(try id(request, "privacy request"), account: account.sid)
        let entries = try await request.privacyLedger.entries(request: found.id)
        return try await PrivacyReportDTO(requestSid: found.id?.uuidString.lowercased() ?? "", entries: try entries.map { try PrivacyLedgerEntryDTO($0) }).encodeResponse(for: request)
    }

    func listUsage(request: Request) async throws -> Response {
        let account = try await target(request)
        return try await UsageDeletionListDTO(usageDeletions: try await request.usageDeletions.list(account: account.sid).map(UsageDeletionDTO.init)).encodeResponse(for: request)
    }

    func createUsage(request: Request) async throws -> Response {
        let account = try await target(request)
        let body = try request.decodeStrict(UsageDeletionBody.self)
        let from = try Self.date(body.from, field: "from")
        let to = try Self.date(body.to, field: "to")
        let credential = try request.requireAPICredential()
        let deletion = try await request.usageDeletions.create(for: account, from: from, to: to, by: credential.accountSID)
        return try await UsageDeletionDTO(deletion).encodeResponse(status: .created, for: request)
    }

    func showUsage(request: Request) async throws -> Response {
        let account = try await target(request)
        return try await UsageDeletionDTO(try await request.usageDeletions.find(try id(request, "usage deletion"), account: account.sid)).encodeResponse(for: request)
    }

    static func date(_ text: String?, field: String) throws -> Date? {
        guard let text, !text.isEmpty else { return nil }
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        if let date = formatter.date(from: text) { return date }
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        if let date = formatter.date(from: text) { return date }
        throw DomainError(.invalidParameter, "\(field): use an ISO-8601 UTC time such as 2026-03-01T00:00:00Z.")
    }
}
