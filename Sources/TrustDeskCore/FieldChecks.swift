/// Runs every field check of one form or body and keeps each problem, so one bad field never
/// hides the next: a person sees everything to fix at once. The checks themselves stay
/// single-field validators that throw; this only runs them all.
///
///     var checks = FieldChecks()
///     let name = checks.run { try Validate.displayName(form.name, field: "name") } ?? ""
///     let email = checks.run { try Validate.email(form.email) } ?? ""
///     try checks.finish()   // throws the first problem, carrying the others
public struct FieldChecks: Sendable {
    public private(set) var problems: [DomainError] = []

    public init() {}

    public var isEmpty: Bool { problems.isEmpty }

    /// Runs one check; its error is kept and nil returned, so the next check still runs.
    @discardableResult
    public mutating func run<T>(_ check: () throws(DomainError) -> T) -> T? {
        do {
            return try check()
        } catch {
            add(error)
            return nil
        }
    }

    /// Keeps a problem found some other way, with any it already carries. One problem per
    /// field: the first found is the one to fix first.
    public mutating func add(_ error: DomainError) {
        var first = error
        first.others = []
        for problem in [first] + error.others {
            if let field = problem.field, problems.contains(where: { $0.field == field }) { continue }
            problems.append(problem)
        }
    }

    /// Throws the first problem with the others attached, when there is any.
    public func finish() throws(DomainError) {
        guard var first = problems.first else { return }
        first.others = Array(problems.dropFirst())
        throw first
    }

    /// Finishes, then returns `value`, which the check that produced it set when it passed.
    public func finish<T>(with value: T?) throws(DomainError) -> T {
        try finish()
        guard let value else { throw DomainError(.internalError, "A form check passed without giving its value.") }
        return value
    }
}
