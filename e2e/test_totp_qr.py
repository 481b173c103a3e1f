"""ACC-8: the QR code of the two-factor enrolment page, read back by a real decoder (zbar, through
pyzbar) from what headless Chromium draws, and an enrolment completed with a code that pyotp
makes from the decoded URI. SEC-1: secrets shown once sit in a read-only field with a copy
button that our own script brings to life, and the page still works with scripts off.

Screenshots of the pages at 1366 px and 390 px wide are written to e2e/artifacts/screenshots/
(ignored by git) for a reviewer to look at."""

from __future__ import annotations

import io
from urllib.parse import parse_qs, urlsplit

import pyotp
import pytest

from helpers import ARTIFACTS, fresh_totp, mark_totp_used
from test_browser import _by_css, click, driver, fill, sign_in, value, wait_for  # noqa: F401 - driver is a fixture

pytestmark = pytest.mark.browser

SCREENSHOTS = ARTIFACTS / "screenshots"
WIDTHS = (1366, 390)


def decode_qr_codes(png: bytes) -> list[str]:
    """Every QR code zbar finds in a PNG screenshot, as text."""
    from PIL import Image
    from pyzbar.pyzbar import ZBarSymbol, decode

    with Image.open(io.BytesIO(png)) as image:
        return [symbol.data.decode("utf-8") for symbol in decode(image.convert("L"), symbols=[ZBarSymbol.QRCODE])]


def set_width(drv, width: int) -> None:
    drv.set_window_size(width, 1000)


def screenshot(drv, name: str, width: int) -> bytes:
    """The visible part of the page at `width`, saved for review and returned as PNG."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    png = drv.get_screenshot_as_png()
    (SCREENSHOTS / f"{name}-{width}.png").write_bytes(png)
    return png


def full_page_screenshots(drv, name: str) -> None:
    """The whole page at each width, for a reviewer (the window grows to the page's height)."""
    for width in WIDTHS:
        set_width(drv, width)
        height = drv.execute_script("return document.documentElement.scrollHeight")
        drv.set_window_size(width, max(600, min(int(height) + 140, 4000)))
        screenshot(drv, name, width)
    set_width(drv, WIDTHS[0])


def test_acc8_enrolment_qr_code_decodes_to_the_pages_otpauth_uri(driver, base_url, make_customer):
    """ACC-8: zbar reads the QR code Chromium draws at 1366 and 390 px as exactly the page's
    otpauth:// URI; pyotp builds its authenticator from that URI, and its code turns two-factor on."""
    drv = driver
    c = make_customer("e2eqr")
    sign_in(drv, base_url, c.username, c.password)
    drv.get(base_url + "/security")
    click(drv, "#totp-start-submit")
    qr = wait_for(drv, "#totp-qr svg")
    assert qr.get_attribute("role") == "img"
    assert "authenticator app" in (qr.get_attribute("aria-label") or "")

    uri = wait_for(drv, "#totp-uri").get_attribute("href")
    secret = value(drv, "#totp-secret")
    assert uri.startswith("otpauth://totp/TrustDesk"), uri
    assert parse_qs(urlsplit(uri).query)["secret"] == [secret]

    decoded_at = {}
    for width in WIDTHS:
        set_width(drv, width)
        drv.execute_script("arguments[0].scrollIntoView({block: 'center'});", qr)
        decoded_at[width] = decode_qr_codes(screenshot(drv, "security-enrolment-qr", width))
    assert decoded_at == {width: [uri] for width in WIDTHS}, decoded_at
    full_page_screenshots(drv, "security-enrolment")

    # The authenticator a phone would make from the scanned code.
    totp = pyotp.parse_uri(decoded_at[390][0])
    assert isinstance(totp, pyotp.TOTP)
    assert (totp.secret, totp.issuer, totp.digits, totp.interval) == (secret, "TrustDesk", 6, 30)
    assert totp.name.endswith(c.username), totp.name  # pyotp keeps the "TrustDesk:" of an encoded label
    code = fresh_totp(totp.secret)
    assert totp.verify(code)
    fill(drv, "#totp-confirm-form", code=code)
    click(drv, "#totp-confirm-submit")
    mark_totp_used(totp.secret)
    codes = value(drv, "#recovery-codes").split()
    assert len(codes) == 10 and len(set(codes)) == 10, codes
    assert wait_for(drv, "#two-factor-status").text.strip() == "enabled"
    assert not drv.find_elements(*_by_css("#totp-qr")), "the QR code is gone once two-factor is on"
    full_page_screenshots(drv, "security-recovery-codes")


def clipboard_text(drv) -> str | None:
    """What the page's clipboard holds, or None where headless Chromium gives no clipboard."""
    return drv.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "navigator.clipboard.readText().then(done, () => done(null));")


def test_sec1_secret_shown_once_copies_with_the_script_and_stays_usable_without_it(driver, base_url, make_customer):
    """SEC-1: a new API key's secret sits in a read-only field with a "shown once" warning; our
    script reveals a copy button that copies it; with scripts off the button stays hidden and the
    field still holds the secret to select by hand; reloading the page shows it no more."""
    drv = driver
    c = make_customer("e2ecopy")
    sign_in(drv, base_url, c.username, c.password)
    credentials = f"{base_url}/console/accounts/{c.account_sid}/credentials"
    drv.get(credentials)
    fill(drv, "#key-form", friendly_name="Copy test key")
    click(drv, "#key-submit")

    field = wait_for(drv, "#key-secret")
    secret = field.get_attribute("value")
    assert secret.startswith("tdks_"), secret
    assert field.get_attribute("readonly") is not None
    assert "Shown once." in wait_for(drv, "#key-secret-once").text
    button = wait_for(drv, 'button[data-copy="key-secret"]')
    assert button.is_displayed(), "the copy script reveals the button"
    full_page_screenshots(drv, "credentials-new-key")

    drv.execute_cdp_cmd("Browser.grantPermissions", {
        "origin": base_url, "permissions": ["clipboardReadWrite", "clipboardSanitizedWrite"]})
    button.click()
    status = wait_for(drv, "#key-secret-copied")
    from selenium.webdriver.support.ui import WebDriverWait

    WebDriverWait(drv, 10).until(lambda d: status.text.strip() != "")
    assert status.text.strip() in ("Copied.", "Selected: press Ctrl+C (or Cmd+C) to copy."), status.text
    if status.text.strip() == "Copied.":
        assert clipboard_text(drv) in (secret, None)

    # Without scripts the page is the same but for the button.
    drv.execute_cdp_cmd("Emulation.setScriptExecutionDisabled", {"value": True})
    drv.get(credentials)
    assert secret not in drv.page_source, "the secret is shown once only"
    fill(drv, "#key-form", friendly_name="No script key")
    click(drv, "#key-submit")
    field = wait_for(drv, "#key-secret")
    assert field.get_attribute("value").startswith("tdks_")
    assert field.get_attribute("readonly") is not None
    assert not wait_for(drv, 'button[data-copy="key-secret"]').is_displayed()
    drv.execute_cdp_cmd("Emulation.setScriptExecutionDisabled", {"value": False})
