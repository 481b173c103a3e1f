import Foundation
import TrustDeskCore
import Vapor

/// `/preferences`: a person's own settings, customer or staff. Today the time zone every page
/// shows their times in (issue 11).
struct PreferencesPagesController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let preferences = routes.grouped("preferences")
        preferences.get(use: show)
        preferences.post("time-zone", use: setTimeZone)
    }

    struct Body: Encodable {
        let zones: [OptionView]
        /// Now, as the pages will show it with the zone in force.
        let example: String
    }

    private func user(_ request: Request) throws -> User {
        guard let session = request.signedIn else { throw Abort.redirect(to: "/signin") }
        return session.user
    }

    func show(request: Request) async throws -> Response {
        try await render(request, user: try user(request))
    }

    func setTimeZone(request: Request) async throws -> Response {
        let user = try user(request)
        let form = request.pageForm()
        var errors = FormErrors()
        let zone = form.text("time_zone")
        _ = try await errors.attempt { try await request.profiles.setTimeZone(of: user, to: zone) }
        guard errors.isEmpty else { return try await render(request, user: user, form: form, errors: errors) }
        // The new zone is in force from this answer on, the page's own times included.
        let shown = TimeZoneSetting.effective(own: user.timeZone)
        return try await DateDisplay.$viewerZone.withValue(shown) {
            try await render(request, user: user, notice: "Times now show in \(user.timeZone ?? "UTC").")
        }
    }

    private func render(_ request: Request, user: User, notice: String? = nil, form: PageForm? = nil, errors: FormErrors? = nil) async throws -> Response {
        let chosen = form.map { $0.text("time_zone") } ?? user.timeZone ?? ""
        var zones = [OptionView(value: "", title: "UTC (the default)", selected: chosen.isEmpty)]
        // What was sent and refused stays on the page, marked, so it can be corrected.
        if !chosen.isEmpty, !TimeZoneSetting.choices.contains(chosen) {
            zones.append(OptionView(value: chosen, title: "\(chosen) (not a time zone)", selected: true))
        }
        zones += TimeZoneSetting.choices.map { OptionView(value: $0, title: $0.replacingOccurrences(of: "_", with: " "), selected: $0 == chosen) }
        return try await request.page("accounts/preferences", title: "Preferences",
                                      Body(zones: zones, example: DateDisplay.local(request.now)),
                                      notice: notice, form: form, errors: errors)
    }
}
