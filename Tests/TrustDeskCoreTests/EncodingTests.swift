import Foundation
import Testing
@testable import TrustDeskCore

@Suite("Hex and urlencoded forms")
struct EncodingTests {
    @Test("SEC-1: token hashes are lower-case hex, two digits per byte, the same as printf's %02x")
    func hex() {
        let bytes: [UInt8] = [0x00, 0x01, 0x0f, 0x10, 0x7f, 0x80, 0xab, 0xff]
        #expect(Hex.encode(bytes) == "00010f107f80abff")
        #expect(Hex.encode(bytes) == bytes.map { String(format: "%02x", $0) }.joined())
        #expect(Hex.encode([UInt8]()) == "")
        #expect(Secrets.hash("tdat_example").count == 64)
    }

    @Test("SEC-4: a webhook's form body reads as the provider signed it: + is a space, %XX a byte, UTF-8 kept")
    func form() {
        let body = "CallSid=CA1&Digits=4821&From=%2B14155550100&Caller+Name=Ana+Mar%C3%ADa&Empty=&Flag"
        #expect(FormURLEncoding.parse(Array(body.utf8)) == [
            "CallSid": "CA1", "Digits": "4821", "From": "+14155550100", "Caller Name": "Ana María", "Empty": "", "Flag": "",
        ])
    }

    @Test("SEC-4: malformed escapes stay as typed, a repeated name keeps its last value, empty pairs are skipped")
    func malformedForm() {
        #expect(FormURLEncoding.parse(Array("a=%zz&b=%4&c=100%&&=x&a=2".utf8)) == ["a": "2", "b": "%4", "c": "100%"])
        #expect(FormURLEncoding.parse(Array("a=%zz".utf8)) == ["a": "%zz"])
        #expect(FormURLEncoding.parse(Array("bad=%FF%FE".utf8))["bad"] == "\u{FFFD}\u{FFFD}")
        #expect(FormURLEncoding.parse([UInt8]()).isEmpty)
    }
}
