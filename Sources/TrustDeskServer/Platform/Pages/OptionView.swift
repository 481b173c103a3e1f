/// One `<option>` of a select: templates re-select the one that was chosen (or typed before an
/// error) from `selected`.
struct OptionView: Encodable {
    let value: String
    let title: String
    let selected: Bool
}

extension OptionView {
    /// A filter's options: "Any" first (unless `any` is nil), then `choices`, the one sent
    /// selected; a value that is not a choice is kept as sent (and selected) so the page shows
    /// what was asked beside its error.
    static func list(_ choices: [(value: String, title: String)], chosen: String, any: String? = "Any") -> [OptionView] {
        var options = any.map { [OptionView(value: "", title: $0, selected: chosen.isEmpty)] } ?? []
        options += choices.map { OptionView(value: $0.value, title: $0.title, selected: $0.value == chosen) }
        if !chosen.isEmpty, !choices.contains(where: { $0.value == chosen }) {
            options.append(OptionView(value: chosen, title: "\(chosen.prefix(40)) (not a choice)", selected: true))
        }
        return options
    }
}
