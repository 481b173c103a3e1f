import Foundation

/// What a temporary voice route change covers (SUP-13), most specific first: exact destination
/// numbers, else an area code and exchange, else an area code (or another prefix longer than
/// its country code). A whole country code is never changed: it would reroute every call to
/// that country on the account.
public enum RouteScope: Sendable, Equatable {
    case numbers([String])
    /// `+1 NPA NXX`: a North American area code and exchange.
    case areaCodeAndExchange(String)
    /// `+1 NPA`, or elsewhere any prefix longer than its country code.
    case areaCode(String)

    public enum Kind: String, Sendable, CaseIterable, Codable {
        case numbers
        case areaCodeAndExchange = "area_code_and_exchange"
        case areaCode = "area_code"

        /// Higher is more specific; lists show the most specific first.
        public var specificity: Int {
            switch self {
            case .numbers: 3
            case .areaCodeAndExchange: 2
            case .areaCode: 1
            }
        }

        public var title: String {
            switch self {
            case .numbers: "Destination numbers"
            case .areaCodeAndExchange: "Area code and exchange"
            case .areaCode: "Area code"
            }
        }
    }

    public static let maximumNumbers = 50

    public var kind: Kind {
        switch self {
        case .numbers: .numbers
        case .areaCodeAndExchange: .areaCodeAndExchange
        case .areaCode: .areaCode
        }
    }

    /// The destinations as stored: E.164 numbers, or the prefix with its `+`.
    public var destinations: [String] {
        switch self {
        case let .numbers(numbers): numbers
        case let .areaCodeAndExchange(prefix), let .areaCode(prefix): [prefix]
        }
    }

    public var summary: String {
        switch self {
        case let .numbers(numbers): numbers.map(E164.display).joined(separator: ", ")
        case let .areaCodeAndExchange(prefix), let .areaCode(prefix): "\(E164.display(prefix))…"
        }
    }

    /// Reads a request: `numbers` (whitespace, comma or line separated) or one `prefix`, never
    /// both. A bare country code (or anything shorter than one) is refused with 21010.
    public static func parse(numbers numbersText: String, prefix prefixText: String) throws(DomainError) -> RouteScope {
        let numberWords = numbersText.split(whereSeparator: { $0 == "," || $0 == ";" || $0.isNewline })
            .map { String($0).trimmingWhitespace() }.filter { !$0.isEmpty }
        let prefix = prefixText.trimmingWhitespace()
        switch (numberWords.isEmpty, prefix.isEmpty) {
        case (true, true):
            throw DomainError(.invalidParameter, "numbers: name the destination numbers whose route should change, or else an area code and exchange (prefix).")
        case (false, false):
            throw DomainError(.invalidParameter, "prefix: give the destination numbers or a prefix, not both; the numbers are the more specific choice.")
        case (false, true):
            guard numberWords.count <= maximumNumbers else {
                throw DomainError(.invalidParameter, "numbers: list at most \(maximumNumbers) numbers per request.")
            }
            var numbers: [String] = []
            for word in numberWords {
                let number = try E164.number(word, field: "numbers")
                if !numbers.contains(number) { numbers.append(number) }
            }
            return .numbers(numbers)
        case (true, false):
            return try parsePrefix(prefix)
        }
    }

