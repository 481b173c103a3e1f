"""End-to-end checks of privacy operations (PRV-1..PRV-9): a demo owner's export is a valid zip
whose manifest matches, corrections and opt-out work from the console, the public request form
answers alike for every address, the demo's closed account was de-identified while the held one
was not, the API answers match openapi.yaml, and the server log holds no demo personal data."""

from __future__ import annotations

import hashlib
import io
import json
import re
import time
import zipfile

from helpers import (
    DEMO_PASSWORD,
    DEMO_STAFF_TOTP_SECRET,
    Page,
    WebClient,
    assert_api_error,
    csrf_token,
    path_of,
    unique,
    validate_schema,
)


def _signed_in(base_url: str, username: str, password: str = DEMO_PASSWORD) -> WebClient:
    web = WebClient(base_url)
    r = web.sign_in(username, password)
    assert path_of(r).startswith("/console"), f"{username} did not reach the console: {r.url}"
    return web


def _staff(base_url: str, username: str) -> WebClient:
    web = WebClient(base_url)
    r = web.sign_in(username, DEMO_PASSWORD, DEMO_STAFF_TOTP_SECRET)
    assert path_of(r).startswith("/staff"), f"{username} did not reach the staff console: {r.url}"
    return web


def test_prv2_demo_owner_exports_a_valid_zip(base_url, acme_sid, acme_auth, mail):
    """PRV-2, PRV-9: Acme's owner asks for the account's export with the password; the zip
    passes zipfile.testzip(), its manifest counts and SHA-256s match its files, it holds no other
    tenant's rows (SEC-3), the link works once, and the API's report names the zip's hash."""
    web = _signed_in(base_url, "avery")
    page = web.page("/console/privacy")
    assert page.has("holdings"), "the privacy page lists what is held"
    r = web.submit(page, "privacy-request-form", type="export", scope=acme_sid, password=DEMO_PASSWORD)
    assert r.status_code == 200, r.text[:2000]
    ready = mail("avery@acme-rockets.example.com", subject="Your data export is ready", timeout=90)
    link = re.search(r"https?://\S+/privacy/exports/[0-9a-f-]+\?token=[A-Za-z0-9_]+", ready.body)
    assert link, ready.body
    anonymous = WebClient(base_url)
    download_page = anonymous.page(link.group(0))
    r = anonymous.submit(download_page, "download-form")
    assert r.status_code == 200 and r.headers["Content-Type"].startswith("application/zip"), r.text[:500]
    archive = zipfile.ZipFile(io.BytesIO(r.content))
    assert archive.testzip() is None
    manifest = json.loads(archive.read("manifest.json"))
    assert any(f["name"] == "tickets.csv" for f in manifest["files"]), manifest
    for entry in manifest["files"]:
        data = archive.read(entry["name"])
        assert hashlib.sha256(data).hexdigest() == entry["sha256"], entry["name"]
        if entry["name"].endswith(".json"):
            assert len(json.loads(data)) == entry["rows"], entry["name"]
    everything = b"".join(archive.read(name) for name in archive.namelist()).decode()
    assert acme_sid in everything
    assert "blueharbor.example.com" not in everything and "Blue Harbor" not in everything, "SEC-3"
    again = anonymous.submit(download_page, "download-form")
    assert again.status_code == 410 and "Error 20015" in again.text

    listed = requests_get(base_url, f"/v1/Accounts/{acme_sid}/PrivacyRequests", acme_auth)
    assert listed.status_code == 200, listed.text
    validate_schema(listed.json(), "PrivacyRequestList")
    export = next(p for p in listed.json()["privacy_requests"] if p["type"] == "export" and p["status"] == "complete")
    report = requests_get(base_url, f"/v1/Accounts/{acme_sid}/PrivacyRequests/{export['sid']}/Report", acme_auth)
    validate_schema(report.json(), "PrivacyReport")
    assert report.json()["entries"][0]["archive_sha256"] == hashlib.sha256(r.content).hexdigest()


def requests_get(base_url: str, path: str, auth: tuple[str, str]):
    import requests

    return requests.get(base_url + path, auth=auth, timeout=30)


def test_prv3_api_errors_and_contract(base_url, acme_sid, acme_auth):
    """PRV-3: an unknown type is 20001; a usage deletion with a bad range is 20001; a good one
    answers as the contract says."""
    import requests

    r = requests.post(f"{base_url}/v1/Accounts/{acme_sid}/PrivacyRequests", auth=acme_auth, json={"type": "forget-me"}, timeout=30)
    assert_api_error(r, 400, 20001)
    r = requests.post(f"{base_url}/v1/Accounts/{acme_sid}/UsageDeletions", auth=acme_auth,
                      json={"from": "2026-03-01T00:00:00Z", "to": "2026-02-01T00:00:00Z"}, timeout=30)
    assert_api_error(r, 400, 20001)
    r = requests.post(f"{base_url}/v1/Accounts/{acme_sid}/UsageDeletions", auth=acme_auth,
                      json={"from": "2020-01-01T00:00:00Z", "to": "2021-01-01T00:00:00Z"}, timeout=30)
    assert r.status_code == 201, r.text
    validate_schema(r.json(), "UsageDeletion")


def test_prv2_customer_corrects_name(customer):
    """PRV-2: a customer corrects their name on the privacy page; it shows at once."""
    page = customer.web.page("/console/privacy")
    new_name = "E2E Corrected " + unique("n")
    r = customer.web.submit(page, "correct-form", full_name=new_name, email=customer.email)
    assert r.status_code == 200, r.text[:2000]
    assert new_name in customer.web.get("/console/privacy").text


