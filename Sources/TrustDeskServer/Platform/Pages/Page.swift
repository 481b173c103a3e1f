import Leaf
import TrustDeskCore
import Vapor

/// What every page template gets besides its own content: the title, the CSRF token for its
/// forms, who is signed in, a notice or error to show at the top, and, after a form error, what
/// was typed (`form`) and the problem beside each field (`fieldErrors`, summarised in `errors`).
struct PageMeta: Encodable {
    let title: String
    let csrfToken: String
    let viewer: ViewerDTO?
    let notice: String?
    let error: PageErrorDTO?
    /// Field name -> value as typed; empty on a first visit.
    let form: [String: String]
    /// Field name -> what is wrong with it.
    let fieldErrors: [String: String]
    /// Every problem, in form order, for the summary at the top.
    let errors: [FormErrors.Item]
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
    /// with the status that matches the error code; pass the submitted `form` and its `errors`
    /// to show every field again as typed, each error beside its field.
    func page<Body: Encodable>(
        _ template: String, title: String, _ body: Body,
        notice: String? = nil, error: DomainError? = nil, status: HTTPResponseStatus? = nil,
        form: PageForm? = nil, errors: FormErrors? = nil
    ) async throws -> Response {
        var errors = errors ?? FormErrors()
        if let error { errors.add(error) }
        let viewer = signedIn.map { session in
            ViewerDTO(sid: session.user.sid, username: session.user.username, fullName: session.user.fullName,
                      isStaff: session.user.isStaff, staffRole: session.user.staffRole?.displayName)
        }
        let first = errors.first
        let meta = PageMeta(
            title: title, csrfToken: csrfToken, viewer: viewer, notice: notice,
            error: first.map { PageErrorDTO(code: $0.code, message: errors.items.count > 1 ? "\(errors.items.count) problems need your attention." : $0.message) },
            form: form?.redisplay ?? [:], fieldErrors: errors.byField, errors: errors.items.count > 1 ? errors.items : []
        )
        let view = try await self.view.render(template, Page(meta: meta, body: body))
        let resolved = status ?? first.flatMap { ErrorCode(rawValue: $0.code) }.map { HTTPResponseStatus(statusCode: $0.httpStatus) } ?? .ok
        return try await view.encodeResponse(status: resolved, for: self)
    }

    func redirect(_ location: String) -> Response {
        redirect(to: location, redirectType: .normal)
    }
}
