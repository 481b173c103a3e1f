import Fluent
import Foundation
import TrustDeskCore
import Vapor

/// What a report request asks for: period, zone and filters, read from the query string.
struct ReportQuery: Sendable {
    let period: ReportPeriod
    let filter: ReportFilter

    /// Every problem at once, for the page; an API takes the first.
    static func read(_ request: Request, errors: inout FormErrors) -> ReportQuery? {
        let value = { (name: String) -> String in (try? request.query.get(String.self, at: name)) ?? "" }
        let period = errors.check { () throws(DomainError) -> ReportPeriod in try ReportPeriod.parse(from: value("from"), to: value("to"), zone: value("zone"), allowedZones: SupportReport.zones, now: request.now) }
        let filter = errors.check { () throws(DomainError) -> ReportFilter in try ReportFilter.parse(plan: value("plan"), priority: value("priority"), group: value("group")) }
        guard let period, let filter else { return nil }
        return ReportQuery(period: period, filter: filter)
    }

    static func read(_ request: Request) throws -> ReportQuery {
        var errors = FormErrors()
        guard let query = read(request, errors: &errors), errors.isEmpty else {
            throw errors.first.map { DomainError(ErrorCode(rawValue: $0.code) ?? .invalidParameter, $0.message) } ?? DomainError(.invalidParameter, "The report's parameters can't be read.")
        }
        return query
    }

    /// The query string that asks for the same report again (CSV links).
    var queryString: String {
        var items = [URLQueryItem(name: "from", value: period.first.description), URLQueryItem(name: "to", value: period.last.description),
                     URLQueryItem(name: "zone", value: period.zoneName)]
        if let plan = filter.plan { items.append(URLQueryItem(name: "plan", value: plan.id)) }
        if let priority = filter.priority { items.append(URLQueryItem(name: "priority", value: String(priority.rawValue))) }
        if let group = filter.group { items.append(URLQueryItem(name: "group", value: group)) }
        var components = URLComponents()
        components.queryItems = items
        return components.percentEncodedQuery ?? ""
    }
}

/// The reports page: the filter form and a section per report with its table, chart and CSVs.
struct ReportsView: Encodable {
    struct Section: Encodable {
        let name: String
        let title: String
        let note: String
        let columns: [String]
        let rows: [[String]]
        let chart: String
        let csv: String
        let dailyCsv: String
    }

    let heading: String
    let scopeNote: String
    let action: String
    let zones: [ChoiceView]
    let plans: [ChoiceView]
    let priorities: [ChoiceView]
    let groups: [ChoiceView]
    let from: String
    let to: String
    let sections: [Section]

    static func build(_ request: Request, heading: String, scopeNote: String, action: String, csvBase: String, query: ReportQuery?, scope: String,
                      extraQuery: String = "") async throws -> ReportsView {
        var sections: [Section] = []
        if let query {
            let reports = request.supportReports
            for report in SupportReport.allCases {
                let result = try await reports.build(report, period: query.period, filter: query.filter, scope: scope)
                let link = "\(csvBase)/\(report.fileName).csv?\(query.queryString)\(extraQuery)"
                sections.append(Section(name: report.fileName, title: report.title, note: result.note, columns: result.table.columns,
                                        rows: result.table.rows.map { $0.map(\.display) }, chart: TrendChart.svg(result.trend, id: "chart-\(report.fileName)"),
                                        csv: link, dailyCsv: link + "&table=daily"))
            }
        }
        let value = { (name: String) -> String in (try? request.query.get(String.self, at: name)) ?? "" }
        let zone = query?.period.zoneName ?? value("zone")
        return ReportsView(
            heading: heading, scopeNote: scopeNote, action: action,
            zones: SupportReport.zones.map { ChoiceView(value: $0, title: $0, selected: $0 == zone) },
            plans: [ChoiceView(value: "", title: "All plans", selected: value("plan").isEmpty)]
                + SupportPlan.all.map { ChoiceView(value: $0.id, title: $0.name, selected: $0.id == value("plan")) },
            priorities: [ChoiceView(value: "", title: "All priorities", selected: value("priority").isEmpty)]
                + TicketPriority.allCases.map { ChoiceView(value: String($0.rawValue), title: $0.title, selected: String($0.rawValue) == value("priority")) },
            groups: [ChoiceView(value: "", title: "All groups", selected: value("group").isEmpty)]
                + (SupportGroup.all + ["tam"]).sorted().map { ChoiceView(value: $0, title: $0, selected: $0 == value("group")) },
            from: query?.period.first.description ?? value("from"), to: query?.period.last.description ?? value("to"), sections: sections)
    }
}

