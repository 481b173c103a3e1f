import Foundation

/// The country and phone number a sign-up gives, validated for vetting (STD-6). Both are
/// optional on the form; what leaving them out means is the vetting rules' business.
public enum SignupContact {
    /// ISO 3166-1 alpha-2 codes in use.
    public static let countries: Set<String> = Set("""
        AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV BW BY BZ \
        CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR \
        GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP \
        KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT \
        MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO RS RU RW \
        SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG \
        UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW
        """.split(whereSeparator: { $0 == " " || $0 == "\n" }).map(String.init))

    /// Country calling codes of the countries the phone check knows; a number whose code
    /// doesn't match its country can't be verified. Countries not listed are not checked.
    public static let callingCodes: [String: [String]] = [
        "US": ["1"], "CA": ["1"], "GB": ["44"], "IE": ["353"], "FR": ["33"], "DE": ["49"], "ES": ["34"], "IT": ["39"],
        "NL": ["31"], "BE": ["32"], "CH": ["41"], "AT": ["43"], "SE": ["46"], "NO": ["47"], "DK": ["45"], "FI": ["358"],
        "PL": ["48"], "PT": ["351"], "CZ": ["420"], "GR": ["30"], "RO": ["40"], "HU": ["36"], "UA": ["380"], "RU": ["7"],
        "TR": ["90"], "IL": ["972"], "AE": ["971"], "SA": ["966"], "EG": ["20"], "ZA": ["27"], "NG": ["234"], "KE": ["254"],
        "IN": ["91"], "PK": ["92"], "BD": ["880"], "CN": ["86"], "HK": ["852"], "TW": ["886"], "JP": ["81"], "KR": ["82"],
        "SG": ["65"], "MY": ["60"], "TH": ["66"], "VN": ["84"], "PH": ["63"], "ID": ["62"], "AU": ["61"], "NZ": ["64"],
        "BR": ["55"], "MX": ["52"], "AR": ["54"], "CL": ["56"], "CO": ["57"], "PE": ["51"],
    ]

    /// The country code in capitals, or nil when none was given.
    public static func country(_ text: String) throws(DomainError) -> String? {
        let trimmed = text.trimmingCharacters(in: .whitespaces).uppercased()
        guard !trimmed.isEmpty else { return nil }
        guard countries.contains(trimmed) else {
            throw DomainError(.invalidParameter, "country: \"\(trimmed.prefix(8))\" is not a country code. Use the two-letter ISO 3166 code, for example GB or US.")
        }
        return trimmed
    }

    /// The phone number in E.164 (`+` and 8-15 digits, no leading zero), or nil when none
    /// was given. Spaces, dots, dashes and parentheses people type are ignored.
    public static func phone(_ text: String) throws(DomainError) -> String? {
        let compact = text.filter { !" .-()\t".contains($0) }
        guard !compact.isEmpty else { return nil }
        let digits = compact.dropFirst()
        guard compact.first == "+", (8...15).contains(digits.count), digits.allSatisfy({ ("0"..."9").contains($0) }), digits.first != "0" else {
            throw DomainError(.invalidParameter, "phone: give the number in international E.164 form: + then the country calling code and the number, for example +1 555 010 0123.")
        }
        return compact
    }

    /// Whether the number can be verified as the sign-up's: given, and (when the country's
    /// calling code is known) under that code.
    public static func phoneVerifiable(_ phone: String?, country: String?) -> Bool {
        guard let phone else { return false }
        guard let country, let codes = callingCodes[country] else { return true }
        return codes.contains { phone.hasPrefix("+" + $0) }
    }
}
