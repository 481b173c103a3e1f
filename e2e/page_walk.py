"""Which pages each kind of user is shown, and which of them are one page: shared by the
accessibility walk (test_accessibility.py) and the page benchmark (bench/pages/pages.py), so both
cover the same pages."""

from __future__ import annotations

import re

# (role, demo username or None for anonymous, staff: signs in with TOTP, where the walk starts)
ROLES = [
    ("public", None, False, ["/", "/signin", "/signup", "/trouble", "/status", "/privacy/request", "/docs/errors"]),
    ("customer", "avery", False, ["/console", "/console/support", "/console/privacy", "/security", "/console/support/reports",
                                  "/console/support/chat"]),
    ("agent", "staff.alex", True, ["/staff/accounts", "/staff/support", "/staff/support/chat", "/staff/support/line",
                                   "/staff/support/calls"]),
    ("tam", "staff.taylor", True, ["/staff/accounts", "/staff/support"]),
    ("pse", "staff.parker", True, ["/staff/accounts", "/staff/support", "/staff/status"]),
    ("consumer_trust", "staff.quinn", True, ["/staff/accounts", "/staff/consumer-trust", "/staff/privacy"]),
    ("trust_safety", "staff.riley", True, ["/staff/accounts", "/staff/trust"]),
    ("trust_safety_lead", "staff.sam", True, ["/staff/accounts", "/staff/trust", "/staff/standing/reviews"]),
    ("admin", "staff.morgan", True, ["/staff/accounts", "/staff/api-keys", "/staff/status", "/staff/privacy"]),
    ("support_manager", "staff.sasha", True, ["/staff/support", "/staff/support/reports", "/staff/status"]),
]

# Links that are not pages: files, feeds, machine formats, and anything that signs out.
NOT_A_PAGE = re.compile(
    r"(\.(zip|csv|json|xml|atom|rss|yaml|ics|png|svg|txt|eml)$)|^/(v1|api|metrics|healthz|readyz|openapi)"
    r"|/(files|attachments|download|export|feed)(/|$)|/signout|/unsubscribe|/confirm"
)
_SID = re.compile(r"\b[A-Z]{2}[0-9a-f]{32}\b")
_UUID = re.compile(r"\b[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\b")
_NUMBER = re.compile(r"(?<=/)\d+(?=/|$)")
# Short public codes (a status incident's `hrdra0tujttc`): a lowercase segment with a digit in it.
_CODE = re.compile(r"(?<=/)(?=[a-z0-9]*\d)[a-z0-9]{8,}(?=/|$)")


def shape(path: str) -> str:
    """/staff/accounts/AC.../standing -> /staff/accounts/{sid}/standing; /tickets/42 -> /tickets/{n}."""
    return _CODE.sub("{code}", _NUMBER.sub("{n}", _UUID.sub("{id}", _SID.sub("{sid}", path))))
