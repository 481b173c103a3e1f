import Foundation
import TrustDeskCore

/// Reads the support channels' environment variables into the configuration (README lists them).
enum SupportChannelSettings {
    static func read(_ env: [String: String], into config: inout TrustDeskConfiguration) throws {
        if let token = env["TRUSTDESK_VOICE_AUTH_TOKEN"], !token.isEmpty {
            guard token.utf8.count >= 16 else {
                throw TrustDeskConfiguration.Invalid(description: "TRUSTDESK_VOICE_AUTH_TOKEN must be at least 16 characters (the voice provider's auth token).")
            }
            config.voiceAuthToken = token
        }
        if let token = env["TRUSTDESK_INBOUND_MAIL_TOKEN"], !token.isEmpty {
            guard token.utf8.count >= 24, token.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") }) else {
                throw TrustDeskConfiguration.Invalid(description: "TRUSTDESK_INBOUND_MAIL_TOKEN must be at least 24 letters, digits, dashes or underscores (it is part of a URL).")
            }
            config.inboundMailToken = token
        }
        if let domain = env["TRUSTDESK_INBOUND_MAIL_DOMAIN"], !domain.isEmpty {
            let lowered = domain.lowercased()
            guard lowered.contains("."), lowered.utf8.count <= 200,
                  lowered.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == ".") }) else {
                throw TrustDeskConfiguration.Invalid(description: "TRUSTDESK_INBOUND_MAIL_DOMAIN must be a domain name such as reply.trustdesk.example.com.")
            }
            config.inboundMailDomain = lowered
        }
    }
}

extension TrustDeskConfiguration {
    /// How ticket mail is addressed: absolute links, and a Reply-To token when inbound mail
    /// is set up (the token's key is derived from the inbound mail token: both belong to the
    /// mail-in channel, and a reply can only arrive through that webhook anyway).
    var supportSettings: SupportSettings {
        var replyToken: ReplyToken?
        if let token = inboundMailToken, let domain = inboundMailDomain {
            replyToken = ReplyToken(keyMaterial: token, domain: domain)
        }
        return SupportSettings(publicURL: publicURL, replyToken: replyToken)
    }
}
