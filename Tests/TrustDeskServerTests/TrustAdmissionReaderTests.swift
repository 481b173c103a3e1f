import Foundation
import NIOCore
import Testing
import TrustDeskCore
import VaporTesting
@testable import TrustDeskServer

/// The batch endpoint's hand-written reader and writer, and the desk's flat table (PT-4).
@Suite("Progressive Trust: admission reader and table")
struct TrustAdmissionReaderTests {
    // MARK: Reader against Foundation

    /// Random admission bodies: well-formed ones, then byte edits of them.
    struct BodyGenerator {
        var random: SplitMix

        static let strings = [
            "sms", "mms", "voice", "fax", "", "AC0123456789abcdef0123456789abcdef", "\\u0041\\u0043", "a\\\"b", "back\\\\slash",
            "\\/", "\\b\\f\\n\\r\\t", "é", "😀", "\\ud83d\\ude00", "\\u00e9", "\\uD834\\uDD1E", "\\u0000", "x\u{7F}",
        ]
        static let keys = ["account_sid", "channel", "message_sid", "count", "Channel", "", "acc\\u006funt_sid", "items"]
        static let scalars = ["null", "true", "false", "0", "-1", "1.5e3", "-0.25E-2", "[]", "{}", "[1, {\"a\": [null]}]", "{\"k\": \"v\",}"]
        static let edits = Array("{}[],:\"\\ ntu0-1e.x\u{0}\t".utf8)

        mutating func pick<T>(_ values: [T]) -> T { values[Int(random.next() % UInt64(values.count))] }
        mutating func chance(_ percent: UInt64) -> Bool { random.next() % 100 < percent }
        mutating func space() -> String { chance(30) ? pick([" ", "\n", "\t ", "\r\n"]) : "" }

        mutating func value(depth: Int = 0) -> String {
            chance(70) ? "\"\(pick(Self.strings))\"" : pick(Self.scalars)
        }

        mutating func item() -> String {
            if chance(8) { return value() }
            var fields: [String] = []
            var used = Set<String>()
            for _ in 0..<Int(random.next() % 5) {
                let key = chance(75) ? pick(["account_sid", "channel", "message_sid"]) : pick(Self.keys)
                guard used.insert(key).inserted, !(key == "acc\\u006funt_sid" && used.contains("account_sid")),
                      !(key == "account_sid" && used.contains("acc\\u006funt_sid")) else { continue }
                fields.append("\(space())\"\(key)\"\(space()):\(space())\(value())\(space())")
            }
            let trailing = !fields.isEmpty && chance(5) ? "," : ""
            return "{" + fields.joined(separator: ",") + trailing + "}"
        }

        mutating func body() -> [UInt8] {
            let items = (0..<Int(random.next() % 4)).map { _ in item() }
            var members = ["\"items\"\(space()):\(space())[\(items.joined(separator: ",\(space())"))\(items.isEmpty || !chance(5) ? "" : ",")]"]
            if chance(10) { members.append("\"\(pick(["priority", "Items", "x"]))\": \(value())") }
            if chance(5) { members = ["\"items\": \(pick(Self.scalars))"] }
            let mark = chance(3) ? "\u{FEFF}" : ""
            let document: String = mark + space() + "{" + members.joined(separator: ",") + "}" + space()
            var text = Array(document.utf8)
            if chance(5) { text = Array(pick(Self.scalars).utf8) }
            if chance(50) {
                for _ in 0..<(1 + Int(random.next() % 3)) where !text.isEmpty {
                    let at = Int(random.next() % UInt64(text.count))
                    switch random.next() % 3 {
                    case 0: text.remove(at: at)
                    case 1: text.insert(pick(Self.edits), at: at)
                    default: text[at] = pick(Self.edits)
                    }
                }
            }
            return text
        }
    }

    static func scalars(_ text: String) -> [UInt32] { text.unicodeScalars.map(\.value) }

