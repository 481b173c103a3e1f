import Foundation
import TrustDeskCore

/// The frame of a chart with one slot per day, as inline SVG: a value axis from 0 to a round
/// ceiling with its scale and grid lines, dates along the bottom, dashed reference lines (a
/// target, a limit), and what is drawn in it. No script and no external file, so it renders
/// under the pages' Content-Security-Policy and without JavaScript. The support reports'
/// trends (`TrendChart`) and the Progressive Trust usage chart (`UsageChart`) draw in it.
struct DailyChart {
    static let width = 640.0
    static let height = 220.0
    static let left = 56.0
    static let right = 12.0
    static let top = 20.0
    static let bottom = 36.0
    static let plotWidth = width - left - right
    static let plotHeight = height - top - bottom

    let days: [LocalDate]
    /// The value at the top of the axis.
    let maximum: Double
    private var parts: [String] = []

    /// Opens the chart: its accessible name (`title`), the value axis labelled with `unit`, and
    /// the dates. `maximum` is rounded up to 1, 2 or 5 times a power of ten unless `ceiling`
    /// fixes it (a rate's 100 %).
    init(id: String, title: String, unit: String, days: [LocalDate], highest: Double, ceiling: Double? = nil) {
        self.days = days
        self.maximum = ceiling ?? Self.niceCeiling(max(highest, 1) * 1.1)
        let w = Self.width, h = Self.height
        parts.append("<svg class=\"trend\" id=\"\(Self.escape(id))\" viewBox=\"0 0 \(Int(w)) \(Int(h))\" role=\"img\" aria-labelledby=\"\(Self.escape(id))-title\" xmlns=\"http://www.w3.org/2000/svg\">")
        parts.append("<title id=\"\(Self.escape(id))-title\">\(Self.escape(title))</title>")
        for fraction in [0.0, 0.5, 1.0] {
            let value = maximum * fraction
            parts.append("<line class=\"grid\" x1=\"\(Self.f(Self.left))\" y1=\"\(Self.f(y(value)))\" x2=\"\(Self.f(w - Self.right))\" y2=\"\(Self.f(y(value)))\"/>")
            parts.append("<text class=\"axis\" x=\"\(Self.f(Self.left - 6))\" y=\"\(Self.f(y(value) + 4))\" text-anchor=\"end\">\(Self.escape(Self.label(value)))</text>")
        }
        parts.append("<line class=\"axis-line\" x1=\"\(Self.f(Self.left))\" y1=\"\(Self.f(Self.top))\" x2=\"\(Self.f(Self.left))\" y2=\"\(Self.f(h - Self.bottom))\"/>")
        parts.append("<line class=\"axis-line\" x1=\"\(Self.f(Self.left))\" y1=\"\(Self.f(h - Self.bottom))\" x2=\"\(Self.f(w - Self.right))\" y2=\"\(Self.f(h - Self.bottom))\"/>")
        parts.append("<text class=\"axis unit\" x=\"4\" y=\"\(Self.f(Self.top - 8))\">\(Self.escape(unit))</text>")
        // The first date, the last, and about five between, none crowding the last.
        let count = days.count
        let step = max(1, Int((Double(count) / 6).rounded(.up)))
        for (index, day) in days.enumerated() where index % step == 0 || index == count - 1 {
            if index != count - 1 && count - 1 - index < step / 2 { continue }
            let anchor = count > 1 && index == 0 ? "start" : (count > 1 && index == count - 1 ? "end" : "middle")
            let x = count > 1 && index == 0 ? Self.left : (count > 1 && index == count - 1 ? w - Self.right : self.x(index))
            parts.append("<text class=\"axis date\" x=\"\(Self.f(x))\" y=\"\(Self.f(h - Self.bottom + 16))\" text-anchor=\"\(anchor)\">\(Self.escape(Self.shortDate(day)))</text>")
        }
    }

    /// The width of one day's slot.
    var slot: Double { Self.plotWidth / Double(max(days.count, 1)) }

    /// The middle of day `index`'s slot.
    func x(_ index: Int) -> Double { Self.left + slot * (Double(index) + 0.5) }

    func y(_ value: Double) -> Double { Self.top + Self.plotHeight * (1 - min(value, maximum) / maximum) }

    mutating func draw(_ svg: String) { parts.append(svg) }

    /// A dashed line across the chart at `value`, labelled at its right end.
    mutating func referenceLine(at value: Double, label: String, id: String? = nil) {
        let at = Self.f(y(value))
        let idAttribute = id.map { " id=\"\(Self.escape($0))\"" } ?? ""
        parts.append("<line class=\"target\"\(idAttribute) x1=\"\(Self.f(Self.left))\" y1=\"\(at)\" x2=\"\(Self.f(Self.width - Self.right))\" y2=\"\(at)\"><title>\(Self.escape(label))</title></line>")
        parts.append("<text class=\"target-label\" x=\"\(Self.f(Self.width - Self.right - 2))\" y=\"\(Self.f(y(value) - 4))\" text-anchor=\"end\">\(Self.escape(label))</text>")
    }

    /// A line of text in the middle of the plot, for a chart with nothing to draw.
    mutating func note(_ text: String) {
        parts.append("<text class=\"axis\" x=\"\(Self.f(Self.left + Self.plotWidth / 2))\" y=\"\(Self.f(Self.top + Self.plotHeight / 2))\" text-anchor=\"middle\">\(Self.escape(text))</text>")
    }

    func svg() -> String { (parts + ["</svg>"]).joined() }

    /// 1, 2 or 5 times a power of ten, at or above `value`.
    static func niceCeiling(_ value: Double) -> Double {
        guard value > 0 else { return 1 }
        let power = pow(10, (log10(value)).rounded(.down))
        for factor in [1.0, 2.0, 5.0, 10.0] where factor * power >= value { return factor * power }
        return 10 * power
    }

    /// Whole values with thousands separators ("9,500"), others to one decimal.
    static func label(_ value: Double) -> String {
        value.rounded() == value && abs(value) < Double(Int.max) ? NumberDisplay.grouped(Int(value)) : String(format: "%.1f", value)
    }

    static func shortDate(_ day: LocalDate) -> String {
        "\(day.day) \(monthNames[max(0, min(11, day.month - 1))])"
    }

    static let monthNames = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    static func f(_ value: Double) -> String { String(format: "%.1f", value) }

    static func escape(_ text: String) -> String { XMLText.escape(text) }
}

/// Counts as people read them: `9,500`, the same grouping in every locale.
enum NumberDisplay {
    static func grouped(_ value: Int) -> String {
        value.formatted(.number.grouping(.automatic).locale(Locale(identifier: "en_US")))
    }
}
