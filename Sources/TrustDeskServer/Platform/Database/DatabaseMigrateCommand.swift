import ConsoleKit
import Fluent
import Foundation
import Vapor

/// `trustdesk migrate [--revert] [--yes]`. Applying migrations is what the command is for, so
/// it does so without asking: deploy scripts run it with no terminal. Reverting loses data, so
/// it asks on a terminal and, without one, needs `--yes`.
struct DatabaseMigrateCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Flag(name: "revert", help: "Revert the last batch of migrations instead of applying new ones (asks first; --yes answers).")
        var revert: Bool
    }

    var help: String { "Applies the database migrations (or reverts the last batch with --revert)." }

    struct Refused: Error, CustomStringConvertible {
        let description: String
    }

    func run(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        try await DatabaseSetup.createSchemaIfNeeded(app)
        let migrator = app.migrator
        try await migrator.setupIfNeeded().get()
        if signature.revert {
            let batch = try await migrator.previewRevertLastBatch().get()
            guard !batch.isEmpty else { return context.console.print("No migrations to revert.") }
            context.console.print("These migrations will be reverted:")
            for (migration, _) in batch { context.console.print("- \(migration.name)") }
            // ConsoleKit takes `--yes`/`-y` (and `--no`) for every command and answers `confirm`
            // with it; without it, only a terminal can answer.
            guard context.console.confirmOverride != nil || isatty(STDIN_FILENO) == 1 else {
                throw Refused(description: "reverting drops data; run `trustdesk migrate --revert --yes` to confirm when not on a terminal")
            }
            guard context.console.confirm("Revert them?") else { return context.console.print("Nothing reverted.") }
            try await migrator.revertLastBatch().get()
            context.console.print("Reverted \(batch.count) migration(s).")
        } else {
            let batch = try await migrator.previewPrepareBatch().get()
            guard !batch.isEmpty else { return context.console.print("The database is up to date.") }
            try await migrator.prepareBatch().get()
            context.console.print("Applied \(batch.count) migration(s).")
        }
    }
}
