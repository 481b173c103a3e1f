"""End-to-end checks of the HTML flows over plain HTTP (requests.Session): sign-up confirmation
(ACC-3), password reset (ACC-5), forgotten username (ACC-6), recovery codes (ACC-8), CSRF (SEC-5)."""

from __future__ import annotations

import re
from pathlib import Path

from helpers import (
    ACCOUNT_SID_RE,
    Page,
    WebClient,
    find_link,
    fresh_totp,
    path_of,
    sign_up,
    unique,
)


def test_acc3_signup_confirmation_creates_account(base_url, customer, mail):
    """ACC-3: sign-up mails a confirmation link under TRUSTDESK_PUBLIC_URL; confirming creates the
    account (an AC SID) and its owner user, who can sign in to the console."""
    assert ACCOUNT_SID_RE.match(customer.account_sid)
    assert customer.confirm_link.startswith(base_url + "/signup/confirm?token="), customer.confirm_link
    confirmation = mail(customer.email, subject="Confirm your email address")
    assert customer.confirm_link in confirmation.body
    r = customer.web.get("/console")
    assert r.status_code == 200, r.text[:2000]
    assert path_of(r) == f"/console/accounts/{customer.account_sid}", r.url
    page = Page(r.text, r.url)
    assert page.has("account-page")
    assert page.text_of("account-sid").strip() == customer.account_sid


def test_std6_signup_country_and_phone_are_validated_and_kept(base_url):
    """STD-6: the sign-up form takes a country code and an E.164 phone; a bad one is a clear
    20001 error and the form keeps what was typed."""
    web = WebClient(base_url)
    name = unique("e2evet")
    page = web.page("/signup")
    r = web.submit(page, "signup-form", full_name=f"E2E {name}", email=f"{name}@example.com", username=name,
                   password="Pw-" + unique("v"), account_name=f"E2E Org {name}", country="XX", phone="020 7946 0000")
    assert r.status_code == 400, f"{r.status_code}:\n{r.text[:2000]}"
    assert "Error 20001:" in r.text and "country:" in r.text, r.text[:2000]
    again = Page(r.text, r.url)
    assert 'value="XX"' in r.text and 'value="020 7946 0000"' in r.text, r.text[:2000]
    r = web.submit(again, "signup-form", full_name=f"E2E {name}", email=f"{name}@example.com", username=name,
                   password="Pw-" + unique("v"), account_name=f"E2E Org {name}", country="GB", phone="020 7946 0000")
    assert r.status_code == 400 and "phone:" in r.text and "E.164" in r.text, r.text[:2000]


def test_acc3_no_sign_in_before_confirmation(base_url, data_dir):
    """ACC-3: sign-up alone creates no account: the user can't sign in until the link is used."""
    web = WebClient(base_url)
    pending, _ = sign_up(web, data_dir, prefix="e2epend")
    r = WebClient(base_url).sign_in(pending.username, pending.password)
    assert not path_of(r).startswith("/console"), f"signed in before confirming: {r.url}"
    assert Page(r.text).classes("error") or r.status_code >= 400, r.text[:2000]


def test_acc3_confirmation_link_is_single_use_20015(base_url, customer):
    """ACC-3: the confirmation link works once; used again it is refused with 410 / 20015."""
    web = WebClient(base_url)
    r = web.get(customer.confirm_link)
    if r.status_code == 200 and Page(r.text).has("confirm-form"):
        r = web.submit(Page(r.text, r.url), "confirm-form")
    assert r.status_code == 410, f"{r.status_code} {r.url}:\n{r.text[:2000]}"
    assert "20015" in r.text
    assert not Page(r.text).has("account-created")


def test_acc3_unknown_confirmation_token_is_refused(base_url):
    """ACC-3: a made-up confirmation token creates nothing."""
    web = WebClient(base_url)
    r = web.get("/signup/confirm?token=" + unique("bogus"))
    if r.status_code == 200 and Page(r.text).has("confirm-form"):
        r = web.submit(Page(r.text, r.url), "confirm-form")
    assert r.status_code in (400, 404, 410), f"{r.status_code}:\n{r.text[:2000]}"
    assert not Page(r.text).has("account-created")


def test_sec5_post_without_csrf_token_is_403_20013(base_url):
    """SEC-5: a form post without its csrf_token is refused with 403 / 20013."""
    web = WebClient(base_url)
    web.get("/signin")
    r = web.http.post(base_url + "/signin", data={"username": "avery", "password": "demo-password-2026"},
                      timeout=30, allow_redirects=False)
    assert r.status_code == 403, f"{r.status_code} {r.headers.get('Location')}"
    assert "20013" in r.text


def test_sec5_post_with_foreign_csrf_token_is_403_20013(base_url, csrf):
    """SEC-5: a csrf_token taken from another browser session is refused (403 / 20013)."""
    other = WebClient(base_url)
    token = csrf(other.get("/signin").text)
    web = WebClient(base_url)
    web.get("/signin")
    r = web.http.post(base_url + "/signin", timeout=30, allow_redirects=False,
                      data={"csrf_token": token, "username": "avery", "password": "demo-password-2026"})
    assert r.status_code == 403, f"{r.status_code} {r.headers.get('Location')}"
    assert "20013" in r.text


