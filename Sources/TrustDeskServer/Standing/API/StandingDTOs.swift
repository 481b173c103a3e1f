import Foundation
import TrustDeskCore
import Vapor

struct EnforcementRecordDTO: Content {
    let fromStanding: String
    let toStanding: String
    let reason: String
    let decidedBy: String
    /// Staff only: the decider's name and role at the time, as the staff pages show them.
    let decidedByName: String?
    let decidedByRole: String?
    let evidence: String
    /// Staff only (the staff API); left out of customers' answers.
    let justification: String?
    let caseReference: String?
    let dateDecided: Date

    /// Customers see whether a rule or a person decided, not which staff member, and no
    /// justification; staff see both.
    init(_ record: EnforcementRecord) {
        self.init(record, staffView: nil)
    }

    /// The staff API's record: `decider` is how the staff pages name the person.
    init(forStaff record: EnforcementRecord, person: User?) {
        self.init(record, staffView: (RecordView.decider(of: record, person: person), record.decidedByRole ?? person?.staffRoleRaw))
    }

    private init(_ record: EnforcementRecord, staffView: (name: String, role: String?)?) {
        fromStanding = record.fromStanding
        toStanding = record.toStanding
        reason = record.reason
        decidedBy = staffView != nil || record.isAutomated ? record.decidedBy : "staff"
        decidedByName = staffView?.name
        decidedByRole = staffView?.role
        evidence = record.evidence
        justification = staffView != nil ? record.justification : nil
        caseReference = record.caseReference
        dateDecided = record.decidedAt
    }
}

struct StandingDTO: Content {
    let accountSid: String
    let standing: String
    let reviewRequestOpen: Bool
    let records: [EnforcementRecordDTO]
}

struct InvoiceBody: StrictContent, Content {
    static let allowedFields: Set<String> = ["reference", "account_sid", "bill_run", "amount_cents", "currency", "due_date"]
    let reference: String
    let accountSid: String
    let billRun: String
    let amountCents: Int
    let currency: String?
    let dueDate: String
}

struct PaymentBody: StrictContent, Content {
    static let allowedFields: Set<String> = ["invoice_reference", "amount_cents"]
    let invoiceReference: String
    let amountCents: Int
}

struct InvoiceDTO: Content {
    let reference: String
    let accountSid: String
    let billRun: String
    let amountCents: Int
    let paidCents: Int
    let owedCents: Int
    let currency: String
    let dueDate: String
    let paid: Bool

    init(_ invoice: Invoice) {
        reference = invoice.reference
        accountSid = invoice.accountSID
        billRun = invoice.billRun
        amountCents = invoice.amountCents
        paidCents = invoice.paidCents
        owedCents = invoice.owedCents
        currency = invoice.currency
        dueDate = Billing.dayFormatter.string(from: invoice.dueAt)
        paid = invoice.paidAt != nil
    }
}
