import Foundation
import Logging
import NIOCore
import NIOPosix
import NIOSSL

/// Delivers mail to an SMTP relay, one connection per message.
///
/// The outbox calls `deliver` and retries on any thrown error, so this type never retries on its own
/// and only reports success once the server has accepted the message with 250 after DATA.
public struct SMTPTransport: MailTransport {
    /// The URL given at start-up could not be turned into an SMTP endpoint.
    /// The URL itself is not kept: it may hold a password and errors end up in logs.
    public struct ConfigurationError: Error, CustomStringConvertible, Equatable, Sendable {
        public let reason: String

        public var description: String {
            "Invalid SMTP URL: \(reason). Expected smtp://[user:pass@]host[:port] or smtps://[user:pass@]host[:port]."
        }
    }

    /// The server answered a command with a reply code the conversation does not allow.
    public struct DeliveryError: Error, CustomStringConvertible, Equatable, Sendable {
        /// The command that was answered, without arguments that could hold secrets.
        public let command: String
        public let code: Int
        public let text: String

        /// 5xx replies will fail again on retry; callers may use this to stop retrying early.
        public var isPermanent: Bool { (500..<600).contains(code) }

        public var description: String {
            "SMTP server answered \(command) with \(code) \(text)"
        }
    }

    /// The conversation broke down before the server gave a verdict on the message.
    public enum SessionError: Error, CustomStringConvertible, Equatable, Sendable {
        case timedOut(Duration)
        case connectionClosed
        case malformedReply(String)
        case invalidAddress(String)

        public var description: String {
            switch self {
            case .timedOut(let duration): "SMTP server did not answer within \(duration)"
            case .connectionClosed: "SMTP server closed the connection mid-conversation"
            case .malformedReply(let line): "SMTP server sent a malformed reply: \(line)"
            case .invalidAddress(let address): "Not a usable mail address: \(address)"
            }
        }
    }

    public let host: String
    public let port: Int
    public let usesImplicitTLS: Bool
    public var hasCredentials: Bool { credentials != nil }

    private let credentials: (user: String, password: String)?
    private let eventLoopGroup: any EventLoopGroup
    private let logger: Logger
    private let timeout: Duration
    private let tlsContext: NIOSSLContext?
    /// SNI must be a DNS name; NIOSSL refuses IP literals there.
    private let serverNameIndication: String?

    /// - Parameters:
    ///   - timeout: Bounds the connect and each wait for a reply, so a stalled relay cannot hold the outbox.
    ///   - tlsConfiguration: Used by `smtps://` only; overridable so a relay behind a private CA can be
    ///     trusted without turning verification off.
    public init(
        url: String,
        eventLoopGroup: any EventLoopGroup,
        logger: Logger,
        timeout: Duration = .seconds(30),
        tlsConfiguration: TLSConfiguration = .makeClientConfiguration()
    ) throws {
        func fail(_ reason: String) -> ConfigurationError { ConfigurationError(reason: reason) }

        guard let components = URLComponents(string: url) else {
            throw fail("not a URL (check the port is a number and special characters are percent-encoded)")
        }
        let scheme = components.scheme?.lowercased()
        guard scheme == "smtp" || scheme == "smtps" else {
            throw fail("scheme must be smtp or smtps, got \(components.scheme.map { "'\($0)'" } ?? "none")")
        }
        let implicitTLS = scheme == "smtps"

        var host = components.host ?? ""
        if host.hasPrefix("["), host.hasSuffix("]") {
            host = String(host.dropFirst().dropLast())
        }
        guard !host.isEmpty else { throw fail("missing host") }

        let port = components.port ?? (implicitTLS ? 465 : 25)
        guard (1...65535).contains(port) else { throw fail("port \(port) is out of range") }

        guard components.percentEncodedPath.isEmpty || components.percentEncodedPath == "/",
              components.percentEncodedQuery == nil, components.percentEncodedFragment == nil
        else { throw fail("unexpected path, query or fragment") }

        switch (components.percentEncodedUser, components.percentEncodedPassword) {
        case (nil, nil):
            credentials = nil
        case (let user?, let password?):
            guard let user = user.removingPercentEncoding, let password = password.removingPercentEncoding,
                  !user.isEmpty
            else { throw fail("user or password is not valid percent-encoding") }
            credentials = (user, password)
        default:
            throw fail("credentials need both a user and a password")
        }

        guard ClientBootstrap(validatingGroup: eventLoopGroup) != nil else {
            throw fail("the event loop group cannot create client sockets")
        }

        let isIPLiteral = (try? SocketAddress(ipAddress: host, port: port)) != nil
        if implicitTLS {
            do {
                tlsContext = try NIOSSLContext(configuration: tlsConfiguration)
            } catch {
                throw fail("TLS could not be set up: \(error)")
            }
        } else {
            tlsContext = nil
            if credentials != nil, !Self.isLoopback(host) {
                logger.warning(
                    "SMTP credentials will be sent without TLS; use smtps:// unless the relay is on a trusted network",
                    metadata: ["smtp.host": .string(host)]
                )
            }
        }

        self.host = host
        self.port = port
        self.usesImplicitTLS = implicitTLS
        self.serverNameIndication = isIPLiteral ? nil : host
        self.eventLoopGroup = eventLoopGroup
        self.logger = logger
        self.timeout = timeout
    }

