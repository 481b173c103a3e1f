import Foundation
import Vapor

struct AccountDTO: Content {
    let sid: String
    let friendlyName: String
    let status: String
    let ownerAccountSid: String?
    let dateCreated: Date
    let dateUpdated: Date
    /// Present only in the answer that creates the account: the token is not stored.
    let authToken: String?

    enum CodingKeys: String, CodingKey {
        case sid, status
        case friendlyName = "friendly_name"
        case ownerAccountSid = "owner_account_sid"
        case dateCreated = "date_created"
        case dateUpdated = "date_updated"
        case authToken = "auth_token"
    }

    init(_ account: Account, authToken: String? = nil) {
        self.sid = account.sid
        self.friendlyName = account.friendlyName
        self.status = account.standing
        self.ownerAccountSid = account.ownerAccountSID
        self.dateCreated = account.createdAt
        self.dateUpdated = account.updatedAt
        self.authToken = authToken
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(sid, forKey: .sid)
        try container.encode(friendlyName, forKey: .friendlyName)
        try container.encode(status, forKey: .status)
        // null, not absent: clients read the field to tell subaccounts from main accounts.
        try container.encode(ownerAccountSid, forKey: .ownerAccountSid)
        try container.encode(dateCreated, forKey: .dateCreated)
        try container.encode(dateUpdated, forKey: .dateUpdated)
        try container.encodeIfPresent(authToken, forKey: .authToken)
    }
}

struct KeyDTO: Content {
    let sid: String
    let accountSid: String
    let friendlyName: String
    let dateCreated: Date
    /// Present only in the answer that creates the key.
    let secret: String?

    enum CodingKeys: String, CodingKey {
        case sid, secret
        case accountSid = "account_sid"
        case friendlyName = "friendly_name"
        case dateCreated = "date_created"
    }

    init(_ key: APIKey, secret: String? = nil) {
        self.sid = key.sid
        self.accountSid = key.accountSID
        self.friendlyName = key.friendlyName
        self.dateCreated = key.createdAt
        self.secret = secret
    }
}

struct ListMetaDTO: Content {
    let pageSize: Int
    let nextPageToken: String?

    enum CodingKeys: String, CodingKey {
        case pageSize = "page_size"
        case nextPageToken = "next_page_token"
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(pageSize, forKey: .pageSize)
        try container.encode(nextPageToken, forKey: .nextPageToken)
    }
}

struct SubaccountListDTO: Content {
    let subaccounts: [AccountDTO]
    let meta: ListMetaDTO
}

struct KeyListDTO: Content {
    let keys: [KeyDTO]
    let meta: ListMetaDTO
}

struct FriendlyNameBody: StrictContent {
    let friendlyName: String
    static let allowedFields: Set<String> = ["friendly_name"]

    enum CodingKeys: String, CodingKey {
        case friendlyName = "friendly_name"
    }
}
