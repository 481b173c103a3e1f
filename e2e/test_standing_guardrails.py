"""Guard rails on staff enforcement, in headless Chromium (STD-1, STD-3, STD-9; issue 9 part 3).

A trust-and-safety lead opens a fresh customer's standing page. Nothing is preselected, so
Continue on the untouched form changes nothing and says beside each field what is missing; a ban
needs a justification and evidence, then a confirmation step that names the account and the
subaccount the ban cascades to, and only the account's name typed exactly confirms it. The owner
is mailed the justification. Reuses the Chromium fixture and page helpers of test_browser.py."""

from __future__ import annotations

import pytest
from selenium.webdriver.support.ui import Select

from helpers import DEMO_PASSWORD, DEMO_STAFF_TOTP_SECRET, fresh_totp, new_customer, wait_for_mail
from test_browser import _by_css, click, driver, fill, sign_in, text, wait_for  # noqa: F401 - driver is a fixture

pytestmark = pytest.mark.browser

JUSTIFICATION = "Sent lookalike bank login links to thousands of numbers after two warnings."
EVIDENCE = "Carrier complaint CR-2026-77; abuse ticket #4411."


@pytest.fixture
def customer_with_subaccount(base_url, data_dir):
    """A new customer (ACC-3) with one subaccount made in its console (ACC-2)."""
    customer = new_customer(base_url, data_dir, prefix="e2eban")
    web = customer.web
    page = web.page(f"/console/accounts/{customer.account_sid}")
    sub_name = f"{customer.account_name} EU"
    r = web.submit(page, "subaccount-form", friendly_name=sub_name)
    assert r.status_code in (200, 201), f"subaccount-form -> {r.status_code}:\n{r.text[:1500]}"
    return customer, sub_name


def staff_sign_in(drv, base_url, username):
    sign_in(drv, base_url, username, DEMO_PASSWORD)
    wait_for(drv, "#two-factor-form")
    fill(drv, "#two-factor-form", code=fresh_totp(DEMO_STAFF_TOTP_SECRET, user=username))
    click(drv, "#two-factor-submit")


def value_of(drv, selector):
    return wait_for(drv, selector).get_attribute("value")


def test_std9_a_ban_needs_a_justification_evidence_and_the_account_name(driver, base_url, data_dir, customer_with_subaccount):
    """STD-1/STD-9: no preselected change; the server refuses an untouched form, a ban without
    evidence and a wrong name, each beside its field with what was typed kept; the right name bans
    the account and its subaccount, and STD-3: the owner is told the justification."""
    drv = driver
    customer, sub_name = customer_with_subaccount
    staff_sign_in(drv, base_url, "staff.sam")
    standing_url = f"{base_url}/staff/accounts/{customer.account_sid}/standing"
    drv.get(standing_url)

    # Nothing is preselected: the first option is the "Choose…" placeholder, and the browser
    # itself refuses to send the form without a choice and a justification.
    choice = Select(wait_for(drv, "#action"))
    assert choice.first_selected_option.get_attribute("value") == ""
    assert choice.first_selected_option.text.startswith("Choose")
    drv.find_element(*_by_css("#standing-submit")).click()
    assert drv.execute_script("return document.getElementById('action').validity.valueMissing") is True
    assert drv.current_url == standing_url

    # The server says the same without the browser's help: every problem beside its field.
    drv.execute_script("document.getElementById('standing-form').noValidate = true")
    click(drv, "#standing-submit")
    assert "choose the change" in text(drv, "#action-error")
    assert "justification" in text(drv, "#justification-error") or "characters" in text(drv, "#justification-error")
    assert wait_for(drv, "#action").get_attribute("aria-invalid") == "true"
    assert text(drv, "#standing").lower() == "active", "an untouched form changes nothing"

    # A ban without evidence: refused beside the evidence box; the choice and the words stay.
    drv.execute_script("document.getElementById('standing-form').noValidate = true")
    fill(drv, "#standing-form", action="banned:ban", justification=JUSTIFICATION)
    click(drv, "#standing-submit")
    assert "evidence" in text(drv, "#evidence-error")
    assert Select(wait_for(drv, "#action")).first_selected_option.get_attribute("value") == "banned:ban"
    assert value_of(drv, "#justification") == JUSTIFICATION
    assert text(drv, "#standing").lower() == "active"

    # With evidence, Continue shows the confirmation step: the account and the subaccount the
    # ban cascades to are named, and nothing has changed yet.
    fill(drv, "#standing-form", evidence=EVIDENCE)
    click(drv, "#standing-submit")
    wait_for(drv, "#confirm-form")
    assert customer.account_name in text(drv, "#confirm-title")
    assert sub_name in text(drv, "#confirm-subaccounts")
    assert "Nothing has changed yet" in text(drv, "#confirm-summary")
    assert text(drv, "#confirm-justification") == JUSTIFICATION
    sub_sid = text(drv, "#confirm-subaccounts code")
    assert sub_sid.startswith("AC") and sub_sid != customer.account_sid

    # The wrong name: refused beside the field, what was typed stays, still nothing changed.
    fill(drv, "#confirm-form", confirm=sub_name)
    click(drv, "#confirm-submit")
    assert customer.account_name in text(drv, "#confirm-error")
    assert value_of(drv, "#confirm") == sub_name
    assert wait_for(drv, "#confirm").get_attribute("aria-invalid") == "true"
    drv.get(standing_url)
    assert text(drv, "#standing").lower() == "active"

    # Again, with the account's name: the account and its subaccount are banned.
    fill(drv, "#standing-form", action="banned:ban", justification=JUSTIFICATION, evidence=EVIDENCE)
    click(drv, "#standing-submit")
    fill(drv, "#confirm-form", confirm=customer.account_name)
    click(drv, "#confirm-submit")
    wait_for(drv, "#standing-history")
    assert text(drv, "#standing").lower() == "banned"
    history = text(drv, "#standing-history")
    assert "Sam Okafor (Trust and safety lead)" in history, history
    assert JUSTIFICATION in history and "banned:ban" not in history

    drv.get(f"{base_url}/staff/accounts/{sub_sid}/standing")
    assert text(drv, "#standing").lower() == "banned"
    assert "Main account banned" in text(drv, "#standing-history")

    # STD-9: the customer's sessions ended; STD-3: the owner is told why, in our words.
    r = customer.web.get(f"/console/accounts/{customer.account_sid}")
    assert "/signin" in r.url, r.url
    mail = wait_for_mail(data_dir, customer.email, subject="is banned", contains="Our reason:")
    assert JUSTIFICATION in mail.body
