import Foundation
import Vapor

struct AccountDTO: Content {
    let sid: String
    let friendlyName: String
    let status: String
    /// null, not absent: clients read the field to tell subaccounts from main accounts.
    @ExplicitNull var ownerAccountSid: String?
    let dateCreated: Date
    let dateUpdated: Date
    /// Present only in the answer that creates the account: the token is not stored.
    let authToken: String?

    init(_ account: Account, authToken: String? = nil) {
        self.sid = account.sid
        self.friendlyName = account.friendlyName
        self.status = account.standing
        self.ownerAccountSid = account.ownerAccountSID
        self.dateCreated = account.createdAt
        self.dateUpdated = account.updatedAt
        self.authToken = authToken
    }
}

struct KeyDTO: Content {
    let sid: String
    let accountSid: String
    let friendlyName: String
    let dateCreated: Date
    /// Present only in the answer that creates the key.
    let secret: String?

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
    /// null on the last page.
    @ExplicitNull var nextPageToken: String?
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
}
