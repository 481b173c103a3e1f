"""The staff ticket workspace in headless Chromium (issue 11).

A staff member opens a ticket Acme opened through the API. The due countdown on the page is the
one the ticket's running response target gives (its `due_at` from the API, counted from the
server's clock the page carries, worded as TrustDeskCore.DueCountdown words it). They post an
internal note and a public reply with the two buttons and see them apart (a label and a
colour); they add and remove tags, and a bad tag keeps the reply being written. Then they change
their time zone at /preferences: every time on the ticket page moves by the zone's offset and
shows the new zone's abbreviation. The page passes axe-core with no serious or critical
violation and is photographed at 1366 and 390 px into e2e/artifacts/screens/."""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
import requests

from test_accessibility import DESKTOP, SCREENS, screenshot
from test_browser import click, driver, text, wait_for  # noqa: F401 - driver is a fixture
from test_forms import send, staff_sign_in
from test_safe_actions import check_page

pytestmark = pytest.mark.browser

STAFF = "staff.parker"


def span(minutes: int) -> str:
    """DueCountdown.span: two units at most, the larger first."""
    days, hours, rest = minutes // 1440, minutes % 1440 // 60, minutes % 60
    if days:
        return f"{days} d {hours} h" if hours else f"{days} d"
    if hours:
        return f"{hours} h {rest} min" if rest else f"{hours} h"
    return f"{rest} min"


