import Foundation
import Testing
import TrustDeskCore
import VaporTesting
@testable import TrustDeskServer

@Suite("ACC-8, SEC-1: the two-factor enrolment QR code and secrets shown once")
struct EnrolmentPageTests {
    /// The `otpauth://` link of the enrolment page, as a browser reads its `href`.
    static func provisioningURI(in html: String) -> String? {
        capture(#"<a id="totp-uri" href="([^"]+)""#, in: html)?.replacingOccurrences(of: "&amp;", with: "&")
    }

    /// The inline SVG of the enrolment page, turned back into dark modules: each path step
    /// `M x y h n v1 h-n z` is a run of `n` dark modules in row `y`, offset by the quiet zone.
    static func drawnModules(in html: String) throws -> (side: Int, dark: Set<[Int]>) {
        let svg = try #require(capture(#"(<svg [^>]*>.*?</svg>)"#, in: html))
        let side = try #require(Int(capture(#"viewBox="0 0 (\d+) \d+""#, in: svg) ?? ""))
        let path = try #require(capture(#"<path fill="black" d="([^"]*)""#, in: svg))
        var dark = Set<[Int]>()
        let regex = try NSRegularExpression(pattern: #"M(\d+) (\d+)h(\d+)v1h-\3z"#)
        for match in regex.matches(in: path, range: NSRange(path.startIndex..., in: path)) {
            let numbers = (1...3).compactMap { Range(match.range(at: $0), in: path).flatMap { Int(path[$0]) } }
            for x in numbers[0]..<(numbers[0] + numbers[2]) { dark.insert([x, numbers[1]]) }
        }
        return (side, dark)
    }

    /// Signs a new customer in and starts two-factor setup from the security page.
    static func startEnrolment(_ app: Application) async throws -> (Browser, TestingHTTPResponse) {
        _ = try await TestData.customer(app, "mei")
        let browser = Browser(app)
        _ = try await browser.signIn("mei")
        try await browser.get("/security")
        return (browser, try await browser.post("/security/two-factor/start"))
    }

    @Test("ACC-8: the enrolment page draws its otpauth URI as an inline QR code with a quiet zone, a title and an accessible name")
    func qrCodeOnEnrolmentPage() async throws {
        try await withTrustDesk { app in
            let (browser, start) = try await Self.startEnrolment(app)
            #expect(start.status == .ok)
            let uri = try #require(Self.provisioningURI(in: start.text))
            let secret = try #require(oneTimeSecret("totp-secret", in: start.text))
            #expect(uri.hasPrefix("otpauth://totp/TrustDesk%3Amei?secret=\(secret)&issuer=TrustDesk"))

            let svg = try #require(capture(#"(<svg [^>]*>.*?</svg>)"#, in: start.text))
            #expect(svg.contains(#"role="img""#) && svg.contains(#"aria-label="QR code to scan with your authenticator app"#))
            #expect(svg.contains("<title>QR code to scan with your authenticator app"))
            #expect(svg.contains(#"shape-rendering="crispEdges""#))
            #expect(!svg.contains("href") && !svg.contains("src=") && !svg.contains("<image"), "the image loads nothing")

            // The drawing is exactly the symbol of that URI, inside 4 light modules on every side.
            let code = try QRCode(text: uri)
            let drawn = try Self.drawnModules(in: start.text)
            #expect(drawn.side == code.size + 8)
            var expected = Set<[Int]>()
            for y in 0..<code.size { for x in 0..<code.size where code.isDark(x: x, y: y) { expected.insert([x + 4, y + 4]) } }
            #expect(drawn.dark == expected)

            // The secret the page shows as text and in the QR code completes the enrolment.
            let key = try #require(Base32.decode(secret))
            let done = try await browser.post("/security/two-factor/confirm", ["code": TestData.code(app, secret: key)])
            #expect(done.status == .ok)
            #expect(done.text.contains(#"id="two-factor-status">enabled"#))
        }
    }

    @Test("ACC-8: a wrong code shows the same QR code and key again, the error beside the code field")
    func wrongCodeKeepsEnrolment() async throws {
        try await withTrustDesk { app in
            let (browser, start) = try await Self.startEnrolment(app)
            let uri = try #require(Self.provisioningURI(in: start.text))
            let again = try await browser.post("/security/two-factor/confirm", ["code": "000000"])
            #expect(again.errorCode == ErrorCode.invalidTwoFactorCode.rawValue)
            #expect(again.text.contains(#"<p class="field-error" id="code-error">"#))
            #expect(again.text.contains(#"aria-describedby="code-error" aria-invalid="true""#))
            #expect(Self.provisioningURI(in: again.text) == uri)
            #expect(try Self.drawnModules(in: again.text).dark == Self.drawnModules(in: start.text).dark)
            #expect(oneTimeSecret("totp-secret", in: again.text) == oneTimeSecret("totp-secret", in: start.text))
        }
    }

    @Test("ACC-8: recovery codes are shown once in a read-only field with a copy button and a warning, then never again")
    func recoveryCodesShownOnce() async throws {
        try await withTrustDesk { app in
            let (browser, start) = try await Self.startEnrolment(app)
            let secret = try #require(oneTimeSecret("totp-secret", in: start.text))
            let done = try await browser.post("/security/two-factor/confirm", ["code": TestData.code(app, secret: try #require(Base32.decode(secret)))])
            let codes = try #require(oneTimeSecret("recovery-codes", in: done.text)).split(separator: "\n").map(String.init)
            #expect(codes.count == 10 && codes.allSatisfy(RecoveryCodes.looksLikeRecoveryCode))
            #expect(done.text.contains(#"<textarea id="recovery-codes" class="secret" rows="10" readonly"#))
            #expect(done.text.contains(#"<button type="button" class="secondary copy" data-copy="recovery-codes" hidden>Copy</button>"#))
            #expect(done.text.contains(#"<p class="warning" id="recovery-codes-once"><strong>Shown once.</strong>"#))
            #expect(!done.text.contains("<svg"), "the QR code goes once enrolment is done")

            let later = try await browser.get("/security")
            #expect(!codes.contains { later.text.contains($0) })
            #expect(!later.text.contains(secret))
            #expect(later.text.contains(#"id="recovery-codes-left">10<"#))
        }
    }

    @Test("SEC-1: auth tokens and API key secrets are shown once, read-only, with a copy button and a warning")
    func credentialsShownOnce() async throws {
        try await withTrustDesk { app in
            let customer = try await TestData.customer(app, "ines")
            let browser = Browser(app)
            _ = try await browser.signIn("ines")
            let credentials = "/console/accounts/\(customer.account.sid)/credentials"
            try await browser.get(credentials)
            let key = try await browser.post("/console/accounts/\(customer.account.sid)/keys", ["friendly_name": "billing sync"])
            let keySecret = try #require(oneTimeSecret("key-secret", in: key.text))
            #expect(Secrets.matchesFormat(keySecret, kind: .apiKeySecret))
            let token = try await browser.post("/console/accounts/\(customer.account.sid)/tokens/secondary")
            let tokenValue = try #require(oneTimeSecret("new-token", in: token.text))
            #expect(Secrets.matchesFormat(tokenValue, kind: .authToken))
            for (page, id) in [(key, "key-secret"), (token, "new-token")] {
                #expect(page.text.contains(#"<label for="\#(id)">"#))
                #expect(page.text.contains(#"data-copy="\#(id)" hidden>Copy</button>"#))
                #expect(page.text.contains(#"<p class="warning" id="\#(id)-once"><strong>Shown once.</strong>"#))
                #expect(page.text.contains(#"aria-describedby="\#(id)-once""#))
            }
            let later = try await browser.get(credentials)
            #expect(!later.text.contains(keySecret) && !later.text.contains(tokenValue))
            #expect(oneTimeSecret("key-secret", in: later.text) == nil)
        }
    }

    @Test("SEC-5: the copy script comes from our own origin, only pages with a secret load it, and none runs an inline script")
    func copyScript() async throws {
        try await withTrustDesk { app in
            let script = try await app.testing().sendRequest(.GET, "/scripts/copy.js")
            #expect(script.status == .ok)
            #expect(script.headers.contentType?.description.hasPrefix("text/javascript") == true)
            #expect(script.text.contains("data-copy"))

            let (browser, page) = try await Self.startEnrolment(app)
            let policy = try #require(page.headers.first(name: "Content-Security-Policy"))
            #expect(policy.contains("script-src 'self'") && !policy.contains("unsafe-inline"))
            let scripts = page.text.components(separatedBy: "<script").dropFirst()
            #expect(scripts.count == 1 && page.text.contains(#"<script src="/scripts/copy.js" defer></script>"#))
            #expect(scripts.allSatisfy { $0.hasPrefix(#" src="/"#) }, "every script is a file from our origin")
            let withoutSecret = try await browser.get("/security")
            #expect(withoutSecret.text.contains(#"id="totp-start-form""#) && oneTimeSecret("totp-secret", in: withoutSecret.text) == nil)
            #expect(!withoutSecret.text.contains("<script"))
        }
    }
}
