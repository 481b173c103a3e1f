import TrustDeskCore
import Vapor

/// Form bodies of the public pages. Every field is optional so a missing one is reported by
/// the page next to the form, not as a decoding failure.
struct SignUpForm: Content {
    var fullName: String?
    var email: String?
    var username: String?
    var password: String?
    var accountName: String?
    var country: String?
    var phone: String?

    enum CodingKeys: String, CodingKey {
        case email, username, password, country, phone
        case fullName = "full_name"
        case accountName = "account_name"
    }
}

struct SignInForm: Content {
    var username: String?
    var password: String?
}

struct CodeForm: Content {
    var code: String?
}

struct TokenForm: Content {
    var token: String?
}

struct EmailForm: Content {
    var email: String?
}

struct ResetForm: Content {
    var token: String?
    var password: String?
    var passwordConfirmation: String?

    enum CodingKeys: String, CodingKey {
        case token, password
        case passwordConfirmation = "password_confirmation"
    }
}

struct AcceptInvitationForm: Content {
    var token: String?
    var fullName: String?
    var username: String?
    var password: String?

    enum CodingKeys: String, CodingKey {
        case token, username, password
        case fullName = "full_name"
    }
}

extension Request {
    /// Decodes a page form; a body that is not a form at all reads as an empty form.
    func form<T: Content>(_ type: T.Type, empty: T) -> T {
        (try? content.decode(T.self)) ?? empty
    }
}