def countdown(due: datetime, now: datetime) -> str:
    """DueCountdown.text: rounded down while running, up once breached."""
    seconds = (due - now).total_seconds()
    if seconds <= 0:
        return f"breached {span(int(-(seconds // 60)))} ago"
    minutes = int(seconds // 60)
    return "in under 1 min" if minutes == 0 else f"in {span(minutes)}"


def instant(iso: str) -> datetime:
    return datetime.fromisoformat(iso.replace("Z", "+00:00"))


def abbreviations(zone: ZoneInfo, at: datetime) -> set[str]:
    """What the pages may call `zone` at `at`: its abbreviation, or its offset where the
    platform knows no common abbreviation ("GMT+1", "GMT+5:30")."""
    local = at.astimezone(zone)
    offset = local.utcoffset() or timedelta(0)
    minutes = int(offset.total_seconds() // 60)
    sign = "+" if minutes >= 0 else "-"
    hours, rest = divmod(abs(minutes), 60)
    gmt = f"GMT{sign}{hours}" + (f":{rest:02d}" if rest else "")
    return {local.tzname() or "", gmt}


def shown_times(drv) -> list[tuple[str, str]]:
    """Every time on the ticket page: (its instant, its text)."""
    return drv.execute_script(
        "return Array.from(document.querySelectorAll('#staff-ticket time[datetime]'))"
        ".map(t => [t.getAttribute('datetime'), t.textContent.trim()])")


def assert_times_in(drv, zone_name: str) -> int:
    """Each shown time is its instant in `zone_name`, to the minute, with that zone's name."""
    zone = ZoneInfo(zone_name)
    times = shown_times(drv)
    assert times, "the ticket page shows no times"
    for iso, shown in times:
        moment = instant(iso)
        match = re.fullmatch(r"(\d{4}-\d\d-\d\d \d\d:\d\d) (\S+)", shown)
        assert match, f"{shown!r} is not 'yyyy-MM-dd HH:mm ZONE'"
        assert match.group(1) == moment.astimezone(zone).strftime("%Y-%m-%d %H:%M"), f"{shown!r} is not {iso} in {zone_name}"
        assert match.group(2) in abbreviations(zone, moment), f"{shown!r}: {match.group(2)} does not name {zone_name}"
    return len(times)


def set_zone(drv, base_url: str, zone: str) -> None:
    drv.get(base_url + "/preferences")
    send(drv, "#time-zone-form", {"time_zone": zone}, submit="#time-zone-submit")
    wait_for(drv, "#time-zone-form")


def test_sup8_workspace_countdown_notes_tags_and_time_zone(driver, base_url, acme_auth):
    """SUP-8 the countdown matches the running target; SUP-6 internal note and public reply each
    as chosen and told apart; tags added, refused (keeping the reply being written) and removed;
    every time on the page in the viewer's zone."""
    created = requests.post(base_url + "/v1/Tickets", auth=acme_auth, timeout=30, json={
        "subject": "Workspace check: calls drop", "description": "Outbound calls drop after a minute.",
        "product": "voice", "priority": 2, "sids": ["CA" + "3" * 32, "CA" + "4" * 32], "countries": "US"})
    assert created.status_code == 201, created.text
    number = created.json()["number"]
    ticket = requests.get(f"{base_url}/v1/Tickets/{number}", auth=acme_auth, timeout=30).json()
    running = [t for t in ticket["targets"] if t["status"] == "active"]
    assert len(running) == 1, ticket["targets"]
    due = instant(running[0]["due_at"])

    drv = driver
    staff_sign_in(drv, base_url, STAFF)
    drv.get(base_url + "/preferences")
    original_zone = wait_for(drv, "#time_zone").get_attribute("value")
    set_zone(drv, base_url, "UTC")
    page = f"{base_url}/staff/support/tickets/{number}"
    drv.get(page)

    # The countdown: the page says when it was made; the text is the target's at that moment
    # (or a moment later, when the script ticked across a minute meanwhile).
    made = instant(wait_for(drv, "#ticket-targets").get_attribute("data-now"))
    clock = wait_for(drv, "#ticket-targets .countdown[data-ticking]")
    assert instant(clock.get_attribute("data-due")) == due
    assert clock.text in {countdown(due, made), countdown(due, made + timedelta(seconds=60))}, (clock.text, due, made)
    assert ("breached" in clock.get_attribute("class")) == (due <= made)

    check_page(drv, "ticket-workspace", viewer="staff")

    # The script keeps the countdown current: a due time moved into the past turns it red.
    from selenium.webdriver.support.ui import WebDriverWait

    past = (made - timedelta(minutes=30)).strftime("%Y-%m-%dT%H:%M:%SZ")
    drv.execute_script("arguments[0].setAttribute('data-due', arguments[1]);", clock, past)
    WebDriverWait(drv, 20).until(lambda d: clock.text.startswith("breached ") and "breached" in clock.get_attribute("class"))
    drv.get(page)

    # One Tab from the top reaches the skip link, which leads to the reply box.
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.keys import Keys

    drv.execute_script("document.activeElement && document.activeElement.blur(); window.scrollTo(0, 0);")
    ActionChains(drv).send_keys(Keys.TAB).perform()
    assert drv.execute_script("return document.activeElement.className") == "skip"
    assert drv.execute_script("return document.activeElement.getAttribute('href')") == "#comment_body"
    ActionChains(drv).send_keys(Keys.ENTER).perform()
    assert drv.execute_script("return document.activeElement.id") == "comment_body"

    # An internal note and a public reply, each with its own button.
    send(drv, "#comment-form", {"body": "Internal: the carrier trunk in Ashburn is flapping."}, submit="#reply-internal")
    assert "Internal note added." in text(drv, ".notice")
    send(drv, "#comment-form", {"body": "We are on it: a carrier in Virginia drops calls."}, submit="#reply-public")
    assert "Reply sent." in text(drv, ".notice")
    note = wait_for(drv, "#ticket-comments li.internal_note")
    reply = wait_for(drv, "#ticket-comments li.public_reply")
    assert "Ashburn" in note.text and note.find_element("css selector", ".comment-kind").text.lower() == "internal note"
    assert "Virginia" in reply.text and reply.find_element("css selector", ".comment-kind").text.lower() == "public reply"
    assert note.value_of_css_property("background-color") != reply.value_of_css_property("background-color")
    customer = requests.get(f"{base_url}/v1/Tickets/{number}/Comments", auth=acme_auth, timeout=30).json()
    bodies = " ".join(c["body"] for c in customer["comments"])
    assert "Virginia" in bodies and "Ashburn" not in bodies

    # Tags: added, a bad one refused beside the field with the reply being written kept, removed.
    drv.execute_script("document.getElementById('comment_body').value = arguments[0];", "Draft: still checking.")
    drv.execute_script("document.getElementById('comment_tags').value = arguments[0];", "Carrier, voice-quality")
    click(drv, "#tags-submit")
    assert [t.text for t in drv.find_elements("css selector", "#ticket-tags .tag")] == ["carrier", "voice-quality"]
    assert wait_for(drv, "#comment_body").get_attribute("value") == "Draft: still checking."
    drv.execute_script("document.getElementById('comment_tags').value = arguments[0];", "carrier voice-quality Not/OK")
    click(drv, "#tags-submit")
    tags = wait_for(drv, "#comment_tags")
    assert tags.get_attribute("aria-invalid") == "true"
    assert "not a tag" in text(drv, "#comment_tags-error")
    assert tags.get_attribute("value") == "carrier voice-quality Not/OK"
    assert wait_for(drv, "#comment_body").get_attribute("value") == "Draft: still checking."
    assert "20001" in text(drv, "#error-summary")
    drv.execute_script("document.getElementById('comment_tags').value = arguments[0];", "voice-quality")
    click(drv, "#tags-submit")
    assert [t.text for t in drv.find_elements("css selector", "#ticket-tags .tag")] == ["voice-quality"]
    assert "Tags removed carrier." in text(drv, "#ticket-history")

    drv.get(page)
    check_page(drv, "ticket-workspace-worked", viewer="staff")
    counted = assert_times_in(drv, "UTC")
    assert counted >= 5, "description, two comments, the due time and the history"

    try:
        for zone in ("America/New_York", "Europe/Berlin"):
            set_zone(drv, base_url, zone)
            drv.get(page)
            assert assert_times_in(drv, zone) == counted
        screenshot(drv, SCREENS / f"staff--ticket-workspace-berlin-{DESKTOP}.png", DESKTOP)
    finally:
        set_zone(drv, base_url, original_zone or "")
