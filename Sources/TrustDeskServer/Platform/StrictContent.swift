import Foundation
import TrustDeskCore
import Vapor

/// A request body type that lists the fields it accepts, so that a misspelt or unexpected
/// field is an error (20007) rather than silently ignored, at the top level and in every
/// nested object; and a body that carries nothing is an error (20001) that says what is
/// wanted, rather than a request that succeeds and changes nothing.
protocol StrictContent: Decodable, Sendable {
    static var allowedFields: Set<String> { get }
    /// The body types of fields that hold an object or a list of objects, checked the same way.
    static var nestedContent: [String: any StrictContent.Type] { get }
    /// What an empty body is told it should carry: the message of its 20001, starting with the
    /// field it names.
    static var emptyBodyMessage: String { get }
}

extension StrictContent {
    static var nestedContent: [String: any StrictContent.Type] { [:] }

    static var emptyBodyMessage: String {
        let fields = allowedFields.sorted()
        let first = fields.first ?? "body"
        return "\(first): the body is empty; send \(fields.count == 1 ? first : "the fields this endpoint takes: \(fields.joined(separator: ", "))")."
    }

    /// The first unknown field in `object` or in the objects nested in it, as a path
    /// (`attachments[0].size`), with the fields allowed at that place.
    static func firstUnknownField(in object: [String: Any], path: String = "") -> (path: String, allowed: Set<String>)? {
        if let unknown = Set(object.keys).subtracting(allowedFields).sorted().first {
            return (path + unknown, allowedFields)
        }
        for (field, type) in nestedContent.sorted(by: { $0.key < $1.key }) {
            switch object[field] {
            case let nested as [String: Any]:
                if let found = type.firstUnknownField(in: nested, path: "\(path)\(field).") { return found }
            case let list as [Any]:
                for (index, element) in list.enumerated() {
                    guard let nested = element as? [String: Any] else { continue }
                    if let found = type.firstUnknownField(in: nested, path: "\(path)\(field)[\(index)].") { return found }
                }
            default:
                continue
            }
        }
        return nil
    }
}

extension Request {
    /// Decodes a JSON or form body, rejecting unknown fields (also in nested objects), empty
    /// bodies, wrong types and other media types with stable codes.
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
        let object: [String: Any]
        var form: [String: String]?
        switch (contentType.type, contentType.subType) {
        case ("application", "json"):
            guard let buffer = body.data, !buffer.isBlank else { throw DomainError(.invalidParameter, T.emptyBodyMessage) }
            guard let dictionary = (try? JSONSerialization.jsonObject(with: Data(buffer.readableBytesView))) as? [String: Any] else {
                throw DomainError(.malformedBody, "The body must be a JSON object.")
            }
            object = dictionary
        case ("application", "x-www-form-urlencoded"):
            let fields = (try? content.decode([String: String].self)) ?? [:]
            form = fields
            object = fields
        default:
            throw DomainError(.unsupportedMediaType, "Send the body as application/json or application/x-www-form-urlencoded.")
        }
        if let unknown = T.firstUnknownField(in: object) {
            throw DomainError(.unknownField, "\(unknown.path.prefix(64)): unknown field. Allowed fields: \(unknown.allowed.sorted().joined(separator: ", ")).")
        }
        guard !object.isEmpty else { throw DomainError(.invalidParameter, T.emptyBodyMessage) }
        if let form { return try Self.decodeForm(T.self, form) }
        return try content.decode(T.self)
    }

    /// A form body read by the JSON key convention: Vapor's URL-encoded decoder has no key
    /// strategy, so each (already allowed) field is also offered under the property name the
    /// JSON decoder would read it into. The wire spelling stays for types that still name their
    /// keys (the admission engine's `AdmissionBody`).
    private static func decodeForm<T: Decodable>(_ type: T.Type, _ form: [String: String]) throws -> T {
        var fields = form
        for (key, value) in form {
            fields[JSONKeyConvention.propertyName(forWireKey: key)] = value
        }
        return try URLEncodedFormDecoder().decode(T.self, from: URLEncodedFormEncoder().encode(fields))
    }
}

extension ByteBuffer {
    /// No body at all, or only JSON whitespace: an empty body, not a malformed one.
    var isBlank: Bool {
        readableBytesView.allSatisfy { $0 == 0x20 || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D }
    }
}
