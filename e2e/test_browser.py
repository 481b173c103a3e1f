"""A person's whole first day in headless Chromium: sign up (ACC-3), confirm by mail, sign in,
enrol TOTP (ACC-8), sign out and in again with a fresh code, create an API key (ACC-7) and use it.

Needs Debian's chromium and chromium-driver (/usr/bin/chromium, /usr/bin/chromedriver; override
with CHROME_BIN / CHROMEDRIVER). A failing test leaves a screenshot and the page source in
e2e/artifacts/."""

from __future__ import annotations

import os
import re
import shutil
import time

import pytest
import requests

from helpers import (
    ACCOUNT_SID_RE,
    ARTIFACTS,
    KEY_SID_RE,
    find_link,
    fresh_totp,
    mark_totp_used,
    safe_name,
    unique,
    wait_for_mail,
)

pytestmark = pytest.mark.browser

CHROME_BIN = os.environ.get("CHROME_BIN", "/usr/bin/chromium")
CHROMEDRIVER = os.environ.get("CHROMEDRIVER", "/usr/bin/chromedriver")
WAIT = 20


@pytest.fixture
def driver(request, base_url):
    missing = [p for p in (CHROME_BIN, CHROMEDRIVER) if not (os.path.exists(p) or shutil.which(p))]
    if missing:
        message = f"headless browser missing: {missing} (apt-get install chromium chromium-driver)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    os.environ.setdefault("SE_OFFLINE", "true")  # never let Selenium Manager try to download
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROME_BIN
    for arg in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                "--window-size=1280,1024", "--no-first-run", "--disable-extensions",
                "--password-store=basic", "--lang=en-US"):
        options.add_argument(arg)
    service = Service(executable_path=shutil.which(CHROMEDRIVER) or CHROMEDRIVER)
    drv = webdriver.Chrome(service=service, options=options)
    drv.set_page_load_timeout(60)
    yield drv
    report = getattr(request.node, "rep_call", None)
    if report is not None and report.failed:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        stem = ARTIFACTS / f"{safe_name(request.node.nodeid)}-{int(time.time())}"
        try:
            drv.save_screenshot(str(stem) + ".png")
            (stem.parent / (stem.name + ".html")).write_text(
                f"<!-- {drv.current_url} -->\n" + drv.page_source, encoding="utf-8")
            print(f"browser artifacts: {stem}.png / .html (at {drv.current_url})")
        except Exception as exc:  # noqa: BLE001 - the test already failed; report and go on
            print(f"could not save browser artifacts: {exc}")
    drv.quit()


def _by_css(selector):
    from selenium.webdriver.common.by import By

    return (By.CSS_SELECTOR, selector)


def wait_for(drv, selector, timeout=WAIT):
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    try:
        return WebDriverWait(drv, timeout).until(ec.presence_of_element_located(_by_css(selector)))
    except Exception as exc:
        raise AssertionError(f"{selector} did not appear within {timeout}s at {drv.current_url}") from exc


def wait_for_path(drv, prefix, timeout=WAIT):
    from urllib.parse import urlsplit

    from selenium.webdriver.support.ui import WebDriverWait

    try:
        WebDriverWait(drv, timeout).until(lambda d: urlsplit(d.current_url).path.startswith(prefix))
    except Exception as exc:
        raise AssertionError(f"never reached {prefix} (at {drv.current_url})") from exc


def fill(drv, form_selector, **values):
    form = wait_for(drv, form_selector)
    for name, value in values.items():
        field = form.find_element(*_by_css(f'[name="{name}"]'))
        if field.tag_name == "select":
            from selenium.webdriver.support.ui import Select

            Select(field).select_by_value(value)
        else:
            field.clear()
            field.send_keys(value)
    return form


def click(drv, selector, timeout=WAIT):
    """Click a submit button and wait until its page has been replaced by the answer."""
    from selenium.common.exceptions import StaleElementReferenceException, WebDriverException
    from selenium.webdriver.support.ui import WebDriverWait

    element = wait_for(drv, selector)
    drv.execute_script("arguments[0].scrollIntoView({block: 'center'});", element)
    element.click()

    def replaced(_driver):
        try:
            element.is_enabled()
            return False
        except StaleElementReferenceException:
            return True
        except WebDriverException:
            # While the old document is torn down Chromium may answer with an inspector
            # error ("Node ... does not belong to the document") instead of a stale
            # reference: the element is gone either way.
            return True

    try:
        WebDriverWait(drv, timeout).until(replaced)
        # The old document is gone; reading the new one before it is whole would see a page
        # with only its first rows (or none).
        WebDriverWait(drv, timeout).until(lambda d: d.execute_script("return document.readyState") == "complete")
    except Exception as exc:
        raise AssertionError(f"clicking {selector} did not load a new page (at {drv.current_url})") from exc


