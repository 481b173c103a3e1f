import Foundation
import Logging
import NIOCore
import NIOPosix
import Testing
import TrustDeskServer

@Suite("SMTPTransportTests")
struct SMTPTransportTests {
    private static let logger: Logger = {
        // The plaintext-credentials warning is expected in these tests and only adds noise.
        var logger = Logger(label: "trustdesk.test.smtp")
        logger.logLevel = .error
        return logger
    }()

    private static func sampleMail() -> OutgoingMail {
        OutgoingMail(
            id: UUID(),
            from: "TrustDesk <noreply@trustdesk.test>",
            to: "Alice Example <alice@example.com>",
            subject: "Your ticket was updated",
            // "." alone and ".hidden" would end or corrupt DATA without stuffing.
            textBody: "Hello Alice,\n.hidden starts with a dot\n.\n..two dots\nBye",
            date: Date(timeIntervalSince1970: 1_700_000_000)
        )
    }

    // Generous: the whole suite runs in parallel on two cores; the timeout test sets its own.
    private static func transport(_ url: String, timeout: Duration = .seconds(30)) throws -> SMTPTransport {
        try SMTPTransport(url: url, eventLoopGroup: MultiThreadedEventLoopGroup.singleton, logger: logger, timeout: timeout)
    }

    @Test("Mail: SMTP transport delivers a dot-stuffed message")
    func deliversMessage() async throws {
        let server = try await FakeSMTPServer.start()
        let mail = Self.sampleMail()

        try await Self.transport("smtp://127.0.0.1:\(server.port)").deliver(mail)
        await server.stop()

        let commands = await server.recorder.commands
        #expect(commands.first == "EHLO trustdesk")
        #expect(!commands.contains { $0.hasPrefix("AUTH") })
        // The fake server advertises 8BITMIME, and the message is declared 8bit.
        #expect(commands.contains("MAIL FROM:<noreply@trustdesk.test> BODY=8BITMIME"))
        #expect(commands.contains("RCPT TO:<alice@example.com>"))
        #expect(commands == [
            "EHLO trustdesk",
            "MAIL FROM:<noreply@trustdesk.test> BODY=8BITMIME",
            "RCPT TO:<alice@example.com>",
            "DATA",
            "QUIT",
        ])

        let expected = MIMEMessage.render(mail).replacingOccurrences(of: "\r\n.", with: "\r\n..")
        #expect(expected.contains("\r\n..hidden starts with a dot\r\n"))
        #expect(expected.contains("\r\n..\r\n"))
        #expect(expected.contains("\r\n...two dots\r\n"))
        let data = await server.recorder.data
        #expect(data == [expected])
    }

    @Test("Mail: SMTP transport delivers with AUTH PLAIN")
    func deliversWithAuthPlain() async throws {
        let server = try await FakeSMTPServer.start()

        try await Self.transport("smtp://user:pass@127.0.0.1:\(server.port)").deliver(Self.sampleMail())
        await server.stop()

        let token = Data("\0user\0pass".utf8).base64EncodedString()
        let commands = await server.recorder.commands
        #expect(Array(commands.prefix(3)) == [
            "EHLO trustdesk",
            "AUTH PLAIN \(token)",
            "MAIL FROM:<noreply@trustdesk.test> BODY=8BITMIME",
        ])
        #expect(await server.recorder.data.count == 1)
    }

    @Test("Mail: SMTP transport percent-decodes URL credentials")
    func percentDecodesCredentials() async throws {
        let server = try await FakeSMTPServer.start()

        try await Self.transport("smtp://ops%40example.com:p%3As%2Fs@127.0.0.1:\(server.port)")
            .deliver(Self.sampleMail())
        await server.stop()

        let token = Data("\0ops@example.com\0p:s/s".utf8).base64EncodedString()
        #expect(await server.recorder.commands.contains("AUTH PLAIN \(token)"))
    }

    @Test("Mail: SMTP transport omits BODY=8BITMIME when the server does not offer it")
    func omits8BitWhenNotOffered() async throws {
        let server = try await FakeSMTPServer.start(replies: ["EHLO": "250-fake.test\r\n250 SIZE 1000"])

        try await Self.transport("smtp://127.0.0.1:\(server.port)").deliver(Self.sampleMail())
        await server.stop()

        #expect(await server.recorder.commands.contains("MAIL FROM:<noreply@trustdesk.test>"))
    }

    @Test("Mail: SMTP transport throws DeliveryError when RCPT TO is rejected")
    func rejectedRecipientThrows() async throws {
        let server = try await FakeSMTPServer.start(
            replies: ["RCPT": "550 5.1.1 <alice@example.com>: Recipient address rejected"]
        )
        let transport = try Self.transport("smtp://127.0.0.1:\(server.port)")

        let error = await #expect(throws: SMTPTransport.DeliveryError.self) {
            try await transport.deliver(Self.sampleMail())
        }
        await server.stop()

        #expect(error?.code == 550)
        #expect(error?.command == "RCPT TO")
        #expect(error?.text.contains("Recipient address rejected") == true)
        #expect(error?.isPermanent == true)
        #expect(await server.recorder.commands.contains("DATA") == false)
        #expect(await server.recorder.data.isEmpty)
    }

    @Test("Mail: SMTP transport throws DeliveryError when AUTH is refused")
    func refusedAuthThrows() async throws {
        let server = try await FakeSMTPServer.start(replies: ["AUTH": "535 5.7.8 Authentication credentials invalid"])
        let transport = try Self.transport("smtp://user:wrong@127.0.0.1:\(server.port)")

        let error = await #expect(throws: SMTPTransport.DeliveryError.self) {
            try await transport.deliver(Self.sampleMail())
        }
        await server.stop()

        #expect(error?.code == 535)
        // The credentials must not leak into an error that ends up in logs.
        #expect(error?.command == "AUTH PLAIN")
        #expect(error.map { !"\($0)".contains(Data("\0user\0wrong".utf8).base64EncodedString()) } == true)
    }

    @Test("Mail: SMTP transport times out on a silent server")
    func silentServerTimesOut() async throws {
        let server = try await FakeSMTPServer.start(greets: false)
        let transport = try Self.transport("smtp://127.0.0.1:\(server.port)", timeout: .milliseconds(300))

        await #expect(throws: SMTPTransport.SessionError.timedOut(.milliseconds(300))) {
            try await transport.deliver(Self.sampleMail())
        }
        await server.stop()
    }

    @Test("Mail: SMTP transport rejects malformed URLs", arguments: [
        "http://x",
        "smtp://",
        "smtp://host:notaport",
        "smtp://host:0",
        "smtp://user@host",
        "smtp://host/path",
        "not a url at all",
    ])
    func malformedURLsThrow(url: String) throws {
        let error = #expect(throws: SMTPTransport.ConfigurationError.self) {
            _ = try Self.transport(url)
        }
        #expect(error.map { !$0.description.isEmpty } == true)
    }

    @Test("Mail: SMTP transport parses URL ports and TLS mode")
    func parsesURLs() throws {
        let plain = try Self.transport("smtp://mail.example.com")
        #expect(plain.host == "mail.example.com" && plain.port == 25 && !plain.usesImplicitTLS && !plain.hasCredentials)

        let submission = try Self.transport("smtp://user:pass@mail.example.com:587")
        #expect(submission.port == 587 && !submission.usesImplicitTLS && submission.hasCredentials)

        let implicitTLS = try Self.transport("smtps://mail.example.com")
        #expect(implicitTLS.port == 465 && implicitTLS.usesImplicitTLS)

        let explicitPort = try Self.transport("SMTPS://mail.example.com:2465/")
        #expect(explicitPort.port == 2465 && explicitPort.usesImplicitTLS)
    }

    @Test("Mail: SMTP transport refuses addresses that could inject commands")
    func refusesInjectedAddresses() async throws {
        var mail = Self.sampleMail()
        mail.to = "alice@example.com>\r\nRCPT TO:<mallory@example.com"
        let transport = try Self.transport("smtp://127.0.0.1:1")

        await #expect(throws: SMTPTransport.SessionError.self) {
            try await transport.deliver(mail)
        }
    }
}

