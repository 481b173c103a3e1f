import Testing
@testable import TrustDeskCore

@Suite("Input validation and error codes")
struct ValidationTests {
    @Test("ACC-3: email addresses are normalised and malformed ones refused")
    func emails() throws {
        #expect(try Validate.email("  Ana@Example.COM ") == "ana@example.com")
        for bad in ["", "ana", "ana@", "@example.com", "ana@example", "ana@@example.com", "ana@exa mple.com",
                    "ana@example.com\r\nBcc: x@example.com", "<ana@example.com>", String(repeating: "a", count: 250) + "@example.com"] {
            #expect(throws: DomainError.self) { try Validate.email(bad) }
        }
    }

    @Test("ACC-4: usernames are 3 to 64 plain characters")
    func usernames() throws {
        #expect(try Validate.username("Ana.Lee-2") == "ana.lee-2")
        for bad in ["ab", ".ana", "ana lee", "ana'; DROP TABLE users; --", "<b>ana</b>", String(repeating: "a", count: 65)] {
            #expect(throws: DomainError.self) { try Validate.username(bad) }
        }
    }

    @Test("SEC-1: passwords are 10 characters to 72 bytes, without control characters")
    func passwords() throws {
        #expect(try Validate.password("correct horse battery") == "correct horse battery")
        #expect(throws: DomainError.self) { try Validate.password("short") }
        #expect(throws: DomainError.self) { try Validate.password(String(repeating: "é", count: 40)) }
        #expect(throws: DomainError.self) { try Validate.password("abcdefghij\u{0}k") }
    }

    @Test("Names keep HTML and quotes as typed but refuse control characters and excess length")
    func names() throws {
        #expect(try Validate.displayName("  <b>Acme</b> & 'Co' ", field: "friendly_name") == "<b>Acme</b> & 'Co'")
        #expect(throws: DomainError.self) { try Validate.displayName("   ", field: "friendly_name") }
        #expect(throws: DomainError.self) { try Validate.displayName("a\u{7}b", field: "friendly_name") }
        #expect(throws: DomainError.self) { try Validate.displayName(String(repeating: "x", count: 65), field: "friendly_name") }
    }

    @Test("Error codes are unique and carry the documented HTTP status")
    func errorCodes() {
        #expect(Set(ErrorCode.allCases.map(\.rawValue)).count == ErrorCode.allCases.count)
        #expect(ErrorCode.authenticationFailed.rawValue == 20003)
        #expect(ErrorCode.authenticationFailed.httpStatus == 401)
        #expect(ErrorCode.notFound.httpStatus == 404)
        #expect(ErrorCode.messageCapReached.rawValue == 63038)
        #expect(ErrorCode.allCases.allSatisfy { (400...599).contains($0.httpStatus) && !$0.title.isEmpty })
    }

    @Test("Page sizes are bounded")
    func paging() throws {
        #expect(try Paging.pageSize(nil) == 50)
        #expect(try Paging.pageSize(1000) == 1000)
        #expect(throws: DomainError.self) { try Paging.pageSize(0) }
        #expect(throws: DomainError.self) { try Paging.pageSize(1001) }
    }
}
