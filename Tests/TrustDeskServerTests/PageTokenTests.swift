import Testing
import TrustDeskCore
import VaporTesting
@testable import TrustDeskServer

/// `page_token` is refused (20001 naming it) unless it is one the server could have handed out,
/// exactly as openapi.yaml's patterns say: never ignored, never taken for the first page.
@Suite("Contract: page tokens as openapi.yaml documents them")
struct PageTokenTests {
    @Test("Contract: an empty, zero-led, signed, overflowing or foreign page_token is 20001; a well-formed one pages")
    func tokens() async throws {
        try await withTrustDesk { app in
            let customer = try await TestData.customer(app, "pia")
            let auth = TestData.basic(customer.account.sid, customer.authToken)
            let sid = customer.account.sid
            let refused = [
                "/v1/Tickets?page_token=", "/v1/Tickets?page_token=0", "/v1/Tickets?page_token=007", "/v1/Tickets?page_token=%2B5",
                "/v1/Tickets?page_token=1234567890123456789", "/v1/Tickets?page_token=SK0123456789abcdef0123456789abcdef",
                "/v1/Accounts/\(sid)/Keys?page_token=", "/v1/Accounts/\(sid)/Keys?page_token=12",
                "/v1/Accounts/\(sid)/Keys?page_token=AC0123456789abcdef0123456789abcdef",
                "/v1/Accounts/\(sid)/Subaccounts?page_token=", "/v1/Accounts/\(sid)/Subaccounts?page_token=SK0123456789abcdef0123456789abcdef",
            ]
            for path in refused {
                let response = try await app.testing().sendRequest(.GET, path, headers: auth)
                #expect(response.status == .badRequest && response.errorCode == 20001, "\(path): \(response.text)")
                #expect((response.json["message"] as? String)?.hasPrefix("page_token: ") == true, "\(path): \(response.text)")
            }
            let accepted = [
                "/v1/Tickets?page_token=5", "/v1/Tickets?page_token=123456789012345678", "/v1/Tickets",
                "/v1/Accounts/\(sid)/Keys?page_token=SK0123456789abcdef0123456789abcdef",
                "/v1/Accounts/\(sid)/Subaccounts?page_token=AC0123456789abcdef0123456789abcdef",
            ]
            for path in accepted {
                let response = try await app.testing().sendRequest(.GET, path, headers: auth)
                #expect(response.status == .ok, "\(path): \(response.text)")
            }
        }
    }
}
