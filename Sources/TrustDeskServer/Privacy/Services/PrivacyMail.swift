import Foundation
import TrustDeskCore

/// The words of every privacy mail (PRV-2, PRV-3, PRV-7, PRV-8).
enum PrivacyMail {
    static func verification(type: PrivacyRequestType, link: String) -> (subject: String, body: String) {
        ("Confirm your privacy request", """
        Someone (probably you) asked TrustDesk to act on the data held about this email address: \
        \(type.title.lowercased()).

        Confirm the request here (the link works once and expires in 1 hour):

        \(link)

        If you did not ask for this, ignore this email: nothing happens without the confirmation.
        """)
    }

    static func acknowledgement(_ request: PrivacyRequest, statusLink: String) -> (subject: String, body: String) {
        ("We received your privacy request", """
        We received your privacy request (\(request.requestType.title.lowercased())) on \(DateDisplay.utc(request.receivedAt)).

        We will answer by \(DateDisplay.utc(request.dueAt)). If we need more time we will tell you why \
        before that date. Follow it here: \(statusLink)

        Reference: \(request.id?.uuidString.lowercased() ?? "")
        """)
    }

    static func extended(_ request: PrivacyRequest, reason: String) -> (subject: String, body: String) {
        ("Your privacy request needs more time", """
        Your privacy request \(request.id?.uuidString.lowercased() ?? "") was due on \(DateDisplay.utc(request.dueAt)). \
        We need more time and will answer by \(DateDisplay.utc(request.effectiveDue)).

        Why: \(reason)
        """)
    }

    static func exportReady(link: String, expires: Date) -> (subject: String, body: String) {
        ("Your data export is ready", """
        The export you asked for is ready. Download it here (the link works once, until \(DateDisplay.utc(expires))):

        \(link)

        The zip holds one JSON file per table (tickets also as CSV) and manifest.json with each \
        file's row count and SHA-256.
        """)
    }

    static func finished(_ request: PrivacyRequest) -> (subject: String, body: String) {
        ("Your privacy request is \(request.requestStatus.title.lowercased())", """
        Your privacy request \(request.id?.uuidString.lowercased() ?? "") (\(request.requestType.title.lowercased())) \
        is \(request.requestStatus.title.lowercased()).

        \(request.progress)
        """)
    }

    static func emailConfirmation(link: String) -> (subject: String, body: String) {
        ("Confirm your new email address", """
        Someone (probably you) asked to use this address for their TrustDesk login.

        Confirm it here (the link works once and expires in 48 hours):

        \(link)

        If you did not ask for this, ignore this email: nothing changes.
        """)
    }

    static func underageAcknowledgement() -> (subject: String, body: String) {
        ("We received your report", """
        Thank you for telling us. Our Consumer Trust team looks at every report of an under-age \
        user; if it is confirmed, that person's data is removed within 24 hours.
        """)
    }

    static func overdueAlert(_ request: PrivacyRequest) -> (subject: String, body: String) {
        ("Privacy request overdue", """
        Privacy request \(request.id?.uuidString.lowercased() ?? "") (\(request.type)) was due on \
        \(DateDisplay.utc(request.effectiveDue)) and is still \(request.status). See /staff/privacy.
        """)
    }

    static func announcement(subject: String, body: String, unsubscribe: String) -> (subject: String, body: String) {
        (subject, """
        \(body)

        You get this because you opted in to news from TrustDesk. Stop at once: \(unsubscribe)
        """)
    }
}
