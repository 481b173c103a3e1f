import Foundation
import TrustDeskCore
import Vapor

/// What a person submitted with a page form: its text fields and its files, read the same way
/// from a urlencoded or a multipart body. Handlers read fields from here and, when something is
/// wrong, hand it back to `Request.page(_:title:_:form:errors:)` so every field is shown again as
/// it was typed (nothing a person typed is lost on a form error).
struct PageForm: Sendable {
    private(set) var fields: [String: String]
    private(set) var files: [PageUpload]

    static let empty = PageForm(fields: [:], files: [])

    init(fields: [String: String], files: [PageUpload] = []) {
        self.fields = fields
        self.files = files
    }

    subscript(_ name: String) -> String? { fields[name] }

    /// The field as typed, or "" when it was not sent.
    func text(_ name: String) -> String { fields[name] ?? "" }

    /// The field with surrounding whitespace removed; nil when it is missing or blank.
    func trimmed(_ name: String) -> String? {
        let value = text(name).trimmingCharacters(in: .whitespacesAndNewlines)
        return value.isEmpty ? nil : value
    }

    /// A checkbox: sent (with any value but "false") means ticked.
    func isChecked(_ name: String) -> Bool {
        guard let value = fields[name] else { return false }
        return value != "false" && value != "0"
    }

    /// The files chosen for one file input.
    func files(named name: String) -> [PageUpload] { files.filter { $0.field == name } }

    /// What the page shows again after an error: every text field as typed (never a password
    /// or a one-time code), and, for a file input that carried files, their names under
    /// `<field>_chosen`, because a browser cannot be told to choose them again. With a
    /// `scope`, every key is `<scope>_<field>` (see `Request.page`).
    func redisplay(scope: String? = nil) -> [String: String] {
        var values = fields.filter { !Self.neverRedisplayed.contains($0.key) }
        for (field, uploads) in Dictionary(grouping: files, by: \.field) {
            values["\(field)_chosen"] = uploads.map(\.filename).joined(separator: ", ")
        }
        guard let scope else { return values }
        return Dictionary(uniqueKeysWithValues: values.map { ("\(scope)_\($0.key)", $0.value) })
    }

    /// The field as typed when this form was sent, else `stored`: for inputs that show a
    /// saved value until a person changes it.
    func shown(_ name: String, else stored: String) -> String {
        fields[name] ?? stored
    }

    /// Secrets are not echoed into HTML, whatever the form.
    static let neverRedisplayed: Set<String> = [
        "csrf_token", "password", "current_password", "new_password", "password_confirmation", "code", "recovery_code", "totp",
    ]
}

/// One file from a multipart form.
struct PageUpload: Sendable {
    let field: String
    let filename: String
    let contentType: String
    let data: Data
}

extension Request {
    /// The submitted form; a body that is not a form reads as an empty one, so a missing field
    /// is reported beside the field rather than as a decoding failure.
    func pageForm() -> PageForm {
        guard let type = headers.contentType, type == .formData, let boundary = type.parameters["boundary"],
              let body = body.data
        else {
            return PageForm(fields: (try? content.decode([String: String].self)) ?? [:])
        }
        var fields: [String: String] = [:]
        var files: [PageUpload] = []
        for part in MultipartReader.parts(of: body, boundary: boundary) {
            let disposition = MultipartReader.dispositionParameters(part.headers.first(name: "Content-Disposition") ?? "")
            guard let name = disposition["name"] else { continue }
            if let filename = disposition["filename"] {
                // A file input with no file chosen still sends an empty, unnamed part.
                guard !(filename.isEmpty && part.body.readableBytes == 0) else { continue }
                files.append(PageUpload(
                    field: name, filename: filename, contentType: part.headers.first(name: .contentType) ?? "application/octet-stream",
                    data: Data(part.body.readableBytesView)))
            } else {
                fields[name] = String(decoding: part.body.readableBytesView, as: UTF8.self)
            }
        }
        return PageForm(fields: fields, files: files)
    }
}

/// Multipart bodies read part by part, so that files (any bytes, several under one name) never
/// disturb the text fields.
enum MultipartReader {
    /// The parts, or none when the body is not valid multipart.
    static func parts(of body: ByteBuffer, boundary: String) -> [MultipartPart] {
        let parser = MultipartParser(boundary: boundary)
        var parts: [MultipartPart] = []
        var headers = HTTPHeaders()
        var data = ByteBuffer()
        parser.onHeader = { name, value in headers.add(name: name, value: value) }
        parser.onBody = { chunk in data.writeBuffer(&chunk) }
        parser.onPartComplete = {
            parts.append(MultipartPart(headers: headers, body: data))
            headers = HTTPHeaders()
            data = ByteBuffer()
        }
        do {
            try parser.execute(body)
        } catch {
            return []
        }
        return parts
    }

    /// `form-data; name="x"; filename="a; b.txt"` -> ["name": "x", "filename": "a; b.txt"].
    static func dispositionParameters(_ header: String) -> [String: String] {
        var result: [String: String] = [:]
        var key = "", value = "", inKey = true, quoted = false, escaped = false
        func finish() {
            let name = key.trimmingCharacters(in: .whitespaces).lowercased()
            if !inKey, !name.isEmpty { result[name] = value }
            key = ""
            value = ""
            inKey = true
        }
        for character in header {
            if quoted {
                if escaped {
                    value.append(character)
                    escaped = false
                } else if character == "\\" {
                    escaped = true
                } else if character == "\"" {
                    quoted = false
                } else {
                    value.append(character)
                }
            } else if character == ";" {
                finish()
            } else if inKey, character == "=" {
                inKey = false
            } else if inKey {
                key.append(character)
            } else if character == "\"", value.isEmpty {
                quoted = true
            } else if !character.isWhitespace || !value.isEmpty {
                value.append(character)
            }
        }
        finish()
        return result
    }
}
