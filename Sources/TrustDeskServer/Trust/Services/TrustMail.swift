import Foundation
import TrustDeskCore

/// The words of Progressive Trust email (PT-8).
enum TrustMail {
    static let capNoticeSubject = "[ATTENTION] Account Message Cap Pre-Notification"

    static func capNotice(accountName: String, accountSID: String, score: Int, limit: DailyLimit, enrolment: Bool,
                          explanation: ScoreExplanation, consoleLink: String) -> (subject: String, body: String) {
        let factors = explanation.factors.map { "- \($0.key.replacingOccurrences(of: "_", with: " ")): \($0.value) (\($0.points) of \($0.maximum) points)" }
            .joined(separator: "\n")
        let opening = enrolment
            ? "Your account \(accountName) (\(accountSID)) is part of the Progressive Trust program."
            : "The Progressive Trust reputation score or daily message limit of your account \(accountName) (\(accountSID)) changed."
        return (capNoticeSubject, """
        \(opening)

        Reputation score: \(score) (1 is best, 5 is lowest)
        Daily outbound SMS limit: \(limit) messages in any 24 hours

        Messages over the limit are refused with error 63038: they are not sent and not billed.
        Only SMS is limited; MMS, voice, WhatsApp and email are not.

        How the score was reached:
        \(factors)

        See your usage, or ask for more messages or a score review, in the console:
        \(consoleLink)

        You can also reply to this email to ask for more messages or a score review.
        """)
    }
}
