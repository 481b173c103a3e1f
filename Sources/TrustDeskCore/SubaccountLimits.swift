import Foundation

/// How many subaccounts one account may have, and how fast it may make them (ACC-2 with
/// PT-2). Each subaccount stands alone for Progressive Trust, with its own default daily SMS
/// limit; without a bound, minting subaccounts would multiply an account's sending at will.
/// Both numbers are the operator's (`TRUSTDESK_SUBACCOUNTS_MAX`, `TRUSTDESK_SUBACCOUNTS_PER_DAY`).
public struct SubaccountLimits: Sendable, Equatable {
    /// Subaccounts an account may hold at once; closed ones do not count.
    public let maximum: Int
    /// Subaccounts an account may create in any rolling 24 hours.
    public let perDay: Int

    public static let window: TimeInterval = 86_400
    public static let standard = SubaccountLimits(maximum: 20, perDay: 5)

    public init(maximum: Int, perDay: Int) {
        self.maximum = maximum
        self.perDay = perDay
    }

    /// Whether one more subaccount may be created now. `existing` counts the parent's open
    /// subaccounts; `createdAt` are the creation times of its subaccounts (any standing) from
    /// the last 24 hours, as loaded by the server.
    public func checkNew(existing: Int, createdAt: [Date], now: Date) throws(DomainError) {
        guard existing < maximum else {
            throw DomainError(.subaccountLimitReached, "This account already has \(existing) subaccount\(existing == 1 ? "" : "s"); an account may have at most \(maximum). Ask support if you need more.")
        }
        guard perDay > 0 else {
            throw DomainError(.subaccountRateLimited, "New subaccounts are not being created at the moment. Ask support if you need one.")
        }
        let recent = createdAt.filter { now.timeIntervalSince($0) < Self.window }.sorted()
        guard recent.count < perDay else {
            // The window frees up when enough creations age out to fall below the limit.
            let freeing = recent[recent.count - perDay].addingTimeInterval(Self.window)
            let minutes = max(1, Int((freeing.timeIntervalSince(now) / 60).rounded(.up)))
            throw DomainError(.subaccountRateLimited, "This account created \(recent.count) subaccounts in the last 24 hours, the most allowed (\(perDay)); the next can be created in \(minutes) minutes.")
        }
    }
}
