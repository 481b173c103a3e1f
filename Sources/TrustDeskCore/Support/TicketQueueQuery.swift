import Foundation

/// What a staff member asks of a ticket queue (issue 11): filters, a search and an order. Each
/// field is read on its own, so a page shows every bad one beside its control and still applies
/// the others; a value that names nothing is 20001, never an empty queue that looks like "no work".
public struct TicketQueueQuery: Sendable, Equatable {
    /// The orders a queue can be read in, each a keyset page over its own index.
    public enum Order: String, CaseIterable, Sendable {
        /// Most recently updated first.
        case updated
        /// Most urgent priority first, oldest first within a priority.
        case priority
        /// The response due soonest first, breaches at the top (`TicketDue`); tickets that owe no
        /// response have no place in this order and are left out of it.
        case due

        public var title: String {
            switch self {
            case .updated: "Last updated"
            case .priority: "Priority"
            case .due: "Due soonest"
            }
        }
    }

    public var status: TicketStatus?
    public var priority: TicketPriority?
    public var product: SupportProduct?
    public var group: String?
    public var plan: String?
    public var assignee: AssigneeFilter?
    public var search: TicketSearch?
    public var order: Order

    public init(status: TicketStatus? = nil, priority: TicketPriority? = nil, product: SupportProduct? = nil, group: String? = nil,
                plan: String? = nil, assignee: AssigneeFilter? = nil, search: TicketSearch? = nil, order: Order = .updated) {
        self.status = status
        self.priority = priority
        self.product = product
        self.group = group
        self.plan = plan
        self.assignee = assignee
        self.search = search
        self.order = order
    }

    /// Whether anything narrows the queue beyond its own rule.
    public var isFiltered: Bool {
        status != nil || priority != nil || product != nil || group != nil || plan != nil || assignee != nil || search != nil
    }

    // MARK: Reading each field ("" is "any")

    public static func status(_ text: String) throws(DomainError) -> TicketStatus? {
        try choice(text, field: "status", TicketStatus.allCases.map(\.rawValue)).flatMap(TicketStatus.init(rawValue:))
    }

    public static func priority(_ text: String) throws(DomainError) -> TicketPriority? {
        try choice(text, field: "priority", TicketPriority.allCases.map { String($0.rawValue) }).flatMap(Int.init).flatMap(TicketPriority.init(rawValue:))
    }

    public static func product(_ text: String) throws(DomainError) -> SupportProduct? {
        try choice(text, field: "product", SupportProduct.allCases.map(\.rawValue)).flatMap(SupportProduct.init(rawValue:))
    }

    public static func group(_ text: String) throws(DomainError) -> String? {
        try choice(text, field: "group", SupportGroup.all)
    }

    public static func plan(_ text: String) throws(DomainError) -> String? {
        try choice(text, field: "plan", SupportPlan.all.map(\.id))
    }

    /// `none` is tickets nobody has; otherwise one of `staff`, the SIDs of the people on the desk.
    public static func assignee(_ text: String, among staff: Set<String>) throws(DomainError) -> AssigneeFilter? {
        guard !text.isEmpty else { return nil }
        if text == AssigneeFilter.nobodyValue { return .nobody }
        guard staff.contains(text) else {
            throw DomainError(.invalidParameter, "assignee: \"\(text.prefix(40))\" is not on the support desk; choose someone from the list, \"nobody\", or leave it empty for anyone.")
        }
        return .person(text)
    }

    public static func order(_ text: String, default fallback: Order = .updated) throws(DomainError) -> Order {
        try choice(text, field: "sort", Order.allCases.map(\.rawValue)).flatMap(Order.init(rawValue:)) ?? fallback
    }

    private static func choice(_ text: String, field: String, _ values: [String]) throws(DomainError) -> String? {
        guard !text.isEmpty else { return nil }
        guard values.contains(text) else {
            throw DomainError(.invalidParameter, "\(field): \"\(text.prefix(32))\" is not one of the choices; use \(values.joined(separator: ", ")), or leave it empty for any.")
        }
        return text
    }
}