/// A report as CSV, or its daily table with `table=daily`.
enum ReportCSV {
    static func response(_ result: ReportResult, daily: Bool) -> Response {
        var headers = HTTPHeaders()
        headers.replaceOrAdd(name: .contentType, value: "text/csv; charset=utf-8")
        let name = "\(result.report.fileName)\(daily ? "-daily" : "")-\(result.period.first)-\(result.period.last).csv"
        headers.replaceOrAdd(name: .contentDisposition, value: "attachment; filename=\"\(name)\"")
        headers.replaceOrAdd(name: .cacheControl, value: "private, no-store")
        return Response(status: .ok, headers: headers, body: .init(string: daily ? result.daily.csv : result.table.csv))
    }
}

/// `/staff/support/reports` (support managers, TAMs, admins) and `/console/support/reports`
/// (personalized customers, their own organisation), each with CSV downloads (SUP-16).
struct ReportPagesController: RouteCollection {
    private let console = SupportConsolePagesController()

    func boot(routes: any RoutesBuilder) throws {
        routes.get("staff", "support", "reports", use: staffPage)
        routes.get("staff", "support", "reports", ":file", use: staffCSV)
        routes.get("console", "support", "reports", use: customerPage)
        routes.get("console", "support", "reports", ":file", use: customerCSV)
    }

    private func staff(_ request: Request) throws -> User {
        let staff = try request.supportStaff()
        try SupportReportAccess.checkStaff(staff.staffRole)
        return staff
    }

    func staffPage(request: Request) async throws -> Response {
        _ = try staff(request)
        var errors = FormErrors()
        let query = ReportQuery.read(request, errors: &errors)
        let view = try await ReportsView.build(request, heading: "Support reports", scopeNote: "The whole support desk.", action: "/staff/support/reports",
                                               csvBase: "/staff/support/reports", query: errors.isEmpty ? query : nil, scope: ReportLedger.allScope)
        return try await request.page("support/reports", title: "Support reports", view, form: PageForm(fields: [:]), errors: errors)
    }

    func staffCSV(request: Request) async throws -> Response {
        let staff = try staff(request)
        let (report, query) = try Self.csvRequest(request)
        try await StaffAuditEvent(staff: staff.sid, action: "export_support_report", account: nil, detail: report.rawValue, at: request.now).create(on: request.db)
        let result = try await request.supportReports.build(report, period: query.period, filter: query.filter, scope: ReportLedger.allScope)
        return ReportCSV.response(result, daily: request.query[String.self, at: "table"] == "daily")
    }

    static func csvRequest(_ request: Request) throws -> (SupportReport, ReportQuery) {
        let file = request.parameters.get("file") ?? ""
        guard file.hasSuffix(".csv"), let report = SupportReport.named(String(file.dropLast(4))) else { throw DomainError.notFound("report") }
        return (report, try ReportQuery.read(request))
    }

    /// The viewer's personalized organisation (the one named by `account`, else the first).
    private func organisation(_ request: Request) async throws -> Account {
        let viewer = try await console.viewer(request)
        let directory = SupportDirectory(database: request.db, now: request.now)
        let wanted: String? = request.query["account"]
        var refusal: DomainError?
        for organisation in viewer.organisations where wanted == nil || organisation.sid == wanted {
            do {
                try SupportReportAccess.checkCustomer(plan: try directory.plan(of: try await directory.profile(of: organisation.sid)))
                return organisation
            } catch let error as DomainError {
                refusal = refusal ?? error
            }
        }
        throw refusal ?? DomainError.notFound("organisation")
    }

    func customerPage(request: Request) async throws -> Response {
        let organisation = try await organisation(request)
        var errors = FormErrors()
        let query = ReportQuery.read(request, errors: &errors)
        let view = try await ReportsView.build(request, heading: "Support reports", scopeNote: "\(organisation.friendlyName) (\(organisation.sid)) and its subaccounts.",
                                               action: "/console/support/reports", csvBase: "/console/support/reports", query: errors.isEmpty ? query : nil,
                                               scope: organisation.sid, extraQuery: "&account=\(organisation.sid)")
        return try await request.page("support/reports", title: "Support reports", view, form: PageForm(fields: [:]), errors: errors)
    }

    func customerCSV(request: Request) async throws -> Response {
        let organisation = try await organisation(request)
        let (report, query) = try Self.csvRequest(request)
        let result = try await request.supportReports.build(report, period: query.period, filter: query.filter, scope: organisation.sid)
        return ReportCSV.response(result, daily: request.query[String.self, at: "table"] == "daily")
    }
}
