import TrustDeskCore

/// Every problem found in a submitted form, each tied to the field it is about, so the page
/// shows all of them at once: beside each field and in a summary at the top. A handler runs
/// each check through `check`, which records the error instead of stopping at the first; a
/// service that checks several fields (`FieldChecks`) reports them all through one error.
struct FormErrors: Sendable {
    struct Item: Sendable, Codable, Equatable {
        /// The field the error is about, or nil for the form as a whole.
        let field: String?
        let code: Int
        let message: String
        /// The message without its field prefix, for beside the field.
        let detail: String
    }

    private(set) var items: [Item] = []

    init() {}

    /// Errors recorded earlier (a form carried across a redirect, `FormFlash`).
    init(items: [Item]) {
        self.items = items
    }

    init(_ error: DomainError, field: String? = nil) {
        add(error, field: field)
    }

    var isEmpty: Bool { items.isEmpty }

    /// The first error: its code decides the page's status.
    var first: Item? { items.first }

    /// Records `error` and every problem it carries, each against the field its message
    /// names; `field` puts them all on one field instead. `renaming` maps a field name a
    /// service uses to the form's own (a date the form asks as "hours ago", say).
    mutating func add(_ error: DomainError, field: String? = nil, renaming: [String: String] = [:]) {
        for problem in [error] + error.others {
            let named = field ?? problem.field
            let name = named.map { renaming[$0] ?? $0 }
            // One message per field: the first problem is the one to fix first.
            if let name, items.contains(where: { $0.field == name }) { continue }
            let detail = named == problem.field ? problem.detail : problem.message
            // The summary names the field as the form does, also when a service named it otherwise.
            let message = name == problem.field ? problem.message : name.map { "\($0): \(detail)" } ?? problem.message
            items.append(Item(field: name, code: problem.code.rawValue, message: message, detail: detail))
        }
    }

    /// Runs one validation; a `DomainError` is recorded and nil returned, so the next
    /// check still runs.
    @discardableResult
    mutating func check<T>(_ field: String? = nil, renaming: [String: String] = [:], _ validate: () throws(DomainError) -> T) -> T? {
        do {
            return try validate()
        } catch {
            add(error, field: field, renaming: renaming)
            return nil
        }
    }

    /// Runs one step that reads or writes the database and may be refused: a `DomainError`
    /// is recorded and nil returned; any other error is thrown.
    @discardableResult
    mutating func attempt<T>(_ field: String? = nil, renaming: [String: String] = [:], _ step: () async throws -> T) async throws -> T? {
        do {
            return try await step()
        } catch let error as DomainError {
            add(error, field: field, renaming: renaming)
            return nil
        }
    }

    /// Field name -> message, for templates: `#(meta.fieldErrors.subject)`.
    var byField: [String: String] {
        var result: [String: String] = [:]
        for item in items { if let field = item.field { result[field] = item.detail } }
        return result
    }

    /// The same errors for a form whose fields the page names `<scope>_<field>`, because
    /// another form on the page has fields of the same names.
    func scoped(_ scope: String?) -> FormErrors {
        guard let scope else { return self }
        var copy = self
        copy.items = items.map { item in
            Item(field: item.field.map { "\(scope)_\($0)" }, code: item.code, message: item.message, detail: item.detail)
        }
        return copy
    }
}
