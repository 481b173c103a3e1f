/// Page sizes for list endpoints. Pages are keyset pages (the token is the last SID seen),
/// so a page costs the same however deep the client reads.
public enum Paging {
    public static let defaultPageSize = 50
    public static let maximumPageSize = 1000

    public static func pageSize(_ requested: Int?) throws(DomainError) -> Int {
        guard let requested else { return defaultPageSize }
        guard (1...maximumPageSize).contains(requested) else {
            throw DomainError(.invalidParameter, "page_size: use a number from 1 to \(maximumPageSize).")
        }
        return requested
    }
}
