import Foundation
import Metrics
import Prometheus
import Synchronization

/// One Prometheus registry for the process. swift-metrics can be bootstrapped only once per
/// process, and tests build many applications, so bootstrapping is guarded here.
enum TrustDeskMetrics {
    static let registry = PrometheusCollectorRegistry()
    private static let bootstrapped = Mutex(false)

    static func bootstrap() {
        bootstrapped.withLock { done in
            guard !done else { return }
            MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))
            done = true
        }
    }
}
