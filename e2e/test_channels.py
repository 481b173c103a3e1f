"""The support desk's channels against a running `serve --demo`:

- SUP-9: Acme escalates a ticket; the TAM manager and the support-management on-call of this
  moment (computed here from the demo rota) both get the alert mail.
- SUP-10, SEC-4, SEC-2: a voice provider signs each webhook with the `twilio` library's own
  `RequestValidator.compute_signature`; three wrong PINs end in the general queue; the right PIN
  rings the primary TAM; `no-answer` moves to the secondary; at 03:00 on the TAMs' calendars the
  PSEs on shift ring; a tampered field is 401 / 20308. The hour is set by an admin editing the
  demo calendars (restored afterwards): the server's clock is real.
- SUP-2: SendGrid Inbound Parse posts: a reply to the Reply-To address of a ticket mail lands on
  the ticket; the same reply from a spoofed teammate (SPF fail) opens and adds nothing.
- SUP-16: Acme's report CSVs, read with Python's `csv`, match a brute-force recount of its
  tickets through the API.

Needs TRUSTDESK_E2E_VOICE_TOKEN and TRUSTDESK_E2E_INBOUND_TOKEN (the server's
TRUSTDESK_VOICE_AUTH_TOKEN and TRUSTDESK_INBOUND_MAIL_TOKEN; `bash .ci/run e2e` sets both).
"""

from __future__ import annotations

import csv
import datetime as dt
import email
import email.policy
import io
import json
import os
import re
import time
import uuid
import xml.etree.ElementTree as ET
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import requests
from twilio.request_validator import RequestValidator

import helpers
from helpers import DEMO_PASSWORD, DEMO_STAFF_TOTP_SECRET, WebClient, path_of

SUPPORT_LINE = "+18005550100"
ACME_PIN = "4821"
TAM_PHONES = {"+12125550101", "+442079460102"}
PSE_PHONES = {"+12125550111", "+442079460112", "+912255550113", "+61255500114"}
# The demo's support_management rota (Demo/DemoChannels.swift): user -> (zone, days, start, end).
ROTA = {
    "sasha@trustdesk.example.com": [("America/New_York", range(0, 5), 8, 20)],
    "ola@trustdesk.example.com": [("Europe/London", range(0, 5), 0, 13)],
    "remy@trustdesk.example.com": [("America/New_York", [4], 20, 24), ("America/New_York", [5, 6], 0, 24)],
}
CALL_1 = "CA" + "1" * 32
CALL_2 = "CA" + "2" * 32


@pytest.fixture(scope="module")
def voice_token() -> str:
    token = os.environ.get("TRUSTDESK_E2E_VOICE_TOKEN", "")
    if not token:
        pytest.skip("TRUSTDESK_E2E_VOICE_TOKEN is not set: the server's voice webhooks are not configured")
    return token


@pytest.fixture(scope="module")
def inbound_token() -> str:
    token = os.environ.get("TRUSTDESK_E2E_INBOUND_TOKEN", "")
    if not token:
        pytest.skip("TRUSTDESK_E2E_INBOUND_TOKEN is not set: the server's inbound mail is not configured")
    return token


def open_ticket(base_url: str, auth, priority: int = 2) -> int:
    r = requests.post(base_url + "/v1/Tickets", auth=auth, timeout=30, json={
        "subject": "Calls drop after 60 seconds", "description": "Every outbound call drops.", "product": "voice",
        "priority": priority, "sids": [CALL_1, CALL_2], "countries": "US"})
    assert r.status_code == 201, r.text
    return r.json()["number"]


# ---------------------------------------------------------------------------------------------
# SUP-9


def on_call_now() -> set[str]:
    """Who of the demo rota covers this moment; everyone when nobody does."""
    now = dt.datetime.now(dt.timezone.utc)
    covering = set()
    for person, shifts in ROTA.items():
        for zone, days, start, end in shifts:
            local = now.astimezone(ZoneInfo(zone))
            if local.weekday() in days and start <= local.hour < end:
                covering.add(person)
    return covering or set(ROTA)


