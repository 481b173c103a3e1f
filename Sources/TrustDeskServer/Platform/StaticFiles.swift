import Foundation
import Vapor

/// The one stylesheet, read once and served with a long cache lifetime.
enum Stylesheet {
    static let css: String = (try? String(contentsOfFile: Resources.publicDirectory + "styles.css", encoding: .utf8)) ?? ""

    @Sendable static func serve(_ request: Request) async throws -> Response {
        var headers = HTTPHeaders()
        headers.contentType = HTTPMediaType(type: "text", subType: "css", parameters: ["charset": "utf-8"])
        headers.replaceOrAdd(name: .cacheControl, value: "public, max-age=3600")
        return Response(status: .ok, headers: headers, body: .init(string: css))
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
