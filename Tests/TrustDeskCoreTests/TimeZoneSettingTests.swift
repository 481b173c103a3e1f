import Foundation
import Testing
@testable import TrustDeskCore

@Suite("Each person's time zone")
struct TimeZoneSettingTests {
    @Test("Time zones: an IANA name is taken as chosen, empty means UTC")
    func known() throws {
        #expect(try TimeZoneSetting.parse("Europe/Paris") == "Europe/Paris")
        #expect(try TimeZoneSetting.parse(" America/New_York ") == "America/New_York")
        #expect(try TimeZoneSetting.parse("UTC") == "UTC")
        #expect(try TimeZoneSetting.parse("") == nil)
        #expect(TimeZoneSetting.effective(own: nil).secondsFromGMT() == 0)
        #expect(TimeZoneSetting.effective(own: "America/New_York").identifier == "America/New_York")
        #expect(TimeZoneSetting.effective(own: "Nowhere/Atlantis").identifier == TimeZoneSetting.utcZone.identifier)
    }

    @Test("Time zones: a mistyped or made-up name is 20030 on its field, never a silent GMT")
    func unknown() {
        for typed in ["Europe/Pariss", "europe/paris", "GMT+1", "Mars/Olympus_Mons", "<script>"] {
            #expect(throws: DomainError.self) { try TimeZoneSetting.parse(typed) }
            do {
                _ = try TimeZoneSetting.parse(typed, field: "time_zone")
            } catch {
                #expect(error.code == .unknownTimeZone, "\(typed)")
                #expect(error.message.hasPrefix("time_zone: "), "\(typed)")
            }
        }
        #expect(ErrorCode.unknownTimeZone.rawValue == 20030)
        #expect(ErrorCode.unknownTimeZone.httpStatus == 400)
    }

    @Test("Time zones: the choices are the system's IANA names and UTC, sorted, each one accepted")
    func choices() throws {
        #expect(TimeZoneSetting.choices.contains("Europe/Paris") && TimeZoneSetting.choices.contains("UTC"))
        #expect(TimeZoneSetting.choices == TimeZoneSetting.choices.sorted())
        for name in TimeZoneSetting.choices {
            #expect(try TimeZoneSetting.parse(name) == name)
        }
    }
}
