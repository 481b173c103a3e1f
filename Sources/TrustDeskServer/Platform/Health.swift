import Fluent
import Prometheus
import SQLKit
import Vapor

/// Liveness, readiness and metrics for orchestrators and Prometheus.
struct HealthController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get("healthz") { _ in HealthDTO(status: "ok") }
        routes.get("readyz", use: ready)
        routes.get("metrics", use: metrics)
    }

    /// Ready means the node is not stopping and the database answers; a node that is draining
    /// or can't reach its database should get no new traffic.
    func ready(request: Request) async throws -> Response {
        if request.application.requestDrain.isDraining {
            return try await HealthDTO(status: "stopping").encodeResponse(status: .serviceUnavailable, for: request)
        }
        do {
            _ = try await request.db.sql.raw("SELECT 1 AS ok").all()
            return try await HealthDTO(status: "ok").encodeResponse(for: request)
        } catch {
            request.logger.warning("readiness check failed", metadata: ["error": "\(String(reflecting: error))"])
            return try await HealthDTO(status: "database unavailable").encodeResponse(status: .serviceUnavailable, for: request)
        }
    }

    func metrics(request: Request) async throws -> Response {
        var buffer: [UInt8] = []
        TrustDeskMetrics.registry.emit(into: &buffer)
        var headers = HTTPHeaders()
        headers.contentType = HTTPMediaType(type: "text", subType: "plain", parameters: ["version": "0.0.4", "charset": "utf-8"])
        return Response(status: .ok, headers: headers, body: .init(data: Data(buffer)))
    }
}

struct HealthDTO: Content {
    let status: String
}
