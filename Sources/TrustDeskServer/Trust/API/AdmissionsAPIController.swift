import Fluent
import Foundation
import SQLKit
import TrustDeskCore
import Vapor

/// The messaging pipeline's questions (service credential): may this message go (PT-4..PT-6),
/// and how did sent messages fare (PT-7's inputs).
struct AdmissionsAPIController: RouteCollection {
    static let maximumBatchBody: ByteCount = "4mb"

    func boot(routes: any RoutesBuilder) throws {
        routes.post("Admissions", use: admitOneRoute)
        routes.on(.POST, "Admissions", "Batch", body: .collect(maxSize: Self.maximumBatchBody), use: admitBatch)
        routes.on(.POST, "MessageOutcomes", body: .collect(maxSize: Self.maximumBatchBody), use: reportOutcomes)
        routes.methodNotAllowed("Admissions", except: [.POST])
        routes.methodNotAllowed("Admissions", "Batch", except: [.POST])
        routes.methodNotAllowed("MessageOutcomes", except: [.POST])
    }

    /// An admission that the lease answers is answered on the event loop, without starting a
    /// task (a task per request was most of what single admission cost over the no-op route),
    /// once its message SID is in the journal; anything else continues as a task.
    @Sendable func admitOneRoute(request: Request) -> EventLoopFuture<Response> {
        do {
            let (read, answer, journaled) = try readSingle(request)
            if let answer {
                guard let journaled else { return request.eventLoop.makeSucceededFuture(answer) }
                return request.application.admissionDesk.journal.written(through: journaled, on: request.eventLoop).map { answer }
            }
            return request.eventLoop.makeFutureWithTask { try await self.admitOne(read, request: request) }
        } catch {
            return request.eventLoop.makeFailedFuture(error)
        }
    }

    /// Reads a JSON admission from the bytes and answers it at once when the lease can (with the
    /// journal entry the answer waits for); else returns what was read (nil for another media
    /// type, which `admitOne` decodes).
    private func readSingle(_ request: Request) throws -> (AdmissionBody?, Response?, AdmissionJournal.Mark?) {
        if let type = request.headers.contentType, type.type == "application", type.subType == "json", let buffer = request.body.data, !buffer.isBlank {
            let desk = request.application.admissionDesk, now = request.now, allocator = request.byteBufferAllocator
            let second = Int64(now.timeIntervalSince1970.rounded(.down))
            // One strict pass over the bytes: unknown fields 20007 as `decodeStrict` answers them.
            // The common case is decided and answered from the bytes, as in a batch.
            var journaled: AdmissionJournal.Mark?
            let (read, answer) = try buffer.withUnsafeReadableBytes { bytes throws(DomainError) -> (AdmissionBody?, ByteBuffer?) in
                let item: AdmissionItem
                do { item = try AdmissionBatchReader.readSingle(bytes) } catch { throw Self.malformedSingle }
                if case .unknownField = item.problem, let error = item.problemError { throw error }
                guard item.problem == nil else { throw Self.malformedSingle }
                guard let admitted = desk.admitFast(item, bytes, second: second, now: now, journaled: &journaled) else {
                    return (AdmissionBody(item, in: bytes), nil)
                }
                return (nil, AdmissionBatchWriter.admittedObject(admitted, allocator: allocator))
            }
            if let answer {
                var headers = HTTPHeaders()
                headers.contentType = .json
                return (nil, Response(status: .ok, headers: headers, body: .init(buffer: answer)), journaled)
            }
            guard let read else { throw Self.malformedSingle }
            return (read, nil, nil)
        }
        return (nil, nil, nil)
    }

    func admitOne(_ read: AdmissionBody?, request: Request) async throws -> Response {
        let body = try read ?? request.decodeStrict(AdmissionBody.self)
        let context = request.trustContext
        var journaled: AdmissionJournal.Mark?
        let dto = try await decide(body, index: nil, request: request, context: context, journaled: &journaled)
        if let journaled { try await request.application.admissionDesk.journal.written(through: journaled, on: request.eventLoop) }
        // A cap refusal or a standing refusal is the answer to the question asked; anything
        // else means the request itself was wrong.
        let answers = Set([ErrorCode.messageCapReached.rawValue] + Standing.allCases.compactMap { $0.refusalCode?.rawValue })
        if let code = dto.errorCode, !answers.contains(code) {
            throw DomainError(ErrorCode(rawValue: code) ?? .invalidParameter, dto.errorMessage ?? "")
        }
        return try encode(dto, status: .ok)
    }

