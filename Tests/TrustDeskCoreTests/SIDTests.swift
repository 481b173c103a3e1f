import Testing
@testable import TrustDeskCore

@Suite("ACC-1: SIDs")
struct SIDTests {
    @Test("ACC-1: an account SID is AC and 32 lowercase hex digits")
    func parsesAccountSID() throws {
        let sid = try SID(parsing: "AC0123456789abcdef0123456789abcdef", expecting: .account)
        #expect(sid.prefix == .account)
        #expect(sid.rawValue == "AC0123456789abcdef0123456789abcdef")
    }

    @Test("ACC-1: malformed SIDs are refused with a reason", arguments: [
        "", "AC", "AC0123456789abcdef0123456789abcde", "AC0123456789abcdef0123456789abcdef0",
        "AC0123456789ABCDEF0123456789ABCDEF", "ac0123456789abcdef0123456789abcdef",
        "AC0123456789abcdef0123456789abcdeg", "ZZ0123456789abcdef0123456789abcdef",
        "AC0123456789abcdef' OR 1=1 --abcdef", "AC<script>alert(1)</script>0123456",
    ])
    func rejectsMalformed(text: String) {
        #expect(throws: SIDError.self) { try SID(parsing: text, expecting: .account) }
    }

    @Test("ACC-1: a SID with another object's prefix is refused where an account is expected")
    func rejectsWrongPrefix() {
        #expect(throws: SIDError.wrongPrefix(text: "SK0123456789abcdef0123456789abcdef", expected: "AC")) {
            try SID(parsing: "SK0123456789abcdef0123456789abcdef", expecting: .account)
        }
    }

    @Test("ACC-1: every prefix of the rules is known", arguments: ["AC", "SM", "MM", "CA", "SK", "US", "RM", "RT", "CJ", "PA", "MT", "WT", "CH"])
    func knownPrefixes(prefix: String) throws {
        let parsed = try SID(parsing: prefix + String(repeating: "a", count: 32), expecting: Set(SIDPrefix.allCases))
        #expect(parsed.prefix.rawValue == prefix)
    }

    @Test("ACC-1: generated SIDs parse back, and do not repeat")
    func generatedSIDsAreValid() throws {
        var seen = Set<String>()
        for prefix in SIDPrefix.allCases {
            for _ in 0..<200 {
                let sid = SID.generate(prefix)
                let parsed = try SID(parsing: sid.rawValue, expecting: prefix)
                #expect(parsed == sid)
                seen.insert(sid.rawValue)
            }
        }
        #expect(seen.count == SIDPrefix.allCases.count * 200)
    }

    @Test("ACC-1: a SID in JSON is validated when decoded")
    func decodingValidates() throws {
        let good = try JSONDecoder().decode([SID].self, from: Data(#"["US00000000000000000000000000000000"]"#.utf8))
        #expect(good.first?.prefix == .user)
        #expect(throws: (any Error).self) {
            try JSONDecoder().decode([SID].self, from: Data(#"["US0000"]"#.utf8))
        }
    }
}

import Foundation
