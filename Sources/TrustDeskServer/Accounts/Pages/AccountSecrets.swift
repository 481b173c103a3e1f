/// The words beside each secret the account pages show once, in one place so that every page
/// says the same about the same kind of secret.
extension OneTimeSecretView {
    static func authToken(_ token: String, id: String, label: String) -> Self {
        .init(id: id, label: label, value: token,
              warning: "Copy it now: TrustDesk keeps only a hash of it. If it is lost, create a new token from the console's Credentials page.")
    }

    static func keySecret(_ secret: String, id: String) -> Self {
        .init(id: id, label: "Secret", value: secret,
              warning: "Copy it now: TrustDesk keeps only a hash of it. If it is lost, revoke the key and create a new one.")
    }

    static func totpSecret(_ secret: String) -> Self {
        .init(id: "totp-secret", label: "Secret key", value: secret,
              warning: "Once two-factor authentication is on, this key is never shown again. To move to a new phone later, turn two-factor off and set it up again.")
    }

    static func recoveryCodes(_ codes: [String]) -> Self {
        .init(id: "recovery-codes", label: "Recovery codes", lines: codes,
              warning: "Save these codes somewhere safe, away from your phone. Each one signs you in once if you lose your device.")
    }
}
