import Fluent
import Foundation
import SQLKit

/// What routing reads of a staff member, as a plain row: their support profile
/// (`staff_support_profiles`), their name (`users`) and their open work (`support_open_work`),
/// joined in one statement. Every create reads the whole PSE pool's; as three reads of models
/// the pool's 40 profiles and 40 users were a sixth of a create's CPU and three round trips.
struct RoutingProfile: Decodable, Sendable {
    let userSID: String
    let groupName: String
    let calendarID: UUID?
    let available: Bool
    let fullName: String
    let openTickets: Int

    enum CodingKeys: String, CodingKey {
        case userSID = "user_sid", groupName = "group_name", calendarID = "calendar_id", available, fullName = "full_name", openTickets = "open_tickets"
    }

    /// The staff members `matching` a condition on `staff_support_profiles` (aliased `p`) who
    /// have a user row; open work is 0 for someone the count has never seen.
    static func read(matching condition: any SQLExpression, on sql: any SQLDatabase) async throws -> [RoutingProfile] {
        let profiles = profileAlias, users = "u", work = "w"
        return try await sql.select()
            .column(SQLColumn("user_sid", table: profiles)).column(SQLColumn("group_name", table: profiles))
            .column(SQLColumn("calendar_id", table: profiles)).column(SQLColumn("available", table: profiles))
            .column(SQLColumn("full_name", table: users))
            .column(SQLAlias(SQLFunction.coalesce(SQLColumn("open_tickets", table: work), SQLLiteral.numeric("0")), as: "open_tickets"))
            .from(SQLAlias(SQLIdentifier(StaffSupportProfile.schema), as: profiles))
            .join(SQLAlias(SQLIdentifier(User.schema), as: users), method: SQLJoinMethod.inner,
                  on: SQLColumn("sid", table: users), .equal, SQLColumn("user_sid", table: profiles))
            .join(SQLAlias(SQLIdentifier(CreateSupportOpenWork.table), as: work), method: SQLJoinMethod.left,
                  on: SQLColumn("assignee_sid", table: work), .equal, SQLColumn("user_sid", table: profiles))
            .where(condition)
            .all(decoding: RoutingProfile.self)
    }

    /// The name `read` gives `staff_support_profiles`, which its conditions refer to.
    private static let profileAlias = "p"

    /// `p.group_name = group`
    static func inGroup(_ group: String) -> any SQLExpression {
        SQLBinaryExpression(SQLColumn("group_name", table: profileAlias), .equal, SQLBind(group))
    }

    /// `p.user_sid IN (sids)`
    static func oneOf(_ sids: [String]) -> any SQLExpression {
        SQLBinaryExpression(SQLColumn("user_sid", table: profileAlias), .in, SQLGroupExpression(sids.map { SQLBind($0) }))
    }
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