def test_sup9_escalation_alerts_the_tam_manager_and_the_on_call(base_url, acme_auth, data_dir):
    """SUP-9 an escalation reaches the TAM manager and the support-management on-call at once."""
    number = open_ticket(base_url, acme_auth)
    expected = on_call_now()
    r = requests.post(f"{base_url}/v1/Tickets/{number}/Escalations", auth=acme_auth, timeout=30,
                      json={"reason": "critical_blocker", "note": "Calls fail; we are on a bridge."})
    assert r.status_code == 201, r.text
    assert r.json()["status"] == "open"
    for person in {"dana@trustdesk.example.com"} | on_call_now() | expected:
        mail = helpers.wait_for_mail(data_dir, person, subject=f"[#{number}] ESCALATED")
        assert f"/staff/support/tickets/{number}" in mail.body and mail.body.count("http") >= 1
    second = requests.post(f"{base_url}/v1/Tickets/{number}/Escalations", auth=acme_auth, timeout=30, json={"reason": "critical_blocker"})
    helpers.assert_api_error(second, 409, 21008)
    ticket = requests.get(f"{base_url}/v1/Tickets/{number}", auth=acme_auth, timeout=30).json()
    assert ticket["escalation"]["reason"] == "critical_blocker"


# ---------------------------------------------------------------------------------------------
# SUP-10


class Provider:
    """The voice provider: posts signed webhooks the way Twilio does."""

    def __init__(self, base_url: str, token: str) -> None:
        self.base_url = base_url
        self.validator = RequestValidator(token)
        self.call = "CA" + uuid.uuid4().hex
        self.caller = "+1415555" + str(uuid.uuid4().int % 10_000).zfill(4)

    def post(self, path: str, tamper: dict[str, str] | None = None, **params: str) -> requests.Response:
        fields = {"CallSid": self.call, "AccountSid": "AC" + "0" * 32, "From": self.caller, "To": SUPPORT_LINE, **params}
        signature = self.validator.compute_signature(self.base_url + path, fields)
        sent = {**fields, **(tamper or {})}
        return requests.post(self.base_url + path, data=sent, headers={"X-Twilio-Signature": signature}, timeout=30)


def assert_refused_signature(r: requests.Response) -> None:
    """SEC-4: 401 with the contract's error body and code 20308 (no Basic challenge: nothing to sign in with)."""
    assert r.status_code == 401, f"{r.status_code}: {r.text[:500]}"
    assert r.headers.get("Content-Type", "").startswith("application/json"), r.headers
    body = r.json()
    helpers.validate_schema(body, "Error")
    assert body["code"] == 20308 and body["status"] == 401, body


def twiml(response: requests.Response) -> ET.Element:
    assert response.status_code == 200, response.text
    assert response.headers["Content-Type"].startswith("application/xml")
    root = ET.fromstring(response.text)
    assert root.tag == "Response"
    return root


def dialed(root: ET.Element) -> list[str]:
    dial = root.find("Dial")
    return [number.text or "" for number in dial.findall("Number")] if dial is not None else []


class Calendars:
    """Edits demo calendars as the staff admin, and puts them back."""

    def __init__(self, base_url: str) -> None:
        self.web = WebClient(base_url)
        r = self.web.sign_in("staff.morgan", DEMO_PASSWORD, DEMO_STAFF_TOTP_SECRET)
        assert path_of(r).startswith("/staff"), r.url
        self.saved: dict[str, dict[str, str]] = {}

    def set(self, name: str, time_zone: str, weekly_hours: str) -> None:
        page = self.web.page("/staff/support/calendars")
        match = re.search(re.escape(name) + r'(?: \(group [^)]*\))?</h2>\s*<form[^>]*\saction="(/staff/support/calendars/[0-9A-Fa-f-]+)"[^>]*>(.*?)</form>',
                          page.text, re.S)
        assert match, f"no calendar {name!r}"
        action, form = match.group(1), match.group(2)
        values = dict(re.findall(r'name="(time_zone|weekly_hours|holidays)" value="([^"]*)"', form))
        self.saved.setdefault(action, values)
        csrf = helpers.csrf_token(page.text)
        r = self.web.http.post(self.web.url(action), data={"csrf_token": csrf, "time_zone": time_zone, "weekly_hours": weekly_hours,
                                                           "holidays": values.get("holidays", "")}, timeout=30)
        assert r.status_code == 200 and "saved" in r.text, r.text[:1000]

    def restore(self) -> None:
        page = self.web.page("/staff/support/calendars")
        csrf = helpers.csrf_token(page.text)
        for action, values in self.saved.items():
            self.web.http.post(self.web.url(action), data={"csrf_token": csrf, **values}, timeout=30)


