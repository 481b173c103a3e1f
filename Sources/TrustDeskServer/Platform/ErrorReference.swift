import TrustDeskCore
import Vapor

/// `/docs/errors`: the page every error's `more_info` points to, built from the same table
/// the server answers with, so the two cannot drift apart.
struct ErrorReferenceController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get("docs", "errors", use: page)
    }

    struct Row: Encodable {
        let code: Int
        let status: String
        let title: String
        let guidance: String
    }

    struct Body: Encodable {
        let errors: [Row]
    }

    func page(request: Request) async throws -> Response {
        let rows = ErrorCode.allCases.map { Row(code: $0.rawValue, status: $0.documentedStatus, title: $0.title, guidance: $0.guidance) }
        return try await request.page("platform/errors", title: "Error codes", Body(errors: rows))
    }
}
