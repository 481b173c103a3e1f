import Fluent
import Foundation
import TrustDeskCore

/// The console banner of an account not in good standing (STD-2, STD-3). When a person made the
/// decision, the banner carries their written justification, as the notice mail does.
enum StandingBanner {
    static func text(for account: Account, on database: any Database) async throws -> String? {
        let standing = Standing(stored: account.standing)
        guard standing != .active else { return nil }
        let latest = try await EnforcementRecord.query(on: database).filter(\.$accountSID == account.sid)
            .sort(\.$decidedAt, .descending).first()
        let why = latest?.standingReason.map { " because \($0.explanation)" } ?? ""
        let note = latest.flatMap(StandingMail.staffNote).map { " \($0)" } ?? ""
        let effect = ConsolePolicy.allows(.view, in: standing) ? " Its API requests are refused and this console is read-only." : ""
        let review = latest?.isAutomated == true ? " This was an automated decision: you can ask for a human review." : ""
        return "This account is \(standing.displayName.lowercased())\(why).\(note)\(effect)\(review)"
    }
}