def zone_at_hour(hour: int) -> str:
    """An Etc/GMT zone in which it is now `hour` o'clock (to within the hour)."""
    now = dt.datetime.now(dt.timezone.utc)
    offset = (hour - now.hour + 12) % 24 - 12
    # Etc/GMT zones have the POSIX sign: Etc/GMT-3 is UTC+3.
    return "Etc/GMT" + ("+" if offset <= 0 else "-") + str(abs(offset)) if offset else "Etc/GMT"


def test_sup10_sec4_the_provider_reaches_the_right_person(base_url, voice_token):
    """SUP-10 SEC-4 SEC-2: wrong PINs, the primary TAM, forwarding, 03:00 and a tampered field."""
    calendars = Calendars(base_url)
    try:
        # The TAMs at work around the clock; a PSE shift that covers now.
        calendars.set("Taylor Reed (New York)", "UTC", "Mon-Sun 00:00-24:00")
        calendars.set("Lee Park (London)", "UTC", "Mon-Sun 00:00-24:00")
        calendars.set("PSE shift London", "UTC", "Mon-Sun 00:00-24:00")
        time.sleep(2.5)  # the server's voice snapshot reloads within two seconds

        provider = Provider(base_url, voice_token)
        gather = twiml(provider.post("/voice/incoming")).find("Gather")
        assert gather is not None and gather.get("input") == "dtmf" and gather.get("finishOnKey") == "#"
        assert twiml(provider.post("/voice/pin?attempt=1", Digits="0000")).find("Gather").get("action") == "/voice/pin?attempt=2"
        assert twiml(provider.post("/voice/pin?attempt=2", Digits="12ab")).find("Gather") is not None
        general = twiml(provider.post("/voice/pin?attempt=3", Digits="9999"))
        assert general.findtext("Enqueue") == "general"

        caller = Provider(base_url, voice_token)
        twiml(caller.post("/voice/incoming"))
        ringing = twiml(caller.post("/voice/pin?attempt=1", Digits=ACME_PIN))
        assert dialed(ringing) == ["+12125550101"]
        action = ringing.find("Dial").get("action")
        assert action.startswith("/voice/dial-result?leg=primary&org=AC")
        forwarded = twiml(caller.post(action, DialCallStatus="no-answer"))
        assert dialed(forwarded) == ["+442079460102"]
        tampered = caller.post(action, tamper={"DialCallStatus": "completed"}, DialCallStatus="busy")
        assert_refused_signature(tampered)
        done = twiml(caller.post(forwarded.find("Dial").get("action"), DialCallStatus="completed"))
        assert done.find("Hangup") is not None

        # 03:00 on both TAMs' calendars: the PSEs on shift ring, all at once.
        night = zone_at_hour(3)
        calendars.set("Taylor Reed (New York)", night, "Mon-Fri 09:00-18:00")
        calendars.set("Lee Park (London)", night, "Mon-Fri 09:00-18:00")
        time.sleep(2.5)
        late = Provider(base_url, voice_token)
        twiml(late.post("/voice/incoming"))
        pses = dialed(twiml(late.post("/voice/pin?attempt=1", Digits=ACME_PIN)))
        assert pses and set(pses) <= PSE_PHONES and not set(pses) & TAM_PHONES, pses
        assert "+442079460112" in pses

        unsigned = requests.post(base_url + "/voice/incoming", data={"CallSid": "CA" + "3" * 32}, timeout=30)
        assert_refused_signature(unsigned)
    finally:
        calendars.restore()


# ---------------------------------------------------------------------------------------------
# SUP-2


def newest_mail_with_headers(data_dir: str, to: str, subject: str) -> email.message.EmailMessage:
    mail = helpers.wait_for_mail(data_dir, to, subject=subject)
    return email.message_from_bytes(mail.path.read_bytes(), policy=email.policy.default)


