import Fluent

/// Every migration, in the order it runs. Append only: a shipped migration is never edited.
enum TrustDeskMigrations {
    static let all: [any Migration] = [
        // 1. Platform
        CreateOutboxMessages(),
        CreateJobLeases(),
        CreateThrottleFailures(),
        // 2. Accounts and access
        CreateAccounts(),
        CreateUsers(),
        CreateMemberships(),
        CreateRegistrations(),
        CreatePasswordResets(),
        CreateInvitations(),
        CreateAPIKeys(),
        CreateRecoveryCodes(),
        CreateUserSessions(),
        CreateStaffAuditEvents(),
        // 3. Progressive Trust
        CreateTrustProfiles(),
        CreateTrustScoreHistory(),
        CreateQuotaBuckets(),
        CreateAdmittedMessages(),
        CreateCallbackDeliveries(),
        CreateTrustRequests(),
        // 4. Support desk
        CreateSupportCalendars(),
        CreateSupportProfiles(),
        CreateStaffSupportProfiles(),
        CreateTickets(),
        CreateTicketComments(),
        CreateTicketEvents(),
        CreateTicketSLATargets(),
        // 5. Account standing and enforcement
        CreateEnforcementRecords(),
        CreateDedicatedIPs(),
        CreateAccountActivity(),
        CreateInvoices(),
        CreateReviewRequests(),
        // 6. Support desk, continued
        AddTicketPendingFollowUp(),
        // 7. Account standing, continued: the Consumer Trust desk and sign-up vetting facts
        AddTicketTopicIndex(),
        CreateVettingAssessments(),
        // 8. Progressive Trust, continued: requests open trust-and-safety tickets (PT-10)
        AddTrustRequestTicketNumber(),
        // 9. Account standing, continued: sign-up vetting input (STD-6)
        AddRegistrationVettingFacts(),
        CreateStaffAPIKeys(),
        AddDedicatedIPHeldUnique(),
        BackfillAccountActivity(),
        // 10. Account standing, continued: enforcement guard rails (issue 9, part 3)
        AddDecidedByRoleToEnforcementRecords(),
        // 10. Privacy (PRV): requests, ledger, legal holds, retention schedules, preferences,
        //     usage deletions, email corrections, under-age reports
        CreatePrivacyRequests(),
        CreatePrivacyLedger(),
        CreateLegalHolds(),
        CreatePrivacySchedules(),
        CreatePrivacyPreferences(),
        CreateUsageDeletions(),
        CreateEmailChanges(),
        CreateUnderAgeReports(),
        // 11. Status page and incidents (STS), and mail headers for its List-Unsubscribe
        AddHeadersToOutboxMessages(),
        CreateStatusPages(),
        CreateStatusComponents(),
        CreateStatusComponentChanges(),
        CreateStatusIncidents(),
        CreateStatusIncidentComponents(),
        CreateStatusIncidentUpdates(),
        CreateStatusSubscribers(),
        CreateStatusMailings(),
        CreateStatusNotifications(),
        CreateStatusRFODeliveries(),
        // 12. Accounts, continued: recovery requests are answered first and mailed by a job (ACC-5, ACC-6)
        CreateRecoveryRequests(),
        // 13. Support desk channels: escalations, phone, route changes, chat, mail-in, reports
        CreateTicketEscalations(),
        AddOpenEscalationToTickets(),
        CreateSupportNumbers(),
        CreateSupportCalls(),
        AddPhoneToStaffSupportProfiles(),
        AddSealedPINToSupportProfiles(),
        CreateRouteChanges(),
        CreateSupportChatMessages(),
        CreateSupportMailThreads(),
        CreateSupportInboundMails(),
        AddFirstResponseToTickets(),
        CreateSupportReportDays(),
        CreateSupportBacklogSnapshots(),
        // 14. Progressive Trust, continued: lease holders, reservations and reclaim (issue 15, kill -9)
        CreateQuotaLeaseHolders(),
        CreateQuotaLeases(),
        // 15. One table per migration (issue 10): tables that CreateTicketComments and
        //     CreateTicketSLATargets made on databases migrated before (adopted there)
        CreateTicketAttachments(),
        CreateSupportAlerts(),
        // 16. Sessions, continued: a refused form carried across a redirect (issue 10)
        AddFlashToUserSessions(),
        // 17. Consoles: each person's time zone (issue 11)
        AddTimeZoneToUsers(),
        // 18. Accounts, continued: when each API key was last used (issue 11, security pages)
        AddLastUsedAtToAPIKeys(),
        // 19. Support desk reports at 1,000,000 tickets (issue 12): one organisation's live backlog
        AddOrganisationBacklogIndexToTickets(),
        // 20. Consoles: the queues' due column and order, one column per ticket (issue 11)
        AddNextDueAtToTickets(),
        // 21. Consoles: the queue pages' orders, one index range per queue and order (issue 11)
        AddQueueIndexesToTickets(),
        // 22. Privacy: a person's tickets by requester, for the overview, export and erasure (issue 11)
        AddRequesterIndexToTickets(),
        // 23. Consoles: the escalated queue read from its own short indexes (issue 11)
        AddEscalatedQueueIndexesToTickets(),
        // 24. Consoles: searches by email, SID and subject words through their own indexes (issue 11)
        CreateTicketSearchIndex(),
        // 25. Privacy: an index on every column that links a row to its subject (issue 11, PRV-2)
    ] + AddSubjectLinkIndex.missing + [
        // 26. Consoles: subject words and intake SIDs through trigram indexes on PostgreSQL (issue 11)
        AddTrigramIndexesToTickets(),
        // 27. Support desk: each engineer's open work kept by triggers, for routing at 1,000,000 tickets (issue 15, SUP-5)
        CreateSupportOpenWork(),
    ]
}