    static func check(_ body: [UInt8]) {
        let label = String(decoding: body, as: UTF8.self).debugDescription
        let read = body.withUnsafeBytes { bytes in try? AdmissionBatchReader.readBatch(bytes) }
        // Foundation guesses UTF-16/32 from zero bytes at the start; an application/json body is
        // UTF-8 (RFC 8259 section 8.1), so the reader refuses those.
        if body.prefix(2).contains(0) {
            #expect(read == nil, "not UTF-8: \(label)")
            return
        }
        let oracle = try? JSONSerialization.jsonObject(with: Data(body), options: [.fragmentsAllowed])
        #expect((oracle == nil) == (read == nil), "accepted differently: \(label)")
        guard let oracle, let read else { return }
        guard let top = oracle as? [String: Any] else {
            #expect(read.items == nil && read.unknownFields.isEmpty, "not an object: \(label)")
            return
        }
        #expect(Set(read.unknownFields) == Set(top.keys).subtracting(["items"]), "top-level fields: \(label)")
        guard let list = top["items"] as? [Any] else {
            #expect(read.items == nil, "items not a list: \(label)")
            return
        }
        guard let items = read.items else {
            // Only a repeated "items" field makes a list unreadable.
            #expect(label.components(separatedBy: "\"items\"").count > 2, "items lost: \(label)")
            return
        }
        #expect(items.count == list.count, "item count: \(label)")
        for (item, expected) in zip(items, list) {
            guard let object = expected as? [String: Any] else {
                #expect(item.problem == .notObject, "not an object: \(label)")
                continue
            }
            let unknown = Set(object.keys).subtracting(["account_sid", "channel", "message_sid"])
            if !unknown.isEmpty {
                if case let .unknownField(name) = item.problem { #expect(unknown.contains(name), "unknown: \(label)") } else {
                    Issue.record("unknown field not reported: \(label)")
                }
                continue
            }
            if case .givenTwice = item.problem { continue }
            for (name, field) in [("account_sid", item.accountSid), ("channel", item.channel), ("message_sid", item.messageSid)] {
                switch object[name] {
                case nil, is NSNull:
                    #expect(field == .absent, "\(name) absent: \(label)")
                case let text as String:
                    guard case let .text(range, escaped) = field else {
                        Issue.record("\(name) not read as text: \(label)")
                        continue
                    }
                    let decoded = body.withUnsafeBytes { AdmissionBatchReader.text(range, escaped: escaped, in: $0) }
                    #expect(scalars(decoded) == scalars(text), "\(name) text: \(label)")
                default:
                    #expect(field == .wrongType, "\(name) wrong type: \(label)")
                    #expect(item.problem != nil, "\(name) wrong type not reported: \(label)")
                }
            }
        }
    }

    @Test("PT-4: the batch reader accepts exactly the JSON Foundation accepts and reads the same items and strings (20,000 random bodies)")
    func readerMatchesFoundation() {
        var generator = BodyGenerator(random: SplitMix(seed: 20_260_302))
        for _ in 0..<20_000 { Self.check(generator.body()) }
    }

    @Test("PT-4: the batch reader's edge cases: nesting depth, numbers, escapes, surrogates, invalid UTF-8, byte order mark")
    func readerEdgeCases() {
        let deep = { (levels: Int) in "{\"items\":[], \"x\":" + String(repeating: "[", count: levels) + String(repeating: "]", count: levels) + "}" }
        for text in [deep(510), deep(511), deep(512), deep(5_000), "{\"items\":[], \"x\": 01}", "{\"items\":[], \"x\": 1.}", "{\"items\":[], \"x\": -}",
                     "{\"items\":[{\"channel\":\"\\ud800\"}]}", "{\"items\":[{\"channel\":\"\\udc00x\"}]}", "{\"items\":[{\"channel\":\"\\ud800\\u0041\"}]}",
                     "{\"items\":[{\"channel\":\"\\u12\"}]}", "{\"items\":[{\"channel\":\"\\x\"}]}", "{\"items\":[,]}", "{\"items\":[{},,]}",
                     "\u{FEFF}{\"items\":[]}", " \u{FEFF}{\"items\":[]}", "{\"items\":[]} x", "", "  ", "{\"items\":[{\"channel\":\"a\tb\"}]}",
                     "{\"items\":[1,2,]}", "{\"items\":[{\"channel\":\"sms\",}],}", "[1]", "\"x\"", "{\"items\":[]}\u{0}", "{\"items\":[{\"channel\":tru}]}"] {
            Self.check(Array(text.utf8))
        }
        let invalidUTF8: [UInt8] = Array("{\"items\":[{\"channel\":\"".utf8) + [0xC0, 0xAF] + Array("\"}]}".utf8)
        Self.check(invalidUTF8)
        Self.check(Array("{\"items\":[{\"channel\":\"".utf8) + [0xED, 0xA0, 0x80] + Array("\"}]}".utf8))
    }

