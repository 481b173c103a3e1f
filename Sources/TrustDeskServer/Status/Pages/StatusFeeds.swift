import Foundation
import TrustDeskCore

/// The history as Atom and RSS 2.0 feeds: one entry per incident or maintenance, its latest
/// update as the summary.
enum StatusFeeds {
    struct Entry {
        let id: String
        let title: String
        let link: String
        let updated: Date
        let published: Date
        let summary: String
    }

    static func entries(_ page: StatusHistory.Page, settings: StatusPageSettings) -> [Entry] {
        page.incidents.map { incident in
            let id = incident.id ?? ""
            let updates = page.updates[id] ?? []
            let summary = updates.map { update in
                "\(StatusMail.statusTitle(update.status)) (\(StatusDateDisplay.local(update.displayAt, zone: settings.timeZone))): \(update.body)"
            }.joined(separator: "\n\n")
            return Entry(id: id, title: incident.name, link: settings.incidentURL(id), updated: incident.updatedAt,
                         published: incident.startedAt, summary: summary)
        }
    }

    static func atom(_ entries: [Entry], settings: StatusPageSettings, updated: Date) -> String {
        var lines = [
            #"<?xml version="1.0" encoding="UTF-8"?>"#,
            #"<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="en">"#,
            "  <id>\(escape(settings.pageURL))</id>",
            "  <title>\(escape(settings.name)) status history</title>",
            #"  <link rel="alternate" type="text/html" href="\#(escape(settings.pageURL))"/>"#,
            #"  <link rel="self" type="application/atom+xml" href="\#(escape(settings.pageURL))/history.atom"/>"#,
            "  <updated>\(StatusDateDisplay.iso(updated))</updated>",
        ]
        for entry in entries {
            lines += [
                "  <entry>",
                "    <id>tag:trustdesk,status:\(escape(entry.id))</id>",
                "    <title>\(escape(entry.title))</title>",
                #"    <link rel="alternate" type="text/html" href="\#(escape(entry.link))"/>"#,
                "    <published>\(StatusDateDisplay.iso(entry.published))</published>",
                "    <updated>\(StatusDateDisplay.iso(entry.updated))</updated>",
                "    <author><name>\(escape(settings.name))</name></author>",
                #"    <content type="text">\#(escape(entry.summary))</content>"#,
                "  </entry>",
            ]
        }
        lines.append("</feed>")
        return lines.joined(separator: "\n") + "\n"
    }

    static func rss(_ entries: [Entry], settings: StatusPageSettings, updated: Date) -> String {
        var lines = [
            #"<?xml version="1.0" encoding="UTF-8"?>"#,
            #"<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom">"#,
            "  <channel>",
            "    <title>\(escape(settings.name)) status history</title>",
            "    <link>\(escape(settings.pageURL))</link>",
            "    <description>Incidents and scheduled maintenance of \(escape(settings.name))</description>",
            #"    <atom:link href="\#(escape(settings.pageURL))/history.rss" rel="self" type="application/rss+xml"/>"#,
            "    <lastBuildDate>\(MIMEMessage.rfc5322Date(updated))</lastBuildDate>",
        ]
        for entry in entries {
            lines += [
                "    <item>",
                "      <title>\(escape(entry.title))</title>",
                "      <link>\(escape(entry.link))</link>",
                #"      <guid isPermaLink="false">tag:trustdesk,status:\#(escape(entry.id))</guid>"#,
                "      <pubDate>\(MIMEMessage.rfc5322Date(entry.published))</pubDate>",
                "      <description>\(escape(entry.summary))</description>",
                "    </item>",
            ]
        }
        lines += ["  </channel>", "</rss>"]
        return lines.joined(separator: "\n") + "\n"
    }

    /// XML text and attribute escaping; control characters other than line breaks and tabs
    /// are not allowed in XML 1.0 and are dropped.
    static func escape(_ text: String) -> String {
        var result = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": result += "&amp;"
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            case "\"": result += "&quot;"
            case "'": result += "&apos;"
            case "\n", "\r", "\t": result.unicodeScalars.append(scalar)
            default:
                if scalar.value >= 0x20 { result.unicodeScalars.append(scalar) }
            }
        }
        return result
    }
}
