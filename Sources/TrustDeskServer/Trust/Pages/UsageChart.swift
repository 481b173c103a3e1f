import Foundation
import TrustDeskCore

/// The 60-day Progressive Trust chart (PT-3's window) for the customer's messaging page and the
/// staff account page: admitted SMS per UTC day as bars in the shared `DailyChart` frame, each
/// bar titled with its day and count, and today's daily limit as a dashed line. With nothing
/// admitted there is no chart to read, so the view says so instead.
struct UsageChartView: Encodable {
    /// The SVG, nil when no SMS was admitted in the window.
    let svg: String?
    /// "Average 1,234 a day; the busiest day, 2 Mar, had 9,500."; nil with nothing admitted.
    let summary: String?
    let empty: String

    static let emptyText = "No SMS admitted in the last 60 days."

    /// `days` in order, one per UTC day; `limit` nil for an unlimited account; `average` the
    /// PT-3 average the limit is built from.
    init(id: String, days: [(day: Date, admitted: Int)], limit: Int?, average: Int) {
        empty = Self.emptyText
        guard let busiest = days.max(by: { $0.admitted < $1.admitted }), busiest.admitted > 0 else {
            svg = nil
            summary = nil
            return
        }
        let dates = days.map { LocalDate(dayNumber: Int(($0.day.timeIntervalSince1970 / 86_400).rounded(.down))) }
        let busiestDate = dates[days.firstIndex { $0.admitted == busiest.admitted } ?? 0]
        summary = "Average \(NumberDisplay.grouped(average)) a day; the busiest day, \(DailyChart.shortDate(busiestDate)), had \(NumberDisplay.grouped(busiest.admitted))."
        let title = "Admitted SMS per day, \(dates.first?.description ?? "") to \(dates.last?.description ?? "")"
            + (limit.map { "; daily limit \(NumberDisplay.grouped($0))" } ?? "")
        var chart = DailyChart(id: id, title: title, unit: "SMS a day", days: dates,
                               highest: Double(max(busiest.admitted, limit ?? 0)))
        // Each day is a group titled with its date and count over the whole height of its slot,
        // so a day with nothing admitted has a title to hover too.
        let barWidth = DailyChart.f(max(1, chart.slot * 0.8))
        let bottom = DailyChart.top + DailyChart.plotHeight
        for (index, day) in days.enumerated() {
            let title = DailyChart.escape("\(dates[index]): \(NumberDisplay.grouped(day.admitted)) SMS admitted")
            let slot = "<rect class=\"slot\" x=\"\(DailyChart.f(chart.x(index) - chart.slot / 2))\" y=\"\(DailyChart.f(DailyChart.top))\" width=\"\(DailyChart.f(chart.slot))\" height=\"\(DailyChart.f(DailyChart.plotHeight))\"/>"
            let top = chart.y(Double(day.admitted))
            let bar = day.admitted > 0
                ? "<rect class=\"bar\" x=\"\(DailyChart.f(chart.x(index) - chart.slot * 0.4))\" y=\"\(DailyChart.f(top))\" width=\"\(barWidth)\" height=\"\(DailyChart.f(bottom - top))\"/>"
                : ""
            chart.draw("<g class=\"day\"><title>\(title)</title>\(slot)\(bar)</g>")
        }
        if let limit {
            chart.referenceLine(at: Double(limit), label: "Daily limit \(NumberDisplay.grouped(limit))", id: "\(id)-limit")
        }
        svg = chart.svg()
    }
}
