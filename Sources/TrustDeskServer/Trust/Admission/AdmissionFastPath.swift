import Foundation
import TrustDeskCore

/// The fast path from request bytes to an answer: an item `AdmissionBatchReader` read, decided
/// without decoding strings when it is well-formed and unescaped and its account is active
/// with a lease. Single and batch admissions both start here.
extension AdmissionDesk {
    /// Admits `item` (well-formed and unescaped, an active account with a lease): its fields as
    /// sent, to answer with; nil when it needs the general path. A message SID goes to the
    /// journal, and `journaled` becomes its entry.
    func admitFast(_ item: AdmissionItem, _ bytes: UnsafeRawBufferPointer, second: Int64,
                   now: Date, journaled: inout AdmissionJournal.Mark?) -> AdmissionBatchWriter.Admitted? {
        guard item.problem == nil,
              case let .text(accountRange, escaped: false) = item.accountSid,
              case let .text(channelRange, escaped: false) = item.channel else { return nil }
        let account = UnsafeRawBufferPointer(rebasing: bytes[accountRange])
        let channelBytes = UnsafeRawBufferPointer(rebasing: bytes[channelRange])
        guard let key = AccountKey(sidBytes: account),
              let channel = Self.channel(channelBytes) else { return nil }
        var message: UnsafeRawBufferPointer?
        switch item.messageSid {
        case .absent: break
        case let .text(range, escaped: false):
            let candidate = UnsafeRawBufferPointer(rebasing: bytes[range])
            guard Self.isMessageSID(candidate) else { return nil }
            message = candidate
        default: return nil
        }
        guard decideFast(key, channel: channel, atSecond: second) == .admitted else { return nil }
        if let message {
            journaled = recordAdmitted(String(decoding: message, as: UTF8.self), String(decoding: account, as: UTF8.self), now: now)
        }
        return AdmissionBatchWriter.Admitted(account: account, message: message, channel: channelBytes)
    }

    private static func channel(_ bytes: UnsafeRawBufferPointer) -> MessageChannel? {
        if bytes.elementsEqual("sms".utf8) { return .sms }
        return MessageChannel(rawValue: String(decoding: bytes, as: UTF8.self))
    }

    /// "SM" or "MM" and 32 lowercase hex digits: what `SID(parsing:expecting: [.smsMessage, .mmsMessage])` accepts.
    private static func isMessageSID(_ bytes: UnsafeRawBufferPointer) -> Bool {
        guard bytes.count == 34, bytes[1] == UInt8(ascii: "M"), bytes[0] == UInt8(ascii: "S") || bytes[0] == UInt8(ascii: "M") else { return false }
        return bytes.dropFirst(2).allSatisfy { AccountKey.strictNibble($0).1 == 0 }
    }
}