def test_prv7_opted_out_customer_gets_no_announcement_but_a_reset(base_url, make_customer, mail, data_dir):
    """PRV-7: after opting out, an announcement never reaches the customer's mail folder while
    it reaches a teammate who opted in (demo: blake); a password reset still does."""
    person = make_customer("e2eopt")
    page = person.web.page("/console/privacy")
    person.web.submit(page, "marketing-form", marketing_opt_in="true")
    page = person.web.page("/console/privacy")
    # Unticked: a browser sends no field for an unticked checkbox.
    r = person.web.http.post(person.web.url("/console/privacy/marketing"), data={"csrf_token": csrf_token(page.text)}, timeout=30)
    assert r.status_code == 200 and "opted out" in r.text
    subject = "E2E news " + unique("s")
    admin = _staff(base_url, "staff.morgan")
    form = admin.page("/staff/privacy/announcements")
    r = admin.submit(form, "announcement-form", subject=subject, body="Spring features are here.")
    assert r.status_code == 200, r.text[:2000]
    mail("blake@acme-rockets.example.com", subject=subject, timeout=30)
    reset = WebClient(base_url)
    reset.submit(reset.page("/password/forgot"), "password-forgot-form", email=person.email)
    mail(person.email, subject="Reset your TrustDesk password", timeout=30)
    from pathlib import Path

    for path in (Path(data_dir) / "mail").glob("*.eml"):
        text = path.read_text(errors="replace")
        assert not (person.email in text and subject in text), f"announcement reached the opted-out customer: {path}"


def test_prv3_public_request_answers_alike(base_url):
    """PRV-3: the public request form answers the same for an unknown address and a known one."""
    web = WebClient(base_url)
    unknown = web.submit(web.page("/privacy/request"), "public-request-form", email=unique("nobody") + "@example.com", type="access")
    known = web.submit(web.page("/privacy/request"), "public-request-form", email="harper@blueharbor.example.com", type="access")
    assert unknown.status_code == known.status_code == 200
    assert Page(unknown.text).classes("notice") == Page(known.text).classes("notice")


def test_prv4_prv6_demo_closed_account_is_deidentified_and_held_one_untouched(base_url):
    """PRV-4, PRV-6: the demo account closed 61 days ago was de-identified by the first retention
    run; the one under legal hold kept its name; the ledger names the case."""
    admin = _staff(base_url, "staff.morgan")
    deadline = time.time() + 60
    def results(query: str) -> str:
        # The search box echoes the query; only the results count.
        return admin.get("/staff/accounts", params={"q": query}).text.split("<main", 1)[-1].replace(f'value="{query}"', "")

    while True:
        faded = results("Faded Ferns")
        if "Faded Ferns" not in faded or time.time() > deadline:
            break
        time.sleep(1)
    assert "Faded Ferns" not in faded, "the closed account still carries its name"
    assert "Held Harbor" in results("Held Harbor")
    r = WebClient(base_url).sign_in("fern.faded", DEMO_PASSWORD)
    assert not path_of(r).startswith("/console")
    holds = admin.page("/staff/privacy/holds")
    assert "LIT-2026-014" in holds.text


def test_prv8_underage_report_answers_alike(base_url):
    """PRV-8: a report about an unknown user gets the same answer as one about a known user."""
    web = WebClient(base_url)
    details = "I believe this user is a child who signed up without a parent."
    a = web.submit(web.page("/privacy/report-underage"), "underage-form", reported="no-such-user-" + unique("u"),
                   reporter_email="parent@example.com", details=details)
    b = web.submit(web.page("/privacy/report-underage"), "underage-form", reported="jordan",
                   reporter_email="parent@example.com", details=details)
    assert a.status_code == b.status_code == 200
    assert Page(a.text).text_of("underage-sent") == Page(b.text).text_of("underage-sent")


DEMO_PERSONAL = [
    "Avery Stone", "Blake Ito", "Casey Lund", "Drew Patel", "Emery Cole", "Harper Vance", "Jordan Blake",
    "Alex Moreno", "Taylor Reed", "Parker Quinn", "Quinn Adler", "Riley Shaw", "Sam Okafor", "Morgan Hale",
    "Robin Pending", "Fern Faded", "Hal Held",
]


def _without_demo_banner(text: str) -> str:
    """The log without the `--demo` banner: the banner is the operator's own sign-in sheet on
    standard output (demo users, the desk's own support line), not a log line."""
    kept, in_banner = [], False
    for line in text.splitlines():
        if line.startswith("TrustDesk demo world"):
            in_banner = True
            continue
        if in_banner and line.startswith(" "):
            continue
        in_banner = False
        kept.append(line)
    return "\n".join(kept)


def test_prv9_server_log_holds_no_demo_personal_data(server_log):
    """PRV-9: logs hold IDs, not personal data: no demo email address, full name or phone number
    in the server log of the run so far (this file runs after the API, browser and web tests)."""
    text = _without_demo_banner(server_log.read_text(errors="replace"))
    addresses = sorted(set(re.findall(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.(?:com|net|org|invalid)", text)))
    assert not addresses, f"email addresses in the server log: {addresses[:10]}"
    for name in DEMO_PERSONAL:
        assert name not in text, f"{name} in the server log"
    assert not re.search(r"\+?1?[ -]?555[ -]?01\d\d", text), "a demo phone number in the server log"
