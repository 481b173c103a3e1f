import Crypto
import Fluent
import Foundation
import TrustDeskCore
import NIOCore
import Vapor

/// PT-9's signature, the widely used `X-Twilio-Signature` scheme: base64 of HMAC-SHA1 over the
/// full URL followed by every POST parameter sorted by name, each name then value. The key is
/// the account's callback signing secret (shown once when the callback is set): auth tokens are
/// stored only as hashes (SEC-1), so they can't key it.
enum CallbackSignature {
    static func sign(url: String, parameters: [String: String], secret: String) -> String {
        var payload = url
        for name in parameters.keys.sorted() { payload += name + (parameters[name] ?? "") }
        let mac = HMAC<Insecure.SHA1>.authenticationCode(for: Data(payload.utf8), using: SymmetricKey(data: Data(secret.utf8)))
        return Data(mac).base64EncodedString()
    }

    static func formBody(_ parameters: [String: String]) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return parameters.keys.sorted().map { name in
            let value = parameters[name] ?? ""
            return "\(name.addingPercentEncoding(withAllowedCharacters: allowed) ?? name)=\(value.addingPercentEncoding(withAllowedCharacters: allowed) ?? value)"
        }.joined(separator: "&")
    }
}

/// Delivers refusal callbacks (PT-9) with retries: 30 s, doubling, up to an hour, 8 attempts.
struct CallbackDeliveries {
    let database: any Database
    let client: any Client
    let now: Date
    /// Where a host name points now; checked before every delivery, as a name that was public
    /// when the callback was set may point inside the network since.
    let resolve: @Sendable (String) async throws -> [IPAddress]
    let allowPrivate: Bool

    /// How long one customer endpoint may take to answer: the job runs on the node's one
    /// scheduler loop, so an endpoint that accepts and never answers must not hold every other
    /// job of the node (mail, SLA alerts) with it.
    static let requestTimeout: NIOCore.TimeAmount = .seconds(10)
    /// A pass stops taking new deliveries after this long; the rest wait for the next pass.
    static let passBudget: Duration = .seconds(20)

    @discardableResult
    func deliverDue(batch: Int = 50) async throws -> Int {
        let due = try await CallbackDelivery.query(on: database).filter(\.$nextAttemptAt <= now).sort(\.$nextAttemptAt).limit(batch).all()
        var delivered = 0
        let started = ContinuousClock.now
        for delivery in due {
            guard ContinuousClock.now - started < Self.passBudget else { break }
            delivery.attempts += 1
            do {
                let host = URI(string: delivery.url).host ?? ""
                let addresses: [IPAddress]
                if let literal = IPAddress(urlHost: host) {
                    addresses = [literal]
                } else {
                    addresses = try await resolve(host)
                }
                guard CallbackDestination.allows(addresses, allowPrivate: allowPrivate) else {
                    // Not worth retrying soon: the customer has to change the URL or its DNS.
                    delivery.lastError = "\(host.prefix(100)) resolves to a non-public address (\(addresses.map(\.description).joined(separator: ", ").prefix(150))); not delivered."
                    delivery.nextAttemptAt = delivery.attempts >= CallbackDelivery.maximumAttempts ? nil : now.addingTimeInterval(3_600)
                    try await delivery.save(on: database)
                    continue
                }
                var headers = HTTPHeaders()
                headers.contentType = .urlEncodedForm
                headers.add(name: "X-Twilio-Signature", value: delivery.signature)
                let response = try await client.post(URI(string: delivery.url), headers: headers) { request in
                    request.body = ByteBuffer(string: delivery.body)
                    request.timeout = Self.requestTimeout
                }
                guard (200..<300).contains(response.status.code) else { throw DomainError(.internalError, "HTTP \(response.status.code)") }
                delivery.deliveredAt = now
                delivery.nextAttemptAt = nil
                delivered += 1
            } catch {
                delivery.lastError = String(String(describing: error).prefix(300))
                delivery.nextAttemptAt = delivery.attempts >= CallbackDelivery.maximumAttempts
                    ? nil : now.addingTimeInterval(min(3_600, 30 * pow(2, Double(delivery.attempts - 1))))
            }
            try await delivery.save(on: database)
        }
        return delivered
    }
}

/// Progressive Trust's scheduled jobs (one node at a time).
enum TrustJobs {
    /// PT-7: recompute every score once a day (runs hourly; only accounts not yet scored today).
    static let dailyScores = ScheduledJob(name: "trust_daily_scores", interval: 3_600) { app, now in
        let pass = try await app.trustScores(now: now).refreshDue(logger: app.logger)
        if !pass.failed.isEmpty {
            app.logger.warning("trust daily scores: accounts skipped, tried again next pass", metadata: ["refreshed": "\(pass.refreshed)", "skipped": "\(pass.failed.count)"])
        }
    }

    static let callbacks = ScheduledJob(name: "trust_status_callbacks", interval: 5) { app, now in
        try await CallbackDeliveries(database: app.db, client: app.client, now: now, resolve: { host in try await HostResolver.addresses(of: host, on: app.threadPool) },
                                     allowPrivate: app.trustDeskConfiguration.callbacksAllowPrivate).deliverDue()
    }
}
