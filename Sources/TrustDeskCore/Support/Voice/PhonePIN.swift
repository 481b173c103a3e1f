import Foundation

/// The PIN a personalized customer keys in on the support line (SUP-10).
public enum PhonePIN {
    public static let lengths = 4...8
    /// Wrong PINs in one call before the call goes to the general support queue.
    public static let attemptsPerCall = 3

    /// A PIN staff set for an organisation: 4 to 8 digits.
    public static func validate(_ text: String) throws(DomainError) -> String {
        let pin = text.trimmingWhitespace()
        guard lengths.contains(pin.count), pin.allSatisfy({ $0.isASCII && $0.isNumber }) else {
            throw DomainError(.invalidParameter, "phone_pin: use \(lengths.lowerBound) to \(lengths.upperBound) digits.")
        }
        return pin
    }

    /// What the caller keyed in, as a PIN to look up; nil when it can't be one (nothing, a star,
    /// too short or too long): that counts as a wrong PIN without a lookup.
    public static func entered(_ digits: String?) -> String? {
        guard let digits, lengths.contains(digits.count), digits.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        return digits
    }

    public enum AfterWrongPIN: Equatable, Sendable {
        /// Ask again; `attempt` is the number of the next try.
        case askAgain(attempt: Int)
        /// Three wrong PINs: the general support queue.
        case generalQueue
    }

    /// After the `attempt`-th wrong PIN of a call.
    public static func afterWrong(attempt: Int) -> AfterWrongPIN {
        attempt >= attemptsPerCall ? .generalQueue : .askAgain(attempt: max(1, attempt) + 1)
    }
}

extension ThrottlePolicy {
    /// SEC-2: wrong PINs per calling number across calls. A blocked caller's PIN is not looked
    /// up at all (a right guess would count); the call goes to the general queue, where people
    /// can still help.
    public static let phonePINPerCaller = ThrottlePolicy(limit: 6, window: 60 * 60)
}
