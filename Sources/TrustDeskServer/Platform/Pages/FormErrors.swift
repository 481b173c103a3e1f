import TrustDeskCore

/// Every problem found in a submitted form, each tied to the field it is about, so the page
/// shows all of them at once: beside each field and in a summary at the top. A handler runs
/// each check through `check`, which records the error instead of stopping at the first.
struct FormErrors: Sendable {
    struct Item: Sendable, Encodable {
        /// The field the error is about, or nil for the form as a whole.
        let field: String?
        let code: Int
        let message: String
        /// The message without its field prefix, for beside the field.
        let detail: String
    }

    private(set) var items: [Item] = []

    init() {}

    init(_ error: DomainError, field: String? = nil) {
        add(error, field: field)
    }

    var isEmpty: Bool { items.isEmpty }

    /// The first error: its code decides the page's status.
    var first: Item? { items.first }

    /// Records `error` against `field`, or against the field its message names.
    mutating func add(_ error: DomainError, field: String? = nil) {
        let name = field ?? error.field
        // One message per field: the first problem is the one to fix first.
        if let name, items.contains(where: { $0.field == name }) { return }
        items.append(Item(field: name, code: error.code.rawValue, message: error.message,
                          detail: name == error.field ? error.detail : error.message))
    }

    /// Runs one validation; a `DomainError` is recorded and nil returned, so the next
    /// check still runs.
    mutating func check<T>(_ field: String? = nil, _ validate: () throws(DomainError) -> T) -> T? {
        do {
            return try validate()
        } catch {
            add(error, field: field)
            return nil
        }
    }

    /// The same for checks that read the database.
    mutating func check<T>(_ field: String? = nil, _ validate: () async throws -> T) async throws -> T? {
        do {
            return try await validate()
        } catch let error as DomainError {
            add(error, field: field)
            return nil
        }
    }

    /// Field name -> message, for templates: `#(meta.fieldErrors.subject)`.
    var byField: [String: String] {
        var result: [String: String] = [:]
        for item in items { if let field = item.field { result[field] = item.detail } }
        return result
    }
}
