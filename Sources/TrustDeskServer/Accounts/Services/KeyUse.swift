import Foundation

/// When a key's last use is written down: at most hourly, so a busy integration doesn't turn
/// every authenticated request into a write, and "last used" is still right to the hour.
enum KeyUse {
    static let resolution: TimeInterval = 3600

    static func isWorthRecording(since lastUsed: Date?, now: Date) -> Bool {
        (lastUsed ?? .distantPast) <= now.addingTimeInterval(-resolution)
    }
}