    static let malformedSingle = DomainError(.malformedBody, "The body must be a JSON object with account_sid, channel and optionally message_sid, all strings.")
    static let emptyBatch = DomainError(.invalidParameter, "items: the body is empty; send items, a list of 1 to \(AdmissionBatchBody.maximumItems) objects with account_sid, channel and optionally message_sid.")
    static let malformedBatch = DomainError(.malformedBody, "The body must be a JSON object with items: a list of objects whose fields are strings.")

    func admitBatch(request: Request) async throws -> Response {
        guard let contentType = request.headers.contentType, contentType.type == "application", contentType.subType == "json" else {
            throw DomainError(.unsupportedMediaType, "Send the batch as application/json.")
        }
        guard let buffer = request.body.data, !buffer.isBlank else { throw Self.emptyBatch }
        // Read by hand from the bytes (JSONDecoder was most of the time); item fields are kept as
        // byte ranges of this copy and only turned into strings when an item needs the slow path.
        let body = Array(buffer.readableBytesView)
        let batch: AdmissionBatchReader.Batch
        do {
            batch = try body.withUnsafeBytes { bytes throws(AdmissionBatchReader.Malformed) in try AdmissionBatchReader.readBatch(bytes) }
        } catch {
            throw Self.malformedBatch
        }
        if let unknown = batch.unknownFields.sorted().first {
            throw DomainError(.unknownField, "\(unknown.prefix(64)): unknown field. Allowed fields: \(AdmissionBatchBody.allowedFields.joined(separator: ", ")).")
        }
        if batch.isEmptyObject { throw Self.emptyBatch }
        guard let items = batch.items else { throw Self.malformedBatch }
        guard !items.isEmpty else { throw DomainError(.invalidParameter, "items: send from 1 to \(AdmissionBatchBody.maximumItems) items.") }
        guard items.count <= AdmissionBatchBody.maximumItems else {
            throw DomainError(.invalidParameter, "items: at most \(AdmissionBatchBody.maximumItems) items per batch; split it.")
        }
        let context = request.trustContext
        let desk = request.application.admissionDesk
        let second = Int64(context.now.timeIntervalSince1970.rounded(.down))
        var writer = AdmissionBatchWriter(allocator: request.byteBufferAllocator, items: items.count)
        // The last journal entry of this batch: the answer waits until it is written.
        var journaled: AdmissionJournal.Mark?
        for (index, item) in items.enumerated() {
            // The common case (well-formed, unescaped, active account with a lease) is decided
            // and answered from the body's bytes; anything else takes the general path below.
            let answered = body.withUnsafeBytes { bytes in
                guard let admitted = desk.admitFast(item, bytes, second: second, now: context.now, journaled: &journaled) else { return false }
                writer.writeAdmitted(index: index, admitted)
                return true
            }
            if answered { continue }
            let fields = body.withUnsafeBytes { AdmissionBody(item, in: $0) }
            if let problem = item.problemError {
                writer.write(.error(index: index, body: fields, problem))
            } else {
                writer.write(try await decide(fields, index: index, request: request, context: context, journaled: &journaled))
            }
        }
        if let journaled { try await desk.journal.written(through: journaled, on: request.eventLoop) }
        var headers = HTTPHeaders()
        headers.contentType = .json
        return Response(status: .ok, headers: headers, body: .init(buffer: writer.body(allocator: request.byteBufferAllocator)))
    }

    private func decide(_ body: AdmissionBody, index: Int?, request: Request, context: TrustContext,
                        journaled: inout AdmissionJournal.Mark?) async throws -> AdmissionDTO {
        guard let rawAccount = body.accountSid else {
            return .error(index: index, body: body, DomainError(.invalidParameter, "account_sid: required, the sending account's AC SID."))
        }
        let account: SID
        do { account = try SID(parsing: rawAccount, expecting: .account) } catch { return .error(index: index, body: body, DomainError(sid: error)) }
        guard let channel = body.channel.flatMap(MessageChannel.init(rawValue:)) else {
            let names = MessageChannel.allCases.map(\.rawValue).joined(separator: ", ")
            return .error(index: index, body: body, DomainError(.invalidParameter, "channel: use one of \(names)."))
        }
        if let message = body.messageSid {
            do { _ = try SID(parsing: message, expecting: [.smsMessage, .mmsMessage]) } catch { return .error(index: index, body: body, DomainError(sid: error)) }
        }
        let decision = try await request.application.admissionDesk.admit(account.rawValue, channel: channel, messageSID: body.messageSid, context: context)
        if let mark = decision.journaled { journaled = max(journaled ?? mark, mark) }
        switch decision.result {
        case .admitted:
            return AdmissionDTO(index: index, body: body, admitted: true)
        case let .refused(limit):
            var dto = AdmissionDTO.error(index: index, body: body, DomainError(.messageCapReached,
                "The account reached its daily SMS limit of \(limit.map(String.init) ?? "unlimited") messages in 24 hours; the message was not sent."))
            dto.dailyLimit = limit
            return dto
        case let .notActive(standing):
            let refusal = Standing(stored: standing).refusal(accountSID: body.accountSid ?? "")
                ?? DomainError(.accountSuspended, "The account can't send messages.")
            var dto = AdmissionDTO.error(index: index, body: body, refusal)
            dto.standing = standing
            return dto
        case .unknownAccount:
            return .error(index: index, body: body, DomainError.notFound("account"))
        }
    }

