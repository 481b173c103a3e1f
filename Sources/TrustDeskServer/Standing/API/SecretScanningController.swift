import Crypto
import Fluent
import Foundation
import TrustDeskCore
import Vapor

/// GitHub secret-scanning partner endpoint (STD-5, SEC-4): `POST /v1/SecretScanning/GitHub`.
/// The body is a JSON array of {token, type, url, source}, signed with ECDSA P-256 SHA-256
/// over the raw body; the key is named by `Github-Public-Key-Identifier`. Unsigned or badly
/// signed reports change nothing.
struct SecretScanningController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        // A report can list many matches: more room than the API's usual 64 KB.
        routes.grouped("v1", "SecretScanning").on(.POST, "GitHub", body: .collect(maxSize: "1mb"), use: receive)
        routes.grouped("v1", "SecretScanning").methodNotAllowed("GitHub", except: [.POST])
    }

    struct Match: Decodable {
        let token: String
        let type: String
        let url: String?
        let source: String?

        enum CodingKeys: String, CodingKey { case token, type, url, source }

        /// `url` and `source` may be left out, but when sent they are strings, as openapi.yaml
        /// and GitHub's format say: a null is refused with the rest of the report, not read as
        /// absent (the contract fuzz found the difference).
        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            token = try container.decode(String.self, forKey: .token)
            type = try container.decode(String.self, forKey: .type)
            url = try Self.optionalString(container, .url)
            source = try Self.optionalString(container, .source)
        }

        private static func optionalString(_ container: KeyedDecodingContainer<CodingKeys>, _ key: CodingKeys) throws -> String? {
            guard container.contains(key) else { return nil }
            return try container.decode(String.self, forKey: key)
        }
    }

    struct Feedback: Encodable {
        let tokenRaw: String
        let tokenType: String
        let label: String
        /// GitHub's format for the answer to a secret scanning report, not the API's convention.
        enum CodingKeys: String, CodingKey { case tokenRaw = "token_raw", tokenType = "token_type", label }
    }

    func receive(request: Request) async throws -> Response {
        let body = Data(request.body.data?.readableBytesView ?? ByteBuffer().readableBytesView)
        try Self.verify(body: body, headers: request.headers, keys: request.application.trustDeskConfiguration.secretScanningKeys)
        guard let matches = try? JSONDecoder().decode([Match].self, from: body) else {
            throw DomainError(.malformedBody, "The body must be a JSON array of {token, type, url, source}.")
        }
        guard matches.count <= 1_000 else { throw DomainError(.invalidParameter, "A report holds at most 1000 matches.") }
        let configuration = request.application.trustDeskConfiguration
        let now = request.now
        let feedback = try await request.db.transaction { db in
            let exposed = ExposedCredentials(standing: StandingService(database: db, now: now, configuration: configuration))
            let staffKeys = StaffCredentials(database: db, now: now)
            var feedback: [Feedback] = []
            for match in matches {
                if try await staffKeys.revokeExposed(token: match.token, url: match.url ?? "(no URL given)") {
                    feedback.append(Feedback(tokenRaw: match.token, tokenType: match.type, label: "true_positive"))
                } else if let found = try await exposed.find(token: match.token) {
                    try await exposed.enforce(found, url: match.url ?? "(no URL given)", source: match.source ?? "github",
                                              decider: .rule(StandingRule.secretScanning))
                    feedback.append(Feedback(tokenRaw: match.token, tokenType: match.type, label: "true_positive"))
                } else {
                    feedback.append(Feedback(tokenRaw: match.token, tokenType: match.type, label: "false_positive"))
                }
            }
            return feedback
        }
        request.logger.info("secret scanning report", metadata: ["matches": "\(matches.count)", "true_positives": "\(feedback.filter { $0.label == "true_positive" }.count)"])
        let response = Response(status: .ok)
        try response.content.encode(feedback, using: JSONEncoder())  // GitHub's format, as above
        return response
    }

    /// SEC-4: the signature must verify with the named, configured key.
    static func verify(body: Data, headers: HTTPHeaders, keys: [String: String]) throws {
        guard let identifier = headers.first(name: "Github-Public-Key-Identifier"),
              let signatureText = headers.first(name: "Github-Public-Key-Signature")
        else { throw DomainError(.invalidSignature, "The report is not signed: send Github-Public-Key-Identifier and Github-Public-Key-Signature.") }
        guard let pem = keys[identifier], let key = try? P256.Signing.PublicKey(pemRepresentation: pem) else {
            throw DomainError(.invalidSignature, "The signing key is not one of the configured secret-scanning keys.")
        }
        guard let der = Data(base64Encoded: signatureText),
              let signature = try? P256.Signing.ECDSASignature(derRepresentation: der),
              key.isValidSignature(signature, for: SHA256.hash(data: body))
        else { throw DomainError(.invalidSignature, "The report's signature does not verify.") }
    }
}