/// Whose tickets a queue shows.
public enum AssigneeFilter: Sendable, Equatable {
    case nobody
    case person(String)

    /// The form value for `nobody`.
    public static let nobodyValue = "none"

    public var value: String {
        switch self {
        case .nobody: Self.nobodyValue
        case .person(let sid): sid
        }
    }
}

/// A queue search (issue 11): a ticket number, a SID the requester gave in the intake, a
/// requester's email address, or words that must all appear in the subject.
public enum TicketSearch: Sendable, Equatable {
    case number(Int)
    case sid(String)
    case email(String)
    case words([String])

    public static let maximumLength = 200

    /// "" is no search. `#123` and `123` are ticket numbers; two letters and 32 hex digits a SID
    /// (ACC-1); anything with `@` an email address (case-insensitive); the rest subject words.
    public static func parse(_ text: String, field: String = "q") throws(DomainError) -> TicketSearch? {
        guard text.count <= maximumLength else {
            throw DomainError(.invalidParameter, "\(field): a search is at most \(maximumLength) characters; this one has \(text.count).")
        }
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else { return nil }
        let digits = trimmed.hasPrefix("#") ? String(trimmed.dropFirst()) : trimmed
        if !digits.isEmpty, digits.count <= 9, digits.allSatisfy(\.isASCIIDigit), let number = Int(digits) {
            return .number(number)
        }
        if (try? SID(parsing: trimmed, expecting: Set(SIDPrefix.allCases))) != nil { return .sid(trimmed) }
        if trimmed.contains("@"), !trimmed.contains(where: \.isWhitespace) { return .email(trimmed.lowercased()) }
        // LIKE's wildcards are not words: a search for "100%" looks for "100".
        let words = trimmed.split(whereSeparator: \.isWhitespace)
            .map { String($0.lowercased().filter { !"%_\\".contains($0) }) }.filter { !$0.isEmpty }
        return words.isEmpty ? nil : .words(Array(words.prefix(8)))
    }
}

private extension Character {
    var isASCIIDigit: Bool { isASCII && isNumber }
}

/// Where the next page of a queue starts: the last row's sort key and number, so a page costs
/// the same however deep staff read and rows that change order meanwhile are neither shown
/// twice nor skipped within one order (keyset paging).
public enum TicketQueueCursor: Sendable, Equatable {
    /// After the row updated at `updatedAt` with `number` (newest first).
    case updated(Date, Int)
    /// After the row of `priority` with `number` (most urgent first, oldest first within one).
    case priority(TicketPriority, Int)
    /// After the row due at `dueAt` with `number` (soonest first).
    case due(Date, Int)

    /// The token a "Next" link carries: `<key>_<number>`.
    public var token: String {
        switch self {
        case .updated(let date, let number): "\(date.timeIntervalSince1970)_\(number)"
        case .priority(let priority, let number): "\(priority.rawValue)_\(number)"
        case .due(let date, let number): "\(date.timeIntervalSince1970)_\(number)"
        }
    }

    /// Reads a token for `order`; "" is the first page. A token that is not one of ours (edited
    /// by hand, or from another order) is 20001 on `field`.
    public static func parse(_ text: String, order: TicketQueueQuery.Order, field: String = "after") throws(DomainError) -> TicketQueueCursor? {
        guard !text.isEmpty else { return nil }
        let parts = text.split(separator: "_", omittingEmptySubsequences: false)
        let invalid = DomainError(.invalidParameter, "\(field): \"\(text.prefix(40))\" is not a page of this queue; start again from the first page.")
        guard parts.count == 2, parts[1].count <= 12, let number = Int(parts[1]), number > 0 else { throw invalid }
        switch order {
        case .updated, .due:
            guard parts[0].count <= 24, let seconds = Double(parts[0]), seconds.isFinite else { throw invalid }
            let date = Date(timeIntervalSince1970: seconds)
            return order == .due ? .due(date, number) : .updated(date, number)
        case .priority:
            guard let value = Int(parts[0]), let priority = TicketPriority(rawValue: value) else { throw invalid }
            return .priority(priority, number)
        }
    }
}
