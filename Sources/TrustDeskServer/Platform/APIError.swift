import TrustDeskCore
import Vapor

/// The JSON body of every error (DESIGN: `{"code", "message", "more_info", "status"}`).
struct APIErrorDTO: Content {
    let code: Int
    let message: String
    let moreInfo: String
    let status: Int

    init(_ error: DomainError, docsBase: String) {
        self.code = error.code.rawValue
        self.message = error.message
        self.moreInfo = "\(docsBase)/docs/errors#\(error.code.rawValue)"
        self.status = error.code.httpStatus
    }
}

extension DomainError: AbortError {
    public var status: HTTPResponseStatus { HTTPResponseStatus(statusCode: code.httpStatus) }
    public var reason: String { message }
    public var headers: HTTPHeaders {
        var headers = HTTPHeaders()
        if code == .authenticationFailed {
            headers.add(name: .wwwAuthenticate, value: "Basic realm=\"TrustDesk API\"")
        }
        return headers
    }
}

extension DomainError {
    static func notFound(_ what: String) -> DomainError {
        DomainError(.notFound, "The requested \(what) was not found.")
    }

    static let badCredentials = DomainError(.authenticationFailed, "Authentication failed: the credentials were not recognised. Use an account SID with its auth token, or an API key SID with its secret.")

    init(sid error: SIDError) {
        self.init(.malformedSID, error.description)
    }
}
