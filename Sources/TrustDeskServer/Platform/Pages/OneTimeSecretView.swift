/// A secret a page shows once and never again: an auth token or API key secret (stored only as
/// a hash, SEC-1), a TOTP secret being enrolled or fresh recovery codes (ACC-8). Every page
/// shows one the same way, through `platform/one-time-secret.leaf`: a read-only field that a
/// person can select and copy by hand, a copy button that `/scripts/copy.js` reveals and runs
/// (the page works without it; only pages with a secret load it), and a warning that it won't
/// be shown again.
struct OneTimeSecretView: Encodable {
    /// The field's `id`: its label, the copy button and tests find it by this.
    let id: String
    let label: String
    let value: String
    /// Why this is the only chance, and what to do if it is lost; after "Shown once."
    let warning: String
    /// Rows of a text area for several values, one a line (recovery codes); nil for one value.
    let rows: Int?

    init(id: String, label: String, value: String, warning: String) {
        self.id = id
        self.label = label
        self.value = value
        self.warning = warning
        self.rows = nil
    }

    init(id: String, label: String, lines: [String], warning: String) {
        self.id = id
        self.label = label
        self.value = lines.joined(separator: "\n")
        self.warning = warning
        self.rows = lines.count
    }
}
