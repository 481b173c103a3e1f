import Foundation
import TrustDeskCore
import Vapor

/// Subscribing by email (STS-3, SEC-2, SEC-5): a CSRF-protected form, the same answer for every
/// address, and a confirmation link that is confirmed by a button (a POST), never by opening it.
struct StatusSubscribePagesController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let subscribe = routes.grouped("status", "subscribe")
        subscribe.get(use: form)
        subscribe.post(use: submit)
        subscribe.get("confirm", use: confirmPage)
        subscribe.post("confirm", use: confirm)
    }

    struct Choice: Encodable {
        let id: String
        let name: String
        let checked: Bool
        let isGroup: Bool
    }

    struct FormBody: Encodable {
        let pageName: String
        let components: [Choice]
    }

    func form(request: Request) async throws -> Response {
        try await render(request, form: nil, errors: nil, chosen: [])
    }

    private func render(_ request: Request, form: PageForm?, errors: FormErrors?, chosen: Set<String>) async throws -> Response {
        let components = try await request.statusComponents.all()
        let choices = components.map { Choice(id: $0.id ?? "", name: $0.name, checked: chosen.contains($0.id ?? ""), isGroup: $0.isGroup) }
        return try await request.page("status/subscribe", title: "Subscribe to updates",
                                      FormBody(pageName: request.statusSettings.name, components: choices), form: form, errors: errors)
    }

    struct SentBody: Encodable {
        let email: String
    }

    func submit(request: Request) async throws -> Response {
        let form = request.pageForm()
        let chosen = form.componentChoices().filter { $0.value != "" }.keys.sorted()
        var errors = FormErrors()
        let email = errors.check("email") { () throws(DomainError) in try Validate.email(form.text("email")) }
        let components = try await errors.attempt("components") { try await request.statusSubscribers.checkComponents(chosen) }
        guard let email, let components else {
            return try await render(request, form: form, errors: errors, chosen: Set(chosen))
        }
        do {
            try await request.statusSubscribers.subscribe(email: email, components: components, network: Self.network(request))
        } catch let error as DomainError {
            return try await render(request, form: form, errors: FormErrors(error), chosen: Set(chosen))
        }
        return try await request.page("status/subscribe-sent", title: "Check your email", SentBody(email: email))
    }

    /// Attempts are counted per network (IPv4 /24, IPv6 /48), so one host can't rotate through
    /// its neighbours' addresses.
    static func network(_ request: Request) -> String {
        let text = request.clientAddress
        return IPAddress(text)?.signupNetwork ?? text
    }

    struct ConfirmBody: Encodable {
        let token: String
        let email: String
        let pageName: String
    }

    func confirmPage(request: Request) async throws -> Response {
        let token: String = request.query["token"] ?? ""
        let subscriber = try await request.statusSubscribers.pending(token: token)
        return try await request.page("status/subscribe-confirm", title: "Confirm your subscription",
                                      ConfirmBody(token: token, email: subscriber.email, pageName: request.statusSettings.name))
    }

    struct ConfirmedBody: Encodable {
        let email: String
        let pageName: String
        let unsubscribeToken: String
    }

    func confirm(request: Request) async throws -> Response {
        let subscriber = try await request.statusSubscribers.confirm(token: request.pageForm().text("token"))
        return try await request.page("status/subscribed", title: "Subscribed",
                                      ConfirmedBody(email: subscriber.email, pageName: request.statusSettings.name, unsubscribeToken: subscriber.unsubscribeToken))
    }
}
