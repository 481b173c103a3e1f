import ConsoleKit
import Foundation
import Vapor

/// `trustdesk jobs`: the scheduler without the HTTP server, for deployments that run it
/// apart. The scheduler itself starts when the application boots; this waits for a signal.
struct JobsCommand: AsyncCommand {
    struct Signature: CommandSignature {}

    var help: String { "Runs only the background job scheduler until interrupted." }

    func run(using context: CommandContext, signature: Signature) async throws {
        context.console.print("TrustDesk job scheduler running; press Ctrl-C to stop.")
        let stream = AsyncStream<Void> { continuation in
            let sources = [SIGINT, SIGTERM].map { signalNumber in
                signal(signalNumber, SIG_IGN)
                let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: .global())
                source.setEventHandler { continuation.finish() }
                source.resume()
                return source
            }
            let held = SignalSources(sources: sources)
            continuation.onTermination = { _ in held.cancel() }
        }
        for await _ in stream {}
    }
}

/// Dispatch sources are thread-safe to cancel; the wrapper only tells the compiler so.
private final class SignalSources: @unchecked Sendable {
    let sources: [any DispatchSourceSignal]
    init(sources: [any DispatchSourceSignal]) { self.sources = sources }
    func cancel() { sources.forEach { $0.cancel() } }
}
