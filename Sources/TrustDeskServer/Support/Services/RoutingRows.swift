import Fluent
import Foundation

/// What routing reads of a staff member's support profile (`staff_support_profiles`), as a
/// plain row (`QueryBuilder.rows`): every create reads the whole PSE pool's.
struct RoutingProfile: Decodable, Sendable {
    let userSID: String
    let groupName: String
    let calendarID: UUID?
    let available: Bool

    enum CodingKeys: String, CodingKey, CaseIterable {
        case userSID = "user_sid", groupName = "group_name", calendarID = "calendar_id", available
    }

    static let columns = CodingKeys.allCases.map { FieldKey(stringLiteral: $0.rawValue) }
}

/// A staff member's name as routing's reasons and the desk's lists show it (`users`).
struct StaffName: Decodable, Sendable {
    let sid: String
    let fullName: String

    enum CodingKeys: String, CodingKey, CaseIterable {
        case sid, fullName = "full_name"
    }

    static let columns = CodingKeys.allCases.map { FieldKey(stringLiteral: $0.rawValue) }
}