def text(drv, selector):
    return wait_for(drv, selector).text.strip()


def value(drv, selector):
    """The value of a form control, such as the read-only field of a secret shown once."""
    return (wait_for(drv, selector).get_attribute("value") or "").strip()


def sign_in(drv, base_url, username, password):
    drv.get(base_url + "/signin")
    fill(drv, "#signin-form", username=username, password=password)
    click(drv, "#signin-submit")


def test_acc3_acc7_acc8_browser_signup_totp_and_api_key(driver, base_url, data_dir):
    """ACC-3 sign-up by mail link, ACC-8 TOTP enrolment with recovery codes and a second sign-in
    with a fresh code, ACC-7 an API key from the console used with HTTP Basic."""
    drv = driver
    name = unique("e2ebrowser")
    email, password = f"{name}@example.com", "Pw-" + unique("b")

    # ACC-3: sign up; nothing exists until the mailed link is used.
    drv.get(base_url + "/signup")
    fill(drv, "#signup-form", full_name=f"Browser {name}", email=email, username=name,
         password=password, account_name=f"Browser Org {name}")
    click(drv, "#signup-submit")
    wait_for(drv, "#signup-sent")

    confirmation = wait_for_mail(data_dir, email, subject="Confirm your email address", timeout=20)
    link = find_link(confirmation.body, "/signup/confirm")
    drv.get(link)
    click(drv, "#confirm-submit")
    wait_for(drv, "#account-created")
    account_sid = text(drv, "#account-sid")
    assert ACCOUNT_SID_RE.match(account_sid), account_sid

    # First sign-in: password only, lands on the account page.
    sign_in(drv, base_url, name, password)
    wait_for_path(drv, "/console")
    wait_for(drv, "#account-page")
    assert text(drv, "#account-sid") == account_sid

    # ACC-8: enrol TOTP on /security.
    drv.get(base_url + "/security")
    assert text(drv, "#two-factor-status").lower() == "disabled"
    click(drv, "#totp-start-submit")
    secret = re.sub(r"\s+", "", value(drv, "#totp-secret"))
    assert re.fullmatch(r"[A-Z2-7]{16,}=*", secret), secret
    code = fresh_totp(secret)
    fill(drv, "#totp-confirm-form", code=code)
    click(drv, "#totp-confirm-submit")
    wait_for(drv, "#recovery-codes")
    recovery = value(drv, "#recovery-codes").split()
    assert recovery and all(recovery), recovery
    enrol_step = mark_totp_used(secret)
    drv.get(base_url + "/security")
    assert text(drv, "#two-factor-status").lower() == "enabled"

    # Sign out, then in again: the server accepts each code once, so use a later 30 s step.
    click(drv, "#signout-submit")
    drv.get(base_url + "/console")
    assert not drv.find_elements(*_by_css("#account-page")), f"still signed in after sign-out ({drv.current_url})"
    sign_in(drv, base_url, name, password)
    wait_for(drv, "#two-factor-form")
    fill(drv, "#two-factor-form", code=fresh_totp(secret, after_step=enrol_step))
    click(drv, "#two-factor-submit")
    wait_for_path(drv, "/console")

    # ACC-7: create an API key on the credentials page; its secret is shown once.
    drv.get(f"{base_url}/console/accounts/{account_sid}/credentials")
    fill(drv, "#key-form", friendly_name="Browser key")
    click(drv, "#key-submit")
    key_sid, key_secret = text(drv, "#key-sid"), value(drv, "#key-secret")
    assert KEY_SID_RE.match(key_sid), key_sid
    assert key_secret

    r = requests.get(f"{base_url}/v1/Accounts/{account_sid}", auth=(key_sid, key_secret), timeout=30)
    assert r.status_code == 200, r.text
    assert r.json()["sid"] == account_sid

    # SEC-1: the secret is not shown again.
    drv.get(f"{base_url}/console/accounts/{account_sid}/credentials")
    wait_for(drv, "#keys")
    assert key_secret not in drv.page_source
    assert key_sid in drv.page_source