    public func deliver(_ mail: OutgoingMail) async throws {
        // Validate before connecting so a bad address never costs the relay a connection.
        let sender = try Self.bareAddress(mail.from)
        let recipient = try Self.bareAddress(mail.to)
        let payload = Self.dataPayload(MIMEMessage.render(mail))

        let channel = try await connect()
        try await channel.executeThenClose { inbound, outbound in
            var session = Session(replies: inbound.makeAsyncIterator(), outbound: outbound)
            do {
                _ = try await session.expect([220], after: "greeting")
                let ehlo = try await session.command("EHLO trustdesk", expecting: [250])

                if let credentials {
                    let token = Data("\0\(credentials.user)\0\(credentials.password)".utf8).base64EncodedString()
                    _ = try await session.command("AUTH PLAIN \(token)", expecting: [235], label: "AUTH PLAIN")
                }

                // The rendered message says 8bit, so declare it when the server can take it.
                let supports8Bit = ehlo.lines.dropFirst().contains { $0.uppercased().hasPrefix("8BITMIME") }
                let body = supports8Bit ? " BODY=8BITMIME" : ""
                _ = try await session.command("MAIL FROM:<\(sender)>\(body)", expecting: [250], label: "MAIL FROM")
                _ = try await session.command("RCPT TO:<\(recipient)>", expecting: [250, 251], label: "RCPT TO")
                _ = try await session.command("DATA", expecting: [354])
                try await session.send(payload)
                _ = try await session.expect([250], after: "end of DATA")
            } catch let error as DeliveryError {
                // Ending politely lets the server drop the transaction right away instead of timing out.
                try? await session.send("QUIT\r\n")
                throw error
            }

            // The message is accepted now; a failed QUIT must not make the outbox send it twice.
            do {
                _ = try await session.command("QUIT", expecting: [221])
            } catch {
                logger.debug("SMTP QUIT failed after delivery", metadata: ["error": "\(error)"])
            }
        }
        logger.debug(
            "SMTP delivered mail",
            metadata: ["mail.id": .string(mail.id.uuidString), "smtp.host": .string(host)]
        )
    }

    private func connect() async throws -> NIOAsyncChannel<SMTPReply, ByteBuffer> {
        guard let bootstrap = ClientBootstrap(validatingGroup: eventLoopGroup) else {
            throw ConfigurationError(reason: "the event loop group cannot create client sockets")
        }
        let tlsContext = tlsContext
        let serverNameIndication = serverNameIndication
        let timeout = timeout
        let readTimeout = TimeAmount(timeout)
        do {
            return try await bootstrap
                .connectTimeout(readTimeout)
                .connect(host: host, port: port) { channel in
                    channel.eventLoop.makeCompletedFuture {
                        let pipeline = channel.pipeline.syncOperations
                        if let tlsContext {
                            try pipeline.addHandler(
                                NIOSSLClientHandler(context: tlsContext, serverHostname: serverNameIndication)
                            )
                        }
                        // Sits above TLS so a stalled handshake also counts as a silent server.
                        try pipeline.addHandler(IdleStateHandler(readTimeout: readTimeout))
                        try pipeline.addHandler(ByteToMessageHandler(SMTPReplyDecoder()))
                        try pipeline.addHandler(ReadTimeoutHandler(timeout: timeout))
                        return try NIOAsyncChannel<SMTPReply, ByteBuffer>(wrappingChannelSynchronously: channel)
                    }
                }
        } catch ChannelError.connectTimeout(_) {
            throw SessionError.timedOut(timeout)
        }
    }

    /// Pulls the address out of `Name <addr>`, and refuses anything that could break the command line.
    static func bareAddress(_ value: String) throws -> String {
        var address = Substring(value)
        if let open = address.lastIndex(of: "<"), let close = address.lastIndex(of: ">"), open < close {
            address = address[address.index(after: open)..<close]
        }
        let trimmed = address.trimmingCharacters(in: .whitespaces)
        let usable = !trimmed.isEmpty && trimmed.contains("@") && trimmed.unicodeScalars.allSatisfy { scalar in
            !CharacterSet.whitespacesAndNewlines.contains(scalar)
                && !CharacterSet.controlCharacters.contains(scalar)
                && scalar != "<" && scalar != ">"
        }
        guard usable else { throw SessionError.invalidAddress(value) }
        return trimmed
    }

