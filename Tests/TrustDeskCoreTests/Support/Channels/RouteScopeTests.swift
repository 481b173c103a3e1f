import Foundation
import Testing
import TrustDeskCore

@Suite("SUP-13 temporary voice route changes")
struct RouteScopeTests {
    @Test("SUP-13: exact destination numbers are the most specific scope")
    func numbers() throws {
        let scope = try RouteScope.parse(numbers: "+1 415 555 0100, +1 (415) 555-0101\n+14155550100", prefix: "")
        #expect(scope == .numbers(["+14155550100", "+14155550101"]))
        #expect(scope.kind == .numbers && scope.kind.specificity == 3)
        #expect(scope.summary == "+1 415 555 0100, +1 415 555 0101")
        let bad = #expect(throws: DomainError.self) { try RouteScope.parse(numbers: "+1 415 555", prefix: "") }
        #expect(bad?.field == "numbers")
        let many = (0..<51).map { String(format: "+1415555%04d", $0) }.joined(separator: ",")
        #expect(throws: DomainError.self) { try RouteScope.parse(numbers: many, prefix: "") }
    }

    @Test("SUP-13: +1 NPA NXX is an area code and exchange; +1 NPA, or a prefix longer than the country code, an area code")
    func prefixes() throws {
        #expect(try RouteScope.parse(numbers: "", prefix: "+1 415 555") == .areaCodeAndExchange("+1415555"))
        #expect(try RouteScope.parse(numbers: "", prefix: "+1 415") == .areaCode("+1415"))
        #expect(try RouteScope.parse(numbers: "", prefix: "+44 20") == .areaCode("+4420"))
        #expect(try RouteScope.parse(numbers: "", prefix: "+353 1") == .areaCode("+3531"))
        #expect(RouteScope.Kind.areaCodeAndExchange.specificity > RouteScope.Kind.areaCode.specificity)
        // A whole number given as a prefix belongs under numbers.
        let whole = #expect(throws: DomainError.self) { try RouteScope.parse(numbers: "", prefix: "+1 415 555 0100") }
        #expect(whole?.code == .invalidParameter)
        let noExchange = #expect(throws: DomainError.self) { try RouteScope.parse(numbers: "", prefix: "+1 415 055") }
        #expect(noExchange?.code == .invalidParameter)
    }

    @Test("SUP-13: a change for a whole country code is refused with 21010", arguments: ["+1", "+44", "+ 4 4", "+353", "+7", "+4"])
    func wholeCountry(prefix: String) throws {
        let error = #expect(throws: DomainError.self) { try RouteScope.parse(numbers: "", prefix: prefix) }
        #expect(error?.code == .routeChangeTooBroad)
        #expect(error?.field == "prefix")
    }

    @Test("SUP-13: numbers or a prefix, not both and not neither")
    func oneScope() throws {
        #expect((#expect(throws: DomainError.self) { try RouteScope.parse(numbers: "", prefix: " ") })?.field == "numbers")
        #expect((#expect(throws: DomainError.self) { try RouteScope.parse(numbers: "+14155550100", prefix: "+1 415") })?.field == "prefix")
        #expect((#expect(throws: DomainError.self) { try RouteScope.parse(numbers: "", prefix: "415 555") })?.field == "prefix")
    }

    @Test("SUP-13: lists show the most specific change first, then the one ending soonest")
    func order() throws {
        struct Change { let name: String; let kind: RouteScope.Kind; let until: Date }
        let now = utc("2026-03-02T12:00:00")
        let changes = [
            Change(name: "area", kind: .areaCode, until: now.addingTimeInterval(100)),
            Change(name: "numbers-late", kind: .numbers, until: now.addingTimeInterval(300)),
            Change(name: "exchange", kind: .areaCodeAndExchange, until: now.addingTimeInterval(50)),
            Change(name: "numbers-soon", kind: .numbers, until: now.addingTimeInterval(200)),
        ]
        let sorted = RouteChangePolicy.sorted(changes, kind: \.kind, until: \.until).map(\.name)
        #expect(sorted == ["numbers-soon", "numbers-late", "exchange", "area"])
    }

    @Test("SUP-13: a temporary change ends between an hour and 30 days from now; staff apply or decline it once")
    func lifecycle() throws {
        let now = utc("2026-03-02T12:00:00")
        #expect(try RouteChangePolicy.until(now.addingTimeInterval(86_400), now: now) == now.addingTimeInterval(86_400))
        for bad in [nil, now.addingTimeInterval(60), now.addingTimeInterval(31 * 86_400)] as [Date?] {
            #expect((#expect(throws: DomainError.self) { try RouteChangePolicy.until(bad, now: now) })?.field == "until")
        }
        #expect(try RouteChangePolicy.move(.requested, to: .applied) == .applied)
        #expect(try RouteChangePolicy.move(.requested, to: .declined) == .declined)
        #expect(try RouteChangePolicy.move(.applied, to: .ended) == .ended)
        #expect(try RouteChangePolicy.move(.requested, to: .ended) == .ended)
        for (from, to) in [(RouteChangeStatus.declined, RouteChangeStatus.applied), (.ended, .applied), (.applied, .declined), (.applied, .applied)] {
            #expect((#expect(throws: DomainError.self) { try RouteChangePolicy.move(from, to: to) })?.code == .routeChangeTransitionNotAllowed)
        }
        #expect((#expect(throws: DomainError.self) { try RouteChangePolicy.reason("  ") })?.field == "reason")
    }
}
