import TrustDeskCore

/// One link of a navigation bar or breadcrumb trail; `current` marks the page being shown, which
/// the templates announce with `aria-current="page"`.
struct NavLinkView: Encodable {
    let href: String
    let title: String
    let current: Bool
}

/// The main navigation: the areas a viewer may open, and which of them holds the page shown.
/// It is the one place that decides whether a staff role sees a link (`mayOpen`), so that the
/// route-policy table can answer here instead of `StaffPage` without touching any template.
enum SiteNavigation {
    struct Area: Sendable {
        let href: String
        let title: String
        /// The staff page whose permission the link follows; nil for links every viewer of this
        /// kind may open.
        let page: StaffPage?
        /// Whether pages below it get it as their breadcrumb parent.
        var leadsTrail = true
    }

    static let staffAreas: [Area] = [
        Area(href: "/staff/accounts", title: "Accounts", page: .accounts),
        Area(href: "/staff/support", title: "Support queues", page: .supportQueues),
        Area(href: "/staff/consumer-trust", title: "Consumer Trust", page: .consumerTrustDesk),
        Area(href: "/staff/trust", title: "Progressive Trust", page: .progressiveTrust),
        Area(href: "/staff/standing/reviews", title: "Reviews", page: .reviewRequests),
        Area(href: "/staff/support/calendars", title: "Calendars", page: .calendars),
        Area(href: "/staff/support/reports", title: "Reports", page: .supportReports),
        Area(href: "/staff/status", title: "Status", page: .status),
        Area(href: "/staff/privacy", title: "Privacy", page: .privacy),
        Area(href: "/staff/api-keys", title: "API keys", page: .apiKeys),
        Area(href: "/security", title: "Security", page: nil),
        Area(href: "/preferences", title: "Preferences", page: nil),
    ]

    static let customerAreas: [Area] = [
        // The console's home only redirects to the first account, so it is no parent to go back
        // to: the account navigation on those pages says where one is.
        Area(href: "/console", title: "Console", page: nil, leadsTrail: false),
        Area(href: "/console/support", title: "Support", page: nil),
        Area(href: "/console/privacy", title: "Privacy", page: nil),
        Area(href: "/security", title: "Security", page: nil),
        Area(href: "/preferences", title: "Preferences", page: nil),
    ]

    /// Whether a staff member with `role` may open `page`; false for anyone without a role.
    static func mayOpen(_ page: StaffPage, role: StaffRole?) -> Bool {
        role.map(page.mayOpen) ?? false
    }

    /// The links `user` may follow, the one holding `path` marked current.
    static func links(isStaff: Bool, role: StaffRole?, path: String) -> [NavLinkView] {
        let areas = (isStaff ? staffAreas : customerAreas).filter { area in
            area.page.map { mayOpen($0, role: role) } ?? true
        }
        let current = area(holding: path, among: areas)
        return areas.map { NavLinkView(href: $0.href, title: $0.title, current: $0.href == current?.href) }
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
    static func breadcrumbs(parents: [Breadcrumb], title: String, isStaff: Bool, path: String) -> [NavLinkView] {
        var trail = parents
        if trail.isEmpty, let parent = area(holding: path, among: isStaff ? staffAreas : customerAreas), parent.href != path, parent.leadsTrail {
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