/// What the fake server saw, read by the test once the client is done.
private actor SMTPRecorder {
    private(set) var commands: [String] = []
    private(set) var data: [String] = []

    func record(command: String) { commands.append(command) }
    func record(data message: String) { data.append(message) }
}

/// A scripted SMTP server on an ephemeral loopback port, one connection at a time.
private struct FakeSMTPServer {
    let port: Int
    let recorder: SMTPRecorder
    private let channel: any Channel
    private let loop: Task<Void, Never>

    private static let defaultReplies: [String: String] = [
        "EHLO": "250-fake.test greets trustdesk\r\n250-8BITMIME\r\n250-AUTH PLAIN\r\n250 SIZE 10485760",
        "AUTH": "235 2.7.0 Authentication successful",
        "MAIL": "250 2.1.0 Ok",
        "RCPT": "250 2.1.5 Ok",
        "DATA": "354 End data with <CR><LF>.<CR><LF>",
        ".": "250 2.0.0 Ok: queued",
        "QUIT": "221 2.0.0 Bye",
    ]

    /// `replies` overrides the answer per command verb ("." is the end of DATA).
    static func start(replies overrides: [String: String] = [:], greets: Bool = true) async throws -> FakeSMTPServer {
        let replies = defaultReplies.merging(overrides) { _, override in override }
        let server = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .bind(host: "127.0.0.1", port: 0) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(CRLFLineDecoder()))
                    return try NIOAsyncChannel<String, ByteBuffer>(wrappingChannelSynchronously: channel)
                }
            }
        guard let port = server.channel.localAddress?.port else {
            try await server.channel.close()
            throw FakeServerError.noPort
        }

        let recorder = SMTPRecorder()
        let loop = Task<Void, Never> {
            try? await server.executeThenClose { connections in
                for try await connection in connections {
                    try? await serve(connection, replies: replies, greets: greets, recorder: recorder)
                }
            }
        }
        return FakeSMTPServer(port: port, recorder: recorder, channel: server.channel, loop: loop)
    }

    func stop() async {
        try? await channel.close()
        await loop.value
    }

    private static func serve(
        _ connection: NIOAsyncChannel<String, ByteBuffer>,
        replies: [String: String],
        greets: Bool,
        recorder: SMTPRecorder
    ) async throws {
        try await connection.executeThenClose { inbound, outbound in
            func reply(to verb: String) async throws {
                let text = replies[verb] ?? "500 5.5.2 Error: command not recognized"
                try await outbound.write(ByteBuffer(string: text + "\r\n"))
            }

            if greets {
                try await outbound.write(ByteBuffer(string: "220 fake.test ESMTP\r\n"))
            }
            var dataLines: [String]?
            for try await line in inbound {
                if var lines = dataLines {
                    if line == "." {
                        await recorder.record(data: lines.map { $0 + "\r\n" }.joined())
                        dataLines = nil
                        try await reply(to: ".")
                    } else {
                        lines.append(line)
                        dataLines = lines
                    }
                    continue
                }

                await recorder.record(command: line)
                let verb = line.prefix { $0 != " " }.uppercased()
                try await reply(to: verb)
                if verb == "DATA", replies["DATA"]?.hasPrefix("354") == true { dataLines = [] }
                if verb == "QUIT" { return }
            }
        }
    }
}

private enum FakeServerError: Error {
    case noPort
}

/// Splits on CRLF only, keeping everything else, so the test sees exactly what went on the wire.
private struct CRLFLineDecoder: ByteToMessageDecoder {
    typealias InboundOut = String

    mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        let view = buffer.readableBytesView
        var index = view.startIndex
        while index < view.endIndex - 1 {
            if view[index] == UInt8(ascii: "\r"), view[index + 1] == UInt8(ascii: "\n") {
                let line = buffer.getString(at: buffer.readerIndex, length: index - view.startIndex) ?? ""
                buffer.moveReaderIndex(forwardBy: index - view.startIndex + 2)
                context.fireChannelRead(wrapInboundOut(line))
                return .continue
            }
            index += 1
        }
        return .needMoreData
    }

    mutating func decodeLast(context: ChannelHandlerContext, buffer: inout ByteBuffer, seenEOF: Bool) throws -> DecodingState {
        while try decode(context: context, buffer: &buffer) == .continue {}
        return .needMoreData
    }
}
