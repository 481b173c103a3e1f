import Fluent
import Foundation
import Logging
import TrustDeskCore

/// Phone PINs (SUP-10): sealed with the server key at rest, found by a keyed hash under a
/// unique index, so two organisations can't share a PIN and a copy of the database does not
/// give them away.
struct SupportPINs {
    let database: any Database
    let now: Date
    let box: SecretBox

    static let purpose = "support-phone-pin"

    func lookup(_ pin: String) -> String { box.lookupHash(pin, purpose: Self.purpose) }

    /// Sets (or replaces) an organisation's PIN.
    func set(_ text: String, for organisationSID: String) async throws {
        let pin = try PhonePIN.validate(text)
        guard let profile = try await SupportProfile.find(organisationSID, on: database) else { throw DomainError.notFound("support profile") }
        let lookup = lookup(pin)
        if let other = try await SupportProfile.query(on: database).filter(\.$phonePINLookup == lookup).first(), other.id != organisationSID {
            throw DomainError(.conflict, "phone_pin: another organisation has this PIN; choose another.")
        }
        profile.phonePIN = ""
        profile.phonePINSealed = try box.seal(Array(pin.utf8))
        profile.phonePINLookup = lookup
        profile.updatedAt = now
        try await profile.save(on: database)
    }

    /// The PIN to show the organisation (SUP-14).
    func pin(of profile: SupportProfile) throws -> String? {
        guard let sealed = profile.phonePINSealed else { return nil }
        return String(decoding: try box.open(sealed), as: UTF8.self)
    }

    /// Seals PINs still stored in plain text (from before sealing existed) and empties the plain
    /// column. A PIN already used by another organisation can't be kept: it is cleared and
    /// logged, and staff set a new one.
    static func sealLegacy(on database: any Database, box: SecretBox, now: Date, logger: Logger) async throws {
        let legacy = try await SupportProfile.query(on: database).filter(\.$phonePIN != "").all()
        for profile in legacy {
            guard let sid = profile.id else { continue }
            do {
                try await SupportPINs(database: database, now: now, box: box).set(profile.phonePIN, for: sid)
            } catch let error as DomainError {
                profile.phonePIN = ""
                try await profile.save(on: database)
                logger.warning("phone PIN not kept", metadata: ["organisation_sid": "\(sid)", "reason": "\(error.message)"])
            }
        }
    }
}
