import Foundation
import Testing
@testable import TrustDeskCore

@Suite("ACC-8: TOTP two-factor codes")
struct TOTPTests {
    /// RFC 6238 appendix B, SHA-1 secret; the expected values are the last 6 of its 8 digits.
    static let rfcSecret = Array("12345678901234567890".utf8)

    @Test("ACC-8: codes match the RFC 6238 test vectors", arguments: [
        (59, "287082"), (1_111_111_109, "081804"), (1_111_111_111, "050471"),
        (1_234_567_890, "005924"), (2_000_000_000, "279037"), (20_000_000_000, "353130"),
    ])
    func rfcVectors(time: Int, expected: String) {
        let totp = TOTP(secret: Self.rfcSecret)
        #expect(totp.code(at: Date(timeIntervalSince1970: TimeInterval(time))) == expected)
    }

    @Test("ACC-8: a code is accepted once only")
    func codeOnce() throws {
        let totp = TOTP(secret: Self.rfcSecret)
        let now = Date(timeIntervalSince1970: 1_111_111_111)
        let step = try #require(totp.verify("050471", at: now, lastUsedStep: nil))
        #expect(totp.verify("050471", at: now, lastUsedStep: step) == nil)
        // An older code is refused after a newer one was used.
        let previous = totp.code(atStep: step - 1)
        #expect(totp.verify(previous, at: now, lastUsedStep: step) == nil)
    }

    @Test("ACC-8: one step of clock drift either way is tolerated, two are not")
    func drift() {
        let totp = TOTP(secret: Self.rfcSecret)
        let now = Date(timeIntervalSince1970: 1_000_000_000)
        let step = TOTP.step(at: now)
        #expect(totp.verify(totp.code(atStep: step - 1), at: now, lastUsedStep: nil) == step - 1)
        #expect(totp.verify(totp.code(atStep: step + 1), at: now, lastUsedStep: nil) == step + 1)
        let far = [totp.code(atStep: step - 2), totp.code(atStep: step + 2)]
        let near = Set([totp.code(atStep: step - 1), totp.code(atStep: step), totp.code(atStep: step + 1)])
        for code in far where !near.contains(code) {
            #expect(totp.verify(code, at: now, lastUsedStep: nil) == nil)
        }
    }

    @Test("ACC-8: malformed codes are refused", arguments: ["", "12345", "1234567", "abcdef", "12 34 5a", "١٢٣٤٥٦"])
    func malformed(code: String) {
        #expect(TOTP(secret: Self.rfcSecret).verify(code, at: Date(), lastUsedStep: nil) == nil)
    }

    @Test("ACC-8: base32 follows RFC 4648 and round-trips secrets")
    func base32() throws {
        #expect(Base32.encode(Array("foobar".utf8)) == "MZXW6YTBOI")
        #expect(Base32.encode(Array("f".utf8)) == "MY")
        #expect(try #require(Base32.decode("mzxw 6ytb-oi======")) == Array("foobar".utf8))
        #expect(Base32.decode("not base32!") == nil)
        for _ in 0..<100 {
            let secret = TOTP.generateSecret()
            #expect(secret.count == 20)
            #expect(Base32.decode(Base32.encode(secret)) == secret)
        }
    }

    @Test("ACC-8: the provisioning URI carries issuer, secret and parameters")
    func provisioningURI() {
        let uri = TOTP(secret: Array("foobar".utf8)).provisioningURI(issuer: "TrustDesk", account: "ana & bo")
        #expect(uri.hasPrefix("otpauth://totp/TrustDesk%3Aana%20%26%20bo?secret=MZXW6YTBOI&issuer=TrustDesk"))
        #expect(uri.contains("digits=6") && uri.contains("period=30"))
    }

    @Test("ACC-8: recovery codes are ten distinct one-time codes, recognised however they are typed")
    func recoveryCodes() {
        let codes = RecoveryCodes.generate()
        #expect(codes.count == 10)
        #expect(Set(codes).count == 10)
        for code in codes {
            #expect(RecoveryCodes.looksLikeRecoveryCode(code))
            #expect(RecoveryCodes.looksLikeRecoveryCode(code.uppercased().replacingOccurrences(of: "-", with: " ")))
            #expect(RecoveryCodes.normalize(code.uppercased()) == RecoveryCodes.normalize(code))
        }
        #expect(!RecoveryCodes.looksLikeRecoveryCode("123456"))
    }
}
