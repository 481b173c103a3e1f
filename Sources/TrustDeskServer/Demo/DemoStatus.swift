import Fluent
import Foundation
import Logging
import TrustDeskCore

/// The status page's part of the demo world (STS-1..STS-4): the products as components (the
/// messaging ones in a group), a resolved SMS incident whose reason for outage went to Acme
/// Rockets in a ticket from its TAM, an open incident on Voice, and a maintenance of Email
/// tomorrow night. Made through the same services the staff console uses.
enum DemoStatus {
    /// Called once from `DemoWorld.loadIfEmpty`, inside its transaction, after the support desk.
    static func load(on db: any Database, now: Date, settings: StatusPageSettings, supportSettings: SupportSettings, acmeSID: String) async throws {
        guard let staff = try await User.query(on: db).filter(\.$username == "staff.morgan").first() else { return }
        let earlier = now.addingTimeInterval(-4 * 86_400)
        let components = StatusComponents(database: db, now: earlier)
        var ids: [String: String] = [:]
        func add(_ name: String, _ product: StatusProduct, position: Int, group: String? = nil, isGroup: Bool = false, description: String = "") async throws {
            let input = ComponentInput(name: name, description: description, product: product.rawValue, position: String(position),
                                       status: ComponentStatus.operational.rawValue, groupID: group.flatMap { ids[$0] } ?? "", isGroup: isGroup,
                                       showcase: true, onlyShowIfDegraded: false)
            var errors = FormErrors()
            guard let checked = try await components.check(input, editing: nil, errors: &errors) else { return }
            ids[name] = try await components.create(checked, input: input, by: staff).id
        }
        try await add("Messaging", .sms, position: 1, isGroup: true, description: "SMS, MMS and WhatsApp")
        try await add("SMS", .sms, position: 1, group: "Messaging")
        try await add("MMS", .mms, position: 2, group: "Messaging")
        try await add("WhatsApp", .whatsapp, position: 3, group: "Messaging")
        try await add("Voice", .voice, position: 2)
        try await add("Video", .video, position: 3)
        try await add("Email", .email, position: 4)
        try await add("Verify", .verify, position: 5)
        try await add("Console & API", .consoleAPI, position: 6)

        try await resolvedSMSIncident(on: db, now: now, settings: settings, supportSettings: supportSettings, staff: staff, sms: ids["SMS"] ?? "", acmeSID: acmeSID)
        try await openVoiceIncident(on: db, now: now, settings: settings, staff: staff, voice: ids["Voice"] ?? "")
        try await emailMaintenance(on: db, now: now, settings: settings, staff: staff, email: ids["Email"] ?? "")
    }

    private static func open(_ input: IncidentInput, at time: Date, settings: StatusPageSettings, staff: User, on db: any Database) async throws -> StatusIncident? {
        let incidents = StatusIncidents(database: db, now: time, settings: settings)
        var errors = FormErrors()
        guard let checked = try await incidents.check(input, errors: &errors) else { return nil }
        return try await incidents.open(checked, by: staff)
    }

    private static func update(_ incident: StatusIncident, _ input: UpdateInput, at time: Date, settings: StatusPageSettings, staff: User, on db: any Database) async throws {
        let incidents = StatusIncidents(database: db, now: time, settings: settings)
        var errors = FormErrors()
        guard let checked = try await incidents.check(input, for: incident, errors: &errors) else { return }
        try await incidents.post(checked, to: incident, by: staff)
    }

    private static func resolvedSMSIncident(on db: any Database, now: Date, settings: StatusPageSettings, supportSettings: SupportSettings, staff: User, sms: String, acmeSID: String) async throws {
        let start = now.addingTimeInterval(-3 * 86_400 - 5 * 3600)
        guard let incident = try await open(IncidentInput(kind: .incident, name: "Delayed SMS delivery to US carriers", status: "investigating",
                                                          body: "We are investigating delays of up to 20 minutes on outbound SMS to US mobile numbers.",
                                                          components: [sms: ComponentStatus.partialOutage.rawValue], notify: false),
                                            at: start, settings: settings, staff: staff, on: db) else { return }
        try await update(incident, UpdateInput(status: "identified", body: "An upstream carrier's gateway is rejecting connections under load. We are routing around it.", notify: false),
                         at: start.addingTimeInterval(40 * 60), settings: settings, staff: staff, on: db)
        try await update(incident, UpdateInput(status: "monitoring", body: "Traffic is flowing through alternate routes and queues are draining.",
                                               components: [sms: ComponentStatus.degradedPerformance.rawValue], notify: false),
                         at: start.addingTimeInterval(95 * 60), settings: settings, staff: staff, on: db)
        try await update(incident, UpdateInput(status: "resolved", body: "Delivery times are back to normal. We will publish a reason for outage.", notify: false),
                         at: start.addingTimeInterval(3 * 3600), settings: settings, staff: staff, on: db)
        let later = start.addingTimeInterval(26 * 3600)
        let rfo = StatusRFO(database: db, now: later, settings: settings, supportSettings: supportSettings)
        var errors = FormErrors()
        let text = """
        Summary: between 17:05 and 20:05 UTC outbound SMS to US mobile numbers were delayed by up to 20 minutes. No message was lost.

        Cause: a carrier gateway began refusing new connections after a configuration change on its side. Our routing kept retrying it before failing over.

        What we changed: failover now happens after 30 seconds of refused connections instead of 10 minutes, and we alert on rising queue age per carrier.
        """
        guard let checked = try await rfo.check(body: text, organisations: [acmeSID], errors: &errors),
              let resolved = try await StatusIncident.find(incident.id, on: db) else { return }
        try await rfo.publish(resolved, checked, by: staff)
        try await rfo.deliverDue(logger: Logger(label: "trustdesk.demo"))
    }

    private static func openVoiceIncident(on db: any Database, now: Date, settings: StatusPageSettings, staff: User, voice: String) async throws {
        guard let incident = try await open(IncidentInput(kind: .incident, name: "Elevated call failures to UK mobile numbers", status: "investigating",
                                                          body: "Some outbound calls to UK mobile numbers fail with a busy signal. We are investigating.",
                                                          components: [voice: ComponentStatus.degradedPerformance.rawValue], notify: false),
                                            at: now.addingTimeInterval(-40 * 60), settings: settings, staff: staff, on: db) else { return }
        try await update(incident, UpdateInput(status: "identified", body: "A carrier is dropping calls on one interconnect; we are moving traffic to another route.", notify: false),
                         at: now.addingTimeInterval(-15 * 60), settings: settings, staff: staff, on: db)
    }

    private static func emailMaintenance(on db: any Database, now: Date, settings: StatusPageSettings, staff: User, email: String) async throws {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = settings.timeZone
        let tomorrow = calendar.startOfDay(for: now.addingTimeInterval(86_400))
        let start = tomorrow.addingTimeInterval(3600)
        _ = try await open(IncidentInput(kind: .maintenance, name: "Email sending infrastructure upgrade",
                                         body: "We are upgrading the mail transfer agents. Email sent during the window is queued and delivered when it ends; nothing is lost.",
                                         components: [email: "affected"],
                                         scheduledFor: StatusDateDisplay.field(start, zone: settings.timeZone),
                                         scheduledUntil: StatusDateDisplay.field(start.addingTimeInterval(2 * 3600), zone: settings.timeZone), notify: false),
                           at: now.addingTimeInterval(-2 * 86_400), settings: settings, staff: staff, on: db)
    }
}
