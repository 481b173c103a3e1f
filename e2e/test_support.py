"""The support desk (SUP-*) against the demo world: a demo customer opens a voice ticket in
headless Chromium with the product's intake form, sees it, replies; the API opens and lists
tickets with tenant isolation (SEC-3); the staff console shows the ticket with its SLA
explanation (SUP-8)."""

from __future__ import annotations

import re

import pytest
import requests

from helpers import (
    DEMO_PASSWORD,
    DEMO_STAFF_TOTP_SECRET,
    Page,
    WebClient,
    assert_api_error,
    path_of,
    unique,
    validate_schema,
)
from test_browser import click, driver, fill, sign_in, text, wait_for  # noqa: F401 - driver is a fixture

CALL_1 = "CA" + "1" * 32
CALL_2 = "CA" + "2" * 32


@pytest.mark.browser
def test_sup2_sup12_browser_customer_opens_a_voice_ticket(driver, base_url, tmp_path):
    """SUP-2 a signed-in demo customer, SUP-12 the voice intake form with its guidance, SUP-6 a
    reply (with a file) keeps the conversation on the ticket page."""
    drv = driver
    subject = f"Choppy audio {unique('e2e')}"
    sign_in(drv, base_url, "avery", DEMO_PASSWORD)
    drv.get(base_url + "/console/support/new?product=voice")
    assert "2-3 call SIDs" in text(drv, "#intake-guidance")
    fill(drv, "#ticket-form", subject=subject, description="Callers hear choppy audio after joining.",
         sids=f"{CALL_1}\n{CALL_2}", oldest_example_hours_ago="2", countries="US", priority="2")
    click(drv, "#ticket-submit")
    wait_for(drv, "#ticket-page")
    assert text(drv, "#ticket-status") == "New"
    number = text(drv, "#ticket-number")
    assert number.isdigit()
    assert CALL_1 in drv.page_source
    assert not drv.find_elements("css selector", "#intake-warnings")

    fill(drv, "#reply-form", body="One more example: it happens on every call.")
    capture = tmp_path / "call-capture.log"
    capture.write_bytes(b"\x89binary\x00capture\xff")
    drv.find_element("css selector", "#attachments").send_keys(str(capture))
    click(drv, "#reply-submit")
    wait_for(drv, "#ticket-comments")
    assert "every call" in text(drv, "#ticket-comments")
    link = drv.find_element("css selector", "#ticket-comments .attachments a")
    assert link.text == "call-capture.log"
    # The download is the same bytes, in the signed-in session.
    session = requests.Session()
    for cookie in drv.get_cookies():
        session.cookies.set(cookie["name"], cookie["value"])
    download = session.get(link.get_attribute("href"), timeout=30)
    assert download.status_code == 200 and download.content == capture.read_bytes()
    assert download.headers["Content-Disposition"] == 'attachment; filename="call-capture.log"'

    drv.get(base_url + "/console/support")
    assert subject in text(drv, "#ticket-list")


def test_sup12_sec3_api_tickets(base_url, acme_auth):
    """SUP-12 intake errors and warnings through the API, SEC-3 another tenant's ticket is 404."""
    created = requests.post(base_url + "/v1/Tickets", auth=acme_auth, timeout=30, json={
        "subject": "Messages not delivered", "description": "Some customers do not get our texts.",
        "product": "messaging", "priority": 3, "sids": ["SM" + "a" * 32]})
    assert created.status_code == 201, created.text
    ticket = created.json()
    validate_schema(ticket, "Ticket")
    assert any("inbound or outbound" in w for w in ticket["warnings"])

    fetched = requests.get(f"{base_url}/v1/Tickets/{ticket['number']}", auth=acme_auth, timeout=30)
    assert fetched.status_code == 200 and "assignee_sid" not in fetched.json()
    listed = requests.get(base_url + "/v1/Tickets?page_size=2", auth=acme_auth, timeout=30)
    validate_schema(listed.json(), "TicketList")

    bad = requests.post(base_url + "/v1/Tickets", auth=acme_auth, timeout=30, json={
        "subject": "x", "description": "y", "product": "voice", "priority": 2, "sids": ["CA123"]})
    assert_api_error(bad, 400, 20002)
    assert_api_error(requests.post(base_url + "/v1/Tickets", auth=acme_auth, timeout=30, json={
        "subject": "x", "description": "y", "product": "fax", "priority": 2}), 400, 21001)

    # A new tenant can't see Acme's ticket.
    web = WebClient(base_url)
    r = web.sign_in("harper", DEMO_PASSWORD)
    assert path_of(r).startswith("/console"), r.url
    other = web.get(f"/console/support/tickets/{ticket['number']}")
    assert other.status_code == 404


def test_sup8_staff_ticket_page_explains_due_time(base_url, acme_auth):
    """SUP-8 the staff ticket page shows each target's due time with a sentence explaining it."""
    created = requests.post(base_url + "/v1/Tickets", auth=acme_auth, timeout=30, json={
        "subject": "Calls drop after 60 seconds", "description": "Every outbound call drops.",
        "product": "voice", "priority": 2, "sids": [CALL_1, CALL_2], "countries": "US"})
    assert created.status_code == 201, created.text
    number = created.json()["number"]
    web = WebClient(base_url)
    r = web.sign_in("staff.dana", DEMO_PASSWORD, DEMO_STAFF_TOTP_SECRET)
    assert path_of(r).startswith("/staff"), r.url
    page = web.page(f"/staff/support/tickets/{number}")
    targets = " ".join(page.items("ticket-targets"))
    assert re.search(r"due \w{3} \d\d:\d\d", targets), targets
    queue = web.page("/staff/support?queue=group")
    assert isinstance(queue, Page)
