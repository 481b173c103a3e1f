/// Phone numbers in E.164 form (`+` country code, national number; 15 digits at most), as
/// staff phones, support numbers and route changes are stored (SUP-10, SUP-13).
public enum E164 {
    /// Country calling codes are prefix-free: `1` (North America) and `7` are one digit, these
    /// two-digit codes are two, and every other code is three digits (ITU-T E.164).
    static let twoDigitCodes: Set<String> = [
        "20", "27", "30", "31", "32", "33", "34", "36", "39", "40", "41", "43", "44", "45", "46", "47", "48", "49",
        "51", "52", "53", "54", "55", "56", "57", "58", "60", "61", "62", "63", "64", "65", "66",
        "81", "82", "84", "86", "90", "91", "92", "93", "94", "95", "98",
    ]

    /// The country calling code a string of digits starts with, or nil when it has too few digits
    /// to tell.
    public static func countryCode(of digits: String) -> String? {
        guard let first = digits.first, first != "0" else { return nil }
        if first == "1" || first == "7" { return String(first) }
        guard digits.count >= 2 else { return nil }
        let two = String(digits.prefix(2))
        if twoDigitCodes.contains(two) { return two }
        guard digits.count >= 3 else { return nil }
        return String(digits.prefix(3))
    }

    /// The digits of `text` when it is written as `+` then digits, with the usual spaces, dashes,
    /// dots and parentheses between them; nil otherwise.
    public static func digits(_ text: String) -> String? {
        let trimmed = text.trimmingWhitespace()
        guard trimmed.hasPrefix("+") else { return nil }
        var digits = ""
        for character in trimmed.dropFirst() {
            if character.isASCII, character.isNumber {
                digits.append(character)
            } else if !" -.()".contains(character) {
                return nil
            }
        }
        return digits.isEmpty ? nil : digits
    }

    /// A whole number: `+` and 8 to 15 digits with a known country code (North American numbers
    /// are exactly 11 digits: 1, area code, exchange, line). Returned as `+` and digits.
    public static func number(_ text: String, field: String) throws(DomainError) -> String {
        guard let digits = digits(text), (8...15).contains(digits.count), let code = countryCode(of: digits),
              digits.count - code.count >= 4, code != "1" || NANP.isNumber(digits)
        else {
            throw DomainError(.invalidParameter, "\(field): \"\(text.prefix(32))\" is not a phone number in E.164 form; write it with + and the country code, like +1 415 555 0100.")
        }
        return "+" + digits
    }

    /// `+14155550100` as `+1 415 555 0100` (and the prefixes `+1 415 555`, `+1 415`); other
    /// countries as `+cc national`.
    public static func display(_ number: String) -> String {
        let digits = String(number.drop { $0 == "+" })
        guard let code = countryCode(of: digits) else { return number }
        let national = digits.dropFirst(code.count)
        if code == "1", national.count >= 3 {
            let groups = [national.prefix(3), national.dropFirst(3).prefix(3), national.dropFirst(6)].filter { !$0.isEmpty }
            return "+1 " + groups.joined(separator: " ")
        }
        return "+\(code) \(national)"
    }
}

/// The North American Numbering Plan: `1`, a 3-digit area code (NPA) and a 3-digit exchange
/// (NXX), each starting 2-9, then a 4-digit line.
enum NANP {
    static func isNumber(_ digits: String) -> Bool {
        digits.count == 11 && hasValidNPA(digits) && hasValidNXX(digits)
    }

    static func hasValidNPA(_ digits: String) -> Bool {
        digits.count >= 4 && "23456789".contains(digits[digits.index(digits.startIndex, offsetBy: 1)])
    }

    static func hasValidNXX(_ digits: String) -> Bool {
        digits.count >= 7 && "23456789".contains(digits[digits.index(digits.startIndex, offsetBy: 4)])
    }
}
