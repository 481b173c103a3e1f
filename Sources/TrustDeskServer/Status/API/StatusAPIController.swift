import Foundation
import TrustDeskCore
import Vapor

/// The public status JSON in Statuspage's v2 shapes (STS-5) under `/api/v2/`: no credentials,
/// CORS open to every origin, served from the node's snapshot with an ETag (`If-None-Match`
/// gets 304) and a 10-second cache lifetime, gzipped for clients that accept it.
struct StatusAPIController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let v2 = routes.grouped("api", "v2")
        let documents: [([PathComponent], StatusSnapshot.Endpoint)] = [
            (["summary.json"], .summary), (["status.json"], .status), (["components.json"], .components),
            (["incidents.json"], .incidents), (["incidents", "unresolved.json"], .unresolved),
            (["scheduled-maintenances.json"], .maintenances), (["scheduled-maintenances", "upcoming.json"], .upcoming),
            (["scheduled-maintenances", "active.json"], .active),
        ]
        for (path, endpoint) in documents {
            v2.get(path) { try await serve(endpoint, $0) }
            v2.methodNotAllowed(path, except: [.GET])
        }
        // Browsers ask before sending If-None-Match from another origin.
        v2.on(.OPTIONS, "**", use: preflight)
    }

    static let cacheControl = "public, max-age=10"

    func serve(_ endpoint: StatusSnapshot.Endpoint, _ request: Request) async throws -> Response {
        let snapshot = try await request.application.statusSnapshots.current(request.application)
        guard let body = snapshot.body(endpoint) else { throw DomainError.notFound("resource") }
        let gzip = AcceptEncoding.allowsGzip(request.headers.first(name: .acceptEncoding))
        let etag = gzip ? body.gzipETag : body.etag
        var headers = HTTPHeaders()
        headers.replaceOrAdd(name: .eTag, value: etag)
        headers.replaceOrAdd(name: .cacheControl, value: Self.cacheControl)
        headers.replaceOrAdd(name: .vary, value: "Accept-Encoding")
        headers.replaceOrAdd(name: .accessControlAllowOrigin, value: "*")
        headers.replaceOrAdd(name: .accessControlExpose, value: "ETag")
        if let match = request.headers.first(name: .ifNoneMatch), Self.matches(match, etag: etag) {
            return Response(status: .notModified, headers: headers)
        }
        headers.contentType = .json
        guard gzip else { return Response(status: .ok, headers: headers, body: .init(data: body.data)) }
        headers.replaceOrAdd(name: .contentEncoding, value: "gzip")
        // Already compressed: the server's own response compression must leave it alone.
        headers.responseCompression = .disable
        return Response(status: .ok, headers: headers, body: .init(data: body.gzip))
    }

    /// `If-None-Match` may list several tags, or `*`; weak tags compare as strong ones here.
    static func matches(_ header: String, etag: String) -> Bool {
        header.split(separator: ",").contains { candidate in
            let tag = candidate.trimmingCharacters(in: .whitespaces)
            return tag == "*" || tag == etag || tag == "W/" + etag
        }
    }

    func preflight(_ request: Request) -> Response {
        var headers = HTTPHeaders()
        headers.replaceOrAdd(name: .accessControlAllowOrigin, value: "*")
        headers.replaceOrAdd(name: .accessControlAllowMethods, value: "GET, HEAD, OPTIONS")
        headers.replaceOrAdd(name: .accessControlAllowHeaders, value: "If-None-Match, Accept")
        headers.replaceOrAdd(name: .accessControlMaxAge, value: "86400")
        return Response(status: .noContent, headers: headers)
    }
}
