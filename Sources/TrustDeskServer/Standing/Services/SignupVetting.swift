import Fluent
import Foundation
import TrustDeskCore

/// Vets a new account when its sign-up is confirmed (STD-6): approve leaves it active;
/// review makes it `pending_vetting` with a record; reject closes it and tells the owner.
struct SignupVetting {
    let database: any Database
    let now: Date
    let publicURL: String
    var policy = VettingPolicy()

    /// Only the email is known at confirmation today; sign-up velocity, country and phone
    /// checks run when the sign-up form collects them (docs/standing.md).
    @discardableResult
    func vet(_ account: Account, owner: User) async throws -> VettingResult {
        let result = policy.evaluate(SignupFacts(email: owner.email))
        let to: Standing, reason: StandingReason
        switch result.outcome {
        case .approve: return result
        case .review: (to, reason) = (.pendingVetting, .vettingReview)
        case .reject: (to, reason) = (.closed, .vettingRejected)
        }
        var configuration = TrustDeskConfiguration()
        configuration.publicURL = publicURL
        try await StandingService(database: database, now: now, configuration: configuration)
            .apply(StandingDecision(to: to, reason: reason, decider: .rule(StandingRule.signupVetting), evidence: result.explanation), to: account)
        if result.outcome == .review {
            // STD-6: a review is a Consumer Trust case.
            _ = try await Tickets(database: database, now: now).open(
                NewTicket(subject: "Sign-up vetting review: \(account.friendlyName)", description: result.explanation,
                          priority: "3", topic: ConsumerTrustTopic.vettingReview.rawValue, intake: IntakeForm(product: .other)),
                about: account, by: TicketActor(user: owner))
        }
        return result
    }
}