    func reportOutcomes(request: Request) async throws -> Response {
        let batch = try decodeBatch(OutcomeBatchBody.self, request, allowed: OutcomeBatchBody.allowedFields)
        guard !batch.outcomes.isEmpty, batch.outcomes.count <= AdmissionBatchBody.maximumItems else {
            throw DomainError(.invalidParameter, "outcomes: send from 1 to \(AdmissionBatchBody.maximumItems) outcomes.")
        }
        // Every admission answered with its SID was journaled before its answer (AdmissionJournal).
        // One transaction for the whole report: one commit, not one per outcome.
        let (results, accepted) = try await request.db.transaction { db -> ([OutcomeResultDTO], Int) in
            let sql = try db.sql
            var results: [OutcomeResultDTO] = []
            var accepted = 0
            for (index, item) in batch.outcomes.enumerated() {
                func reject(_ error: DomainError) {
                    results.append(OutcomeResultDTO(index: index, messageSid: item.messageSid, accepted: false, errorCode: error.code.rawValue, errorMessage: error.message))
                }
                guard let raw = item.messageSid else { reject(DomainError(.invalidParameter, "message_sid: required.")); continue }
                do throws(SIDError) { _ = try SID(parsing: raw, expecting: [.smsMessage, .mmsMessage]) } catch { reject(DomainError(sid: error)); continue }
                guard let status = item.status.flatMap(MessageOutcome.init(rawValue:)) else {
                    reject(DomainError(.invalidParameter, "status: use one of \(MessageOutcome.allCases.map(\.rawValue).joined(separator: ", "))."))
                    continue
                }
                let updated = try await sql.raw("""
                    UPDATE trust_admitted_messages SET outcome = \(bind: status.rawValue), outcome_at = \(bind: request.now)
                    WHERE message_sid = \(bind: raw) RETURNING message_sid
                    """).all()
                guard !updated.isEmpty else { reject(DomainError(.notFound, "message_sid: no admitted message \(raw) (admissions are kept 35 days).")); continue }
                accepted += 1
                results.append(OutcomeResultDTO(index: index, messageSid: raw, accepted: true))
            }
            return (results, accepted)
        }
        return try encode(OutcomeBatchDTO(accepted: accepted, rejected: results.count - accepted, results: results), status: .ok)
    }

    /// Batches are too large for `decodeStrict`'s 64 KB; same checks, bigger limit.
    private func decodeBatch<T: Decodable>(_ type: T.Type, _ request: Request, allowed: Set<String>) throws -> T {
        guard let contentType = request.headers.contentType, contentType.type == "application", contentType.subType == "json" else {
            throw DomainError(.unsupportedMediaType, "Send the batch as application/json.")
        }
        guard let buffer = request.body.data, !buffer.isBlank else {
            throw DomainError(.invalidParameter, "\(allowed.sorted().first ?? "body"): the body is empty; send \(allowed.sorted().joined(separator: ", ")).")
        }
        let data = Data(buffer.readableBytesView)
        do {
            return try JSONDecoder().decode(T.self, from: data)
        } catch let error as DomainError {
            throw error
        } catch {
            throw DomainError(.malformedBody, "The body must be a JSON object with \(allowed.sorted().joined(separator: ", ")): a list of objects whose fields are strings.")
        }
    }

    private func encode(_ value: some Encodable, status: HTTPResponseStatus) throws -> Response {
        let response = Response(status: status)
        try response.content.encode(value, using: JSONEncoder.trustDesk)
        return response
    }
}
