import Foundation
import NIOCore
import Testing
import TrustDeskCore
import VaporTesting
import ZIPFoundation
@testable import TrustDeskServer

/// The status JSON is kept gzipped beside the plain body (compressed once per snapshot) for the
/// Statuspage clients that poll with `Accept-Encoding: gzip`.
@Suite("STS-5: gzip variants of the Statuspage v2 JSON")
struct StatusGzipTests {
    /// The document inside a gzip member, checking the header, the CRC-32 and the length.
    static func gunzip(_ data: Data) throws -> Data {
        let bytes = [UInt8](data)
        try #require(bytes.count > 18 && bytes[0] == 0x1f && bytes[1] == 0x8b && bytes[2] == 0x08)
        let deflated = Data(bytes[10..<(bytes.count - 8)])
        var inflated = Data()
        let crc = try Data.decompress(size: Int64(deflated.count), bufferSize: 64 * 1024, skipCRC32: false, provider: { position, size in
            // zlib's reader asks for whole buffers; the last one is shorter.
            deflated.subdata(in: Int(position)..<min(deflated.count, Int(position) + size))
        }, consumer: { inflated.append($0) })
        let trailer = bytes.suffix(8).map(UInt32.init)
        #expect(trailer[0] | trailer[1] << 8 | trailer[2] << 16 | trailer[3] << 24 == crc)
        #expect(Int(trailer[4] | trailer[5] << 8 | trailer[6] << 16 | trailer[7] << 24) == inflated.count)
        return inflated
    }

    static func headers(_ pairs: [(HTTPHeaders.Name, String)]) -> HTTPHeaders {
        var headers = HTTPHeaders()
        for (name, value) in pairs { headers.replaceOrAdd(name: name, value: value) }
        return headers
    }

    @Test("STS-5: with Accept-Encoding: gzip every endpoint answers gzip that decodes to the same JSON as the plain answer",
          arguments: StatusAPITests.endpoints)
    func sameDocument(endpoint: String) async throws {
        try await withTrustDesk { app in
            let staff = try await StatusTestKit.admin(app)
            let sms = try await StatusTestKit.component(app, "SMS", by: staff)
            _ = try await StatusTestKit.incident(app, components: [sms.id ?? "": .partialOutage], by: staff)
            let plain = try await StatusTestKit.get(app, "/api/v2/" + endpoint)
            let gzipped = try await StatusTestKit.get(app, "/api/v2/" + endpoint, headers: Self.headers([(.acceptEncoding, "gzip, deflate, br")]))
            #expect(plain.status == .ok && gzipped.status == .ok)
            #expect(plain.headers.first(name: .contentEncoding) == nil)
            #expect(gzipped.headers.first(name: .contentEncoding) == "gzip")
            #expect(plain.headers.first(name: .vary) == "Accept-Encoding" && gzipped.headers.first(name: .vary) == "Accept-Encoding")
            #expect(gzipped.headers.contentType == .json)
            let document = try Self.gunzip(Data(gzipped.body.readableBytesView))
            #expect(document == Data(plain.body.readableBytesView))
            #expect(try JSONSerialization.jsonObject(with: document) is [String: Any])
            #expect(gzipped.body.readableBytes < plain.body.readableBytes || plain.body.readableBytes < 200)
        }
    }

    @Test("STS-5: each encoding has its own ETag, and If-None-Match gets 304 for the one the client holds")
    func conditionalPerEncoding() async throws {
        try await withTrustDesk { app in
            let staff = try await StatusTestKit.admin(app)
            _ = try await StatusTestKit.component(app, "SMS", by: staff)
            let gzip = Self.headers([(.acceptEncoding, "gzip")])
            let plainTag = try #require(try await StatusTestKit.get(app, "/api/v2/summary.json").headers.first(name: .eTag))
            let gzipTag = try #require(try await StatusTestKit.get(app, "/api/v2/summary.json", headers: gzip).headers.first(name: .eTag))
            #expect(plainTag != gzipTag && plainTag.hasPrefix("\"") && gzipTag.hasPrefix("\""))

            let gzipRevalidated = try await StatusTestKit.get(app, "/api/v2/summary.json", headers: Self.headers([(.acceptEncoding, "gzip"), (.ifNoneMatch, gzipTag)]))
            #expect(gzipRevalidated.status == .notModified && gzipRevalidated.body.readableBytes == 0)
            #expect(gzipRevalidated.headers.first(name: .eTag) == gzipTag && gzipRevalidated.headers.first(name: .vary) == "Accept-Encoding")
            let plainRevalidated = try await StatusTestKit.get(app, "/api/v2/summary.json", headers: Self.headers([(.ifNoneMatch, plainTag)]))
            #expect(plainRevalidated.status == .notModified)
            // A tag of the other encoding is not this representation: the full body comes back.
            let crossed = try await StatusTestKit.get(app, "/api/v2/summary.json", headers: Self.headers([(.ifNoneMatch, gzipTag)]))
            #expect(crossed.status == .ok && crossed.headers.first(name: .eTag) == plainTag && crossed.headers.first(name: .contentEncoding) == nil)
        }
    }

    @Test("STS-5: gzip is sent only when accepted: q=0 and other codings get the plain body")
    func negotiation() {
        #expect(AcceptEncoding.allowsGzip("gzip"))
        #expect(AcceptEncoding.allowsGzip("deflate, GZIP;q=0.5"))
        #expect(AcceptEncoding.allowsGzip("x-gzip"))
        #expect(AcceptEncoding.allowsGzip("*"))
        #expect(!AcceptEncoding.allowsGzip(nil))
        #expect(!AcceptEncoding.allowsGzip(""))
        #expect(!AcceptEncoding.allowsGzip("identity"))
        #expect(!AcceptEncoding.allowsGzip("br, deflate"))
        #expect(!AcceptEncoding.allowsGzip("gzip;q=0"))
        #expect(!AcceptEncoding.allowsGzip("*, gzip;q=0"))
        #expect(!AcceptEncoding.allowsGzip("*;q=0"))
    }
}
