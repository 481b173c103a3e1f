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

/// `openapi.yaml` from the repository root, copied into the module's resources at build time
/// is not possible with SwiftPM, so it is looked up next to the working directory and then in
/// the resources (where `swift build` puts a copy via the Resources/openapi.yaml link).
enum OpenAPIDocument {
    static let text: String? = {
        let candidates = [
            FileManager.default.currentDirectoryPath + "/openapi.yaml",
            Resources.root + "openapi.yaml",
        ]
        for path in candidates {
            if let text = try? String(contentsOfFile: path, encoding: .utf8) { return text }
        }
        return nil
    }()

    @Sendable static func serve(_ request: Request) async throws -> Response {
        guard let text else { throw Abort(.notFound) }
        var headers = HTTPHeaders()
        headers.contentType = HTTPMediaType(type: "application", subType: "yaml", parameters: ["charset": "utf-8"])
        return Response(status: .ok, headers: headers, body: .init(string: text))
    }
}