def inbound(base_url: str, token: str, *, sender: str, to: str, text: str, spf: str = "pass", envelope_from: str | None = None,
            message_id: str | None = None, in_reply_to: str | None = None) -> requests.Response:
    headers = f"Message-ID: <{message_id or uuid.uuid4().hex + '@acme-rockets.example.com'}>\r\nSubject: Re: ticket\r\n"
    if in_reply_to:
        headers += f"In-Reply-To: {in_reply_to}\r\n"
    fields = {"headers": headers, "from": sender, "to": to, "subject": "Re: ticket", "text": text, "SPF": spf, "dkim": "none",
              "envelope": json.dumps({"to": [to], "from": envelope_from or sender}), "attachments": "0"}
    return requests.post(f"{base_url}/inbound/mail/{token}", files={name: (None, value) for name, value in fields.items()}, timeout=30)


def test_sup2_inbound_parse_threads_a_reply_and_ignores_a_spoofed_teammate(base_url, acme_auth, data_dir, inbound_token):
    """SUP-2 a reply by mail lands on its ticket; the same from a spoofed teammate changes nothing."""
    number = open_ticket(base_url, acme_auth)
    received = newest_mail_with_headers(data_dir, "avery@acme-rockets.example.com", f"[#{number}] We received your ticket")
    reply_to = str(received["Reply-To"])
    assert re.fullmatch(rf"support\+{number}\.[0-9a-f]{{16}}@[a-z0-9.-]+", reply_to), reply_to
    assert f"{base_url}/console/support/tickets/{number}" in received.get_body(("plain",)).get_content()

    text = f"It failed again at 09:14 ({uuid.uuid4().hex[:8]})."
    r = inbound(base_url, inbound_token, sender="Avery Stone <avery@acme-rockets.example.com>", to=reply_to,
                text=text + "\n\nOn Mon, TrustDesk wrote:\n> quoted", in_reply_to=str(received["Message-ID"]))
    assert r.status_code == 200 and r.json() == {"outcome": "reply", "ticket_number": number}, r.text
    comments = requests.get(f"{base_url}/v1/Tickets/{number}/Comments", auth=acme_auth, timeout=30).json()["comments"]
    assert comments[-1]["body"] == text

    count = len(requests.get(f"{base_url}/v1/Tickets?page_size=1000", auth=acme_auth, timeout=30).json()["tickets"])
    spoofed = inbound(base_url, inbound_token, sender="avery@acme-rockets.example.com", to=reply_to, text="Please close our account.",
                      spf="fail", envelope_from="bounce@attacker.example.net")
    assert spoofed.status_code == 200 and spoofed.json()["outcome"] == "ignored", spoofed.text
    after = requests.get(f"{base_url}/v1/Tickets/{number}/Comments", auth=acme_auth, timeout=30).json()["comments"]
    assert len(after) == len(comments)
    assert len(requests.get(f"{base_url}/v1/Tickets?page_size=1000", auth=acme_auth, timeout=30).json()["tickets"]) == count

    dup_id = "dup-" + uuid.uuid4().hex + "@acme-rockets.example.com"
    first = inbound(base_url, inbound_token, sender="avery@acme-rockets.example.com", to=reply_to, text="Once.", message_id=dup_id)
    duplicate = inbound(base_url, inbound_token, sender="avery@acme-rockets.example.com", to=reply_to, text="Once.", message_id=dup_id)
    assert first.json()["outcome"] == "reply" and duplicate.status_code == 200 and duplicate.json()["outcome"] == "duplicate"
    assert len(requests.get(f"{base_url}/v1/Tickets/{number}/Comments", auth=acme_auth, timeout=30).json()["comments"]) == len(comments) + 1
    wrong = requests.post(f"{base_url}/inbound/mail/not-the-token-0000000000", files={"from": (None, "a@example.com")}, timeout=30)
    assert wrong.status_code == 404


# ---------------------------------------------------------------------------------------------
# SUP-16


