import Fluent
import Foundation
import SQLKit
import Testing
import VaporTesting
@testable import TrustDeskServer

/// Issue 10 split `CreateTicketSLATargets` (which also made `support_alerts`) and
/// `CreateTicketComments` (which also made `ticket_attachments`) into one migration per table.
/// A database that ran the combined ones must end with the schema a fresh database gets, and
/// reverting the new batch must give back the schema the release before expected.
@Suite("Migrations: one table per migration")
struct MigrationSplitTests {
    @Test("A database that ran the combined CreateTicketSLATargets and CreateTicketComments gets the fresh schema; reverting the split's batch keeps their second tables; a full revert leaves no table")
    func combinedThenSplit() async throws {
        try await withTrustDesk { app in
            let fresh = try await SchemaSnapshot.take(app.db)
            #expect(fresh.tables.contains(SupportAlert.schema))
            #expect(fresh.tables.contains(TicketSLARecord.schema))
            #expect(fresh.tables.contains(TicketAttachment.schema))

            try await app.autoRevert()
            #expect(try await SchemaSnapshot.take(app.db).tables.isEmpty)

            // The release before the split: the combined migrations and not the split-out ones.
            let before = TrustDeskMigrations.all.compactMap { migration -> (any Migration)? in
                if migration is CreateSupportAlerts || migration is CreateTicketAttachments { return nil }
                if migration is CreateTicketSLATargets { return CombinedCreateTicketSLATargets() }
                if migration is CreateTicketComments { return CombinedCreateTicketComments() }
                return migration
            }
            try await migrator(app, before).prepareBatch().get()
            let released = try await SchemaSnapshot.take(app.db)
            #expect(released == fresh)

            // Upgrade: only the split-out migrations run, and adopt their tables.
            try await app.autoMigrate()
            #expect(try await SchemaSnapshot.take(app.db) == fresh)

            // Roll the upgrade back: the previous release's schema, the adopted tables included.
            try await migrator(app, TrustDeskMigrations.all).revertLastBatch().get()
            #expect(try await SchemaSnapshot.take(app.db) == released)

            try await app.autoMigrate()
            try await app.autoRevert()
            #expect(try await SchemaSnapshot.take(app.db).tables.isEmpty)
            try await app.autoMigrate()
            #expect(try await SchemaSnapshot.take(app.db) == fresh)
        }
    }

    @Test("A fresh database: the split migrations create their tables in the same batch as the originals, and revert them")
    func freshRevertsBoth() async throws {
        try await withTrustDesk { app in
            let names = [CreateTicketSLATargets().name, CreateSupportAlerts().name, CreateTicketComments().name, CreateTicketAttachments().name]
            let batches = try await app.db.migrationBatches(names)
            #expect(batches.count == 4)
            #expect(Set(batches.values).count == 1)
            #expect(try await app.db.splitMadeItsTable(CreateSupportAlerts().name, original: CreateTicketSLATargets().name))
            #expect(try await app.db.splitMadeItsTable(CreateTicketAttachments().name, original: CreateTicketComments().name))
            try await migrator(app, TrustDeskMigrations.all).revertLastBatch().get()
            let left = try await SchemaSnapshot.take(app.db)
            #expect(!left.tables.contains(SupportAlert.schema))
            #expect(!left.tables.contains(TicketSLARecord.schema))
            #expect(left.tables.isEmpty)
            try await app.autoMigrate()
        }
    }

    private func migrator(_ app: Application, _ list: [any Migration]) -> Migrator {
        let migrations = Migrations()
        migrations.add(list)
        return Migrator(databases: app.databases, migrations: migrations, logger: app.logger, on: app.eventLoopGroup.any())
    }
}

/// `CreateTicketSLATargets` as it shipped before the split, under its recorded name.
private struct CombinedCreateTicketSLATargets: AsyncMigration {
    var name: String { CreateTicketSLATargets().name }

    func prepare(on database: any Database) async throws {
        try await database.schema(TicketSLARecord.schema)
            .id()
            .field("ticket_number", .int, .required, .references(Ticket.schema, "number"))
            .field("metric", .string, .required)
            .field("status", .string, .required)
            .field("target_minutes", .int, .required)
            .field("around_the_clock", .bool, .required)
            .field("used_seconds", .double, .required)
            .field("running_since", .datetime)
            .field("due_at", .datetime)
            .field("ended_at", .datetime)
            .field("started_at", .datetime, .required)
            .create()
        try await database.index("ticket_sla_due_idx", on: TicketSLARecord.schema, columns: ["status", "due_at"])
        try await database.index("ticket_sla_ticket_idx", on: TicketSLARecord.schema, columns: ["ticket_number"])
        try await database.schema(SupportAlert.schema)
            .id()
            .field("user_sid", .string, .required, .references(User.schema, "sid"))
            .field("ticket_number", .int, .required, .references(Ticket.schema, "number"))
            .field("message", .string, .required)
            .field("created_at", .datetime, .required)
            .create()
        try await database.index("support_alerts_user_idx", on: SupportAlert.schema, columns: ["user_sid", "created_at"])
    }

