/// Stable error codes. Clients program against these numbers, so a code is never reused or
/// renumbered; `docs/errors.md` lists them all and each one's `more_info` page anchor.
public enum ErrorCode: Int, CaseIterable, Sendable, Codable {
    case invalidParameter = 20001
    case malformedSID = 20002
    case authenticationFailed = 20003
    case permissionDenied = 20006
    case unknownField = 20007
    case bodyTooLarge = 20008
    case malformedBody = 20009
    case unsupportedMediaType = 20010
    case conflict = 20011
    case tooManyAttempts = 20012
    case csrfFailed = 20013
    case linkExpired = 20014
    case linkUsed = 20015
    case invalidTwoFactorCode = 20016
    case ownerRule = 20017
    case signInRequired = 20018
    case twoFactorRequired = 20019
    case calendarTooShort = 20020
    case noWorkingTimeAhead = 20021
    case subaccountLimitReached = 20022
    case subaccountRateLimited = 20023
    case unknownTimeZone = 20030
    case notFound = 20404
    case methodNotAllowed = 20405
    case internalError = 20500
    case busy = 20503
    case accountSuspended = 20301
    case accountDormant = 20302
    case accountTerminated = 20303
    case accountBanned = 20304
    case accountClosed = 20305
    case accountPendingVetting = 20306
    case standingChangeNotAllowed = 20307
    case invalidSignature = 20308
    case justificationNeeded = 20309
    case evidenceNeeded = 20310
    case confirmationMismatch = 20311
    case unknownProduct = 21001
    case unknownPriority = 21002
    case ticketTransitionNotAllowed = 21003
    case ticketClosed = 21004
    case ticketTooOld = 21005
    case attachmentTooLarge = 21006
    case oneCountryPerTicket = 21007
    case privacyRequestOpen = 23001
    case privacyExtensionUsed = 23002
    case statusTransitionNotAllowed = 22001
    case rfoBeforeResolution = 22002
    case escalationAlreadyOpen = 21008
    case escalationNotAllowed = 21009
    case routeChangeTooBroad = 21010
    case escalationTransitionNotAllowed = 21011
    case routeChangeTransitionNotAllowed = 21012
    case chatNotAvailable = 21013
    case messageCapReached = 63038

    /// The HTTP status that carries this code.
    public var httpStatus: Int {
        switch self {
        case .invalidParameter, .malformedSID, .unknownField, .malformedBody: 400
        case .authenticationFailed, .invalidTwoFactorCode, .signInRequired: 401
        case .permissionDenied, .csrfFailed, .twoFactorRequired: 403
        case .notFound: 404
        case .methodNotAllowed: 405
        case .conflict, .ownerRule: 409
        case .linkExpired, .linkUsed: 410
        case .bodyTooLarge: 413
        case .unsupportedMediaType: 415
        case .tooManyAttempts, .messageCapReached: 429
        case .unknownProduct, .unknownPriority, .ticketTooOld, .oneCountryPerTicket: 400
        case .ticketTransitionNotAllowed, .ticketClosed: 409
        case .attachmentTooLarge: 413
        case .internalError: 500
        case .busy: 503
        case .privacyRequestOpen, .privacyExtensionUsed: 409
        case .accountSuspended, .accountDormant, .accountTerminated, .accountBanned, .accountClosed, .accountPendingVetting: 403
        case .standingChangeNotAllowed: 409
        case .invalidSignature: 401
        case .justificationNeeded, .evidenceNeeded, .confirmationMismatch: 400
        case .statusTransitionNotAllowed, .rfoBeforeResolution: 409
        case .calendarTooShort: 400
        case .noWorkingTimeAhead: 409
        case .subaccountLimitReached: 409
        case .subaccountRateLimited: 429
        case .unknownTimeZone: 400
        case .escalationAlreadyOpen, .escalationNotAllowed, .escalationTransitionNotAllowed, .routeChangeTransitionNotAllowed: 409
        case .routeChangeTooBroad: 400
        case .chatNotAvailable: 403
        }
    }

    /// The status the error reference gives: the HTTP status of an error answer with this code.
    /// 63038 is never an error answer: a refused message is the answer to the question asked,
    /// inside a 200 admission decision (docs/errors.md, "Statuses by route").
    public var documentedStatus: String {
        self == .messageCapReached ? "200 (in the answer)" : String(httpStatus)
    }

