import Foundation

/// The TwiML the support line answers with: `<Response>` and the verbs it uses. Every text and
/// attribute is XML-escaped; URLs are relative, so the provider resolves them against the
/// webhook's own URL (`TRUSTDESK_PUBLIC_URL`).
enum TwiML {
    static let contentType = "application/xml; charset=utf-8"

    static func response(_ verbs: [String]) -> String {
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response>" + verbs.joined() + "</Response>"
    }

    static func say(_ text: String) -> String { "<Say>\(escape(text))</Say>" }

    /// Asks for DTMF digits ending with `#`; no input falls through to `<Redirect>` to the same
    /// action, which counts it as a wrong PIN.
    static func gatherPIN(action: String, prompt: String) -> [String] {
        ["<Gather input=\"dtmf\" finishOnKey=\"#\" timeout=\"5\" method=\"POST\" action=\"\(escape(action))\">\(say(prompt))</Gather>",
         "<Redirect method=\"POST\">\(escape(action))</Redirect>"]
    }

    static func dial(numbers: [String], action: String, timeout: Int) -> String {
        "<Dial action=\"\(escape(action))\" method=\"POST\" timeout=\"\(timeout)\">" + numbers.map { "<Number>\(escape($0))</Number>" }.joined() + "</Dial>"
    }

    static func enqueue(_ queue: String) -> String { "<Enqueue>\(escape(queue))</Enqueue>" }

    static let hangup = "<Hangup/>"

    static func escape(_ text: String) -> String { XMLText.escape(text) }
}
