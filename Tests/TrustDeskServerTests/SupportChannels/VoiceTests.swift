import Fluent
import Foundation
import NIOCore
import Testing
import TrustDeskCore
import VaporTesting
@testable import TrustDeskServer

@Suite("SUP-10 SEC-4 SEC-2 the support line")
struct VoiceTests {
    static let callSID = "CA" + String(repeating: "a", count: 32)
    static let caller = "+14155550199"

    /// Posts a webhook the way the provider does: form parameters, signed over the public URL.
    @discardableResult
    static func hook(_ app: Application, _ path: String, _ parameters: [String: String], signWith token: String = TestData.voiceAuthToken,
                     tamper: [String: String] = [:], callSID: String = callSID, from: String = caller) async throws -> TestingHTTPResponse {
        var signed = parameters
        signed["CallSid"] = signed["CallSid"] ?? callSID
        signed["From"] = signed["From"] ?? from
        signed["To"] = signed["To"] ?? SupportWorld.supportLine
        let signature = CallbackSignature.sign(url: "http://127.0.0.1:8080" + path, parameters: signed, secret: token)
        var sent = signed
        for (name, value) in tamper { sent[name] = value }
        var headers = HTTPHeaders()
        headers.contentType = .urlEncodedForm
        headers.add(name: "X-Twilio-Signature", value: signature)
        return try await app.testing().sendRequest(.POST, path, headers: headers, body: ByteBuffer(string: Browser.formEncode(sent)))
    }

    /// The numbers a TwiML answer dials, in order.
    static func dialed(_ response: TestingHTTPResponse) -> [String] {
        let pattern = try? NSRegularExpression(pattern: "<Number>([^<]+)</Number>")
        let text = response.text
        return pattern?.matches(in: text, range: NSRange(text.startIndex..., in: text)).compactMap { match in
            Range(match.range(at: 1), in: text).map { String(text[$0]) }
        } ?? []
    }

    static func pinCall(_ app: Application, pin: String = SupportWorld.pin, attempt: Int = 1, callSID: String = callSID, from: String = caller) async throws -> TestingHTTPResponse {
        try await hook(app, "/voice/incoming", [:], callSID: callSID, from: from)
        return try await hook(app, "/voice/pin?attempt=\(attempt)", ["Digits": pin], callSID: callSID, from: from)
    }

    @Test("SUP-10: the line asks for the PIN with a DTMF Gather that ends on #")
    func incoming() async throws {
        try await withTrustDesk { app in
            _ = try await SupportWorld.make(app)
            let response = try await Self.hook(app, "/voice/incoming", [:])
            #expect(response.status == .ok)
            #expect(response.headers.first(name: .contentType)?.hasPrefix("application/xml") == true)
            #expect(response.text.contains("<Gather input=\"dtmf\" finishOnKey=\"#\" timeout=\"5\" method=\"POST\" action=\"/voice/pin?attempt=1\">"))
        }
    }

    @Test("SUP-10: a call at 17:59 on the TAM's calendar rings the primary TAM; at 18:00 it rings the PSEs on shift")
    func closingTime() async throws {
        try await withTrustDesk { app in
            _ = try await SupportWorld.make(app)
            // Monday 2026-03-02 17:59 New York = 22:59 UTC; London is closed.
            app.clock.set(.utc("2026-03-02T22:59:00Z"))
            let before = try await Self.pinCall(app)
            #expect(Self.dialed(before) == ["+12125550101"])
            #expect(before.text.contains("action=\"/voice/dial-result?leg=primary&amp;org="))
            app.clock.set(.utc("2026-03-02T23:00:00Z"))
            let after = try await Self.pinCall(app, callSID: "CA" + String(repeating: "b", count: 32))
            #expect(Set(Self.dialed(after)) == ["+12125550111", "+12125550112"])
            #expect(after.text.contains("leg=pse"))
        }
    }

    @Test("SUP-10: no answer from the primary goes to the secondary within hours, busy there to the PSEs, then the PSE queue")
    func forwarding() async throws {
        try await withTrustDesk { app in
            let world = try await SupportWorld.make(app)
            // Monday 09:30 New York = 14:30 UTC = 14:30 London.
            app.clock.set(.utc("2026-03-02T14:30:00Z"))
            let first = try await Self.pinCall(app)
            #expect(Self.dialed(first) == ["+12125550101"])
            let org = world.acme.account.sid
            let secondary = try await Self.hook(app, "/voice/dial-result?leg=primary&org=\(org)", ["DialCallStatus": "no-answer"])
            #expect(Self.dialed(secondary) == ["+442079460102"])
            let pses = try await Self.hook(app, "/voice/dial-result?leg=secondary&org=\(org)", ["DialCallStatus": "busy"])
            #expect(Set(Self.dialed(pses)) == ["+12125550111", "+12125550112"])
            let queued = try await Self.hook(app, "/voice/dial-result?leg=pse&org=\(org)", ["DialCallStatus": "no-answer"])
            #expect(queued.text.contains("<Enqueue>pse</Enqueue>"))
            let answered = try await Self.hook(app, "/voice/dial-result?leg=secondary&org=\(org)", ["DialCallStatus": "completed"])
            #expect(answered.text.contains("<Hangup/>"))
        }
    }

