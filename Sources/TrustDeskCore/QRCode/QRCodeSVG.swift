extension QRCode {
    /// Light modules around the symbol that readers need to find it (ISO/IEC 18004:2015, 6.3.8).
    public static let quietZone = 4

    /// The symbol as an inline SVG image: a light square with the quiet zone, the dark modules
    /// as one path of row runs, crisp edges so that no anti-aliasing blurs the modules, and
    /// `label` as both accessible name and `<title>`. It loads nothing, so it works under a
    /// strict Content-Security-Policy and without a network.
    public func svg(label: String, moduleSize: Int = 4) -> String {
        let side = size + 2 * Self.quietZone
        var path = ""
        for y in 0..<size {
            var x = 0
            while x < size {
                guard isDark(x: x, y: y) else { x += 1; continue }
                var run = 1
                while x + run < size, isDark(x: x + run, y: y) { run += 1 }
                path += "M\(x + Self.quietZone) \(y + Self.quietZone)h\(run)v1h-\(run)z"
                x += run
            }
        }
        let name = Self.escapeXML(label)
        return #"<svg xmlns="http://www.w3.org/2000/svg" class="qr-code" role="img" aria-label="\#(name)" "#
            + #"width="\#(side * moduleSize)" height="\#(side * moduleSize)" viewBox="0 0 \#(side) \#(side)" shape-rendering="crispEdges">"#
            + #"<title>\#(name)</title><rect width="\#(side)" height="\#(side)" fill="white"/><path fill="black" d="\#(path)"/></svg>"#
    }

    static func escapeXML(_ text: String) -> String {
        var result = ""
        result.reserveCapacity(text.utf8.count)
        for character in text {
            switch character {
            case "&": result += "&amp;"
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            case "\"": result += "&quot;"
            case "'": result += "&apos;"
            default: result.append(character)
            }
        }
        return result
    }
}
