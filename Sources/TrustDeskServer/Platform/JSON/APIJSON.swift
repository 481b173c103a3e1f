import Foundation
import Vapor

// The API's one JSON convention (DESIGN, Conventions): snake_case keys derived from the Swift
// property names, ISO-8601 UTC times to the second, sorted keys so that equal answers are equal
// bytes (ETags, the admission fast path's writer), and `/` unescaped. DTOs name their
// properties in Swift style and carry no key lists; a property whose name would not convert to
// the documented key is renamed (`pageId`, not `pageID`).
//
// Stored JSON columns do not use these coders: their bytes are a storage format that existing
// databases hold, kept by their own explicit keys, so that a change of the API's convention can
// never make old rows unreadable.

extension JSONEncoder {
    /// The API's encoder: what `ContentConfiguration.global` answers `.json` with.
    static var trustDesk: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }
}

extension JSONDecoder {
    /// The API's decoder: what `ContentConfiguration.global` reads `.json` bodies with.
    static var trustDesk: JSONDecoder {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        decoder.dateDecodingStrategy = .iso8601
        return decoder
    }
}

extension ContentConfiguration {
    /// Vapor's coders, with the API's JSON convention for `.json`. `configure` installs it.
    static func trustDesk() -> ContentConfiguration {
        var configuration = ContentConfiguration.default()
        configuration.use(encoder: JSONEncoder.trustDesk, for: .json)
        configuration.use(decoder: JSONDecoder.trustDesk, for: .json)
        return configuration
    }
}

/// Translates between wire keys and property names by asking the API's coders themselves, so
/// the convention lives in one place. For the places that meet keys outside a JSON coder: form
/// bodies (Vapor's URL-encoded decoder has no key strategy) and the field named in a decoding
/// error.
enum JSONKeyConvention {
    /// The key the API writes for a property name: `friendlyName` -> `friendly_name`.
    static func wireKey(forProperty name: String) -> String {
        (try? JSONEncoder.trustDesk.encode(KeyProbe(key: name)))
            .flatMap { try? JSONDecoder().decode(KeyProbe.self, from: $0).key } ?? name
    }

    /// The property name the API reads a wire key into: `friendly_name` -> `friendlyName`.
    static func propertyName(forWireKey key: String) -> String {
        (try? JSONEncoder().encode(KeyProbe(key: key)))
            .flatMap { try? JSONDecoder.trustDesk.decode(KeyProbe.self, from: $0).key } ?? key
    }

    /// An object with one key and no value of interest, whose key is read back as the coder
    /// converted it.
    private struct KeyProbe: Codable {
        let key: String

        init(key: String) { self.key = key }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: AnyKey.self)
            guard let key = container.allKeys.first else {
                throw DecodingError.dataCorrupted(.init(codingPath: [], debugDescription: "no key"))
            }
            self.key = key.stringValue
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: AnyKey.self)
            try container.encodeNil(forKey: AnyKey(stringValue: key))
        }
    }

    private struct AnyKey: CodingKey {
        let stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }
}
