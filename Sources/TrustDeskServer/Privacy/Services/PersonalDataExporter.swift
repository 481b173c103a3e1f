import Crypto
import Fluent
import Foundation
import SQLKit
import TrustDeskCore
import ZIPFoundation

/// PRV-2: a subject's data as a zip: one JSON file per table (tickets also as CSV), and a
/// `manifest.json` with each file's row count and SHA-256. Rows are read a page at a time and
/// written straight to disk, and the zip is built from those files, so memory stays flat
/// whatever the size of the organisation.
struct PersonalDataExporter {
    let database: any Database
    let now: Date
    /// Where finished archives live (`$TRUSTDESK_DATA_DIR/exports`).
    let directory: String

    static let pageSize = 500

    struct Archive: Sendable {
        let path: String
        let sha256: String
        let tables: [LedgerTable]
    }

    struct ManifestFile: Encodable {
        let name: String
        let table: String
        let rows: Int
        let sha256: String
    }

    struct Manifest: Encodable {
        let format = "trustdesk-privacy-export/1"
        let generatedAt: String
        let accounts: [String]
        let users: [String]
        let files: [ManifestFile]

        /// A versioned file format handed to people (`format`), spelt out and encoded on its own
        /// (pretty-printed), so that a change to the API's convention can't change version 1.
        enum CodingKeys: String, CodingKey {
            case format, accounts, users, files
            case generatedAt = "generated_at"
        }
    }

    /// Writes the archive `<name>.zip` for `subject` and returns where, its hash and what it holds.
    func export(_ subject: DataSubject, name: String) async throws -> Archive {
        let fileManager = FileManager.default
        let work = URL(fileURLWithPath: directory).appendingPathComponent("\(name).parts", isDirectory: true)
        try? fileManager.removeItem(at: work)
        try fileManager.createDirectory(at: work, withIntermediateDirectories: true)
        defer { try? fileManager.removeItem(at: work) }

        let sql = try database.sql
        var files: [ManifestFile] = []
        var tables: [LedgerTable] = []
        for inventory in PrivacyInventory.tables where inventory.holdsPersonalData {
            guard let condition = SubjectRows.condition(inventory, subject) else { continue }
            let csv = inventory.table == Ticket.schema
            let fileName = inventory.table + (csv ? ".csv" : ".json")
            let (rows, digest) = try await writeTable(inventory, condition, csv: csv, to: work.appendingPathComponent(fileName), on: sql)
            files.append(ManifestFile(name: fileName, table: inventory.table, rows: rows, sha256: digest))
            tables.append(LedgerTable(table: inventory.table, fields: inventory.exportedColumns, rows: rows))
        }
        let manifest = Manifest(generatedAt: ISO8601DateFormatter().string(from: now), accounts: subject.accountSIDs, users: subject.userSIDs, files: files)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try encoder.encode(manifest).write(to: work.appendingPathComponent("manifest.json"))

        let zipURL = URL(fileURLWithPath: directory).appendingPathComponent("\(name).zip")
        try? fileManager.removeItem(at: zipURL)
        let archive = try ZIPFoundation.Archive(url: zipURL, accessMode: .create)
        for file in ["manifest.json"] + files.map(\.name) {
            try add(work.appendingPathComponent(file), as: file, to: archive)
        }
        return Archive(path: zipURL.path, sha256: try Self.sha256(ofFileAt: zipURL), tables: tables)
    }

    /// One table to one file, a page at a time (keyset on the table's key).
    private func writeTable(_ inventory: TableInventory, _ condition: SQLQueryString, csv: Bool, to url: URL, on sql: any SQLDatabase) async throws -> (Int, String) {
        _ = FileManager.default.createFile(atPath: url.path, contents: nil)
        let handle = try FileHandle(forWritingTo: url)
        defer { try? handle.close() }
        var hasher = SHA256()
        func write(_ text: String) throws {
            let data = Data(text.utf8)
            hasher.update(data: data)
            try handle.write(contentsOf: data)
        }
        let columns = inventory.exportedColumns
        let selected = columns.map { SQLQueryString("\(ident: $0)") }.joined(separator: ", ")
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        var kinds: [String: ExportValue.Kind] = [:]
        var last: RowKey?
        var rows = 0
        try write(csv ? columns.joined(separator: ",") + "\r\n" : "[")
        while true {
            var after: SQLQueryString = ""
            if let last { after = "AND \(ident: inventory.key) > \(bind: last)" }
            let page = try await sql.raw("""
                SELECT \(selected) FROM \(ident: inventory.table) WHERE \(condition) \(after)
                ORDER BY \(ident: inventory.key) LIMIT \(literal: Self.pageSize)
                """).all()
            for row in page {
                let values = columns.map { ExportValue.read(row, $0, kinds: &kinds) }
                if csv {
                    try write(values.map(\.csv).joined(separator: ",") + "\r\n")
                } else {
                    let object = Dictionary(uniqueKeysWithValues: zip(columns, values))
                    try write((rows == 0 ? "\n" : ",\n") + String(decoding: try encoder.encode(object), as: UTF8.self))
                }
                rows += 1
            }
            guard page.count == Self.pageSize, let final = page.last else { break }
            last = try RowKey.decode(final, column: inventory.key)
        }
        if !csv { try write("\n]\n") }
        return (rows, hasher.finalize().map { String(format: "%02x", $0) }.joined())
    }

    /// Adds a file in chunks, dated by the app clock (not the file system's), deflated.
    private func add(_ file: URL, as name: String, to archive: ZIPFoundation.Archive) throws {
        let handle = try FileHandle(forReadingFrom: file)
        defer { try? handle.close() }
        let size = try handle.seekToEnd()
        try handle.seek(toOffset: 0)
        try archive.addEntry(with: name, type: .file, uncompressedSize: Int64(size), modificationDate: now, compressionMethod: .deflate) { position, chunk in
            try handle.seek(toOffset: UInt64(position))
            return try handle.read(upToCount: chunk) ?? Data()
        }
    }

    static func sha256(ofFileAt url: URL) throws -> String {
        let handle = try FileHandle(forReadingFrom: url)
        defer { try? handle.close() }
        var hasher = SHA256()
        while let chunk = try handle.read(upToCount: 1 << 16), !chunk.isEmpty {
            hasher.update(data: chunk)
        }
        return hasher.finalize().map { String(format: "%02x", $0) }.joined()
    }
}
