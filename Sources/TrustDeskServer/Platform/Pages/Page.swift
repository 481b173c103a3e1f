import Leaf
import TrustDeskCore
import Vapor

/// What every page template gets besides its own content: the title, the CSRF token for its
/// forms, who is signed in, a notice or error to show at the top, and, after a form error, what
/// was typed (`form`) and the problem beside each field (`fieldErrors`, summarised in `errors`).
struct PageMeta: Encodable {
    let title: String
    let csrfToken: String
    let viewer: ViewerView?
    let notice: String?
    let error: PageErrorView?
    /// Field name -> value as typed; empty on a first visit.
    let form: [String: String]
    /// The form that was sent back with problems (its scope, or "form"); nil on a first visit.
    /// Templates use it where a field has a default that a person may have changed (a
    /// checkbox ticked by default, say).
    let submitted: String?
    /// Field name -> what is wrong with it.
    let fieldErrors: [String: String]
    /// Every problem, in form order, for the summary at the top.
    let errors: [FormErrors.Item]
    /// The main navigation for this viewer, the area of this page marked (`SiteNavigation`).
    let nav: [NavLinkView]
    /// The trail above a deep page, ending with the page itself; empty on an area's own page.
    let breadcrumbs: [NavLinkView]
    /// The address of the page shown, for sub-navigation that marks the current link.
    let path: String
    /// Where the first Tab's "Skip to" link leads: the main content, or what a page is for
    /// (the reply box on a ticket).
    let skip: SkipLink
}

struct SkipLink: Encodable, Sendable {
    let target: String
    let title: String

    static let main = SkipLink(target: "main", title: "Skip to content")
}

struct PageErrorView: Encodable {
    let code: Int
    let message: String
}

struct ViewerView: Encodable {
    let sid: String
    let username: String
    let fullName: String
    let isStaff: Bool
    let staffRole: String?
    /// Staff page -> whether this viewer's role may open it (`StaffPage`): every link to a
    /// staff page asks this first (`#if(meta.viewer.mayOpen.progressive_trust)`).
    let mayOpen: [String: Bool]
}

struct Page<Body: Encodable>: Encodable {
    let meta: PageMeta
    let body: Body
}

struct EmptyBody: Encodable {}

extension Request {
    /// Renders `template` inside the layout. Pass `error` to show a form's problem next to it
    /// with the status that matches the error code; pass the submitted `form` and its `errors`
    /// to show every field again as typed, each error beside its field. On a page with several
    /// forms whose fields share names, `scope` names the one that was sent: its values and
    /// errors are then keyed `<scope>_<field>` (`meta.form.status_reason`). `breadcrumbs` names
    /// the pages above a deep page when the area it sits in is not parent enough.
    func page<Body: Encodable>(
        _ template: String, title: String, _ body: Body,
        notice: String? = nil, error: DomainError? = nil, status: HTTPResponseStatus? = nil,
        form: PageForm? = nil, errors: FormErrors? = nil, scope: String? = nil, breadcrumbs: [Breadcrumb] = [],
        skip: SkipLink = .main
    ) async throws -> Response {
        var errors = errors ?? FormErrors()
        if let error { errors.add(error) }
        errors = errors.scoped(scope)
        let viewer = signedIn.map { session in
            ViewerView(sid: session.user.sid, username: session.user.username, fullName: session.user.fullName,
                      isStaff: session.user.isStaff, staffRole: session.user.staffRole?.displayName,
                      mayOpen: Dictionary(uniqueKeysWithValues: StaffPage.allCases.map { page in
                          (page.rawValue, session.user.staffRole.map(page.mayOpen) ?? false)
                      }))
        }
        let path = url.path
        // The menu asks the route policy table with who the viewer is on any page.
        let principal = principal(for: .signedIn)
        let meta = PageMeta(
            title: title, csrfToken: csrfToken, viewer: viewer, notice: notice, error: Self.summary(errors),
            form: form?.redisplay(scope: scope) ?? [:], submitted: form.map { _ in scope ?? "form" },
            fieldErrors: errors.byField, errors: Self.summaryItems(errors),
            nav: signedIn == nil ? [] : SiteNavigation.links(for: principal, path: path),
            breadcrumbs: signedIn == nil ? [] : SiteNavigation.breadcrumbs(parents: breadcrumbs, title: title, viewer: principal, path: path),
            path: path, skip: skip
        )
        let view = try await self.view.render(template, Page(meta: meta, body: body))
        let resolved = status ?? errors.first.flatMap { ErrorCode(rawValue: $0.code) }.map { HTTPResponseStatus(statusCode: $0.httpStatus) } ?? .ok
        return try await view.encodeResponse(status: resolved, for: self)
    }

    /// The line at the top of the summary: the error itself when it is the only one and
    /// about the whole form, else how many problems the list below names.
    private static func summary(_ errors: FormErrors) -> PageErrorView? {
        guard let first = errors.first else { return nil }
        let items = summaryItems(errors)
        guard !items.isEmpty else { return PageErrorView(code: first.code, message: first.message) }
        let count = errors.items.count
        return PageErrorView(code: first.code, message: count == 1 ? "1 problem needs your attention:" : "\(count) problems need your attention:")
    }

    /// The summary's list, each linking to its field: empty when the only problem is about
    /// the whole form (the line above says it all).
    private static func summaryItems(_ errors: FormErrors) -> [FormErrors.Item] {
        errors.items.count > 1 || errors.first?.field != nil ? errors.items : []
    }

    func redirect(_ location: String) -> Response {
        redirect(to: location, redirectType: .normal)
    }
}