    /// Builds the DATA section: CRLF lines, dot-stuffed, ending with the lone "." line.
    static func dataPayload(_ message: String) -> String {
        // Bare CR or LF must not reach the wire: servers disagree on whether they end a line,
        // which is what SMTP smuggling exploits.
        let normalised = message.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\r", with: "\n")
        var lines = normalised.split(separator: "\n", omittingEmptySubsequences: false)
        if lines.last?.isEmpty == true { lines.removeLast() }
        var payload = ""
        payload.reserveCapacity(normalised.utf8.count + lines.count * 2 + 5)
        for line in lines {
            // A line starting with "." would otherwise be read as (or as part of) the terminator.
            if line.hasPrefix(".") { payload += "." }
            payload += line
            payload += "\r\n"
        }
        return payload + ".\r\n"
    }

    private static func isLoopback(_ host: String) -> Bool {
        host == "localhost" || host == "::1" || host.hasPrefix("127.")
    }
}

/// One complete reply: every line of a multi-line `250-...` answer, with the code stripped.
struct SMTPReply: Sendable, Equatable {
    var code: Int
    var lines: [String]
}

/// Lets the async side run one command at a time while the channel handles framing.
private struct Session {
    var replies: NIOAsyncChannelInboundStream<SMTPReply>.AsyncIterator
    let outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>

    func send(_ text: String) async throws {
        try await outbound.write(ByteBuffer(string: text))
    }

    mutating func command(_ line: String, expecting codes: Set<Int>, label: String? = nil) async throws -> SMTPReply {
        try await send(line + "\r\n")
        return try await expect(codes, after: label ?? line)
    }

    mutating func expect(_ codes: Set<Int>, after command: String) async throws -> SMTPReply {
        guard let reply = try await replies.next() else { throw SMTPTransport.SessionError.connectionClosed }
        guard codes.contains(reply.code) else {
            throw SMTPTransport.DeliveryError(command: command, code: reply.code, text: reply.lines.joined(separator: " "))
        }
        return reply
    }
}

/// Frames the byte stream into replies, joining `ddd-text` continuation lines up to the final `ddd text`.
struct SMTPReplyDecoder: ByteToMessageDecoder {
    typealias InboundOut = SMTPReply

    /// RFC 5321 caps reply lines at 512 octets; a generous cap still stops an endless line eating memory.
    private static let maximumLineLength = 4096

    private var pending: SMTPReply?

    mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        let view = buffer.readableBytesView
        guard let newline = view.firstIndex(of: UInt8(ascii: "\n")) else {
            if buffer.readableBytes > Self.maximumLineLength {
                throw SMTPTransport.SessionError.malformedReply("line longer than \(Self.maximumLineLength) bytes")
            }
            return .needMoreData
        }
        var contentLength = newline - view.startIndex
        if contentLength > 0, view[newline - 1] == UInt8(ascii: "\r") { contentLength -= 1 }
        let line = buffer.getString(at: buffer.readerIndex, length: contentLength) ?? ""
        buffer.moveReaderIndex(forwardBy: newline - view.startIndex + 1)

        let codeText = line.prefix(3)
        guard codeText.count == 3, codeText.allSatisfy({ ("0"..."9").contains($0) }),
              let code = Int(codeText), code >= 100
        else {
            throw SMTPTransport.SessionError.malformedReply(line)
        }
        let separator = line.dropFirst(3).first
        guard separator == nil || separator == " " || separator == "-" else {
            throw SMTPTransport.SessionError.malformedReply(line)
        }
        let text = String(line.dropFirst(4))

        var reply = pending ?? SMTPReply(code: code, lines: [])
        guard reply.code == code else { throw SMTPTransport.SessionError.malformedReply(line) }
        reply.lines.append(text)

        if separator == "-" {
            pending = reply
        } else {
            pending = nil
            context.fireChannelRead(wrapInboundOut(reply))
        }
        return .continue
    }

    mutating func decodeLast(context: ChannelHandlerContext, buffer: inout ByteBuffer, seenEOF: Bool) throws -> DecodingState {
        // Complete replies still buffered are delivered; a half line at EOF is dropped and the
        // reader sees the stream end, which it reports as a closed connection.
        while try decode(context: context, buffer: &buffer) == .continue {}
        return .needMoreData
    }
}

/// Turns the idle event into an error so the awaiting reader fails instead of hanging forever.
private final class ReadTimeoutHandler: ChannelInboundHandler {
    typealias InboundIn = SMTPReply
    typealias InboundOut = SMTPReply

    private let timeout: Duration

    init(timeout: Duration) {
        self.timeout = timeout
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        context.fireChannelRead(data)
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let idle = event as? IdleStateHandler.IdleStateEvent, idle == .read {
            context.fireErrorCaught(SMTPTransport.SessionError.timedOut(timeout))
        } else {
            context.fireUserInboundEventTriggered(event)
        }
    }
}