    static func parsePrefix(_ text: String) throws(DomainError) -> RouteScope {
        guard let digits = E164.digits(text) else {
            throw DomainError(.invalidParameter, "prefix: \"\(text.prefix(32))\" is not a prefix; write + and digits, like +1 415 555 (area code and exchange) or +1 415.")
        }
        guard let code = E164.countryCode(of: digits), digits.count > code.count else {
            throw tooBroad(digits)
        }
        guard digits.count < 15 else {
            throw DomainError(.invalidParameter, "prefix: \"\(text.prefix(32))\" is a whole number; list it under numbers.")
        }
        if code == "1" {
            guard NANP.hasValidNPA(digits) else {
                throw DomainError(.invalidParameter, "prefix: \(E164.display("+" + digits)) has no valid area code; North American area codes start with 2-9.")
            }
            switch digits.count {
            case 11: throw DomainError(.invalidParameter, "prefix: +\(digits) is a whole number; list it under numbers.")
            case 7...10 where !NANP.hasValidNXX(digits):
                throw DomainError(.invalidParameter, "prefix: +\(digits) has no valid exchange; North American exchanges start with 2-9.")
            case 7...10: return .areaCodeAndExchange("+" + digits)
            default: return .areaCode("+" + digits)
            }
        }
        return .areaCode("+" + digits)
    }

    static func tooBroad(_ digits: String) -> DomainError {
        DomainError(.routeChangeTooBroad, "prefix: +\(digits) covers a whole country code; a route change for a whole country is refused. Name the destination numbers, or an area code and exchange such as +1 415 555.")
    }
}

/// Where a route change is (SUP-13): requested by the customer, applied or declined by staff,
/// ended when its time is up (or withdrawn by the customer before it was applied).
public enum RouteChangeStatus: String, CaseIterable, Sendable, Codable {
    case requested
    case applied
    case declined
    case ended

    public var isLive: Bool { self == .requested || self == .applied }

    public var title: String {
        switch self {
        case .requested: "Requested: waiting for support to apply it"
        case .applied: "Applied"
        case .declined: "Declined"
        case .ended: "Ended"
        }
    }
}

public enum RouteChangePolicy {
    /// A temporary change: at most this far ahead.
    public static let maximumDuration: TimeInterval = 30 * 86_400
    public static let minimumDuration: TimeInterval = 3_600
    public static let maximumReason = 2_000

    /// When the change ends: at least an hour and at most 30 days from now.
    public static func until(_ date: Date?, now: Date) throws(DomainError) -> Date {
        guard let date else {
            throw DomainError(.invalidParameter, "until: say when the temporary change should end (ISO 8601, at most 30 days ahead).")
        }
        guard date.timeIntervalSince(now) >= minimumDuration else {
            throw DomainError(.invalidParameter, "until: choose a time at least an hour from now.")
        }
        guard date.timeIntervalSince(now) <= maximumDuration else {
            throw DomainError(.invalidParameter, "until: a temporary route change lasts at most 30 days; ask again when it ends.")
        }
        return date
    }

    public static func reason(_ text: String) throws(DomainError) -> String {
        let trimmed = text.trimmingWhitespace()
        guard !trimmed.isEmpty else {
            throw DomainError(.invalidParameter, "reason: say what callers experience on the current route (e.g. choppy audio, failed calls).")
        }
        guard trimmed.count <= maximumReason else { throw DomainError(.invalidParameter, "reason: use at most \(maximumReason) characters.") }
        guard !trimmed.unicodeScalars.contains(where: { $0.properties.generalCategory == .control && !["\n", "\r", "\t"].contains($0) }) else {
            throw DomainError(.invalidParameter, "reason: control characters are not allowed.")
        }
        return trimmed
    }

    /// Staff apply or decline a requested change; an applied or requested change ends.
    public static func move(_ status: RouteChangeStatus, to target: RouteChangeStatus) throws(DomainError) -> RouteChangeStatus {
        switch (status, target) {
        case (.requested, .applied), (.requested, .declined), (.requested, .ended), (.applied, .ended):
            return target
        default:
            throw DomainError(.routeChangeTransitionNotAllowed, "A route change that is \(status.rawValue) can't become \(target.rawValue).")
        }
    }

    /// Most specific first, then the earliest end.
    public static func sorted<T>(_ items: [T], kind: (T) -> RouteScope.Kind, until: (T) -> Date) -> [T] {
        items.sorted { (kind($0).specificity, until($1)) > (kind($1).specificity, until($0)) }
    }
}
