import Foundation
import Vapor

/// A file of `Resources/Public`, read once and served with a cache lifetime of an hour (the
/// pages that use it are never cached, so a new deployment's pages get its files within that).
struct PublicFile: Sendable {
    let text: String?
    let contentType: HTTPMediaType

    init(_ path: String, type: HTTPMediaType) {
        text = try? String(contentsOfFile: Resources.publicDirectory + path, encoding: .utf8)
        contentType = type
    }

    func serve(_ request: Request) async throws -> Response {
        guard let text else { throw Abort(.notFound) }
        var headers = HTTPHeaders()
        headers.contentType = contentType
        headers.replaceOrAdd(name: .cacheControl, value: "public, max-age=3600")
        return Response(status: .ok, headers: headers, body: .init(string: text))
    }
}

/// The one stylesheet.
enum Stylesheet {
    static let file = PublicFile("styles.css", type: HTTPMediaType(type: "text", subType: "css", parameters: ["charset": "utf-8"]))

    @Sendable static func serve(_ request: Request) async throws -> Response {
        try await file.serve(request)
    }
}

/// Scripts that enhance pages which work without them (`script-src 'self'`: no inline script).
enum Scripts {
    /// Copy buttons beside secrets shown once (`platform/one-time-secret.leaf`).
    static let copy = PublicFile("scripts/copy.js", type: HTTPMediaType(type: "text", subType: "javascript", parameters: ["charset": "utf-8"]))

    @Sendable static func serveCopy(_ request: Request) async throws -> Response {
        try await copy.serve(request)
    }

    /// Live due countdowns on the staff ticket page (`support/staff-ticket.leaf`).
    static let countdown = PublicFile("scripts/countdown.js", type: HTTPMediaType(type: "text", subType: "javascript", parameters: ["charset": "utf-8"]))

    @Sendable static func serveCountdown(_ request: Request) async throws -> Response {
        try await countdown.serve(request)
    }
}

/// The API description. It ships in the module's resources (the repository's root
/// `openapi.yaml` is a link to it), so every deployment serves the one it was built with.
enum OpenAPIDocument {
    static let text: String? = try? String(contentsOfFile: Resources.root + "openapi.yaml", encoding: .utf8)

    @Sendable static func serve(_ request: Request) async throws -> Response {
        guard let text else { throw Abort(.notFound) }
        var headers = HTTPHeaders()
        headers.contentType = HTTPMediaType(type: "application", subType: "yaml", parameters: ["charset": "utf-8"])
        return Response(status: .ok, headers: headers, body: .init(string: text))
    }
}