    /// A short title for error pages and the docs.
    public var title: String {
        switch self {
        case .invalidParameter: "Invalid parameter"
        case .malformedSID: "Malformed SID"
        case .authenticationFailed: "Authentication failed"
        case .permissionDenied: "Permission denied"
        case .unknownField: "Unknown field"
        case .bodyTooLarge: "Request body too large"
        case .malformedBody: "Malformed request body"
        case .unsupportedMediaType: "Unsupported media type"
        case .conflict: "Conflict"
        case .tooManyAttempts: "Too many attempts"
        case .csrfFailed: "Form expired"
        case .linkExpired: "Link expired"
        case .linkUsed: "Link already used"
        case .invalidTwoFactorCode: "Invalid two-factor code"
        case .ownerRule: "An account has exactly one owner"
        case .signInRequired: "Sign-in required"
        case .twoFactorRequired: "Two-factor authentication required"
        case .notFound: "Not found"
        case .methodNotAllowed: "Method not allowed"
        case .internalError: "Internal error"
        case .busy: "Server busy"
        case .accountSuspended: "Account suspended"
        case .accountDormant: "Account dormant"
        case .accountTerminated: "Account terminated"
        case .accountBanned: "Account banned"
        case .accountClosed: "Account closed"
        case .accountPendingVetting: "Account pending vetting"
        case .standingChangeNotAllowed: "Standing change not allowed"
        case .invalidSignature: "Invalid signature"
        case .justificationNeeded: "Justification needed"
        case .evidenceNeeded: "Evidence needed"
        case .confirmationMismatch: "Confirmation does not match"
        case .messageCapReached: "Daily message cap reached"
        case .unknownProduct: "Unknown product"
        case .unknownPriority: "Unknown priority"
        case .ticketTransitionNotAllowed: "Ticket status change not allowed"
        case .ticketClosed: "Ticket is closed"
        case .ticketTooOld: "Too old to investigate"
        case .attachmentTooLarge: "Attachment too large"
        case .oneCountryPerTicket: "One country per voice ticket"
        case .privacyRequestOpen: "Privacy request already open"
        case .privacyExtensionUsed: "Privacy request already extended"
        case .statusTransitionNotAllowed: "Status change not allowed"
        case .rfoBeforeResolution: "Incident not resolved yet"
        case .calendarTooShort: "Business hours too short"
        case .noWorkingTimeAhead: "No working time ahead"
        case .subaccountLimitReached: "Subaccount limit reached"
        case .subaccountRateLimited: "Too many new subaccounts"
        case .unknownTimeZone: "Unknown time zone"
        case .escalationAlreadyOpen: "Escalation already open"
        case .escalationNotAllowed: "Escalation not allowed"
        case .routeChangeTooBroad: "Route change too broad"
        case .escalationTransitionNotAllowed: "Escalation status change not allowed"
        case .routeChangeTransitionNotAllowed: "Route change status change not allowed"
        case .chatNotAvailable: "No chat channel"
        }
    }
}

