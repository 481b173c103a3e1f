import Fluent
import Foundation
import TrustDeskCore

/// PRV-2, PRV-7: a person's marketing opt-in and restriction of use.
struct PrivacyPreferences {
    let database: any Database
    let now: Date

    func preference(of userSID: String) async throws -> PrivacyPreference {
        try await PrivacyPreference.find(userSID, on: database) ?? PrivacyPreference(user: userSID, now: now)
    }

    /// Takes effect at once: queued marketing mail is checked again before delivery.
    func setMarketing(_ optIn: Bool, for userSID: String) async throws {
        let preference = try await preference(of: userSID)
        preference.marketingOptIn = optIn
        preference.marketingChangedAt = now
        preference.updatedAt = now
        try await preference.save(on: database)
    }

    /// No marketing, no reports naming them; staff see the flag.
    func restrict(_ userSID: String) async throws {
        let preference = try await preference(of: userSID)
        preference.marketingOptIn = false
        preference.marketingChangedAt = now
        preference.restrictedAt = preference.restrictedAt ?? now
        preference.updatedAt = now
        try await preference.save(on: database)
    }

    func liftRestriction(_ userSID: String) async throws {
        let preference = try await preference(of: userSID)
        preference.restrictedAt = nil
        preference.updatedAt = now
        try await preference.save(on: database)
    }

    func restricted(limit: Int = 200) async throws -> [PrivacyPreference] {
        try await PrivacyPreference.query(on: database).filter(\.$restrictedAt != nil).sort(\.$restrictedAt, .descending).limit(limit).all()
    }

    /// The RFC 8058 one-click token of a person: a MAC of their SID, so every announcement
    /// carries a link that keeps working and nothing extra is stored.
    static func unsubscribeToken(for userSID: String, box: SecretBox) -> String {
        box.mac("unsubscribe:\(userSID)")
    }
}
