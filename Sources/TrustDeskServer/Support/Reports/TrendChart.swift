import Foundation
import TrustDeskCore

/// A report's daily trend as inline SVG (SUP-16): value axis with its scale, dates along the
/// bottom, the series as a line with a dot per day, and the dashed target line. No script, no
/// external file: it renders under the pages' Content-Security-Policy and without JavaScript.
enum TrendChart {
    static let width = 640.0
    static let height = 220.0
    static let left = 48.0
    static let right = 12.0
    static let top = 16.0
    static let bottom = 36.0

    static func svg(_ trend: ReportTrend, id: String) -> String {
        let values = trend.points.compactMap(\.value)
        let maximum = trend.ceiling ?? Self.niceCeiling(max(values.max() ?? 0, trend.target, 1) * 1.1)
        let plotWidth = width - left - right
        let plotHeight = height - top - bottom
        let count = max(trend.points.count, 1)
        func x(_ index: Int) -> Double { left + (count == 1 ? plotWidth / 2 : plotWidth * Double(index) / Double(count - 1)) }
        func y(_ value: Double) -> Double { top + plotHeight * (1 - value / maximum) }
        var parts: [String] = []
        let title = "\(trend.label) per day, \(trend.points.first.map { $0.day.description } ?? "") to \(trend.points.last.map { $0.day.description } ?? ""); \(trend.targetLabel)"
        parts.append("<svg class=\"trend\" id=\"\(escape(id))\" viewBox=\"0 0 \(Int(width)) \(Int(height))\" role=\"img\" aria-labelledby=\"\(escape(id))-title\" xmlns=\"http://www.w3.org/2000/svg\">")
        parts.append("<title id=\"\(escape(id))-title\">\(escape(title))</title>")
        // Value axis: 0, half and the top, with grid lines.
        for fraction in [0.0, 0.5, 1.0] {
            let value = maximum * fraction
            parts.append("<line class=\"grid\" x1=\"\(f(left))\" y1=\"\(f(y(value)))\" x2=\"\(f(width - right))\" y2=\"\(f(y(value)))\"/>")
            parts.append("<text class=\"axis\" x=\"\(f(left - 6))\" y=\"\(f(y(value) + 4))\" text-anchor=\"end\">\(escape(Self.label(value)))</text>")
        }
        parts.append("<line class=\"axis-line\" x1=\"\(f(left))\" y1=\"\(f(top))\" x2=\"\(f(left))\" y2=\"\(f(height - bottom))\"/>")
        parts.append("<line class=\"axis-line\" x1=\"\(f(left))\" y1=\"\(f(height - bottom))\" x2=\"\(f(width - right))\" y2=\"\(f(height - bottom))\"/>")
        parts.append("<text class=\"axis unit\" x=\"4\" y=\"\(f(top - 4))\">\(escape(trend.unit))</text>")
        // Dates: the first, the last and a few between.
        let step = max(1, Int((Double(count) / 6).rounded(.up)))
        for (index, point) in trend.points.enumerated() where index % step == 0 || index == count - 1 {
            if index != count - 1 && count - 1 - index < step / 2 { continue }
            // The first and last dates sit inside the chart, not across its edges.
            let anchor = count > 1 && index == 0 ? "start" : (count > 1 && index == count - 1 ? "end" : "middle")
            parts.append("<text class=\"axis date\" x=\"\(f(x(index)))\" y=\"\(f(height - bottom + 16))\" text-anchor=\"\(anchor)\">\(escape(Self.shortDate(point.day)))</text>")
        }
        // Target line.
        parts.append("<line class=\"target\" x1=\"\(f(left))\" y1=\"\(f(y(trend.target)))\" x2=\"\(f(width - right))\" y2=\"\(f(y(trend.target)))\"/>")
        parts.append("<text class=\"target-label\" x=\"\(f(width - right - 2))\" y=\"\(f(y(trend.target) - 4))\" text-anchor=\"end\">\(escape(trend.targetLabel))</text>")
        // The series: one line per run of days with a value.
        var run: [String] = []
        func closeRun() {
            if run.count > 1 { parts.append("<polyline class=\"series\" points=\"\(run.joined(separator: " "))\"/>") }
            run = []
        }
        for (index, point) in trend.points.enumerated() {
            guard let value = point.value else {
                closeRun()
                continue
            }
            run.append("\(f(x(index))),\(f(y(value)))")
            parts.append("<circle class=\"point\" cx=\"\(f(x(index)))\" cy=\"\(f(y(value)))\" r=\"2.5\"><title>\(escape("\(point.day): \(Self.label(value)) \(trend.unit)"))</title></circle>")
        }
        closeRun()
        if values.isEmpty {
            parts.append("<text class=\"axis\" x=\"\(f(left + plotWidth / 2))\" y=\"\(f(top + plotHeight / 2))\" text-anchor=\"middle\">no data in this period</text>")
        }
        parts.append("</svg>")
        return parts.joined()
    }

    /// 1, 2 or 5 times a power of ten, at or above `value`.
    static func niceCeiling(_ value: Double) -> Double {
        guard value > 0 else { return 1 }
        let power = pow(10, (log10(value)).rounded(.down))
        for factor in [1.0, 2.0, 5.0, 10.0] where factor * power >= value { return factor * power }
        return 10 * power
    }

    static func label(_ value: Double) -> String {
        value.rounded() == value ? String(Int(value)) : String(format: "%.1f", value)
    }

    static func shortDate(_ day: LocalDate) -> String {
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        return "\(day.day) \(months[max(0, min(11, day.month - 1))])"
    }

    private static func f(_ value: Double) -> String { String(format: "%.1f", value) }

    static func escape(_ text: String) -> String { XMLText.escape(text) }
}
