/// The value of a secret a page shows once (`platform/one-time-secret.leaf`): a read-only input,
/// or a text area with one value a line. Secrets are letters, digits, `_` and `-`, so the
/// HTML escaping of the value changes nothing.
func oneTimeSecret(_ id: String, in html: String) -> String? {
    capture(#"<input id="\#(id)" class="secret" type="text" value="([^"]*)" readonly"#, in: html)
        ?? capture(#"<textarea id="\#(id)" class="secret"[^>]*>([^<]*)</textarea>"#, in: html)
}
