import Foundation

/// What a client's `Accept-Encoding` allows (RFC 9110 12.5.3), for responses kept ready in
/// both forms: gzip when `gzip`, `x-gzip` or `*` is listed without `q=0`, unless gzip itself is
/// refused with `q=0`.
enum AcceptEncoding {
    static func allowsGzip(_ header: String?) -> Bool {
        guard let header else { return false }
        var gzip: Bool?
        var any = false
        for item in header.split(separator: ",") {
            let parts = item.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
            guard let coding = parts.first else { continue }
            let refused = parts.dropFirst().contains { parameter in
                guard parameter.hasPrefix("q=") else { return false }
                return (Double(parameter.dropFirst(2)) ?? 1) <= 0
            }
            switch coding {
            case "gzip", "x-gzip": gzip = (gzip ?? false) || !refused
            case "*": any = !refused
            default: continue
            }
        }
        return gzip ?? any
    }
}
