/// One `<option>` of a select: templates re-select the one that was chosen (or typed before an
/// error) from `selected`.
struct OptionView: Encodable {
    let value: String
    let title: String
    let selected: Bool
}
