import Leaf
import TrustDeskCore
import Vapor

/// Turns every error into the stable shape: JSON for the API and machine clients, an HTML
/// page for browsers. Unknown errors are logged with the request ID and answered with 20500,
/// never with their internals.
struct TrustDeskErrorMiddleware: AsyncMiddleware {
    let docsBase: String

    /// A pool wait that timed out is over in about the time one more request takes.
    static let busyRetryAfterSeconds = 1

    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        do {
            return try await next.respond(to: request)
        } catch {
            let domain = Self.domainError(for: error, request: request)
            var headers = (error as? any AbortError)?.headers ?? HTTPHeaders()
            switch domain.code {
            case .internalError:
                request.logger.error("unhandled error", metadata: ["error": "\(String(reflecting: error))"])
            case .busy:
                // A moment's overload, not a fault: the client is told when to come back.
                request.logger.warning("no database connection free within the pool's wait", metadata: ["path": "\(request.url.path)"])
                headers.replaceOrAdd(name: .retryAfter, value: String(Self.busyRetryAfterSeconds))
            default:
                break
            }
            if domain.code == .authenticationFailed, !headers.contains(name: .wwwAuthenticate), Self.wantsJSON(request) {
                headers.replaceOrAdd(name: .wwwAuthenticate, value: "Basic realm=\"TrustDesk API\"")
            }
            if Self.wantsJSON(request) {
                let body = APIErrorDTO(domain, docsBase: docsBase)
                let response = Response(status: HTTPResponseStatus(statusCode: domain.code.httpStatus), headers: headers)
                try response.content.encode(body)
                return response
            }
            return await Self.htmlPage(for: domain, request: request, headers: headers)
        }
    }

    static func wantsJSON(_ request: Request) -> Bool {
        let path = request.url.path
        if path.hasPrefix("/v1/") || path == "/v1" || path.hasPrefix("/api/v2/") { return true }
        // Machine callers: the voice provider's webhooks and inbound mail.
        if path.hasPrefix("/voice/") || path.hasPrefix("/inbound/") { return true }
        let accept = request.headers.first(name: .accept) ?? ""
        return !accept.contains("text/html") && (accept.contains("json") || request.headers.contentType == .json)
    }

    static func domainError(for error: any Error, request: Request) -> DomainError {
        switch error {
        case let domain as DomainError:
            return domain
        case let carrying as any DomainErrorCarrying:
            return carrying.domainError
        case let sid as SIDError:
            return DomainError(sid: sid)
        case let decoding as DecodingError:
            return DomainError(.malformedBody, describe(decoding))
        case let abort as any AbortError:
            return fromStatus(abort.status, reason: abort.reason)
        case is ConnectionPoolTimeoutError:
            return DomainError(.busy, "The server is busy: no database connection came free in time. Retry in \(busyRetryAfterSeconds) s (Retry-After); request ID \(request.id).")
        default:
            return DomainError(.internalError, "Something went wrong on our side. It has been logged with request ID \(request.id); quote it if you contact support.")
        }
    }

    private static func fromStatus(_ status: HTTPResponseStatus, reason: String) -> DomainError {
        switch status.code {
        case 404: DomainError(.notFound, "The requested resource was not found.")
        case 405: DomainError(.methodNotAllowed, "This method is not allowed on this resource.")
        case 413: DomainError(.bodyTooLarge, "The request body is too large.")
        case 415: DomainError(.unsupportedMediaType, "Send application/json or application/x-www-form-urlencoded.")
        case 401: DomainError.badCredentials
        case 403: DomainError(.permissionDenied, "You don't have permission to do this.")
        case 429: DomainError(.tooManyAttempts, "Too many attempts. Wait a while and try again.")
        case 400...499: DomainError(.malformedBody, "The request could not be read: \(reason)")
        default: DomainError(.internalError, "Something went wrong on our side.")
        }
    }

    private static func describe(_ error: DecodingError) -> String {
        // Fields are named as the client sent them (`friendly_name`), not as Swift names them.
        func name(_ key: any CodingKey) -> String {
            key.intValue == nil ? JSONKeyConvention.wireKey(forProperty: key.stringValue) : key.stringValue
        }
        func path(_ context: DecodingError.Context) -> String {
            let keys = context.codingPath.map(name).filter { !$0.isEmpty }
            return keys.isEmpty ? "the body" : keys.joined(separator: ".")
        }
        switch error {
        case let .keyNotFound(key, _): return "\(name(key)): this field is required."
        case let .typeMismatch(_, context): return "\(path(context)): has the wrong type."
        case let .valueNotFound(_, context): return "\(path(context)): a value is required."
        case let .dataCorrupted(context): return "\(path(context)): could not be read (malformed JSON or form data)."
        @unknown default: return "The request body could not be read."
        }
    }

    private static func htmlPage(for error: DomainError, request: Request, headers: HTTPHeaders) async -> Response {
        let status = HTTPResponseStatus(statusCode: error.code.httpStatus)
        let context = ErrorPageContext(
            title: error.code.title, code: error.code.rawValue, message: error.message,
            requestID: request.id, signedIn: request.browserSession != nil
        )
        do {
            let view = try await request.view.render("platform/error", context)
            let response = try await view.encodeResponse(status: status, headers: headers, for: request)
            return response
        } catch {
            // The error page itself failed (a broken template): still answer in plain text.
            let response = Response(status: status, headers: headers, body: .init(string: "\(error)"))
            response.headers.contentType = .plainText
            return response
        }
    }
}

struct ErrorPageContext: Encodable {
    let title: String
    let code: Int
    let message: String
    let requestID: String
    let signedIn: Bool
}
