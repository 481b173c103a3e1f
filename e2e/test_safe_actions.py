"""Safe destructive actions in the customer console, in headless Chromium (issue 11).

A new customer revokes an API key and closes their account the way a person would: the danger
button leads to a confirmation step that says what will happen and changes nothing; "Keep"
goes back with nothing changed; closing needs the account's name, and a wrong name is refused
beside the field with what was typed kept. Each confirmation step passes axe-core with no
serious or critical violation and is photographed at 1366 and 390 px into e2e/artifacts/screens/
(these pages answer a POST, so the crawl of test_accessibility.py never reaches them)."""

from __future__ import annotations

import pytest
import requests

from helpers import create_key_in_console, new_customer
from test_accessibility import DESKTOP, PHONE, SCREENS, SERIOUS, overflows_at_phone_width, screenshot
from test_browser import click, driver, fill, sign_in, text, value, wait_for  # noqa: F401 - driver is a fixture

pytestmark = pytest.mark.browser


def check_page(drv, name: str, viewer: str = "customer") -> None:
    """axe-core finds nothing serious on the page, it fits a phone, and it is photographed as
    `<viewer>--<name>-<width>.png`."""
    from axe_selenium_python import Axe

    axe = Axe(drv)
    axe.inject()
    found = [f"{v['impact']} {v['id']}: {v['help']}" for v in axe.run(options={"resultTypes": ["violations"]})["violations"]
             if v["impact"] in SERIOUS]
    assert not found, f"{name}: {found}"
    SCREENS.mkdir(parents=True, exist_ok=True)
    screenshot(drv, SCREENS / f"{viewer}--{name}-{DESKTOP}.png", DESKTOP)
    assert overflows_at_phone_width(drv) <= 1, f"{name} scrolls sideways at {PHONE} px"
    screenshot(drv, SCREENS / f"{viewer}--{name}-{PHONE}.png", PHONE)
    drv.set_window_size(DESKTOP, 900)


def test_acc7_revoking_a_key_asks_first_and_keep_changes_nothing(driver, base_url, data_dir):
    """ACC-7: Revoke… shows what stops working and revokes nothing; Keep goes back with the key
    still working; the confirmation revokes it and the API refuses it (20003)."""
    drv = driver
    customer = new_customer(base_url, data_dir, prefix="e2erevoke")
    key_sid, secret = create_key_in_console(customer, "Nightly export")
    api = f"{base_url}/v1/Accounts/{customer.account_sid}"
    assert requests.get(api, auth=(key_sid, secret), timeout=30).status_code == 200

    sign_in(drv, base_url, customer.username, customer.password)
    drv.get(f"{base_url}/console/accounts/{customer.account_sid}/credentials")
    click(drv, f'form[action$="/keys/{key_sid}/revoke"] button')
    assert text(drv, "#confirm-title") == "Revoke the API key Nightly export?"
    assert "Nothing has changed yet." in text(drv, "#confirm-summary")
    assert "401, error 20003" in text(drv, "#confirm-effects")
    check_page(drv, "confirm-revoke-key")
    assert requests.get(api, auth=(key_sid, secret), timeout=30).status_code == 200, "the first step revoked nothing"

    click(drv, "#confirm-back")
    assert key_sid in text(drv, "#keys")
    click(drv, f'form[action$="/keys/{key_sid}/revoke"] button')
    click(drv, "#confirm-submit")
    assert key_sid not in text(drv, "#keys")
    denied = requests.get(api, auth=(key_sid, secret), timeout=30)
    assert denied.status_code == 401 and denied.json()["code"] == 20003


def test_std10_closing_needs_the_accounts_name_and_a_wrong_one_says_why(driver, base_url, data_dir):
    """STD-10: Close the account… says what closing does and changes nothing; a wrong name is
    refused beside the field (20311) with what was typed kept; the exact name closes it."""
    drv = driver
    customer = new_customer(base_url, data_dir, prefix="e2eclose")
    sign_in(drv, base_url, customer.username, customer.password)
    standing = f"{base_url}/console/accounts/{customer.account_sid}/standing"
    drv.get(standing)
    assert "danger" in wait_for(drv, "#close-submit").get_attribute("class")
    click(drv, "#close-submit")
    assert text(drv, "#confirm-title") == f"Close {customer.account_name}?"
    assert "Nothing has changed yet." in text(drv, "#confirm-summary")
    assert "signed out" in text(drv, "#confirm-effects") and "60 days" in text(drv, "#confirm-effects")
    check_page(drv, "confirm-close-account")

    wrong = customer.account_name.lower()
    drv.execute_script("document.getElementById('close-confirm-form').noValidate = true")
    fill(drv, "#close-confirm-form", confirm=wrong)
    click(drv, "#close-confirm-submit")
    assert "not the account's name" in text(drv, "#confirm-error")
    assert value(drv, "#confirm") == wrong, "what was typed is kept"
    assert wait_for(drv, "#confirm").get_attribute("aria-invalid") == "true"
    assert "20311" in text(drv, "#error-summary")
    check_page(drv, "confirm-close-account-wrong-name")
    drv.get(standing)
    assert text(drv, "#standing").lower() == "active"

    click(drv, "#close-submit")
    fill(drv, "#close-confirm-form", confirm=customer.account_name)
    click(drv, "#close-confirm-submit")
    assert "The account is closed." in text(drv, ".notice")
    assert text(drv, "#standing").lower() == "closed"
