import Foundation
import TrustDeskCore

/// A report's daily trend (SUP-16) in the shared `DailyChart` frame: the series as a line with a
/// dot per day (its value in the dot's title), and the dashed target line.
enum TrendChart {
    static func svg(_ trend: ReportTrend, id: String) -> String {
        let values = trend.points.compactMap(\.value)
        let title = "\(trend.label) per day, \(trend.points.first.map { $0.day.description } ?? "") to \(trend.points.last.map { $0.day.description } ?? ""); \(trend.targetLabel)"
        var chart = DailyChart(id: id, title: title, unit: trend.unit, days: trend.points.map(\.day),
                               highest: max(values.max() ?? 0, trend.target), ceiling: trend.ceiling)
        chart.referenceLine(at: trend.target, label: trend.targetLabel)
        // The series: one line per run of days with a value.
        var run: [String] = []
        func closeRun() {
            if run.count > 1 { chart.draw("<polyline class=\"series\" points=\"\(run.joined(separator: " "))\"/>") }
            run = []
        }
        for (index, point) in trend.points.enumerated() {
            guard let value = point.value else {
                closeRun()
                continue
            }
            let (x, y) = (DailyChart.f(chart.x(index)), DailyChart.f(chart.y(value)))
            run.append("\(x),\(y)")
            chart.draw("<circle class=\"point\" cx=\"\(x)\" cy=\"\(y)\" r=\"2.5\"><title>\(DailyChart.escape("\(point.day): \(DailyChart.label(value)) \(trend.unit)"))</title></circle>")
        }
        closeRun()
        if values.isEmpty { chart.note("no data in this period") }
        return chart.svg()
    }
}
