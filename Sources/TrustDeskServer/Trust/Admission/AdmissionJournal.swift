import Fluent
import Foundation
import NIOCore
import SQLKit
import Synchronization
import TrustDeskCore

/// What admissions leave for the database: the SIDs of admitted messages (outcome reports are
/// matched to them, PT-7) and refusals to call back (PT-9). Durable before the answer: an
/// admission that carried a message SID, or a refusal with a callback, is answered only once its
/// row is committed, so a node killed at any moment has answered nothing it did not write.
///
/// Writes are grouped (group commit): one transaction writes everything appended so far, and
/// whatever arrives while it commits goes in the next. Under load each commit carries many
/// messages; the decision itself stays in memory. Admissions without a message SID write
/// nothing and wait for nothing.
final class AdmissionJournal: Sendable {
    struct Admitted: Sendable {
        let message: String
        let account: String
        let at: Date
    }

    struct Refused: Sendable {
        let message: String?
        let account: String
        let url: String
        let secret: String
        let at: Date
        let limit: Int?
    }

    struct Batch: Sendable {
        var admitted: [Admitted] = []
        var refused: [Refused] = []
        var isEmpty: Bool { admitted.isEmpty && refused.isEmpty }
    }

    /// Writes one batch in one transaction.
    typealias Writer = @Sendable (Batch) async throws -> Void

    /// Entries are numbered as appended; a caller waits for the number of its last one.
    struct Mark: Sendable, Comparable {
        fileprivate let sequence: UInt64
        static func < (lhs: Mark, rhs: Mark) -> Bool { lhs.sequence < rhs.sequence }
    }

    private struct State {
        var pending = Batch()
        var appended: UInt64 = 0
        /// Every entry up to this number was written or failed.
        var processed: UInt64 = 0
        /// Recent batches that failed, so a caller that comes late still learns it.
        var failed: [(ClosedRange<UInt64>, String)] = []
        var waiters: [(UInt64, EventLoopPromise<Void>)] = []
        var writing = false
    }

    struct WriteFailed: Error, CustomStringConvertible {
        let description: String
    }

    private let state = Mutex(State())
    private let write: Writer

    init(write: @escaping Writer) {
        self.write = write
    }

    /// A journal with nowhere to write (benchmarks and tests of the decision alone).
    static var detached: AdmissionJournal {
        AdmissionJournal { _ in throw WriteFailed(description: "the admission journal has no database") }
    }

    func append(admitted message: String, account: String, at: Date) -> Mark {
        state.withLock { state in
            state.pending.admitted.append(Admitted(message: message, account: account, at: at))
            state.appended += 1
            return Mark(sequence: state.appended)
        }
    }

    func append(_ refused: Refused) -> Mark {
        state.withLock { state in
            state.pending.refused.append(refused)
            state.appended += 1
            return Mark(sequence: state.appended)
        }
    }

    /// Succeeds once every entry up to `mark` is committed; fails if its batch could not be.
    func written(through mark: Mark, on eventLoop: any EventLoop) -> EventLoopFuture<Void> {
        let promise = eventLoop.makePromise(of: Void.self)
        let (verdict, startWriter) = state.withLock { state -> (Result<Void, any Error>?, Bool) in
            if mark.sequence <= state.processed { return (Self.verdict(mark.sequence, state), false) }
            state.waiters.append((mark.sequence, promise))
            guard !state.writing else { return (nil, false) }
            state.writing = true
            return (nil, true)
        }
        if let verdict { promise.completeWith(verdict) }
        if startWriter { Task { await self.drain() } }
        return promise.futureResult
    }

    func written(through mark: Mark, on eventLoop: any EventLoop) async throws {
        try await written(through: mark, on: eventLoop).get()
    }

    /// Writes whatever is pending and returns when it is written (shutdown, and each
    /// maintenance pass as a safety net for entries nobody waits for).
    func sync(on eventLoop: any EventLoop) async throws {
        let last = state.withLock { Mark(sequence: $0.appended) }
        guard last.sequence > 0 else { return }
        try await written(through: last, on: eventLoop)
    }

    private static func verdict(_ sequence: UInt64, _ state: State) -> Result<Void, any Error> {
        if let failure = state.failed.first(where: { $0.0.contains(sequence) }) {
            return .failure(WriteFailed(description: failure.1))
        }
        return .success(())
    }

    /// One writer at a time: takes everything pending, writes it, answers its waiters, and
    /// goes on while more arrived meanwhile.
    private func drain() async {
        while true {
            let next = state.withLock { state -> (Batch, ClosedRange<UInt64>)? in
                guard !state.pending.isEmpty else {
                    state.writing = false
                    return nil
                }
                defer { state.pending = Batch() }
                return (state.pending, (state.processed + 1)...state.appended)
            }
            guard let (batch, range) = next else {
                // Waiters for entries that were already processed (appended and written by an
                // earlier pass before they asked) are answered here.
                answer(upTo: nil)
                return
            }
            var failure: String?
            do {
                try await write(batch)
            } catch {
                failure = String(reflecting: error)
            }
            state.withLock { state in
                state.processed = range.upperBound
                if let failure {
                    state.failed.append((range, failure))
                    if state.failed.count > 16 { state.failed.removeFirst() }
                }
            }
            answer(upTo: range.upperBound)
        }
    }

    private func answer(upTo bound: UInt64?) {
        let ready = state.withLock { state -> [(EventLoopPromise<Void>, Result<Void, any Error>)] in
            let limit = bound ?? state.processed
            var ready: [(EventLoopPromise<Void>, Result<Void, any Error>)] = []
            var waiting: [(UInt64, EventLoopPromise<Void>)] = []
            for (sequence, promise) in state.waiters {
                if sequence <= limit {
                    ready.append((promise, Self.verdict(sequence, state)))
                } else {
                    waiting.append((sequence, promise))
                }
            }
            state.waiters = waiting
            return ready
        }
        for (promise, verdict) in ready { promise.completeWith(verdict) }
    }

    /// The rows of one batch, in one transaction: admitted SIDs (a repeated SID keeps its first
    /// row) and signed callback deliveries for refusals.
    static func write(_ batch: Batch, on database: any Database, now: Date) async throws {
        try await database.transaction { db in
            let sql = try db.sql
            for chunk in stride(from: 0, to: batch.admitted.count, by: 500) {
                let rows = batch.admitted[chunk..<min(chunk + 500, batch.admitted.count)]
                var insert = sql.insert(into: AdmittedMessage.schema).columns("message_sid", "account_sid", "admitted_at")
                for row in rows { insert = insert.values(SQLBind(row.message), SQLBind(row.account), SQLBind(row.at)) }
                try await insert.ignoringConflicts(with: ["message_sid"]).run()
            }
            for refusal in batch.refused {
                var parameters = [
                    "AccountSid": refusal.account, "ErrorCode": "63038", "MessageStatus": "failed",
                    "ErrorMessage": "Daily message cap reached", "Timestamp": ISO8601DateFormatter().string(from: refusal.at),
                ]
                if let message = refusal.message { parameters["MessageSid"] = message }
                if let limit = refusal.limit { parameters["DailyLimit"] = String(limit) }
                let signature = CallbackSignature.sign(url: refusal.url, parameters: parameters, secret: refusal.secret)
                try await CallbackDelivery(account: refusal.account, url: refusal.url, body: CallbackSignature.formBody(parameters),
                                           signature: signature, now: now).create(on: db)
            }
        }
    }
}