extension ErrorCode {
    /// What the client should do about it: shown on the error reference page.
    public var guidance: String {
        switch self {
        case .invalidParameter: "A field's value is not acceptable; the message names the field and what is wanted. Correct it and retry."
        case .malformedSID: "A SID is two letters and 32 lowercase hex digits, with the prefix the resource expects (AC for accounts, SK for keys, US for users)."
        case .authenticationFailed: "Use HTTP Basic with an account SID and its auth token, or an API key SID and its secret. The answer is the same for every wrong credential."
        case .permissionDenied: "Your role does not allow this. Ask the account's owner or an admin."
        case .unknownField: "The body has a field this endpoint does not take; the message lists the fields it does."
        case .bodyTooLarge: "Send a smaller body (the limit is 64 KB)."
        case .malformedBody: "The body is not valid JSON or form data, or a field has the wrong type or is missing."
        case .unsupportedMediaType: "Send application/json or application/x-www-form-urlencoded."
        case .conflict: "The request conflicts with the current state, for example a username that is taken."
        case .tooManyAttempts: "Too many attempts in a short time. Wait for the time given in the message and retry."
        case .csrfFailed: "A browser form expired or came from another site. Reload the page and submit again."
        case .linkExpired: "The emailed link has expired. Ask for a new one."
        case .linkUsed: "The emailed link was already used; each works once."
        case .invalidTwoFactorCode: "Enter the current 6-digit code from your authenticator app, or an unused recovery code."
        case .ownerRule: "An account always has exactly one owner; ownership moves only by transfer."
        case .signInRequired: "Sign in first."
        case .twoFactorRequired: "Set up two-factor authentication first."
        case .notFound: "There is no such resource, or it belongs to another account."
        case .methodNotAllowed: "The resource exists but does not accept this HTTP method."
        case .internalError: "Something failed on our side. Retry later; quote the request ID if you contact support."
        case .busy: "Every database connection was in use for longer than the server waits for one. Retry after the seconds in the Retry-After header."
        case .accountSuspended: "The account is suspended (account takeover, exposed credentials, abusive traffic, vetting review or fraud). Sign in to the console to see why and to ask for a review."
        case .accountDormant: "The account was deactivated after a long time without use. Sign in to the console and ask for a review to reactivate it."
        case .accountTerminated: "The account was terminated for an unpaid bill. Contact support about payment."
        case .accountBanned: "The account is banned permanently. Reply to the ban email if you want to discuss it."
        case .accountClosed: "The account is closed and takes no requests."
        case .accountPendingVetting: "The account is waiting for its sign-up vetting review; Consumer Trust usually answers within 24-48 hours."
        case .standingChangeNotAllowed: "That standing change is not allowed from the account's current standing; the message lists the changes that are."
        case .invalidSignature: "The request was not signed, or its signature did not verify against a configured key. Nothing was changed."
        case .justificationNeeded: "Every staff change of an account's standing needs a written justification of 10 to 2,000 characters (20 or more to lift a ban); the account holder is told it. Nothing was changed."
        case .evidenceNeeded: "A ban, termination or closing needs evidence of 10 to 2,000 characters: the ticket, report, invoice or link it rests on. Evidence is never longer than 2,000 characters. Nothing was changed."
        case .confirmationMismatch: "A ban, termination or closing is confirmed with the account's name exactly as shown (its SID when it has no name): `confirm` on the API, the confirmation step on the staff page. Nothing was changed."
        case .messageCapReached: "The account reached its daily outbound SMS limit (Progressive Trust). The message was not sent or billed."
        case .unknownProduct: "Use one of the support products: voice, messaging, flex, video, email, authy, other."
        case .unknownPriority: "Use priority 1 (Business Critical), 2 (Degraded Service) or 3 (General Issue)."
        case .ticketTransitionNotAllowed: "The ticket's status can't change that way (for example back to new, or out of closed). The message lists the statuses it can move to."
        case .ticketClosed: "A closed ticket is never reopened. Open a follow-up ticket (follow_up_of) that links to it; the console does this for you when you reply."
        case .ticketTooOld: "Voice calls older than 48 hours can no longer be investigated. Open a ticket with more recent examples."
        case .attachmentTooLarge: "Attach a smaller file (the limit is 32 KB per attachment) or paste the relevant part into the comment."
        case .oneCountryPerTicket: "A voice ticket covers calls to or from one country. Open one ticket per country."
        case .privacyRequestOpen: "A deletion request for the same data is already open. Follow its progress in the console or at /v1/Accounts/{sid}/PrivacyRequests/{id}."
        case .privacyExtensionUsed: "A privacy request's due date is extended at most once, with a reason told before the due date."
        case .statusTransitionNotAllowed: "An incident or maintenance can't take that status from its current one (for example a resolved incident back to investigating); the message lists the statuses it can take."
        case .rfoBeforeResolution: "A reason for outage is published after the incident is resolved. Post the resolved update first."
        case .calendarTooShort: "A support calendar must give every business-hours response target of every support plan within any 7 days. Add working hours, or fewer holidays in the week the message names."
        case .noWorkingTimeAhead: "The calendar that measures this ticket has no (or too little) working time for years ahead, so no due time can be given. A staff admin must correct the calendar's hours or holidays."
        case .subaccountLimitReached: "An account holds at most the configured number of subaccounts (20 unless the operator set TRUSTDESK_SUBACCOUNTS_MAX); closed subaccounts do not count. Ask support if you need more."
        case .subaccountRateLimited: "An account creates at most the configured number of subaccounts per 24 hours (5 unless the operator set TRUSTDESK_SUBACCOUNTS_PER_DAY). Wait for the time given in the message."
        case .unknownTimeZone: "A time zone is an IANA name from the list the preferences page offers (Europe/Paris, America/New_York, UTC). Choose one from the list, or leave it empty to use your organisation's zone or UTC."
        case .escalationAlreadyOpen: "The ticket already has an open escalation; support management was alerted and will contact you. Wait for it to be resolved before escalating again."
        case .escalationNotAllowed: "Only unsolved tickets of Personalized support customers can be escalated. Reply on a solved ticket to reopen it first."
        case .routeChangeTooBroad: "A temporary route change can't cover a whole country code. Name the destination numbers, or an area code and exchange, or at least an area code."
        case .escalationTransitionNotAllowed: "The escalation can't move that way (open -> acknowledged -> resolved); reload the ticket to see where it is."
        case .routeChangeTransitionNotAllowed: "The route change was already applied, declined or ended; reload the ticket to see where it is."
        case .chatNotAvailable: "The organisation has no chat channel. Chat channels come with the Personalized support plan; open a ticket instead."
        }
    }
}

/// A rule said no. Carries the stable code and a message meant for the person who sent the
/// request: it says what was wrong and, where it can, what to do instead.
public struct DomainError: Error, Equatable, Sendable, CustomStringConvertible {
    public let code: ErrorCode
    public let message: String
    /// Further problems found in the same form or body after this one (`FieldChecks`): a page
    /// shows every one beside its field; an API answer names this, the first.
    public internal(set) var others: [DomainError] = []

    public init(_ code: ErrorCode, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(code.rawValue): \(message)" }

    /// The form or body field the error is about. By convention a message that concerns one
    /// field starts with its name (`"subject: use at most 200 characters."`), so pages can show
    /// the error beside that field and APIs can still return the whole sentence.
    public var field: String? {
        guard let colon = message.firstIndex(of: ":") else { return nil }
        let name = message[..<colon]
        guard !name.isEmpty, name.count <= 40,
              name.allSatisfy({ ($0.isASCII && ($0.isLowercase || $0.isNumber)) || $0 == "_" })
        else { return nil }
        return String(name)
    }

    /// The message without its field prefix, for showing beside the field itself.
    public var detail: String {
        guard let field else { return message }
        return String(message.dropFirst(field.count + 1)).trimmingWhitespace()
    }
}
