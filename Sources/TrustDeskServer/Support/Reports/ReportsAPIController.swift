import Fluent
import Foundation
import TrustDeskCore
import Vapor

/// A report as JSON (SUP-16): the same table and daily rows as the page and the CSV files.
struct ReportDTO: Content {
    struct Filters: Content {
        @ExplicitNull var plan: String?
        @ExplicitNull var priority: Int?
        @ExplicitNull var group: String?
    }

    struct Table: Content {
        let columns: [String]
        let rows: [[ReportValue]]

        init(_ table: ReportTable) {
            self.columns = table.columns
            self.rows = table.rows
        }
    }

    let report: String
    let title: String
    let scope: String
    let zone: String
    let from: String
    let to: String
    let filters: Filters
    let table: Table
    let daily: Table
    let targetLabel: String
    let target: Double
    let note: String

    init(_ result: ReportResult, scope: String) {
        self.report = result.report.rawValue
        self.title = result.report.title
        self.scope = scope
        self.zone = result.period.zoneName
        self.from = result.period.first.description
        self.to = result.period.last.description
        self.filters = Filters(plan: result.filter.plan?.id, priority: result.filter.priority?.rawValue, group: result.filter.group)
        self.table = Table(result.table)
        self.daily = Table(result.daily)
        self.targetLabel = result.trend.targetLabel
        self.target = result.trend.target
        self.note = result.note
    }
}

/// `GET /v1/Staff/Reports/{Name}` (staff API key: support managers, TAMs, admins) and
/// `GET /v1/Reports/{Name}` (a personalized organisation's main account: its own).
struct ReportsAPIController {
    struct Staff: RouteCollection {
        func boot(routes: any RoutesBuilder) throws {
            routes.get("Reports", ":name", use: show)
            routes.methodNotAllowed("Reports", ":name", except: [.GET])
        }

        func show(request: Request) async throws -> Response {
            let (user, role) = try request.requireStaffAPIUser()
            try SupportReportAccess.checkStaff(role)
            let report = try ReportsAPIController.report(request)
            let query = try ReportQuery.read(request)
            try await StaffAuditEvent(staff: user.sid, action: "api_support_report", account: nil, detail: report.rawValue, at: request.now).create(on: request.db)
            let result = try await request.supportReports.build(report, period: query.period, filter: query.filter, scope: ReportLedger.allScope)
            return try await ReportDTO(result, scope: ReportLedger.allScope).encodeResponse(for: request)
        }
    }

    struct Customer: RouteCollection {
        func boot(routes: any RoutesBuilder) throws {
            routes.get("Reports", ":name", use: show)
            routes.methodNotAllowed("Reports", ":name", except: [.GET])
        }

        func show(request: Request) async throws -> Response {
            let caller = try await TicketsAPIController().caller(request)
            guard caller.accountScope == nil else {
                throw DomainError(.permissionDenied, "Reports cover the whole organisation: use the main account's credentials.")
            }
            let directory = SupportDirectory(database: request.db, now: request.now)
            try SupportReportAccess.checkCustomer(plan: try directory.plan(of: try await directory.profile(of: caller.organisationSID)))
            let report = try ReportsAPIController.report(request)
            let query = try ReportQuery.read(request)
            let result = try await request.supportReports.build(report, period: query.period, filter: query.filter, scope: caller.organisationSID)
            return try await ReportDTO(result, scope: caller.organisationSID).encodeResponse(for: request)
        }
    }

    static func report(_ request: Request) throws -> SupportReport {
        guard let report = SupportReport.named(request.parameters.get("name") ?? "") else {
            throw DomainError(.notFound, "There is no report \"\((request.parameters.get("name") ?? "").prefix(40))\"; use \(SupportReport.allCases.map(\.rawValue).joined(separator: ", ")).")
        }
        return report
    }
}