def acme_tickets(base_url: str, auth) -> list[dict]:
    tickets, token = [], None
    while True:
        params = {"page_size": 200, **({"page_token": token} if token else {})}
        page = requests.get(base_url + "/v1/Tickets", auth=auth, params=params, timeout=30).json()
        tickets += page["tickets"]
        token = page["meta"]["next_page_token"]
        if not token:
            # The list leaves out the response targets; each ticket's own answer has them.
            return [requests.get(f"{base_url}/v1/Tickets/{t['number']}", auth=auth, timeout=30).json() for t in tickets]


def nearest_rank(values: list[int], percent: int) -> str:
    ordered = sorted(values)
    if not ordered:
        return ""
    return str(ordered[max(1, -(-percent * len(ordered) // 100)) - 1])


def parse_time(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text.replace("Z", "+00:00"))


def test_sup16_report_csvs_match_a_recount(base_url, acme_auth):
    """SUP-16 Acme's SLA compliance, first response and escalations CSVs match a recount from the API."""
    web = WebClient(base_url)
    r = web.sign_in("avery", DEMO_PASSWORD)
    assert path_of(r).startswith("/console"), r.url
    today = dt.datetime.now(dt.timezone.utc).date()
    start = today - dt.timedelta(days=5)
    period = f"from={start}&to={today}&zone=UTC"

    def fetch(name: str) -> list[dict]:
        response = web.get(f"/console/support/reports/{name}.csv?{period}")
        assert response.status_code == 200 and response.headers["Content-Type"].startswith("text/csv"), response.text[:500]
        return list(csv.DictReader(io.StringIO(response.text)))

    for _ in range(3):
        before = [fetch(name) for name in ("sla-compliance", "first-response", "escalations")]
        tickets = acme_tickets(base_url, acme_auth)
        escalations = {t["number"]: requests.get(f"{base_url}/v1/Tickets/{t['number']}/Escalations", auth=acme_auth, timeout=30).json()["escalations"]
                       for t in tickets if t["escalation"]}
        after = [fetch(name) for name in ("sla-compliance", "first-response", "escalations")]
        if before == after:
            break
    sla, first, esc = after

    def in_period(text: str | None) -> bool:
        return bool(text) and start <= parse_time(text).date() <= today

    counts: dict[tuple[str, str], list[int]] = {}
    minutes: dict[tuple[str, str], list[int]] = {}
    for ticket in tickets:
        key = (str(ticket["priority"]), "personalized")
        for target in ticket["targets"]:
            if target["status"] in ("achieved", "breached") and in_period(target["ended_at"]):
                counts.setdefault(key, [0, 0])[0 if target["status"] == "achieved" else 1] += 1
        if in_period(ticket["first_response_at"]):
            delta = parse_time(ticket["first_response_at"]) - parse_time(ticket["date_created"])
            minutes.setdefault(key, []).append(int(delta.total_seconds() // 60))
    assert counts, "the demo has ended targets in the period"
    assert {(row["priority"], row["plan"]): [int(row["achieved"]), int(row["breached"])] for row in sla} == counts
    for row in sla:
        achieved, breached = int(row["achieved"]), int(row["breached"])
        assert row["compliance_percent"] == f"{round(achieved * 1000 / (achieved + breached)) / 10:.1f}"
    assert {(row["priority"], row["plan"]): int(row["responses"]) for row in first} == {key: len(v) for key, v in minutes.items()}
    for row in first:
        values = minutes[(row["priority"], row["plan"])]
        assert [row["calendar_p50_minutes"], row["calendar_p90_minutes"], row["calendar_max_minutes"]] == \
            [nearest_rank(values, 50), nearest_rank(values, 90), nearest_rank(values, 100)]
        assert int(row["business_max_minutes"]) <= int(row["calendar_max_minutes"])
    raised = [e for rows in escalations.values() for e in rows if in_period(e["date_created"])]
    for row in esc:
        mine = [e for e in raised if e["reason"] == row["reason"]]
        assert int(row["escalations"]) == len(mine)
        assert int(row["acknowledged"]) == sum(1 for e in mine if e["date_acknowledged"])
        assert int(row["resolved"]) == sum(1 for e in mine if e["date_resolved"])
    assert sum(int(row["escalations"]) for row in esc) >= 1
