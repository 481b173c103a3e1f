import Fluent
import Foundation
import TrustDeskCore

/// PRV-7 where mail is queued and where it is delivered: loads what the core's
/// `MailConsentRule` needs about a recipient and asks it.
struct MailConsent {
    let database: any Database

    func decide(kind: String, recipient: String) async throws -> MailConsentRule.Decision {
        let classified = MailKinds.kind(kind) ?? MailKind(.marketing)
        // Mail that goes whatever the person's state needs no lookup.
        if classified.purpose == .status || (classified.purpose == .service && classified.reachesDeactivated) {
            return MailConsentRule.decide(kind: kind, recipientKnown: true, optedIn: false, deactivated: false)
        }
        let users = try await User.query(on: database).filter(\.$email == recipient).all()
        let sids = users.map(\.sid)
        var optedIn = false
        if classified.purpose == .marketing, !sids.isEmpty {
            optedIn = try await PrivacyPreference.query(on: database).filter(\.$id ~~ sids)
                .filter(\.$marketingOptIn == true).filter(\.$restrictedAt == nil).count() > 0
        }
        var deactivated = false
        if !sids.isEmpty {
            let memberships = try await Membership.query(on: database).filter(\.$userSID ~~ sids).all()
            if !memberships.isEmpty {
                let standings = try await Account.query(on: database).filter(\.$id ~~ memberships.map(\.accountSID)).all()
                    .map { Standing(stored: $0.standing) }
                deactivated = standings.allSatisfy { [.closed, .terminated, .banned].contains($0) }
            }
        }
        return MailConsentRule.decide(kind: kind, recipientKnown: !users.isEmpty, optedIn: optedIn, deactivated: deactivated)
    }
}
