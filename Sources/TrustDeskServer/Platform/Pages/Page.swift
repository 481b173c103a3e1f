import Leaf
import TrustDeskCore
import Vapor

/// What every page template gets besides its own content: the title, the CSRF token for its
/// forms, who is signed in, and a notice or error to show at the top.
struct PageMeta: Encodable {
    let title: String
    let csrfToken: String
    let viewer: ViewerDTO?
    let notice: String?
    let error: PageErrorDTO?
}

struct PageErrorDTO: Encodable {
    let code: Int
    let message: String
}

struct ViewerDTO: Encodable {
    let sid: String
    let username: String
    let fullName: String
    let isStaff: Bool
    let staffRole: String?
}

struct Page<Body: Encodable>: Encodable {
    let meta: PageMeta
    let body: Body
}

struct EmptyBody: Encodable {}

extension Request {
    /// Renders `template` inside the layout. Pass `error` to show a form's problem next to it
    /// with the status that matches the error code.
    func page<Body: Encodable>(
        _ template: String, title: String, _ body: Body,
        notice: String? = nil, error: DomainError? = nil, status: HTTPResponseStatus? = nil
    ) async throws -> Response {
        let viewer = signedIn.map { session in
            ViewerDTO(sid: session.user.sid, username: session.user.username, fullName: session.user.fullName,
                      isStaff: session.user.isStaff, staffRole: session.user.staffRole?.displayName)
        }
        let meta = PageMeta(
            title: title, csrfToken: csrfToken, viewer: viewer, notice: notice,
            error: error.map { PageErrorDTO(code: $0.code.rawValue, message: $0.message) }
        )
        let view = try await self.view.render(template, Page(meta: meta, body: body))
        let resolved = status ?? error.map { HTTPResponseStatus(statusCode: $0.code.httpStatus) } ?? .ok
        return try await view.encodeResponse(status: resolved, for: self)
    }

    func redirect(_ location: String) -> Response {
        redirect(to: location, redirectType: .normal)
    }
}