    @Test("SUP-10: on the primary TAM's holiday the call goes to the secondary")
    func holiday() async throws {
        try await withTrustDesk { app in
            let world = try await SupportWorld.make(app)
            world.taylorCalendar.holidays = "2026-03-02"
            try await world.taylorCalendar.save(on: app.db)
            app.clock.set(.utc("2026-03-02T15:00:00Z"))
            #expect(Self.dialed(try await Self.pinCall(app)) == ["+442079460102"])
        }
    }

    @Test("SUP-10: a PSE shift of 01:00-02:00 takes calls in both copies of the repeated autumn hour, and none at 02:00")
    func repeatedHour() async throws {
        try await withTrustDesk { app in
            _ = try await SupportWorld.make(app)
            let pool = try #require(try await SupportCalendarRecord.query(on: app.db).filter(\.$groupName == SupportGroup.pse).first())
            pool.timeZone = "America/New_York"
            pool.weeklyHours = "Sun 01:00-02:00"
            try await pool.save(on: app.db)
            for (index, instant) in ["2026-11-01T05:30:00Z", "2026-11-01T06:30:00Z"].enumerated() {
                app.clock.set(.utc(instant))
                app.voiceDesk.invalidate()
                let response = try await Self.pinCall(app, callSID: "CA" + String(repeating: "\(index + 1)", count: 32))
                #expect(Set(Self.dialed(response)) == ["+12125550111", "+12125550112"], "\(instant)")
            }
            app.clock.set(.utc("2026-11-01T07:00:00Z"))
            app.voiceDesk.invalidate()
            let late = try await Self.pinCall(app, callSID: "CA" + String(repeating: "9", count: 32))
            #expect(Self.dialed(late).isEmpty && late.text.contains("<Enqueue>pse</Enqueue>"))
        }
    }

    @Test("SUP-10 SEC-2: three wrong PINs (a non-digit one included) end in the general queue; each counts against the caller")
    func wrongPINs() async throws {
        try await withTrustDesk { app in
            _ = try await SupportWorld.make(app)
            try await Self.hook(app, "/voice/incoming", [:])
            let first = try await Self.hook(app, "/voice/pin?attempt=1", ["Digits": "1111"])
            #expect(first.text.contains("action=\"/voice/pin?attempt=2\"") && first.text.contains("not recognised"))
            let second = try await Self.hook(app, "/voice/pin?attempt=2", ["Digits": "48a1"])
            #expect(second.text.contains("action=\"/voice/pin?attempt=3\""))
            let third = try await Self.hook(app, "/voice/pin?attempt=3", [:])
            #expect(third.text.contains("<Enqueue>general</Enqueue>"))
            #expect(try await ThrottleFailure.query(on: app.db).filter(\.$key =~ "voice_pin:").count() == 3)
            try await app.voiceDesk.flush(on: app.db)
            let call = try #require(try await SupportCall.find(Self.callSID, on: app.db))
            #expect(call.pinAttempts == 3 && call.outcome == "general queue: 3 wrong PINs" && call.organisationSID == nil)
        }
    }

    @Test("SEC-2: a caller who keeps guessing is sent to the general queue even with the right PIN; other callers are not")
    func throttledCaller() async throws {
        try await withTrustDesk { app in
            _ = try await SupportWorld.make(app)
            app.clock.set(.utc("2026-03-02T14:30:00Z"))
            for call in 0..<2 {
                let sid = "CA" + String(repeating: "\(call + 1)", count: 32)
                for attempt in 1...3 { try await Self.hook(app, "/voice/pin?attempt=\(attempt)", ["Digits": "000\(attempt)"], callSID: sid) }
            }
            let blocked = try await Self.pinCall(app, callSID: "CA" + String(repeating: "c", count: 32))
            #expect(blocked.text.contains("<Enqueue>general</Enqueue>") && Self.dialed(blocked).isEmpty)
            // Another node sees the failures from the database once its snapshot reloads.
            app.voiceDesk.invalidate()
            #expect(try await Self.pinCall(app, callSID: "CA" + String(repeating: "d", count: 32)).text.contains("<Enqueue>general</Enqueue>"))
            let other = try await Self.pinCall(app, callSID: "CA" + String(repeating: "e", count: 32), from: "+14155550123")
            #expect(Self.dialed(other) == ["+12125550101"])
            // After the window the caller may try again.
            app.clock.advance(by: ThrottlePolicy.phonePINPerCaller.window + 1)
            app.voiceDesk.invalidate()
            #expect(!Self.dialed(try await Self.pinCall(app, callSID: "CA" + String(repeating: "f", count: 32))).isEmpty)
        }
    }

