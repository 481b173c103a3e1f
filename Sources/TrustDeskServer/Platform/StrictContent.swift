import Foundation
import TrustDeskCore
import Vapor

/// A request body type that lists the fields it accepts, so that a misspelt or unexpected
/// field is an error (20007) rather than silently ignored.
protocol StrictContent: Decodable {
    static var allowedFields: Set<String> { get }
}

extension Request {
    /// Decodes a JSON or form body, rejecting unknown fields, wrong types and other media
    /// types with stable codes.
    /// `maximumBytes` is the route's own limit when it collects more than the default.
    func decodeStrict<T: StrictContent>(_ type: T.Type, maximumBytes: Int? = nil) throws -> T {
        // Vapor enforces the limit while streaming; a body that arrives already collected
        // (from another responder or in-process) is held to the same limit here.
        let limit = maximumBytes ?? application.routes.defaultMaxBodySize.value
        if let buffer = body.data, buffer.readableBytes > limit {
            throw DomainError(.bodyTooLarge, "The request body is too large (the limit is \(limit / 1024) KB).")
        }
        guard let contentType = headers.contentType else {
            throw DomainError(.unsupportedMediaType, "Send the body as application/json or application/x-www-form-urlencoded.")
        }
        let fields: [String]
        switch (contentType.type, contentType.subType) {
        case ("application", "json"):
            guard let buffer = body.data else { throw DomainError(.malformedBody, "The request body is empty.") }
            let object = try? JSONSerialization.jsonObject(with: Data(buffer.readableBytesView))
            guard let dictionary = object as? [String: Any] else {
                throw DomainError(.malformedBody, "The body must be a JSON object.")
            }
            fields = Array(dictionary.keys)
        case ("application", "x-www-form-urlencoded"):
            let dictionary = (try? content.decode([String: String].self)) ?? [:]
            fields = Array(dictionary.keys)
        default:
            throw DomainError(.unsupportedMediaType, "Send the body as application/json or application/x-www-form-urlencoded.")
        }
        let unknown = Set(fields).subtracting(T.allowedFields)
        if let first = unknown.sorted().first {
            let allowed = T.allowedFields.sorted().joined(separator: ", ")
            throw DomainError(.unknownField, "\(first.prefix(64)): unknown field. Allowed fields: \(allowed).")
        }
        return try content.decode(T.self)
    }
}