    // MARK: Endpoint

    @Test("PT-4: a batch answers every item: unknown fields, wrong types, repeated fields and non-objects are that item's error; escapes are decoded")
    func batchItemErrors() async throws {
        try await withTrustDesk { app in
            TrustTestKit.enableService(app)
            let customer = try await TestData.customer(app, "ada")
            let sid = customer.account.sid
            let escapedSID = "\\u0041\\u0043" + sid.dropFirst(2)
            let body = """
                {"items": [
                  {"account_sid": "\(sid)", "channel": "sms", "count": -1},
                  {"account_sid": 5, "channel": "sms"},
                  {"account_sid": "\(sid)", "channel": "sms", "channel": "sms"},
                  7,
                  {"account_sid": "\(escapedSID)", "channel": "\\u0073ms"},
                  {"account_sid": "\(sid)", "channel": "sms", "message_sid": "SM\\"\\\\x"},
                  {"account_sid": "\(sid)", "channel": "voice", "message_sid": null},
                  {"account_sid": "\(sid)", "channel": "sms"},
                ]}
                """
            let response = try await app.testing().sendRequest(.POST, "/v1/Admissions/Batch", headers: TrustTestKit.serviceHeaders(), body: ByteBuffer(string: body))
            #expect(response.status == .ok)
            let results = TrustTestKit.results(response)
            #expect(results.map { $0["index"] as? Int } == Array(0..<8))
            #expect(results.map { $0["error_code"] as? Int } == [20007, 20001, 20001, 20001, nil, 20002, nil, nil])
            #expect(results.map { $0["admitted"] as? Bool } == [false, false, false, false, true, false, true, true])
            #expect(results[4]["account_sid"] as? String == sid)
            #expect(results[4]["channel"] as? String == "sms")
            #expect(results[5]["message_sid"] as? String == "SM\"\\x")
            #expect(results[1]["account_sid"] == nil)
            #expect(TrustTestKit.admittedCount(response) == 3)
            #expect(response.json["refused"] as? Int == 5)
        }
    }

    @Test("PT-4: a batch that is not JSON, or not {items: [...]}, is refused as a whole with a stable code")
    func batchWholeErrors() async throws {
        try await withTrustDesk { app in
            TrustTestKit.enableService(app)
            func send(_ text: String) async throws -> Int? {
                try await app.testing().sendRequest(.POST, "/v1/Admissions/Batch", headers: TrustTestKit.serviceHeaders(), body: ByteBuffer(string: text)).errorCode
            }
            for broken in ["{\"items\": [", "{\"items\": [{\"channel\": \"sms\"}] x", "[{\"channel\": \"sms\"}]", "{\"items\": {}}",
                           "{\"items\": [], \"items\": []}", "{\"items\": [{\"channel\": \"\\q\"}]}", "{'items': []}"] {
                #expect(try await send(broken) == 20009, "\(broken)")
            }
            #expect(try await send("{\"items\": [{\"channel\": \"sms\"}], \"priority\": 1}") == 20007)
            #expect(try await send("{\"items\": []}") == 20001)
            // An empty object is a body without what is wanted, as on every route.
            #expect(try await send("{}") == 20001)
            var text = TrustTestKit.serviceHeaders()
            text.contentType = .plainText
            let plain = try await app.testing().sendRequest(.POST, "/v1/Admissions/Batch", headers: text, body: ByteBuffer(string: "{\"items\": []}"))
            #expect(plain.errorCode == 20010)
        }
    }