    @Test("SEC-4: unsigned, wrongly signed or tampered webhooks are refused with 20308 and do nothing; without a token every webhook is refused")
    func signatures() async throws {
        try await withTrustDesk { app in
            _ = try await SupportWorld.make(app)
            let tampered = try await Self.hook(app, "/voice/pin?attempt=1", ["Digits": "0000"], tamper: ["Digits": SupportWorld.pin])
            #expect(tampered.status == .unauthorized && tampered.errorCode == 20308)
            let wrongKey = try await Self.hook(app, "/voice/incoming", [:], signWith: "not-the-provider-token-0123")
            #expect(wrongKey.errorCode == 20308)
            var headers = HTTPHeaders()
            headers.contentType = .urlEncodedForm
            let unsigned = try await app.testing().sendRequest(.POST, "/voice/incoming", headers: headers, body: ByteBuffer(string: "CallSid=\(Self.callSID)"))
            #expect(unsigned.status == .unauthorized && unsigned.errorCode == 20308)
            // The URL is part of what is signed: a signature for another path does not verify.
            let signature = CallbackSignature.sign(url: "http://127.0.0.1:8080/voice/incoming", parameters: ["CallSid": Self.callSID], secret: TestData.voiceAuthToken)
            headers.add(name: "X-Twilio-Signature", value: signature)
            let moved = try await app.testing().sendRequest(.POST, "/voice/status", headers: headers, body: ByteBuffer(string: "CallSid=\(Self.callSID)"))
            #expect(moved.errorCode == 20308)
            #expect(try await ThrottleFailure.query(on: app.db).count() == 0)
            app.trustDeskConfiguration.voiceAuthToken = nil
            #expect(try await Self.hook(app, "/voice/incoming", [:]).errorCode == 20308)
            try await app.voiceDesk.flush(on: app.db)
            #expect(try await SupportCall.query(on: app.db).count() == 0)
        }
    }

    @Test("SUP-10: a call to a number that is not a support number goes to the general queue and is logged")
    func unknownNumber() async throws {
        try await withTrustDesk { app in
            _ = try await SupportWorld.make(app)
            let response = try await Self.hook(app, "/voice/incoming", ["To": "+12125550999"])
            #expect(response.text.contains("<Enqueue>general</Enqueue>") && !response.text.contains("<Gather"))
            try await app.voiceDesk.flush(on: app.db)
            let call = try #require(try await SupportCall.find(Self.callSID, on: app.db))
            #expect(call.outcome?.contains("not a support number") == true && call.toNumber == "+12125550999")
        }
    }

    @Test("SUP-10: the call log merges every step of a call and staff read it; the status callback closes it")
    func callLog() async throws {
        try await withTrustDesk { app in
            let world = try await SupportWorld.make(app)
            app.clock.set(.utc("2026-03-02T14:30:00Z"))
            _ = try await Self.pinCall(app)
            try await app.voiceDesk.flush(on: app.db)
            app.clock.advance(by: 25)
            try await Self.hook(app, "/voice/dial-result?leg=primary&org=\(world.acme.account.sid)", ["DialCallStatus": "completed"])
            app.clock.advance(by: 300)
            try await Self.hook(app, "/voice/status", ["CallStatus": "completed", "CallDuration": "321"])
            try await app.voiceDesk.flush(on: app.db)
            let call = try #require(try await SupportCall.find(Self.callSID, on: app.db))
            #expect(call.organisationSID == world.acme.account.sid && call.fromNumber == Self.caller && call.toNumber == SupportWorld.supportLine)
            #expect(call.outcome == "answered: primary" && call.callStatus == "completed" && call.durationSeconds == 321)
            #expect(call.startedAt == .utc("2026-03-02T14:30:00Z") && call.endedAt == .utc("2026-03-02T14:35:25Z"))
            let staff = try await SupportWorld.staffBrowser(app, world.taylor)
            let page = try await staff.get("/staff/support/calls")
            #expect(page.text.contains(Self.callSID) && page.text.contains("answered: primary") && page.text.contains("5 min 21 s"))
        }
    }

