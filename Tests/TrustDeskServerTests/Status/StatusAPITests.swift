import Fluent
import Foundation
import Testing
import TrustDeskCore
import VaporTesting
@testable import TrustDeskServer

@Suite("Status page: the Statuspage v2 JSON and the public pages")
struct StatusAPITests {
    static let endpoints = ["summary.json", "status.json", "components.json", "incidents.json", "incidents/unresolved.json",
                            "scheduled-maintenances.json", "scheduled-maintenances/upcoming.json", "scheduled-maintenances/active.json"]

    @Test("STS-5: the eight endpoints answer signed out in Statuspage's shapes, with CORS, ETag and a 10-second cache")
    func shapes() async throws {
        try await withTrustDesk { app in
            let staff = try await StatusTestKit.admin(app)
            let messaging = try await StatusTestKit.component(app, "Messaging", isGroup: true, by: staff)
            let sms = try await StatusTestKit.component(app, "SMS", group: messaging.id, by: staff)
            let voice = try await StatusTestKit.component(app, "Voice", product: .voice, position: 2, by: staff)
            let incident = try await StatusTestKit.incident(app, components: [sms.id ?? "": .partialOutage], by: staff)
            _ = try await StatusTestKit.maintenance(app, from: "2026-03-03T01:00", until: "2026-03-03T03:00", components: [voice.id ?? ""], by: staff)
            for endpoint in Self.endpoints {
                let response = try await StatusTestKit.get(app, "/api/v2/\(endpoint)")
                #expect(response.status == .ok, "\(endpoint)")
                #expect(response.headers.first(name: .accessControlAllowOrigin) == "*")
                #expect(response.headers.first(name: .cacheControl) == "public, max-age=10")
                #expect(response.headers.first(name: .eTag)?.hasPrefix("\"") == true)
                #expect(response.headers.contentType == .json)
                #expect(response.headers[.setCookie].isEmpty)
                let page = try #require(response.json["page"] as? [String: Any])
                #expect(Set(page.keys) == ["id", "name", "url", "time_zone", "updated_at"])
                #expect(page["url"] as? String == "http://127.0.0.1:8080/status")
            }
            let summary = try await StatusTestKit.get(app, "/api/v2/summary.json").json
            let status = try #require(summary["status"] as? [String: Any])
            #expect(status["indicator"] as? String == "major" && status["description"] as? String == "Partial System Outage")
            let components = try #require(summary["components"] as? [[String: Any]])
            #expect(components.count == 3)
            let group = try #require(components.first { $0["name"] as? String == "Messaging" })
            #expect(group["group"] as? Bool == true && group["components"] as? [String] == [sms.id ?? ""])
            #expect(group["status"] as? String == "partial_outage")
            let smsJSON = try #require(components.first { $0["name"] as? String == "SMS" })
            #expect(Set(smsJSON.keys) == ["id", "name", "status", "created_at", "updated_at", "position", "description", "showcase", "start_date",
                                          "group_id", "page_id", "group", "only_show_if_degraded"])
            #expect(smsJSON["group_id"] as? String == messaging.id && smsJSON["description"] is NSNull)
            let incidents = try #require(summary["incidents"] as? [[String: Any]])
            let first = try #require(incidents.first)
            #expect(first["id"] as? String == incident.id && first["impact"] as? String == "major" && first["status"] as? String == "investigating")
            #expect(first["resolved_at"] is NSNull && first["monitoring_at"] is NSNull)
            #expect(first["shortlink"] as? String == "http://127.0.0.1:8080/status/incidents/\(incident.id ?? "")")
            #expect((first["started_at"] as? String)?.hasSuffix(".000Z") == true)
            let updates = try #require(first["incident_updates"] as? [[String: Any]])
            #expect(updates.count == 1)
            #expect(Set(updates[0].keys) == ["id", "status", "body", "incident_id", "created_at", "updated_at", "display_at", "affected_components",
                                             "deliver_notifications", "custom_tweet", "tweet_id"])
            let affected = try #require(updates[0]["affected_components"] as? [[String: Any]])
            #expect(affected.first?["old_status"] as? String == "operational" && affected.first?["new_status"] as? String == "partial_outage")
            let maintenances = try #require(summary["scheduled_maintenances"] as? [[String: Any]])
            #expect(maintenances.count == 1 && maintenances[0]["impact"] as? String == "maintenance")
            #expect(maintenances[0]["scheduled_for"] as? String == "2026-03-03T01:00:00.000Z")
            #expect(maintenances[0]["status"] as? String == "scheduled")
            let upcoming = try await StatusTestKit.get(app, "/api/v2/scheduled-maintenances/upcoming.json").json["scheduled_maintenances"] as? [[String: Any]]
            #expect(upcoming?.count == 1)
            let active = try await StatusTestKit.get(app, "/api/v2/scheduled-maintenances/active.json").json["scheduled_maintenances"] as? [[String: Any]]
            #expect(active?.isEmpty == true)
        }
    }

    @Test("STS-5: If-None-Match gets 304 until something changes; then a new ETag and the change")
    func conditionalRequests() async throws {
        try await withTrustDesk { app in
            let staff = try await StatusTestKit.admin(app)
            let sms = try await StatusTestKit.component(app, "SMS", by: staff)
            let first = try await StatusTestKit.get(app, "/api/v2/status.json")
            let etag = try #require(first.headers.first(name: .eTag))
            #expect(first.json["status"].flatMap { $0 as? [String: Any] }?["indicator"] as? String == "none")
            var headers = HTTPHeaders()
            headers.replaceOrAdd(name: .ifNoneMatch, value: etag)
            let unchanged = try await StatusTestKit.get(app, "/api/v2/status.json", headers: headers)
            #expect(unchanged.status == .notModified && unchanged.body.readableBytes == 0)
            #expect(unchanged.headers.first(name: .eTag) == etag)
            _ = try await StatusTestKit.incident(app, components: [sms.id ?? "": .degradedPerformance], by: staff)
            let changed = try await StatusTestKit.get(app, "/api/v2/status.json", headers: headers)
            #expect(changed.status == .ok)
            #expect(changed.headers.first(name: .eTag) != etag)
            #expect(changed.json["status"].flatMap { $0 as? [String: Any] }?["description"] as? String == "Minor Service Outage")
        }
    }

    @Test("STS-5: errors under /api/v2 are JSON with a stable code; a browser preflight is answered")
    func errorsAndPreflight() async throws {
        try await withTrustDesk { app in
            let missing = try await StatusTestKit.get(app, "/api/v2/nothing.json")
            #expect(missing.status == .notFound && missing.errorCode == 20404)
            #expect(missing.headers.contentType == .json)
            let preflight = try await app.testing().sendRequest(.OPTIONS, "/api/v2/summary.json")
            #expect(preflight.status == .noContent)
            #expect(preflight.headers.first(name: .accessControlAllowOrigin) == "*")
            #expect(preflight.headers.first(name: .accessControlAllowHeaders)?.contains("If-None-Match") == true)
            // Schemathesis found the 405 without its Allow header (RFC 9110, 15.5.6).
            for endpoint in Self.endpoints {
                for method in [HTTPMethod.POST, .PUT, .PATCH, .DELETE] {
                    let wrongMethod = try await app.testing().sendRequest(method, "/api/v2/\(endpoint)")
                    #expect(wrongMethod.status == .methodNotAllowed && wrongMethod.errorCode == 20405, "\(method) \(endpoint)")
                    #expect(wrongMethod.headers.first(name: "Allow") == "GET" && wrongMethod.headers.contentType == .json, "\(method) \(endpoint)")
                }
            }
        }
    }

    @Test("STS-5 SEC-5: the HTML page shows banner, components, incidents and maintenance signed out, sets no cookie, and shows HTML typed in a body as text")
    func htmlPage() async throws {
        try await withTrustDesk { app in
            let staff = try await StatusTestKit.admin(app)
            let sms = try await StatusTestKit.component(app, "SMS", by: staff)
            let incident = try await StatusTestKit.incident(app, "Delays <script>alert(1)</script>", components: [sms.id ?? "": .majorOutage],
                                                            body: "Queue <b>backlog</b>\nsecond line", by: staff)
            let page = try await StatusTestKit.get(app, "/status")
            #expect(page.status == .ok && page.headers[.setCookie].isEmpty)
            #expect(page.text.contains("Major System Outage"))
            #expect(page.text.contains("status-critical"))
            #expect(page.text.contains("Delays &lt;script&gt;alert(1)&lt;/script&gt;") && !page.text.contains("<script>alert(1)"))
            #expect(page.text.contains("Queue &lt;b&gt;backlog&lt;/b&gt;"))
            let detail = try await StatusTestKit.get(app, "/status/incidents/\(incident.id ?? "")")
            #expect(detail.status == .ok && detail.text.contains("Investigating") && detail.headers[.setCookie].isEmpty)
            #expect(try await StatusTestKit.get(app, "/status/incidents/nosuchthing1").errorCode == 20404)
            #expect(try await StatusTestKit.get(app, "/status/incidents/..%2F..").status == .notFound)
        }
    }

    @Test("STS-2 STS-5: the history pages back by keyset and the Atom and RSS feeds list the latest incidents")
    func historyAndFeeds() async throws {
        try await withTrustDesk { app in
            let staff = try await StatusTestKit.admin(app)
            let sms = try await StatusTestKit.component(app, "SMS", by: staff)
            for index in 1...30 {
                app.clock.advance(by: 3600)
                _ = try await StatusTestKit.incident(app, "Incident number \(index)", components: [sms.id ?? "": .degradedPerformance], notify: false, by: staff)
            }
            let first = try await StatusTestKit.get(app, "/status/history")
            #expect(first.text.contains("Incident number 30") && first.text.contains("Incident number 6") && !first.text.contains("Incident number 5<"))
            let older = try #require(capture(#"id="older" href="/status/history\?before=([^"]+)""#, in: first.text))
            let second = try await StatusTestKit.get(app, "/status/history?before=\(older)")
            #expect(second.text.contains("Incident number 5<") && second.text.contains("Incident number 1<") && !second.text.contains("Incident number 6<"))
            #expect(!second.text.contains("id=\"older\""))
            #expect(try await StatusTestKit.get(app, "/status/history?before=garbage").errorCode == 20001)
            let atom = try await StatusTestKit.get(app, "/status/history.atom")
            #expect(atom.headers.contentType?.subType == "atom+xml")
            #expect(atom.text.components(separatedBy: "<entry>").count - 1 == 30)
            #expect(atom.text.contains("<title>Incident number 30</title>"))
            let rss = try await StatusTestKit.get(app, "/status/history.rss")
            #expect(rss.headers.contentType?.subType == "rss+xml")
            #expect(rss.text.components(separatedBy: "<item>").count - 1 == 30)
        }
    }
}
