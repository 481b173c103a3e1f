import Foundation

/// The name a ticket attachment is stored and served under. Browsers and mail clients send a
/// path (`C:\Users\ana\log.txt`), and a name like `../../etc/passwd` or one with a
/// right-to-left override would be served back as given; what is kept is the base name,
/// without control or formatting characters, at most 128 characters with its extension.
public enum AttachmentName {
    public static let maximumLength = 128

    /// The base name of `raw` for storing, or a 20001 naming `field` when nothing usable is
    /// left (an empty name, `.` or `..`).
    public static func check(_ raw: String, field: String = "attachments.filename") throws(DomainError) -> String {
        guard let name = base(raw) else {
            throw DomainError(.invalidParameter, "\(field): \"\(String(raw.unicodeScalars.filter(isShown).prefix(64)))\" is not a file name; send the file's own name, like report.txt.")
        }
        return name
    }

    /// The base name of a stored `raw` for serving (names stored before they were cleaned), or
    /// `attachment` when nothing is left.
    public static func served(_ raw: String) -> String {
        base(raw) ?? "attachment"
    }

    /// The last path component, cleaned; nil when it is empty, `.` or `..`.
    static func base(_ raw: String) -> String? {
        let lastComponent = raw.split(whereSeparator: { $0 == "/" || $0 == "\\" }).last.map(String.init) ?? ""
        var name = String(String.UnicodeScalarView(lastComponent.unicodeScalars.filter(isShown))).trimmingCharacters(in: .whitespaces)
        // Windows drops trailing dots and spaces; a name must mean the same file everywhere.
        while let last = name.last, last == "." || last == " " { name.removeLast() }
        guard !name.isEmpty, name != ".", name != ".." else { return nil }
        guard name.count > maximumLength else { return name }
        // Too long: shorten the stem, keep a short extension.
        let dot = name.lastIndex(of: ".").flatMap { name.distance(from: $0, to: name.endIndex) <= 16 ? $0 : nil }
        let suffix = dot.map { String(name[$0...]) } ?? ""
        return String(name.prefix(maximumLength - suffix.count)) + suffix
    }

    /// Characters that show as themselves: no control (Cc), formatting (Cf: bidi overrides,
    /// zero-width), line or paragraph separator, private-use or unassigned scalars.
    static func isShown(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.properties.generalCategory {
        case .control, .format, .lineSeparator, .paragraphSeparator, .privateUse, .surrogate, .unassigned: false
        default: true
        }
    }

    /// The `Content-Disposition` value for a download (RFC 6266): always `attachment`, an ASCII
    /// `filename` that every client reads, and `filename*` in UTF-8 (RFC 8187) when the name
    /// is not plain ASCII, which clients that know it prefer.
    public static func contentDisposition(_ stored: String) -> String {
        let name = served(stored)
        let fallback = asciiFallback(name)
        guard fallback != name else { return "attachment; filename=\"\(fallback)\"" }
        return "attachment; filename=\"\(fallback)\"; filename*=UTF-8''\(percentEncoded(name))"
    }

    /// Printable ASCII with `"`, `\`, `%` and everything else replaced by `_`: safe inside a
    /// quoted header parameter.
    static func asciiFallback(_ name: String) -> String {
        String(name.unicodeScalars.map { scalar -> Character in
            scalar.isASCII && scalar.value >= 0x20 && scalar.value < 0x7F && scalar != "\"" && scalar != "\\" && scalar != "%" ? Character(scalar) : "_"
        })
    }

    /// RFC 8187 `value-chars`: attr-char as is, every other UTF-8 byte as `%XX`.
    static func percentEncoded(_ name: String) -> String {
        let attrChars = Set("!#$&+-.^_`|~".utf8)
        return name.utf8.map { byte -> String in
            let isAlphanumeric = (0x30...0x39).contains(byte) || (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte)
            return isAlphanumeric || attrChars.contains(byte) ? String(UnicodeScalar(byte)) : String(format: "%%%02X", byte)
        }.joined()
    }
}