    func revert(on database: any Database) async throws {
        try await database.schema(SupportAlert.schema).delete()
        try await database.schema(TicketSLARecord.schema).delete()
    }
}

/// `CreateTicketComments` as it shipped before the split, under its recorded name.
private struct CombinedCreateTicketComments: AsyncMigration {
    var name: String { CreateTicketComments().name }

    func prepare(on database: any Database) async throws {
        try await database.schema(TicketComment.schema)
            .id()
            .field("ticket_number", .int, .required, .references(Ticket.schema, "number"))
            .field("author_sid", .string, .required)
            .field("author_name", .string, .required)
            .field("author_is_staff", .bool, .required)
            .field("is_public", .bool, .required)
            .field("body", .string, .required)
            .field("created_at", .datetime, .required)
            .create()
        try await database.index("ticket_comments_ticket_idx", on: TicketComment.schema, columns: ["ticket_number", "created_at"])
        try await database.schema(TicketAttachment.schema)
            .id()
            .field("ticket_number", .int, .required, .references(Ticket.schema, "number"))
            .field("comment_id", .uuid, .required, .references(TicketComment.schema, "id"))
            .field("filename", .string, .required)
            .field("content_type", .string, .required)
            .field("size", .int, .required)
            .field("content_base64", .string, .required)
            .field("created_at", .datetime, .required)
            .create()
        try await database.index("ticket_attachments_comment_idx", on: TicketAttachment.schema, columns: ["comment_id"])
    }

    func revert(on database: any Database) async throws {
        try await database.schema(TicketAttachment.schema).delete()
        try await database.schema(TicketComment.schema).delete()
    }
}

/// The product's schema as the database reports it: tables with their columns (type, null,
/// default), indexes and constraints. Fluent's own bookkeeping table is left out.
struct SchemaSnapshot: Equatable {
    var tables: Set<String> = []
    var details: Set<String> = []

    static func take(_ database: any Database) async throws -> SchemaSnapshot {
        let sql = try database.sql
        var snapshot = SchemaSnapshot()
        if sql.dialect.name == "sqlite" {
            let rows = try await sql.raw("""
                SELECT type, name, tbl_name, COALESCE(sql, '') AS sql FROM sqlite_master
                WHERE name NOT LIKE 'sqlite_%' AND tbl_name <> '_fluent_migrations'
                """).all()
            for row in rows {
                let type = try row.decode(column: "type", as: String.self)
                let table = try row.decode(column: "tbl_name", as: String.self)
                if type == "table" { snapshot.tables.insert(table) }
                snapshot.details.insert("\(type) \(try row.decode(column: "name", as: String.self)) on \(table): \(try row.decode(column: "sql", as: String.self))")
            }
        } else {
            let columns = try await sql.raw("""
                SELECT table_name, column_name, data_type, is_nullable, COALESCE(column_default, '') AS column_default
                FROM information_schema.columns WHERE table_schema = current_schema() AND table_name <> '_fluent_migrations'
                """).all()
            for row in columns {
                let table = try row.decode(column: "table_name", as: String.self)
                snapshot.tables.insert(table)
                snapshot.details.insert("column \(table).\(try row.decode(column: "column_name", as: String.self)) \(try row.decode(column: "data_type", as: String.self)) nullable \(try row.decode(column: "is_nullable", as: String.self)) default \(try row.decode(column: "column_default", as: String.self))")
            }
            let indexes = try await sql.raw("""
                SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema() AND tablename <> '_fluent_migrations'
                """).all()
            // An index's definition names the schema, which differs per test.
            let schema = try await sql.raw("SELECT current_schema() AS name").first()?.decode(column: "name", as: String.self) ?? ""
            for row in indexes {
                let definition = try row.decode(column: "indexdef", as: String.self).replacingOccurrences(of: schema + ".", with: "")
                snapshot.details.insert("index \(try row.decode(column: "indexname", as: String.self)): \(definition)")
            }
            let constraints = try await sql.raw("""
                SELECT table_name, constraint_name, constraint_type FROM information_schema.table_constraints
                WHERE table_schema = current_schema() AND table_name <> '_fluent_migrations' AND constraint_type <> 'CHECK'
                """).all()
            for row in constraints {
                snapshot.details.insert("constraint \(try row.decode(column: "table_name", as: String.self)) \(try row.decode(column: "constraint_name", as: String.self)) \(try row.decode(column: "constraint_type", as: String.self))")
            }
        }
        return snapshot
    }
}
