import TrustDeskCore
import Vapor

/// One link of a navigation bar or breadcrumb trail; `current` marks the page being shown, which
/// the templates announce with `aria-current="page"`.
struct NavLinkView: Encodable {
    let href: String
    let title: String
    let current: Bool
}

/// The main navigation: the areas a viewer may open, and which of them holds the page shown.
/// Whether a link shows is the route policy table's answer for that address (SEC-3), the same
/// one the middleware gives when the link is followed, so nobody is shown a link that answers
/// 403, 404 or a redirect to another console.
enum SiteNavigation {
    struct Area: Sendable {
        let href: String
        let title: String
        /// Whether pages below it get it as their breadcrumb parent.
        var leadsTrail = true
    }

    /// Every area of both consoles, in menu order; each viewer sees those their policy admits
    /// (customers the console, staff the staff areas their role may open, everyone the rest).
    static let areas: [Area] = [
        // The console's home only redirects to the first account, so it is no parent to go back
        // to: the account navigation on those pages says where one is.
        Area(href: "/console", title: "Console", leadsTrail: false),
        Area(href: "/console/support", title: "Support"),
        Area(href: "/console/privacy", title: "Privacy"),
        Area(href: "/staff/accounts", title: "Accounts"),
        Area(href: "/staff/support", title: "Support queues"),
        Area(href: "/staff/consumer-trust", title: "Consumer Trust"),
        Area(href: "/staff/trust", title: "Progressive Trust"),
        Area(href: "/staff/standing/reviews", title: "Reviews"),
        Area(href: "/staff/support/calendars", title: "Calendars"),
        Area(href: "/staff/support/reports", title: "Reports"),
        Area(href: "/staff/status", title: "Status"),
        Area(href: "/staff/privacy", title: "Privacy"),
        Area(href: "/staff/api-keys", title: "API keys"),
        Area(href: "/security", title: "Security"),
        Area(href: "/preferences", title: "Preferences"),
    ]

    /// Whether `viewer` may open the page at `href`: its GET route's policy admits them.
    static func mayOpen(_ href: String, viewer: Principal) -> Bool {
        RoutePolicies.table[.init(method: .GET, path: href)]?.decide(for: viewer) == .allow
    }

    /// The areas `viewer` may open.
    static func areas(for viewer: Principal) -> [Area] {
        areas.filter { mayOpen($0.href, viewer: viewer) }
    }

    /// The links `viewer` may follow, the one holding `path` marked current.
    static func links(for viewer: Principal, path: String) -> [NavLinkView] {
        let open = areas(for: viewer)
        let current = area(holding: path, among: open)
        return open.map { NavLinkView(href: $0.href, title: $0.title, current: $0.href == current?.href) }
    }

    /// The area whose address is the longest whole-segment prefix of `path`:
    /// `/staff/support/calendars/x` is in Calendars, `/staff/support/tickets/5` in the queues.
    static func area(holding path: String, among areas: [Area]) -> Area? {
        areas.filter { contains($0.href, path) }.max { $0.href.count < $1.href.count }
    }

    static func contains(_ prefix: String, _ path: String) -> Bool {
        path == prefix || path.hasPrefix(prefix + "/")
    }

    /// The trail above a page: the given parents, or, on a page below an area's own address,
    /// that area; then the page itself. Empty on an area's own page, where the main navigation
    /// already says where the viewer is.
    static func breadcrumbs(parents: [Breadcrumb], title: String, viewer: Principal, path: String) -> [NavLinkView] {
        var trail = parents
        if trail.isEmpty, let parent = area(holding: path, among: areas(for: viewer)), parent.href != path, parent.leadsTrail {
            trail = [Breadcrumb(parent.title, parent.href)]
        }
        guard !trail.isEmpty else { return [] }
        return trail.map { NavLinkView(href: $0.href, title: $0.title, current: false) }
            + [NavLinkView(href: path, title: title, current: true)]
    }
}

/// A page above the one shown, for its breadcrumb trail.
struct Breadcrumb: Sendable {
    let title: String
    let href: String

    init(_ title: String, _ href: String) {
        self.title = title
        self.href = href
    }
}