    @Test("PT-4: one admission is read strictly: an unknown field is 20007, a wrong type or broken JSON 20009, escapes are decoded")
    func singleStrict() async throws {
        try await withTrustDesk { app in
            TrustTestKit.enableService(app)
            let customer = try await TestData.customer(app, "ada")
            func send(_ text: String) async throws -> TestingHTTPResponse {
                try await app.testing().sendRequest(.POST, "/v1/Admissions", headers: TrustTestKit.serviceHeaders(), body: ByteBuffer(string: text))
            }
            #expect(try await send("{\"account_sid\": \"\(customer.account.sid)\", \"channel\": \"sms\", \"Channel\": 1}").errorCode == 20007)
            #expect(try await send("{\"account_sid\": \"\(customer.account.sid)\", \"channel\": 1}").errorCode == 20009)
            #expect(try await send("[]").errorCode == 20009)
            let escaped = try await send("{\"account_sid\": \"\(customer.account.sid)\", \"channel\": \"\\u0073ms\"}")
            #expect(escaped.json["admitted"] as? Bool == true)
            #expect(escaped.json["channel"] as? String == "sms")
            // The fast path's hand-written answer (leases of 2 and 4 follow, so most of these take
            // it) is the bytes JSONEncoder.trustDesk writes on the general path.
            for _ in 0..<6 {
                let message = SID.generate(.smsMessage).rawValue
                let answer = try await send("{\"account_sid\": \"\(customer.account.sid)\", \"channel\": \"sms\", \"message_sid\": \"\(message)\"}")
                let expected = AdmissionDTO(index: nil, body: AdmissionBody(accountSid: customer.account.sid, channel: "sms", messageSid: message), admitted: true)
                #expect(answer.body.string == String(decoding: try JSONEncoder.trustDesk.encode(expected), as: UTF8.self))
            }
        }
    }

    @Test("PT-4: the fast path's one writer of admitted answers gives, in batch order, the general path's bytes and, in sorted order, JSONEncoder.trustDesk's, with and without a message SID")
    func admittedWriterMatchesGeneralPath() throws {
        let allocator = ByteBufferAllocator()
        let account = SID.generate(.account).rawValue
        for message in [nil, SID.generate(.smsMessage).rawValue] {
            let body = AdmissionBody(accountSid: account, channel: "sms", messageSid: message)
            let bytes = Array((account + (message ?? "") + "sms").utf8)
            try bytes.withUnsafeBytes { raw in
                let accountBytes = UnsafeRawBufferPointer(rebasing: raw[0..<34])
                let messageBytes = message.map { _ in UnsafeRawBufferPointer(rebasing: raw[34..<68]) }
                let channelBytes = UnsafeRawBufferPointer(rebasing: raw[(raw.count - 3)...])
                let fields = AdmissionBatchWriter.Admitted(account: accountBytes, message: messageBytes, channel: channelBytes)

                var fast = AdmissionBatchWriter(allocator: allocator, items: 2)
                fast.writeAdmitted(index: 0, fields)
                fast.writeAdmitted(index: 12_345, fields)
                var general = AdmissionBatchWriter(allocator: allocator, items: 2)
                general.write(AdmissionDTO(index: 0, body: body, admitted: true))
                general.write(AdmissionDTO(index: 12_345, body: body, admitted: true))
                #expect(fast.body(allocator: allocator).string == general.body(allocator: allocator).string)

                let single = AdmissionBatchWriter.admittedObject(fields, allocator: allocator)
                let encoded = try JSONEncoder.trustDesk.encode(AdmissionDTO(index: nil, body: body, admitted: true))
                #expect(single.string == String(decoding: encoded, as: UTF8.self))
            }
        }
    }