    @Test("SUP-10: PINs are sealed at rest, found by a keyed hash, and unique")
    func sealedPINs() async throws {
        try await withTrustDesk { app in
            let world = try await SupportWorld.make(app)
            let profile = try #require(try await SupportProfile.find(world.acme.account.sid, on: app.db))
            #expect(profile.phonePIN.isEmpty)
            let sealed = try #require(profile.phonePINSealed)
            #expect(!sealed.contains(SupportWorld.pin) && profile.phonePINLookup?.count == 64)
            // The snapshot's key, derived once per load, finds the same hash as a fresh derivation.
            #expect(app.secretBox.lookupKey(purpose: SupportPINs.purpose).hash(SupportWorld.pin) == profile.phonePINLookup)
            #expect(app.secretBox.lookupKey(purpose: VoiceController.callerPurpose).hash(SupportWorld.pin) != profile.phonePINLookup)
            let pins = SupportPINs(database: app.db, now: app.now, box: app.secretBox)
            #expect(try pins.pin(of: profile) == SupportWorld.pin)
            try await SupportProfile(accountSID: world.harbor.account.sid, plan: "personalized", now: app.now).create(on: app.db)
            let taken = await #expect(throws: DomainError.self) { try await pins.set(SupportWorld.pin, for: world.harbor.account.sid) }
            #expect(taken?.field == "phone_pin")
            // A PIN left in plain text from before sealing is sealed at start; a duplicate is cleared.
            let harbor = try #require(try await SupportProfile.find(world.harbor.account.sid, on: app.db))
            harbor.phonePIN = "7777"
            try await harbor.save(on: app.db)
            try await SupportPINs.sealLegacy(on: app.db, box: app.secretBox, now: app.now, logger: app.logger)
            let resealed = try #require(try await SupportProfile.find(world.harbor.account.sid, on: app.db))
            #expect(try resealed.phonePIN.isEmpty && pins.pin(of: resealed) == "7777")
        }
    }

    @Test("SUP-10: staff save their phone (E.164) and admins add support numbers and set PINs; every problem shows at once")
    func staffPages() async throws {
        try await withTrustDesk { app in
            let world = try await SupportWorld.make(app)
            let admin = try await SupportWorld.staffBrowser(app, world.admin)
            try await admin.get("/staff/support/line")
            let bad = try await admin.post("/staff/support/line/numbers", ["country": "XX", "number": "0800 555", "kind": "toll_free"])
            #expect(bad.text.contains("id=\"country-error\"") && bad.text.contains("id=\"number-error\""))
            #expect(bad.text.contains("value=\"XX\"") && bad.text.contains("value=\"0800 555\""))
            let added = try await admin.post("/staff/support/line/numbers", ["country": "gb", "number": "+44 20 7946 0100", "kind": "local"])
            #expect(added.text.contains("+44 2079460100") && added.text.contains("United Kingdom (GB)"))
            #expect(try await SupportLine.query(on: app.db).filter(\.$number == "+442079460100").count() == 1)
            let pin = try await admin.post("/staff/support/line/pin", ["organisation_sid": world.acme.account.sid, "phone_pin": "5150"])
            #expect(pin.text.contains("Phone PIN set"))
            // Monday 12:00 UTC: New York is not at work yet, London is: the secondary TAM.
            #expect(Self.dialed(try await Self.pinCall(app, pin: "5150")) == ["+442079460102"])
            #expect(try await Self.pinCall(app, pin: SupportWorld.pin, callSID: "CA" + String(repeating: "7", count: 32)).text.contains("not recognised"))
            let taylor = try await SupportWorld.staffBrowser(app, world.taylor)
            try await taylor.get("/staff/support/line")
            let phone = try await taylor.post("/staff/support/line/phone", ["phone": "+1 212 555"])
            #expect(phone.text.contains("id=\"phone-error\"") && phone.text.contains("value=\"+1 212 555\""))
            _ = try await taylor.post("/staff/support/line/phone", ["phone": "+1 (212) 555-0199"])
            #expect(try await StaffSupportProfile.find(world.taylor.sid, on: app.db)?.phone == "+12125550199")
            let refused = try await taylor.post("/staff/support/line/numbers", ["country": "US", "number": "+1 212 555 0177", "kind": "local"])
            #expect(refused.errorCode == 20006)
        }
    }
}
