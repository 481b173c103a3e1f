import Foundation

/// A keyset cursor for the status history (newest first): the start time and id of the last
/// incident on the previous page, so a deep page costs what the first does.
public struct StatusHistoryCursor: Sendable, Equatable {
    public let startedAt: Date
    public let id: String

    public init(startedAt: Date, id: String) {
        self.startedAt = startedAt
        self.id = id
    }

    /// `<milliseconds since 1970>_<id>`.
    public var token: String { "\(Int64((startedAt.timeIntervalSince1970 * 1000).rounded()))_\(id)" }

    public init(token: String) throws(DomainError) {
        let parts = token.split(separator: "_", maxSplits: 1)
        guard parts.count == 2, let milliseconds = Int64(parts[0]), milliseconds >= 0,
              parts[1].count <= 32, parts[1].allSatisfy({ $0.isASCII && ($0.isLowercase || $0.isNumber) })
        else {
            throw DomainError(.invalidParameter, "before: not a history position; follow the \"Older incidents\" link.")
        }
        self.startedAt = Date(timeIntervalSince1970: Double(milliseconds) / 1000)
        self.id = String(parts[1])
    }
}