    // MARK: Table

    @Test("PT-4: an admission slot (key, policy expiry, lease state) is one 64-byte cache line")
    func slotLayout() {
        #expect(MemoryLayout<AccountAdmission>.size == 40)
        #expect(MemoryLayout<AdmissionSlot>.stride == 64)
    }

    @Test("PT-4: the admission table keeps every account's state apart, through growth and for the all-zero key")
    func tableKeepsAccountsApart() {
        var random = SplitMix(seed: 7)
        var table = AdmissionTable()
        var keys = (0..<5_000).map { _ in AccountKey(high: random.next(), low: random.next()) }
        keys.append(AccountKey(high: 0, low: 0))
        keys.append(AccountKey(high: 0, low: 1))
        for (position, key) in keys.enumerated() {
            let slot = table.insert(key)
            _ = table[slot: slot].admission.install(granted: position + 1, bucket: 10, atSecond: 36_000)
        }
        #expect(table.count == keys.count - 1)
        #expect(table.count * 4 <= table.capacity * 3)
        for (position, key) in keys.enumerated() {
            let slot = table.find(key)
            #expect(slot.map { table[slot: $0].key } == key)
            #expect(slot.map { table[slot: $0].admission.leaseRemaining } == position + 1)
            #expect(table.insert(key) == slot)
        }
        #expect(table.find(AccountKey(high: 1, low: 0)) == nil)
        var visited = 0
        table.forEachOccupied { _ in visited += 1 }
        #expect(visited == keys.count)
    }

    @Test("PT-4: the desk's fast path admits only inside the lease while the cached policy is fresh and active")
    func fastPathBounds() {
        let desk = AdmissionDesk()
        let sid = SID.generate(.account).rawValue
        let key = AccountKey(sid)
        let second: Int64 = 1_772_452_800
        #expect(desk.decideFast(key, channel: .sms, atSecond: second) == .slow)
        desk.installLocally(sid, granted: 3, atSecond: second)
        let decisions = (0..<5).map { _ in desk.decideFast(key, channel: .sms, atSecond: second) }
        #expect(decisions == [.admitted, .admitted, .admitted, .slow, .slow])
        #expect(desk.decideFast(key, channel: .email, atSecond: second) == .admitted)
        #expect(desk.decideFast(key, channel: .email, atSecond: second + AdmissionDesk.policyTTL) == .slow)
        // A spent lease still ends, so the ledger's record of it (trust_quota_leases) ends too.
        #expect(desk.invalidate(sid) == AccountAdmission.Release(bucket: QuotaRule.bucket(atSecond: second), unused: 0))
        #expect(desk.invalidate(sid) == nil)
        #expect(desk.decideFast(key, channel: .email, atSecond: second) == .slow)
    }

    @Test("PT-4: an account key read from SID bytes exists exactly for valid account SIDs and equals the string's key")
    func keysFromBytes() {
        var random = SplitMix(seed: 11)
        let alphabet = Array("0123456789abcdefABCDEF ACSMxg\u{0}é".utf8)
        for _ in 0..<5_000 {
            var text = Array(SID.generate(.account, using: &random).rawValue.utf8)
            if random.next() % 2 == 0 {
                let at = Int(random.next() % UInt64(text.count))
                switch random.next() % 3 {
                case 0: text.remove(at: at)
                case 1: text.insert(alphabet[Int(random.next() % UInt64(alphabet.count))], at: at)
                default: text[at] = alphabet[Int(random.next() % UInt64(alphabet.count))]
                }
            }
            let string = String(decoding: text, as: UTF8.self)
            let valid = (try? SID(parsing: string, expecting: .account)) != nil
            let key = text.withUnsafeBytes { AccountKey(sidBytes: $0) }
            #expect((key != nil) == valid, "\(string)")
            if valid { #expect(key == AccountKey(string)) }
        }
    }
}
