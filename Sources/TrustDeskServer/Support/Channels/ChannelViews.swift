import Foundation
import TrustDeskCore
import Vapor

/// One choice of a select or a radio group, re-selected after a form error.
struct ChoiceView: Encodable {
    let value: String
    let title: String
    let selected: Bool
}

extension Request {
    /// The signed-in staff member, for the support channels' staff pages (a staff route in `RoutePolicies`).
    func supportStaff() throws -> User {
        guard let user = signedIn?.user, user.isStaff else { throw DomainError.notFound("page") }
        return user
    }
}
