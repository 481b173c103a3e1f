import Fluent
import Foundation
import TrustDeskCore
import Vapor

/// The support line's TwiML webhooks (SUP-10, SEC-4). The provider posts each step of a call:
/// `/voice/incoming` asks for the PIN, `/voice/pin` finds the organisation and rings its TAM,
/// `/voice/dial-result` moves on when nobody answered, `/voice/status` closes the call log.
/// Every request must carry the provider's `X-Twilio-Signature`; the in-memory `VoiceDesk`
/// answers without reading the database.
struct VoiceController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let voice = routes.grouped("voice")
        voice.post("incoming", use: incoming)
        voice.post("pin", use: pin)
        voice.post("dial-result", use: dialResult)
        voice.post("status", use: status)
    }

    static let callerPurpose = "voice-caller"

    /// A signed webhook's parameters and call.
    struct Webhook {
        let parameters: [String: String]
        let callSID: String
        let snapshot: VoiceDesk.Snapshot
        let now: Date
    }

    /// SEC-4: base64 HMAC-SHA1, keyed with the provider's auth token, over
    /// `TRUSTDESK_PUBLIC_URL` + path and query + every POST parameter sorted by name. Never the
    /// Host header: a request can say any host.
    static func verify(_ request: Request) throws -> [String: String] {
        let configuration = request.application.trustDeskConfiguration
        guard let token = configuration.voiceAuthToken else {
            throw DomainError(.invalidSignature, "Voice webhooks are not configured on this server (TRUSTDESK_VOICE_AUTH_TOKEN is unset); nothing was done.")
        }
        guard let given = request.headers.first(name: "X-Twilio-Signature"), !given.isEmpty else {
            throw DomainError(.invalidSignature, "The webhook is not signed: send X-Twilio-Signature.")
        }
        let parameters = formParameters(request)
        let expected = CallbackSignature.sign(url: configuration.publicURL + request.url.string, parameters: parameters, secret: token)
        guard Self.constantTimeEqual(Array(given.utf8), Array(expected.utf8)) else {
            throw DomainError(.invalidSignature, "The webhook's signature does not verify; nothing was done.")
        }
        return parameters
    }

    /// The POST parameters of a urlencoded body; none for any other body (its signature then
    /// covers the URL alone, as the provider computes it).
    static func formParameters(_ request: Request) -> [String: String] {
        guard let type = request.headers.first(name: .contentType)?.lowercased(), type.hasPrefix("application/x-www-form-urlencoded"),
              let body = request.body.data else { return [:] }
        return FormURLEncoding.parse(body.readableBytesView)
    }

    /// A query parameter, read without the general query decoder (see `formParameters`).
    static func queryValue(_ request: Request, _ name: String) -> String? {
        request.url.query.flatMap { FormURLEncoding.parse($0.utf8)[name] }
    }

    static func constantTimeEqual(_ left: [UInt8], _ right: [UInt8]) -> Bool {
        guard left.count == right.count else { return false }
        var difference: UInt8 = 0
        for (one, other) in zip(left, right) { difference |= one ^ other }
        return difference == 0
    }

    private func webhook(_ request: Request) async throws -> Webhook {
        let parameters = try Self.verify(request)
        let callSID: SID
        do { callSID = try SID(parsing: parameters["CallSid"] ?? "", expecting: .call) } catch { throw DomainError(sid: error) }
        let now = request.now
        let database = request.db
        let box = request.application.secretBox
        let snapshot = try await request.application.voiceDesk.snapshot(now: now) {
            try await VoiceSnapshotLoader(database: database, now: now, box: box).load()
        }
        return Webhook(parameters: parameters, callSID: callSID.rawValue, snapshot: snapshot, now: now)
    }

    private func twiml(_ verbs: [String]) -> Response {
        var headers = HTTPHeaders()
        headers.replaceOrAdd(name: .contentType, value: TwiML.contentType)
        headers.replaceOrAdd(name: .cacheControl, value: "no-store")
        return Response(status: .ok, headers: headers, body: .init(string: TwiML.response(verbs)))
    }

    private func log(_ request: Request, _ hook: Webhook, _ change: (inout CallLogUpdate) -> Void) {
        var update = CallLogUpdate(callSID: hook.callSID, at: hook.now)
        change(&update)
        request.application.voiceDesk.record(update)
    }

    static let welcome = "Welcome to TrustDesk personalized support. Please enter your support PIN, then press the pound key."
    static let generalQueue = [TwiML.say("Connecting you to our support team. Please hold."), TwiML.enqueue(VoiceRouting.generalQueue)]

    // MARK: Steps

    func incoming(request: Request) async throws -> Response {
        let hook = try await webhook(request)
        let to = E164.digits(hook.parameters["To"] ?? "").map { "+" + $0 } ?? (hook.parameters["To"] ?? "")
        guard hook.snapshot.lines.contains(to) else {
            request.logger.warning("call to a number that is not a support number: general queue", metadata: ["call_sid": "\(hook.callSID)", "to": "\(to.prefix(20))"])
            log(request, hook) {
                $0.to = to
                $0.from = hook.parameters["From"]
                $0.outcome = "general queue: \(to.prefix(20)) is not a support number"
                $0.outcomeAt = hook.now
            }
            return twiml(Self.generalQueue)
        }
        log(request, hook) {
            $0.to = to
            $0.from = hook.parameters["From"]
            $0.outcome = "asked for the PIN"
            $0.outcomeAt = hook.now
        }
        return twiml(TwiML.gatherPIN(action: "/voice/pin?attempt=1", prompt: Self.welcome))
    }

    func pin(request: Request) async throws -> Response {
        let hook = try await webhook(request)
        let attempt = min(PhonePIN.attemptsPerCall, max(1, Self.queryValue(request, "attempt").flatMap { Int($0) } ?? 1))
        let desk = request.application.voiceDesk
        // SEC-2: a caller who guessed too often is not asked again; people in the general queue
        // can still help them.
        let callerKey = hook.snapshot.throttleKey(caller: hook.parameters["From"] ?? "anonymous")
        if case .blocked = ThrottlePolicy.phonePINPerCaller.decide(failures: desk.failures(callerKey, in: hook.snapshot), now: hook.now) {
            request.logger.warning("support line caller throttled after wrong PINs", metadata: ["call_sid": "\(hook.callSID)"])
            log(request, hook) {
                $0.pinAttempts = attempt
                $0.outcome = "general queue: too many wrong PINs from this caller recently"
                $0.outcomeAt = hook.now
            }
            return twiml(Self.generalQueue)
        }
        guard let entered = PhonePIN.entered(hook.parameters["Digits"]), let organisation = hook.snapshot.organisation(pin: entered) else {
            try await Throttle(database: request.db, now: hook.now).recordFailure(callerKey)
            desk.noteFailure(callerKey, at: hook.now)
            switch PhonePIN.afterWrong(attempt: attempt) {
            case let .askAgain(next):
                log(request, hook) { $0.pinAttempts = attempt }
                return twiml(TwiML.gatherPIN(action: "/voice/pin?attempt=\(next)", prompt: "That PIN was not recognised. Please enter your support PIN, then press the pound key."))
            case .generalQueue:
                log(request, hook) {
                    $0.pinAttempts = attempt
                    $0.outcome = "general queue: \(PhonePIN.attemptsPerCall) wrong PINs"
                    $0.outcomeAt = hook.now
                }
                return twiml([TwiML.say("That PIN was not recognised.")] + Self.generalQueue)
            }
        }
        let plan = hook.snapshot.plan(for: organisation, at: hook.now)
        log(request, hook) {
            $0.pinAttempts = attempt - 1
            $0.organisationSID = organisation.sid
            $0.outcome = describe(plan.first, hook.snapshot) + " (\(plan.reason))"
            $0.outcomeAt = hook.now
        }
        return twiml(verbs(for: plan.first, organisation: organisation))
    }

    func dialResult(request: Request) async throws -> Response {
        let hook = try await webhook(request)
        let leg = Self.queryValue(request, "leg").flatMap(CallLeg.init(rawValue:)) ?? .pse
        let outcome = DialOutcome(rawValue: hook.parameters["DialCallStatus"] ?? "") ?? .failed
        guard outcome.passesOn else {
            log(request, hook) {
                $0.outcome = "answered: \(leg.rawValue)"
                $0.outcomeAt = hook.now
            }
            return twiml([TwiML.hangup])
        }
        let organisationSID = Self.queryValue(request, "org") ?? ""
        guard let organisation = hook.snapshot.organisations[organisationSID] else {
            log(request, hook) {
                $0.outcome = "general queue: the organisation's PIN changed during the call"
                $0.outcomeAt = hook.now
            }
            return twiml(Self.generalQueue)
        }
        let next = hook.snapshot.plan(for: organisation, at: hook.now).after(leg)
        log(request, hook) {
            $0.outcome = "\(leg.rawValue) \(outcome.rawValue); " + describe(next, hook.snapshot)
            $0.outcomeAt = hook.now
        }
        return twiml(verbs(for: next, organisation: organisation))
    }

    func status(request: Request) async throws -> Response {
        let hook = try await webhook(request)
        log(request, hook) {
            $0.callStatus = String((hook.parameters["CallStatus"] ?? "").prefix(20))
            $0.durationSeconds = Int(hook.parameters["CallDuration"] ?? "")
            $0.endedAt = hook.now
        }
        return twiml([])
    }

    // MARK: Words

    private func verbs(for step: CallStep, organisation: VoiceDesk.Organisation) -> [String] {
        switch step {
        case let .dial(leg, _, numbers):
            let who = switch leg {
            case .primary: "your technical account manager"
            case .secondary: "your secondary technical account manager"
            case .pse: "a personalized support engineer"
            }
            return [TwiML.say("Connecting you to \(who)."),
                    TwiML.dial(numbers: numbers, action: "/voice/dial-result?leg=\(leg.rawValue)&org=\(organisation.sid)", timeout: VoiceRouting.ringSeconds)]
        case let .enqueue(queue):
            return [TwiML.say("Our personalized support engineers are all on other calls. Please hold; the next one will answer."), TwiML.enqueue(queue)]
        }
    }

    private func describe(_ step: CallStep, _ snapshot: VoiceDesk.Snapshot) -> String {
        switch step {
        case let .dial(leg, people, _):
            "ringing \(leg.rawValue): " + people.map { snapshot.people[$0]?.name ?? $0 }.joined(separator: ", ")
        case let .enqueue(queue):
            "\(queue) queue"
        }
    }
}
