import Fluent
import Foundation
import TrustDeskCore

/// The support numbers (SUP-10, SUP-14) and the phones staff are rung on: the only writer of
/// `support_numbers` and of staff phones.
struct SupportLines {
    let database: any Database
    let now: Date

    /// By country name, then number.
    func all() async throws -> [SupportLine] {
        try await SupportLine.query(on: database).sort(\.$countryName).sort(\.$number).limit(500).all()
    }

    static func country(_ text: String) throws(DomainError) -> String {
        guard let country = try SignupContact.country(text) else {
            throw DomainError(.invalidParameter, "country: choose the country the number serves (ISO code, like GB).")
        }
        return country
    }

    static func kind(_ text: String) throws(DomainError) -> String {
        guard SupportLine.kinds[text] != nil else { throw DomainError(.invalidParameter, "kind: choose toll free, local or VoIP.") }
        return text
    }

    /// Adds a number; `country`, `number` and `kind` are checked (`country(_:)`, `E164.number`,
    /// `kind(_:)`) here as well as on the form.
    func add(country rawCountry: String, number rawNumber: String, kind rawKind: String, by staff: User) async throws -> SupportLine {
        guard staff.staffRole.map(StaffPage.supportSetup.mayOpen) == true else { throw DomainError(.permissionDenied, "Only staff admins change the support numbers.") }
        let country = try Self.country(rawCountry)
        let number = try E164.number(rawNumber, field: "number")
        let kind = try Self.kind(rawKind)
        if try await SupportLine.query(on: database).filter(\.$number == number).first() != nil {
            throw DomainError(.conflict, "number: \(E164.display(number)) is already a support number.")
        }
        let line = SupportLine()
        line.id = UUID()
        line.country = country
        line.countryName = Locale(identifier: "en_US").localizedString(forRegionCode: country) ?? country
        line.number = number
        line.kind = kind
        line.createdAt = now
        try await line.create(on: database)
        try await StaffAuditEvent(staff: staff.sid, action: "add_support_number", account: nil, detail: number, at: now).create(on: database)
        return line
    }

    func remove(_ id: UUID?, by staff: User) async throws {
        guard staff.staffRole.map(StaffPage.supportSetup.mayOpen) == true else { throw DomainError(.permissionDenied, "Only staff admins change the support numbers.") }
        guard let id, let line = try await SupportLine.find(id, on: database) else { throw DomainError.notFound("support number") }
        try await line.delete(on: database)
        try await StaffAuditEvent(staff: staff.sid, action: "remove_support_number", account: nil, detail: line.number, at: now).create(on: database)
    }

    /// A staff member's own phone for support calls; empty removes it.
    func setPhone(_ raw: String, of staff: User) async throws {
        guard let profile = try await StaffSupportProfile.find(staff.sid, on: database) else {
            throw DomainError(.invalidParameter, "phone: you are not on a support group yet; ask a staff admin to add you.")
        }
        let trimmed = raw.trimmingCharacters(in: .whitespaces)
        profile.phone = trimmed.isEmpty ? nil : try E164.number(trimmed, field: "phone")
        profile.updatedAt = now
        try await profile.save(on: database)
    }
}