def test_acc6_forgot_username_same_answer_and_mail(base_url, customer, mail, data_dir):
    """ACC-6: /username/forgot answers the same for a known and an unknown address, and mails
    the usernames to the known one."""
    before = set((Path(data_dir) / "mail").glob("*.eml"))
    answers = []
    for address in (customer.email, unique("nobody") + "@example.com"):
        web = WebClient(base_url)
        r = web.submit(web.page("/username/forgot"), with_field="email", email=address)
        assert r.status_code == 200, r.text[:2000]
        assert Page(r.text).has("username-requested"), r.text[:2000]
        # The page repeats the address that was typed; apart from it, the answers are identical.
        answers.append(Page(r.text).text_of("username-requested").replace(address, "<address>"))
    assert answers[0] == answers[1]
    reminder = mail(customer.email, contains=customer.username, exclude=before)
    assert "/signup/confirm" not in reminder.body


def test_acc5_password_reset_link_ends_sessions_and_is_single_use(base_url, make_customer, mail):
    """ACC-5: /password/forgot answers alike for known and unknown addresses; the mailed link
    sets a new password, warns about API/SMTP integrations, ends every session, and works once."""
    c = make_customer("e2ereset")
    answers = []
    for address in (c.email, unique("nobody") + "@example.com"):
        web = WebClient(base_url)
        r = web.submit(web.page("/password/forgot"), with_field="email", email=address)
        assert r.status_code == 200, r.text[:2000]
        assert Page(r.text).has("reset-requested"), r.text[:2000]
        answers.append(Page(r.text).text_of("reset-requested").replace(address, "<address>"))
    assert answers[0] == answers[1]

    reset_mail = mail(c.email, contains="/password/reset?token=")
    link = find_link(reset_mail.body, "/password/reset")
    assert link.startswith(base_url + "/password/reset?token="), link
    assert re.search(r"\bAPI\b", reset_mail.body) and "SMTP" in reset_mail.body, \
        f"ACC-5: the reset mail must warn about API and SMTP integrations:\n{reset_mail.body}"

    web = WebClient(base_url)
    page = web.page(link)
    assert re.search(r"\bAPI\b", page.text) and "SMTP" in page.text, "ACC-5: the reset page must warn too"
    new_password = "New-" + unique("pw")
    r = web.submit(page, with_field="password_confirmation", password=new_password,
                   password_confirmation=new_password)
    assert r.status_code == 200, f"{r.status_code}:\n{r.text[:2000]}"
    assert not Page(r.text).classes("error"), r.text[:2000]

    # Every session of the user ended: the old signed-in session is back at sign-in.
    r = c.web.get("/console")
    assert not path_of(r).startswith("/console"), f"old session still works: {r.url}"

    # Old password no longer works, the new one does.
    r = WebClient(base_url).sign_in(c.username, c.password)
    assert not path_of(r).startswith("/console"), r.url
    r = WebClient(base_url).sign_in(c.username, new_password)
    assert path_of(r).startswith("/console"), f"{r.url}:\n{r.text[:2000]}"

    # The link is single use.
    again = WebClient(base_url)
    r = again.get(link)
    if r.status_code == 200 and 'name="password_confirmation"' in r.text:
        r = again.submit(Page(r.text, r.url), with_field="password_confirmation",
                         password="Other-" + new_password, password_confirmation="Other-" + new_password)
    assert r.status_code == 410, f"{r.status_code}:\n{r.text[:2000]}"
    assert "20015" in r.text


def test_acc8_totp_enrolment_and_single_use_recovery_code(base_url, make_customer):
    """ACC-8: a customer enrols TOTP on /security, gets recovery codes, and can sign in with a
    recovery code exactly once."""
    c = make_customer("e2etotp")
    web = c.web
    page = web.page("/security")
    assert page.text_of("two-factor-status").strip().lower() == "disabled"
    r = web.submit(page, "totp-start-form")
    assert r.status_code == 200, r.text[:2000]
    page = Page(r.text, r.url)
    secret = re.sub(r"\s+", "", page.text_of("totp-secret"))
    assert re.fullmatch(r"[A-Z2-7]{16,}=*", secret), secret
    code = fresh_totp(secret)
    r = web.submit(page, "totp-confirm-form", code=code)
    assert r.status_code == 200, r.text[:2000]
    codes = Page(r.text).text_of("recovery-codes").split()  # a read-only text area, one a line
    assert len(codes) >= 5, codes
    assert len(set(codes)) == len(codes)
    assert web.page("/security").text_of("two-factor-status").strip().lower() == "enabled"

    # Password alone no longer signs in: a second factor is asked for.
    fresh = WebClient(base_url)
    r = fresh.submit(fresh.page("/signin"), "signin-form", username=c.username, password=c.password)
    assert path_of(r) == "/signin/two-factor", r.url

    # A recovery code works once.
    r = WebClient(base_url).sign_in(c.username, c.password, code=codes[0])
    assert path_of(r).startswith("/console"), f"{r.url}:\n{r.text[:2000]}"
    r = WebClient(base_url).sign_in(c.username, c.password, code=codes[0])
    assert not path_of(r).startswith("/console"), "a recovery code worked twice"
    assert "20016" in r.text
