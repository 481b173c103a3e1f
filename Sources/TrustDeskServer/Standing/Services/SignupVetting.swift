import Fluent
import Foundation
import TrustDeskCore

/// Vets a new account when its sign-up is confirmed (STD-6): approve leaves it active;
/// review makes it `pending_vetting` with a record and a Consumer Trust ticket; reject closes
/// it and tells the owner. Every outcome keeps its assessment, which staff read beside the ticket.
struct SignupVetting {
    let database: any Database
    let now: Date
    let publicURL: String
    var policy = VettingPolicy()

    /// The facts the sign-up gave (country, phone, network velocity); without a registration
    /// only the email is known and the phone counts as not verifiable.
    static func facts(email: String, signup: Registration?) -> SignupFacts {
        SignupFacts(email: email, signupsFromNetworkLastHour: signup?.networkSignups ?? 0, country: signup?.country,
                    phoneVerifiable: SignupContact.phoneVerifiable(signup?.phone, country: signup?.country))
    }

    /// The vetting case's description: the score and each rule with its weight and why.
    static func caseDescription(_ result: VettingResult, policy: VettingPolicy) -> String {
        "Vetting score \(result.score) (review from \(policy.reviewAt), reject from \(policy.rejectAt)).\n"
            + result.findings.map { "- \($0.rule) (+\($0.weight)): \($0.explanation)" }.joined(separator: "\n")
    }

    @discardableResult
    func vet(_ account: Account, owner: User, signup: Registration? = nil) async throws -> VettingResult {
        let facts = Self.facts(email: owner.email, signup: signup)
        let result = policy.evaluate(facts)
        try await VettingAssessment(account: account.sid, result: result, facts: facts, phone: signup?.phone,
                                    network: signup?.network, now: now).create(on: database)
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
            // STD-6: a review is a Consumer Trust case; its description lists each rule.
            _ = try await Tickets(database: database, now: now, settings: configuration.supportSettings).open(
                NewTicket(subject: "Sign-up vetting review: \(account.friendlyName)", description: Self.caseDescription(result, policy: policy),
                          priority: "3", topic: ConsumerTrustTopic.vettingReview.rawValue, intake: IntakeForm(product: .other)),
                about: account, by: TicketActor(user: owner))
        }
        return result
    }
}

extension TrustDeskConfiguration {
    /// STD-6's policy with the operator's country review list.
    var vettingPolicy: VettingPolicy { VettingPolicy(riskCountries: vettingRiskCountries) }
}
