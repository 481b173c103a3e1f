import Fluent
import Foundation
import Testing
import TrustDeskCore
import VaporTesting
@testable import TrustDeskServer

/// Status page data for tests, made through the services the staff console uses.
enum StatusTestKit {
    static func settings(_ app: Application) -> StatusPageSettings { app.statusSettings }

    static func admin(_ app: Application, _ username: String = "staff.status") async throws -> User {
        try await TestData.staff(app, username, role: .admin)
    }

    @discardableResult
    static func component(_ app: Application, _ name: String, product: StatusProduct = .sms, position: Int = 1, group: String? = nil,
                          isGroup: Bool = false, by staff: User) async throws -> StatusComponent {
        let components = StatusComponents(database: app.db, now: app.now)
        let input = ComponentInput(name: name, description: "", product: product.rawValue, position: String(position),
                                   status: ComponentStatus.operational.rawValue, groupID: group ?? "", isGroup: isGroup, showcase: true, onlyShowIfDegraded: false)
        var errors = FormErrors()
        let checked = try #require(try await components.check(input, editing: nil, errors: &errors), "\(errors.items.map(\.message))")
        let component = try await components.create(checked, input: input, by: staff)
        app.statusSnapshots.invalidate()
        return component
    }

    static func incident(_ app: Application, _ name: String = "SMS delays", status: String = "investigating", components: [String: ComponentStatus],
                         body: String = "We are looking into it.", impact: String = "", reason: String = "", notify: Bool = true, by staff: User) async throws -> StatusIncident {
        try await open(app, IncidentInput(kind: .incident, name: name, status: status, body: body, impact: impact, impactReason: reason,
                                          components: components.mapValues(\.rawValue), notify: notify), by: staff)
    }

    static func maintenance(_ app: Application, _ name: String = "Database upgrade", from: String, until: String, components: [String],
                            notify: Bool = true, by staff: User) async throws -> StatusIncident {
        try await open(app, IncidentInput(kind: .maintenance, name: name, body: "Planned work.",
                                          components: Dictionary(uniqueKeysWithValues: components.map { ($0, "affected") }),
                                          scheduledFor: from, scheduledUntil: until, notify: notify), by: staff)
    }

    static func open(_ app: Application, _ input: IncidentInput, by staff: User) async throws -> StatusIncident {
        let incidents = app.statusIncidents(now: app.now)
        var errors = FormErrors()
        let checked = try #require(try await incidents.check(input, errors: &errors), "\(errors.items.map(\.message))")
        let incident = try await incidents.open(checked, by: staff)
        app.statusSnapshots.invalidate()
        return incident
    }

    static func update(_ app: Application, _ incident: StatusIncident, status: String, body: String = "Update.",
                       components: [String: ComponentStatus] = [:], notify: Bool = true, by staff: User) async throws {
        let incidents = app.statusIncidents(now: app.now)
        let fresh = try await incidents.find(incident.id)
        var errors = FormErrors()
        let checked = try #require(try await incidents.check(UpdateInput(status: status, body: body, components: components.mapValues(\.rawValue), notify: notify),
                                                             for: fresh, errors: &errors), "\(errors.items.map(\.message))")
        try await incidents.post(checked, to: fresh, by: staff)
        app.statusSnapshots.invalidate()
    }

    static func publishRFO(_ app: Application, _ incident: StatusIncident, body: String = "The cause was a carrier gateway.", organisations: [String], by staff: User) async throws {
        let rfo = app.statusRFO(now: app.now)
        var errors = FormErrors()
        let checked = try #require(try await rfo.check(body: body, organisations: organisations, errors: &errors), "\(errors.items.map(\.message))")
        try await rfo.publish(try await app.statusIncidents(now: app.now).find(incident.id), checked, by: staff)
        app.statusSnapshots.invalidate()
    }

    /// A confirmed subscriber, made directly (the subscribe flow has its own tests).
    @discardableResult
    static func subscriber(_ app: Application, _ email: String, components: [String] = []) async throws -> StatusSubscriber {
        let subscriber = StatusSubscriber()
        subscriber.id = UUID()
        subscriber.email = email
        subscriber.components = components.joined(separator: " ")
        subscriber.pendingComponents = ""
        subscriber.confirmedAt = app.now
        subscriber.unsubscribeToken = Secrets.generate(.link)
        subscriber.createdAt = app.now
        try await subscriber.create(on: app.db)
        return subscriber
    }

    static func get(_ app: Application, _ path: String, headers: HTTPHeaders = [:]) async throws -> TestingHTTPResponse {
        try await app.testing().sendRequest(.GET, path, headers: headers)
    }

    /// Runs a scheduled job's pass as the scheduler would.
    static func run(_ job: ScheduledJob, _ app: Application) async throws {
        try await job.run(app, app.now)
    }
}
