import Foundation
import Testing
@testable import TrustDeskCore

@Suite("SEC-1 and ACC-7: secrets")
struct SecretsTests {
    @Test("ACC-7: auth tokens and key secrets carry a fixed, scannable prefix", arguments: SecretKind.allCases)
    func prefixes(kind: SecretKind) {
        let secret = Secrets.generate(kind)
        #expect(secret.hasPrefix(kind.rawValue))
        #expect(secret.count == kind.rawValue.count + SecretKind.randomLength)
        #expect(Secrets.matchesFormat(secret, kind: kind))
        #expect(!Secrets.matchesFormat(secret + "x", kind: kind))
        #expect(!Secrets.matchesFormat(String(secret.dropLast()) + "!", kind: kind))
    }

    @Test("SEC-1: secrets are stored as a SHA-256 hash that does not contain them")
    func hashing() {
        let secret = Secrets.generate(.authToken)
        let hash = Secrets.hash(secret)
        #expect(hash.count == 64)
        #expect(!hash.contains(secret))
        #expect(hash == Secrets.hash(secret))
        #expect(hash != Secrets.hash(Secrets.generate(.authToken)))
        #expect(Secrets.hash("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    }

    @Test("SEC-1: the hint shows only the last four characters")
    func hint() {
        #expect(Secrets.hint("tdat_abcdefgh") == "…efgh")
    }

    @Test("SEC-1: generated secrets do not repeat")
    func unique() {
        let secrets = (0..<2000).map { _ in Secrets.generate(.apiKeySecret) }
        #expect(Set(secrets).count == 2000)
    }

    @Test("SEC-1: constant-time comparison agrees with ==")
    func constantTime() {
        #expect(constantTimeEquals("abc", "abc"))
        #expect(!constantTimeEquals("abc", "abd"))
        #expect(!constantTimeEquals("abc", "abcd"))
    }
}
