/// PRV-1: every stored field is classified, in code, next to the schema that creates it. A
/// table declares each of its columns once; the privacy engine exports, de-identifies and
/// deletes by these declarations alone, so a column nobody classified can't be missed by a
/// deletion: a test compares them with the live schema and fails on any column left out.

/// What kind of personal data a field holds (PRV-1).
public enum DataCategory: String, CaseIterable, Sendable, Codable {
    /// Who the customer is and how they reach us: names, addresses, phone, country, network.
    case accountData = "account_data"
    /// How the service was used: admitted messages, outcomes, activity times.
    case usageData = "usage_data"
    /// What people wrote to us: tickets, comments, attachments, reasons.
    case content

    public var title: String {
        switch self {
        case .accountData: "Account data"
        case .usageData: "Usage data"
        case .content: "Content"
        }
    }
}

/// What happens to a personal field once the account it belongs to closes (PRV-4).
public enum Disposal: String, CaseIterable, Sendable, Codable {
    /// The row goes at the account-data step (closure + 60 days).
    case delete
    /// The field is overwritten at the account-data step; the row stays for what refers to it.
    case deidentify
    /// Invoices and legal records: the row goes 7 years after closure.
    case keep7Years = "keep_7y"
    /// Support communications: the row goes 3 years after closure.
    case keepSupport3Years = "keep_support_3y"
    /// Subscriber records: kept as law requires (`TRUSTDESK_RETENTION_SUBSCRIBER_YEARS`).
    case keepSubscriber = "keep_subscriber"

    public var title: String {
        switch self {
        case .delete: "Deleted 60 days after closure"
        case .deidentify: "De-identified 60 days after closure"
        case .keep7Years: "Kept 7 years after closure (legal records)"
        case .keepSupport3Years: "Kept 3 years after closure (support communications)"
        case .keepSubscriber: "Kept as subscriber law requires"
        }
    }
}

/// What a de-identified field is overwritten with.
public enum Replacement: Sendable, Equatable {
    /// A fixed text, such as "Deleted user".
    case text(String)
    /// `<row key>@deleted.invalid`: stays unique where the column must be.
    case deletedAddress
    /// `deleted-<row key>`: a username that can't be typed at sign-in.
    case deletedName
    case null
}

/// How one column is classified.
public enum ColumnClass: Sendable, Equatable {
    /// Not personal data: keys, states, amounts, times of the provider's own processes.
    case notPersonal
    /// A credential (hash, sealed secret): never exported; cleared with its row or field.
    case secret(Replacement)
    /// Personal data of a category, disposed of so.
    case personal(DataCategory, Disposal, Replacement?)

    public static func personal(_ category: DataCategory, _ disposal: Disposal) -> ColumnClass {
        .personal(category, disposal, nil)
    }

    /// A field overwritten at the account-data step.
    public static func deidentified(_ category: DataCategory, as replacement: Replacement) -> ColumnClass {
        .personal(category, .deidentify, replacement)
    }

    public var isPersonal: Bool {
        if case .personal = self { return true }
        return false
    }

    public var isSecret: Bool {
        if case .secret = self { return true }
        return false
    }
}

/// How a table's rows belong to a data subject, so exports and deletions find them.
public enum SubjectLink: Sendable, Equatable {
    /// The column holds an account SID (the account itself, or a subaccount of the organisation).
    case account(String)
    /// The column holds a user SID.
    case user(String)
    /// The column holds a ticket number; the ticket belongs to an organisation and a requester.
    case ticket(String)
    /// The column holds an email address of a user.
    case email(String)
}

/// One table's declaration: every column classified, and how rows find their subject.
public struct TableInventory: Sendable {
    public let table: String
    /// The key column, for de-identified values that must stay unique.
    public let key: String
    public let links: [SubjectLink]
    public let columns: [String: ColumnClass]
    /// Why and how long, for the inventory page, when the table has its own age rule.
    public let note: String?

    public init(_ table: String, key: String, links: [SubjectLink] = [], note: String? = nil, columns: [String: ColumnClass]) {
        self.table = table
        self.key = key
        self.links = links
        self.columns = columns
        self.note = note
    }

    public var personalColumns: [(name: String, category: DataCategory, disposal: Disposal, replacement: Replacement?)] {
        columns.compactMap { name, value in
            if case let .personal(category, disposal, replacement) = value {
                return (name: name, category: category, disposal: disposal, replacement: replacement)
            }
            return nil
        }.sorted { $0.name < $1.name }
    }

    public var holdsPersonalData: Bool { columns.values.contains { $0.isPersonal } }

    /// Columns an export shows: everything but secrets.
    public var exportedColumns: [String] {
        columns.filter { !$0.value.isSecret }.keys.sorted()
    }
}

/// PRV-1 against the database as it is: what the live schema has that nobody classified, and
/// what a declaration names that the schema lacks.
public struct InventoryGap: Sendable, Equatable, CustomStringConvertible {
    public var unclassifiedTables: [String] = []
    public var unclassifiedColumns: [String] = []
    public var missingColumns: [String] = []
    /// A personal field whose disposal needs a replacement but has none, or the reverse.
    public var badDisposals: [String] = []

    public var isEmpty: Bool { unclassifiedTables.isEmpty && unclassifiedColumns.isEmpty && missingColumns.isEmpty && badDisposals.isEmpty }

    public var description: String {
        var lines: [String] = []
        if !unclassifiedTables.isEmpty { lines.append("tables without a declaration: \(unclassifiedTables.joined(separator: ", "))") }
        if !unclassifiedColumns.isEmpty { lines.append("columns nobody classified: \(unclassifiedColumns.joined(separator: ", "))") }
        if !missingColumns.isEmpty { lines.append("declared columns the schema lacks: \(missingColumns.joined(separator: ", "))") }
        if !badDisposals.isEmpty { lines.append("de-identified fields need a replacement (and only they): \(badDisposals.joined(separator: ", "))") }
        return lines.joined(separator: "; ")
    }
}

public enum PersonalDataInventory {
    /// Compares `schema` (table -> columns, read from a migrated database) with `declared`.
    /// Tables in `ignoring` belong to the migration machinery itself.
    public static func gaps(schema: [String: Set<String>], declared: [TableInventory], ignoring: Set<String> = []) -> InventoryGap {
        var gap = InventoryGap()
        let byTable = Dictionary(declared.map { ($0.table, $0) }, uniquingKeysWith: { first, _ in first })
        for (table, columns) in schema.sorted(by: { $0.key < $1.key }) where !ignoring.contains(table) {
            guard let inventory = byTable[table] else {
                gap.unclassifiedTables.append(table)
                continue
            }
            for column in columns.sorted() where inventory.columns[column] == nil {
                gap.unclassifiedColumns.append("\(table).\(column)")
            }
            for column in inventory.columns.keys.sorted() where !columns.contains(column) {
                gap.missingColumns.append("\(table).\(column)")
            }
        }
        for inventory in declared {
            for (name, value) in inventory.columns.sorted(by: { $0.key < $1.key }) {
                if case let .personal(_, disposal, replacement) = value, (disposal == .deidentify) != (replacement != nil) {
                    gap.badDisposals.append("\(inventory.table).\(name)")
                }
            }
        }
        return gap
    }
}
