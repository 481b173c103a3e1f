import Foundation
import Testing
import TrustDeskCore
import VaporTesting
@testable import TrustDeskServer

@Suite("The 60-day Progressive Trust chart reads without explanation")
struct UsageChartTests {
    static let start = Date(timeIntervalSince1970: 1_772_409_600) // 2026-03-02 00:00 UTC

    static func days(_ counts: [Int]) -> [(day: Date, admitted: Int)] {
        counts.enumerated().map { (start.addingTimeInterval(Double($0.offset) * 86_400), $0.element) }
    }

    static func count(_ needle: String, in text: String) -> Int { text.components(separatedBy: needle).count - 1 }

    @Test("PT-3: every day has a titled slot, the limit is a labelled line, counts read with separators")
    func chart() throws {
        var counts = Array(repeating: 0, count: 60)
        counts[3] = 9_500
        counts[59] = 120
        let view = UsageChartView(id: "trust-chart", days: Self.days(counts), limit: 12_000, average: 160)
        let svg = try #require(view.svg)
        #expect(Self.count("<g class=\"day\"><title>", in: svg) == 60)
        #expect(Self.count("<rect class=\"bar\"", in: svg) == 2, "a day with nothing admitted has no bar")
        #expect(svg.contains("<title>2026-03-05: 9,500 SMS admitted</title>"))
        #expect(svg.contains("<title>2026-03-02: 0 SMS admitted</title>"))
        #expect(svg.contains("<line class=\"target\" id=\"trust-chart-limit\""))
        #expect(svg.contains(">Daily limit 12,000</text>"))
        #expect(svg.contains(">2 Mar</text>") && svg.contains(">30 Apr</text>"), "the first and last dates label the axis")
        #expect(svg.contains(">20,000</text>") && svg.contains(">0</text>"), "the value axis runs from 0 to a round ceiling above the limit")
        #expect(view.summary == "Average 160 a day; the busiest day, 5 Mar, had 9,500.")
        #expect(!svg.contains("<script"))
    }

    @Test("PT-3: the bar of a day reaches its value on the axis; the limit line sits at the limit")
    func geometry() throws {
        var counts = Array(repeating: 0, count: 60)
        counts[10] = 500
        let view = UsageChartView(id: "c", days: Self.days(counts), limit: 1_000, average: 8)
        let svg = try #require(view.svg)
        // Ceiling 2,000 (1,000 × 1.1 rounded up to 2 × 10³); the plot runs from y 20 (2,000) to y 184 (0).
        #expect(svg.contains("y=\"143.0\" width="), "500 of 2,000: the bar's top is three quarters down the plot")
        #expect(svg.contains("<line class=\"target\" id=\"c-limit\" x1=\"56.0\" y1=\"102.0\" x2=\"628.0\" y2=\"102.0\">"), "the limit at half height")
        #expect(svg.contains(">2,000</text>") && svg.contains(">1,000</text>"))
    }

    @Test("PT-3: with nothing admitted there is no chart and no 'busiest day', but a plain sentence")
    func empty() {
        let view = UsageChartView(id: "trust-chart", days: Self.days(Array(repeating: 0, count: 60)), limit: 1_000, average: 0)
        #expect(view.svg == nil)
        #expect(view.summary == nil)
        #expect(view.empty == "No SMS admitted in the last 60 days.")
    }

    @Test("PT-3: an unlimited account's chart has no limit line")
    func unlimited() throws {
        let view = UsageChartView(id: "c", days: Self.days([3, 0, 7]), limit: nil, average: 0)
        let svg = try #require(view.svg)
        #expect(!svg.contains("class=\"target\""))
        #expect(Self.count("<rect class=\"bar\"", in: svg) == 2)
    }

    @Test("PT-3, PT-10: the customer and staff see the same chart of the complete days before today")
    func onBothPages() async throws {
        try await withTrustDesk { app in
            TrustTestKit.enableService(app)
            let ada = try await TestData.customer(app, "ada")
            #expect(TrustTestKit.admittedCount(try await TrustTestKit.batch(app, TrustTestKit.sms(ada.account.sid, count: 120))) == 120)
            try await TrustMaintenance.run(app, now: app.now)
            app.clock.advance(by: 86_400)
            let yesterday = UTCDay.key(app.now.addingTimeInterval(-86_400))
            let customer = try await StandingTestKit.customerBrowser(app, "ada")
            let page = try await customer.get("/console/accounts/\(ada.account.sid)/messaging")
            #expect(page.status == .ok)
            #expect(page.text.contains("<svg class=\"trend\" id=\"trust-chart\""))
            #expect(page.text.contains("<title>\(yesterday): 120 SMS admitted</title>"))
            #expect(page.text.contains(">Daily limit "))
            #expect(!page.text.contains("id=\"trust-chart-empty\""))
            let (staff, _) = try await StandingTestKit.staffBrowser(app, role: .trustSafety)
            let staffPage = try await staff.get("/staff/trust/accounts/\(ada.account.sid)")
            #expect(staffPage.status == .ok)
            #expect(staffPage.text.contains("<title>\(yesterday): 120 SMS admitted</title>"))
        }
    }
}
