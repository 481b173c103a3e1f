import Vapor

extension Request {
    /// Decodes a page form into a `Content` struct; a body that is not a form reads as `empty`.
    ///
    /// Only the staff standing page still reads its forms this way, while it is being
    /// rewritten on its own branch; every other form uses `pageForm()`, which keeps what was
    /// typed for the page to show again. Delete this once that page uses `pageForm()` too.
    func form<T: Content>(_ type: T.Type, empty: T) -> T {
        (try? content.decode(T.self)) ?? empty
    }
}
