import Foundation
import TrustDeskCore

/// The words of every standing notice (STD-3, STD-4, STD-5, STD-7, STD-8, STD-9).
enum StandingMail {
    struct Context {
        let accountSID: String
        let accountName: String
        let publicURL: String
        let hotline: String
    }

    static func reviewLink(_ context: Context) -> String {
        "\(context.publicURL)/console/accounts/\(context.accountSID)/standing"
    }

    /// The notice for a change; `caseReference` only for takeovers.
    static func notice(_ record: EnforcementRecord, offerReview: Bool, caseReference: String?, _ context: Context) -> (subject: String, body: String) {
        let standing = Standing(stored: record.toStanding)
        let reason = record.standingReason
        let why = reason?.explanation ?? record.reason
        var lines: [String] = []
        let subject: String
        switch (standing, reason) {
        case (.active, _):
            subject = "Your account \(context.accountName) is active again"
            lines.append("Your account \(context.accountName) (\(context.accountSID)) is active again: \(why).")
        case (_, .reviewUpheld?):
            subject = "Review decision for \(context.accountName)"
            lines.append("We reviewed the decision on your account \(context.accountName) (\(context.accountSID)) and upheld it. It stays \(standing.displayName.lowercased()).")
        case (.banned, _):
            subject = "Your account \(context.accountName) is banned"
            lines.append("Your account \(context.accountName) (\(context.accountSID)) is banned because \(why).")
            lines.append("A ban is permanent: access is blocked, no API requests are accepted, every subaccount is banned with it and dedicated IP addresses are released. Support can't reactivate a banned account; if you want to discuss it, reply to this email.")
        default:
            subject = "Your account \(context.accountName) is \(standing.displayName.lowercased())"
            lines.append("Your account \(context.accountName) (\(context.accountSID)) is now \(standing.displayName.lowercased()) because \(why).")
            switch standing {
            case .suspended: lines.append("Its API requests and sends are refused. You can still sign in to a read-only console.")
            case .terminated: lines.append("A terminated account can't be signed in to and can't send. Contact support about payment.")
            case .dormant: lines.append("Reactivating it needs a review: it is not self-service.")
            default: break
            }
        }
        if let note = staffNote(record) { lines.append(note) }
        if let caseReference {
            lines.append("Our fraud team opened case \(caseReference). Call \(context.hotline) and quote the case reference to get guidance or to escalate the case.")
        }
        if reason == .exposedCredentials, !record.evidence.isEmpty {
            lines.append(record.evidence)
            lines.append("The exposed credential was revoked at once. Create a new auth token or API key, update your integrations, then ask for a review.")
        }
        if offerReview {
            lines.append("This was an automated decision. You can ask for a human review: \(reviewLink(context)) (Consumer Trust answers within 24-48 hours).")
        }
        return (subject, lines.joined(separator: "\n\n"))
    }

    /// A staff member's written justification, as the customer reads it in a notice or banner
    /// (STD-3); nil for automated decisions, which explain themselves, and for the owner's own.
    static func staffNote(_ record: EnforcementRecord) -> String? {
        guard !record.isAutomated, record.decidedByRole != "owner", record.standingReason != .ownerRequest else { return nil }
        let justification = record.justification.trimmingCharacters(in: .whitespacesAndNewlines)
        guard let last = justification.last else { return nil }
        return "Our reason: \(justification)" + (".!?".contains(last) ? "" : ".")
    }

    static func dormancyWarning(deactivateOn: Date, _ context: Context) -> (subject: String, body: String) {
        ("Your account \(context.accountName) will be deactivated", """
        Your account \(context.accountName) (\(context.accountSID)) has not been used for a long time. \
        Unless it is used (an API request or a sign-in) it will be deactivated on \(DateDisplay.utc(deactivateOn)). \
        Reactivating a dormant account needs a review.
        """)
    }

    static func paymentWarning(invoice: Invoice, days: Int, _ context: Context) -> (subject: String, body: String) {
        let owed = String(format: "%.2f", Double(invoice.owedCents) / 100)
        return ("Unpaid invoice \(invoice.reference) for \(context.accountName)", """
        Your invoice \(invoice.reference) of the \(invoice.billRun) bill run is \(days) days past its due date; \
        \(owed) \(invoice.currency) is still owed on account \(context.accountName) (\(context.accountSID)).

        Accounts that still owe the previous month's bill run are terminated in the last week of each month. \
        Paying in full before then stops it.
        """)
    }
}
