import Foundation
import PropertyBased
import Testing
@testable import TrustDeskCore

@Suite("Ticket attachments keep their base name only")
struct AttachmentNameTests {
    @Test("Paths, parent references, control and formatting characters are stripped", arguments: [
        ("../../etc/passwd", "passwd"), ("C:\\Users\\ana\\log.txt", "log.txt"), ("/var/log/./app.log", "app.log"), ("a/b/../c.txt", "c.txt"),
        ("report\u{0}.pdf", "report.pdf"), ("invoice\u{202E}fdp.exe", "invoicefdp.exe"), ("line\nbreak.txt", "linebreak.txt"),
        ("  spaced name.txt  ", "spaced name.txt"), ("trailing.dots...", "trailing.dots"), ("..\\..\\boot.ini", "boot.ini"), ("résumé.pdf", "résumé.pdf"),
        ("日本語のファイル.txt", "日本語のファイル.txt"), (".bashrc", ".bashrc"),
    ])
    func baseNames(raw: String, expected: String) throws {
        #expect(try AttachmentName.check(raw) == expected)
    }

    @Test("Nothing usable left is a clear error beside the field", arguments: ["", "   ", "..", ".", "../", "a/..", "/", "\\\\", "\u{202E}\u{0}"])
    func refused(raw: String) {
        #expect(throws: DomainError.self) { try AttachmentName.check(raw) }
        #expect(AttachmentName.served(raw) == "attachment")
    }

    @Test("A long name keeps its extension within 128 characters")
    func longName() throws {
        let name = try AttachmentName.check(String(repeating: "x", count: 300) + ".log")
        #expect(name.count == 128)
        #expect(name.hasSuffix("x.log"))
    }

    @Test("RFC 6266: ASCII names are a quoted filename; other names add filename* in UTF-8 with an ASCII fallback")
    func contentDisposition() {
        #expect(AttachmentName.contentDisposition("notes.txt") == "attachment; filename=\"notes.txt\"")
        #expect(AttachmentName.contentDisposition("../../etc/passwd") == "attachment; filename=\"passwd\"")
        #expect(AttachmentName.contentDisposition("say \"hi\".txt") == "attachment; filename=\"say _hi_.txt\"; filename*=UTF-8''say%20%22hi%22.txt")
        #expect(AttachmentName.contentDisposition("résumé 100%.pdf") == "attachment; filename=\"r_sum_ 100_.pdf\"; filename*=UTF-8''r%C3%A9sum%C3%A9%20100%25.pdf")
        #expect(AttachmentName.contentDisposition("€.txt") == "attachment; filename=\"_.txt\"; filename*=UTF-8''%E2%82%AC.txt")
    }

    @Test("Whatever the name, the header has no path, no quote or control character inside its values, and filename* decodes to the served name")
    func anyName() async {
        let alphabet = Array("ab./\\\"%;\u{0}\u{7}\n\u{202E}é日 ..")
        await propertyCheck(count: 300, input: Gen.int(in: 0...(alphabet.count - 1)).array(of: 0...40)) { indexes in
            let raw = String(indexes.map { alphabet[$0] })
            let header = AttachmentName.contentDisposition(raw)
            let served = AttachmentName.served(raw)
            #expect(!served.contains("/") && !served.contains("\\") && served != "..")
            #expect(!header.unicodeScalars.contains { $0.value < 0x20 || $0.value == 0x7F || !$0.isASCII })
            #expect(header.filter { $0 == "\"" }.count == 2, "\(header)")
            if let star = header.range(of: "filename*=UTF-8''") {
                #expect(String(header[star.upperBound...]).removingPercentEncoding == served)
            } else {
                #expect(header == "attachment; filename=\"\(served)\"")
            }
        }
    }
}
