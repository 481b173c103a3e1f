"""End-to-end checks of the operational endpoints, staff sign-in and the /v1 REST API.

Each test names the rule of shared/DOMAIN.md it proves (ACC-*, SEC-*), or the contract section
(OPS for /healthz, /readyz, /metrics; API for the REST error contract)."""

from __future__ import annotations

import json
import re
import secrets
import time

import pyotp

import pytest

from helpers import (
    ACCOUNT_SID_RE,
    DEMO_PASSWORD,
    DEMO_STAFF_TOTP_SECRET,
    KEY_SID_RE,
    Page,
    WebClient,
    assert_api_error,
    csrf_token,
    fresh_totp,
    path_of,
    validate_schema,
)


def random_account_sid() -> str:
    return "AC" + secrets.token_hex(16)


def random_key_sid() -> str:
    return "SK" + secrets.token_hex(16)


# ---------------------------------------------------------------------------------------------
# OPS: health, readiness, metrics


def test_ops_healthz_is_200_status_ok(api):
    """OPS: /healthz answers 200 {"status":"ok"} without credentials."""
    r = api.get("/healthz")
    assert r.status_code == 200, r.text
    assert r.json() == {"status": "ok"}
    validate_schema(r.json(), "Health")


def test_ops_readyz_is_200_when_database_is_up(api):
    """OPS: /readyz answers 200 while the database is up."""
    r = api.get("/readyz")
    assert r.status_code == 200, r.text


_PROM_LINE = re.compile(
    r"^[a-zA-Z_:][a-zA-Z0-9_:]*(\{.*\})?\s+[-+]?([0-9.eE+-]+|NaN|[+-]?Inf)(\s+-?[0-9]+)?$")


def test_ops_metrics_is_prometheus_text(api):
    """OPS: /metrics is Prometheus text exposition: comments or `name{labels} value` samples."""
    api.get("/healthz")
    r = api.get("/metrics")
    assert r.status_code == 200, r.text[:500]
    assert r.headers.get("Content-Type", "").startswith("text/plain"), r.headers
    for line in r.text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        assert _PROM_LINE.match(line), f"not a Prometheus sample line: {line!r}"


# ---------------------------------------------------------------------------------------------
# ACC-8 / SEC-3 / SEC-5: staff sign-in with TOTP (demo staff, plain requests.Session)


def test_acc8_staff_signin_with_totp_reaches_staff_console(base_url):
    """ACC-8: a staff user signs in with password then a TOTP code (demo secret) and lands on /staff.
    SEC-5: every form carries a hidden csrf_token that the post must echo."""
    web = WebClient(base_url)
    form = web.get("/signin")
    assert form.status_code == 200
    token = csrf_token(form.text)
    r = web.http.post(base_url + "/signin", timeout=30, data={
        "csrf_token": token, "username": "staff.alex", "password": DEMO_PASSWORD})
    assert path_of(r) == "/signin/two-factor", f"ended at {r.url} ({r.status_code})"
    assert Page(r.text).has("two-factor-form")
    r = web.http.post(base_url + "/signin/two-factor", timeout=30, data={
        "csrf_token": csrf_token(r.text), "code": fresh_totp(DEMO_STAFF_TOTP_SECRET, user="staff.alex")})
    assert r.status_code == 200, r.text[:2000]
    assert path_of(r).startswith("/staff"), f"ended at {r.url}"
    # The signed-in page offers sign-out (header nav).
    assert Page(r.text).has("signout-form")


def test_acc8_staff_wrong_totp_code_is_refused_20016(base_url):
    """ACC-8: a wrong two-factor code is refused with an `.error` carrying 20016; no staff console."""
    web = WebClient(base_url)
    r = web.submit(web.page("/signin"), "signin-form", username="staff.taylor", password=DEMO_PASSWORD)
    assert path_of(r) == "/signin/two-factor", r.url
    now = int(time.time())
    good = {pyotp.TOTP(DEMO_STAFF_TOTP_SECRET).at(t) for t in range(now - 90, now + 91, 30)}
    wrong = next(c for c in ("000000", "123456", "999999", "424242") if c not in good)
    r = web.submit(Page(r.text, r.url), "two-factor-form", code=wrong)
    assert not path_of(r).startswith("/staff"), r.url
    page = Page(r.text)
    assert page.classes("error"), f"no .error element:\n{r.text[:2000]}"
    assert "20016" in " ".join(page.classes("error")) or "20016" in r.text
    r = web.get("/staff/accounts?q=Acme")
    assert not Page(r.text).has("account-results")


def test_sec3_staff_account_search_and_detail(base_url, acme_sid):
    """SEC-3: a staff admin finds Acme by name and sees its users on the staff account page."""
    web = WebClient(base_url)
    r = web.sign_in("staff.morgan", DEMO_PASSWORD, DEMO_STAFF_TOTP_SECRET)
    assert path_of(r).startswith("/staff"), r.url
    r = web.get("/staff/accounts", params={"q": "Acme"})
    assert r.status_code == 200, r.text[:2000]
    page = Page(r.text, r.url)
    assert acme_sid in page.text_of("account-results")
    r = web.get(f"/staff/accounts/{acme_sid}")
    assert r.status_code == 200, r.text[:2000]
    page = Page(r.text, r.url)
    assert page.text_of("account-sid").strip() == acme_sid
    assert "avery" in page.text_of("account-users")


def test_sec3_customer_cannot_use_staff_console(customer):
    """SEC-3: a signed-in customer does not get the staff console."""
    r = customer.web.get("/staff/accounts", params={"q": "Acme"})
    assert not Page(r.text).has("account-results"), f"customer saw staff search ({r.status_code} {r.url})"
    assert r.status_code in (401, 403, 404) or not path_of(r).startswith("/staff"), (r.status_code, r.url)


# ---------------------------------------------------------------------------------------------
# ACC-7: HTTP Basic with account SID + auth token or key SID + secret


def test_acc7_account_sid_and_auth_token_fetch_own_account(api, acme_auth, acme_sid):
    """ACC-7: Basic auth with the account SID and auth token reads the account (ACC-1 SID shape)."""
    r = api.get(f"/v1/Accounts/{acme_sid}", auth=acme_auth)
    assert r.status_code == 200, r.text
    assert r.headers["Content-Type"].startswith("application/json")
    body = r.json()
    validate_schema(body, "Account")
    assert body["sid"] == acme_sid
    assert ACCOUNT_SID_RE.match(body["sid"])
    assert body["friendly_name"] == "Acme Rockets"
    assert body["owner_account_sid"] is None
    assert body["status"] == "active"
    assert "auth_token" not in body, "SEC-1: the auth token is shown only once"


def test_acc7_wrong_token_is_401_20003(api, acme_sid):
    """ACC-7: a wrong auth token for a real account is 401 / 20003 with a Basic challenge."""
    r = api.get(f"/v1/Accounts/{acme_sid}", auth=(acme_sid, "not-the-token"))
    assert_api_error(r, 401, 20003)


def test_acc7_unknown_account_and_wrong_token_answer_alike(api, acme_sid):
    """ACC-7: the 401 never tells whether the account exists: same code and message either way."""
    other = random_account_sid()
    known = assert_api_error(api.get(f"/v1/Accounts/{acme_sid}", auth=(acme_sid, "wrong")), 401, 20003)
    unknown = assert_api_error(api.get(f"/v1/Accounts/{other}", auth=(other, "wrong")), 401, 20003)
    assert known["message"] == unknown["message"]
    assert known["more_info"] == unknown["more_info"]


def test_acc7_unknown_key_sid_is_401_20003(api, acme_sid):
    """ACC-7: an unknown API key SID is 401 / 20003."""
    r = api.get(f"/v1/Accounts/{acme_sid}", auth=(random_key_sid(), "whatever"))
    assert_api_error(r, 401, 20003)


def test_acc7_missing_credentials_is_401_20003(api, acme_sid):
    """ACC-7: no Authorization header is 401 / 20003 with WWW-Authenticate: Basic."""
    assert_api_error(api.get(f"/v1/Accounts/{acme_sid}"), 401, 20003)


@pytest.mark.parametrize("user", ["not-a-sid", "", "US" + "0" * 32])
def test_acc7_basic_user_that_is_no_account_or_key_sid_is_401_20003(api, acme_sid, user):
    """ACC-7: a Basic user that is neither an AC nor an SK SID is 401 / 20003."""
    assert_api_error(api.get(f"/v1/Accounts/{acme_sid}", auth=(user, "x")), 401, 20003)


def test_acc7_non_basic_authorization_is_401_20003(api, acme_sid):
    """ACC-7: a Bearer (non-Basic) Authorization header is 401 / 20003."""
    r = api.get(f"/v1/Accounts/{acme_sid}", headers={"Authorization": "Bearer abc"})
    assert_api_error(r, 401, 20003)


@pytest.mark.parametrize("bad_sid", [
    "ACnothex",
    "AC" + "g" * 32,
    "AC" + "0" * 31,
    "AC" + "0" * 33,
    "SK" + "0" * 32,
    "ac" + "0" * 32,
])
def test_acc1_malformed_account_sid_is_400_20002(api, acme_auth, bad_sid):
    """ACC-1: a malformed AccountSid in the path is 400 / 20002 (401 / 20003 is also acceptable)."""
    r = api.get(f"/v1/Accounts/{bad_sid}", auth=acme_auth)
    assert_api_error(r, (400, 401), (20002, 20003))
    if r.status_code == 400:
        assert r.json()["code"] == 20002


def test_acc1_malformed_key_sid_is_400_20002(api, acme_auth, acme_sid):
    """ACC-1: a malformed KeySid in the path is 400 / 20002."""
    r = api.get(f"/v1/Accounts/{acme_sid}/Keys/SKnothex", auth=acme_auth)
    assert_api_error(r, 400, 20002)


# ---------------------------------------------------------------------------------------------
# ACC-2: subaccounts


def test_acc2_subaccount_list_holds_acme_eu(api, acme_auth, acme_sid):
    """ACC-2: Acme owns the subaccount "Acme Rockets EU"; the list has page metadata."""
    r = api.get(f"/v1/Accounts/{acme_sid}/Subaccounts", auth=acme_auth)
    assert r.status_code == 200, r.text
    body = r.json()
    validate_schema(body, "SubaccountList")
    names = {a["friendly_name"]: a for a in body["subaccounts"]}
    assert "Acme Rockets EU" in names, names
    eu = names["Acme Rockets EU"]
    assert eu["owner_account_sid"] == acme_sid
    assert eu["sid"] != acme_sid
    assert body["meta"]["page_size"] == 50
    for a in body["subaccounts"]:
        assert "auth_token" not in a, "SEC-1: auth tokens are never listed"


def test_acc2_parent_credential_acts_on_subaccount(api, acme_auth, acme_sid):
    """ACC-2 / ACC-7: the parent's credential may read its subaccount."""
    subs = api.get(f"/v1/Accounts/{acme_sid}/Subaccounts", auth=acme_auth).json()["subaccounts"]
    eu = next(a for a in subs if a["friendly_name"] == "Acme Rockets EU")
    r = api.get(f"/v1/Accounts/{eu['sid']}", auth=acme_auth)
    assert r.status_code == 200, r.text
    assert r.json()["sid"] == eu["sid"]
    assert r.json()["owner_account_sid"] == acme_sid


@pytest.fixture(scope="module")
def new_subaccount(api, acme_auth, acme_sid):
    r = api.post(f"/v1/Accounts/{acme_sid}/Subaccounts", auth=acme_auth, json={"friendly_name": "E2E Sub"})
    assert r.status_code == 201, r.text
    return r.json()


def test_acc2_create_subaccount_shows_auth_token_once(api, acme_auth, acme_sid, new_subaccount):
    """ACC-2 / SEC-1: POST Subaccounts is 201 with the new account and its auth token, shown once."""
    body = new_subaccount
    validate_schema(body, "AccountWithAuthToken")
    assert body["owner_account_sid"] == acme_sid
    assert body["friendly_name"] == "E2E Sub"
    assert body["auth_token"]
    again = api.get(f"/v1/Accounts/{body['sid']}", auth=acme_auth)
    assert again.status_code == 200
    assert "auth_token" not in again.json()


def test_acc7_subaccount_auth_token_works(api, new_subaccount):
    """ACC-7: the new subaccount's SID + auth token authenticate for that subaccount."""
    r = api.get(f"/v1/Accounts/{new_subaccount['sid']}", auth=(new_subaccount["sid"], new_subaccount["auth_token"]))
    assert r.status_code == 200, r.text
    assert r.json()["sid"] == new_subaccount["sid"]


def test_sec3_subaccount_credential_cannot_read_parent(api, acme_sid, new_subaccount):
    """SEC-3: a subaccount's credential does not reach its parent (404 / 20404, or 403 / 20006)."""
    r = api.get(f"/v1/Accounts/{acme_sid}", auth=(new_subaccount["sid"], new_subaccount["auth_token"]))
    assert_api_error(r, (403, 404), (20006, 20404))


def test_sec3_subaccount_credential_cannot_read_sibling(api, acme_auth, acme_sid, new_subaccount):
    """SEC-3: a subaccount's credential does not reach a sibling subaccount."""
    subs = api.get(f"/v1/Accounts/{acme_sid}/Subaccounts", auth=acme_auth).json()["subaccounts"]
    eu = next(a for a in subs if a["friendly_name"] == "Acme Rockets EU")
    r = api.get(f"/v1/Accounts/{eu['sid']}", auth=(new_subaccount["sid"], new_subaccount["auth_token"]))
    assert_api_error(r, (403, 404), (20006, 20404))


def test_api_subaccount_pagination_walks_every_page_once(api, acme_auth, acme_sid):
    """ACC-2 / API: page_size and page_token walk all subaccounts, each exactly once."""
    for i in range(2):
        r = api.post(f"/v1/Accounts/{acme_sid}/Subaccounts", auth=acme_auth, json={"friendly_name": f"E2E Page {i}"})
        assert r.status_code == 201, r.text
    full = api.get(f"/v1/Accounts/{acme_sid}/Subaccounts", auth=acme_auth, params={"page_size": 1000}).json()
    expected = {a["sid"] for a in full["subaccounts"]}
    assert len(expected) >= 3
    seen: list[str] = []
    params = {"page_size": 1}
    for _ in range(len(expected) + 2):
        r = api.get(f"/v1/Accounts/{acme_sid}/Subaccounts", auth=acme_auth, params=params)
        assert r.status_code == 200, r.text
        body = r.json()
        validate_schema(body, "SubaccountList")
        assert body["meta"]["page_size"] == 1
        assert len(body["subaccounts"]) <= 1
        seen += [a["sid"] for a in body["subaccounts"]]
        token = body["meta"]["next_page_token"]
        if token is None:
            break
        params = {"page_size": 1, "page_token": token}
    else:
        pytest.fail("next_page_token never became null")
    assert len(seen) == len(set(seen)), f"a subaccount came twice: {seen}"
    assert set(seen) == expected


@pytest.mark.parametrize("page_size", ["abc", "0", "-1"])
def test_api_invalid_page_size_is_400_20001(api, acme_auth, acme_sid, page_size):
    """API: an invalid page_size is 400 / 20001 (invalid parameter)."""
    r = api.get(f"/v1/Accounts/{acme_sid}/Subaccounts", auth=acme_auth, params={"page_size": page_size})
    assert_api_error(r, 400, 20001)


# ---------------------------------------------------------------------------------------------
# ACC-7 / SEC-1: API keys


def test_acc7_api_key_lifecycle(api, acme_auth, acme_sid):
    """ACC-7 / SEC-1: a key created by API authenticates, never shows its secret again, and once
    deleted is refused with 401 / 20003."""
    r = api.post(f"/v1/Accounts/{acme_sid}/Keys", auth=acme_auth, json={"friendly_name": "E2E lifecycle"})
    assert r.status_code == 201, r.text
    key = r.json()
    validate_schema(key, "KeyWithSecret")
    assert KEY_SID_RE.match(key["sid"])
    assert key["account_sid"] == acme_sid
    assert key["friendly_name"] == "E2E lifecycle"
    key_auth = (key["sid"], key["secret"])

    r = api.get(f"/v1/Accounts/{acme_sid}", auth=key_auth)
    assert r.status_code == 200, r.text
    assert r.json()["sid"] == acme_sid

    r = api.get(f"/v1/Accounts/{acme_sid}/Keys/{key['sid']}", auth=acme_auth)
    assert r.status_code == 200, r.text
    validate_schema(r.json(), "Key")
    assert "secret" not in r.json()

    r = api.get(f"/v1/Accounts/{acme_sid}/Keys", auth=acme_auth)
    assert r.status_code == 200, r.text
    listing = r.json()
    validate_schema(listing, "KeyList")
    assert key["sid"] in {k["sid"] for k in listing["keys"]}
    assert all("secret" not in k for k in listing["keys"])

    r = api.delete(f"/v1/Accounts/{acme_sid}/Keys/{key['sid']}", auth=acme_auth)
    assert r.status_code == 204, r.text
    assert r.content == b""

    assert_api_error(api.get(f"/v1/Accounts/{acme_sid}", auth=key_auth), 401, 20003)
    assert_api_error(api.get(f"/v1/Accounts/{acme_sid}/Keys/{key['sid']}", auth=acme_auth), 404, 20404)
    assert_api_error(api.delete(f"/v1/Accounts/{acme_sid}/Keys/{key['sid']}", auth=acme_auth), 404, 20404)


def test_acc7_key_with_wrong_secret_is_401_20003(api, acme_auth, acme_sid):
    """ACC-7: a real key SID with a wrong secret is 401 / 20003."""
    key = api.post(f"/v1/Accounts/{acme_sid}/Keys", auth=acme_auth, json={"friendly_name": "E2E wrong"}).json()
    assert_api_error(api.get(f"/v1/Accounts/{acme_sid}", auth=(key["sid"], key["secret"] + "x")), 401, 20003)


def test_acc7_console_created_key_authenticates(api, customer):
    """ACC-7: a key created on the console credentials page works for the customer's account."""
    r = api.get(f"/v1/Accounts/{customer.account_sid}", auth=(customer.key_sid, customer.key_secret))
    assert r.status_code == 200, r.text
    assert r.json()["sid"] == customer.account_sid
    assert r.json()["owner_account_sid"] is None


# ---------------------------------------------------------------------------------------------
# SEC-3: tenant isolation


def test_sec3_other_tenant_account_is_404_20404(api, acme_auth, acme_sid, customer):
    """SEC-3: another tenant's account SID is 404 / 20404, in both directions."""
    assert_api_error(api.get(f"/v1/Accounts/{acme_sid}", auth=(customer.key_sid, customer.key_secret)), 404, 20404)
    assert_api_error(api.get(f"/v1/Accounts/{customer.account_sid}", auth=acme_auth), 404, 20404)
    assert_api_error(api.get(f"/v1/Accounts/{acme_sid}/Keys", auth=(customer.key_sid, customer.key_secret)),
                     404, 20404)
    assert_api_error(api.get(f"/v1/Accounts/{acme_sid}/Subaccounts", auth=(customer.key_sid, customer.key_secret)),
                     404, 20404)


def test_sec3_other_tenant_cannot_create_or_delete(api, acme_auth, acme_sid, customer):
    """SEC-3: another tenant can neither create keys/subaccounts on Acme nor delete Acme's keys."""
    other = (customer.key_sid, customer.key_secret)
    assert_api_error(api.post(f"/v1/Accounts/{acme_sid}/Keys", auth=other, json={"friendly_name": "x"}), 404, 20404)
    assert_api_error(api.post(f"/v1/Accounts/{acme_sid}/Subaccounts", auth=other, json={"friendly_name": "x"}),
                     404, 20404)
    key = api.post(f"/v1/Accounts/{acme_sid}/Keys", auth=acme_auth, json={"friendly_name": "E2E victim"}).json()
    assert_api_error(api.delete(f"/v1/Accounts/{acme_sid}/Keys/{key['sid']}", auth=other), 404, 20404)
    # Nor through its own account path: the key is not its.
    assert_api_error(api.get(f"/v1/Accounts/{customer.account_sid}/Keys/{key['sid']}", auth=other), 404, 20404)
    assert api.get(f"/v1/Accounts/{acme_sid}/Keys/{key['sid']}", auth=acme_auth).status_code == 200


def test_sec3_unknown_account_is_404_20404_like_other_tenant(api, acme_auth):
    """SEC-3: a well-formed but unknown account SID answers exactly like another tenant's (404 / 20404)."""
    assert_api_error(api.get(f"/v1/Accounts/{random_account_sid()}", auth=acme_auth), 404, 20404)


def test_sec3_unknown_key_is_404_20404(api, acme_auth, acme_sid):
    """SEC-3: a well-formed but unknown key SID is 404 / 20404."""
    assert_api_error(api.get(f"/v1/Accounts/{acme_sid}/Keys/{random_key_sid()}", auth=acme_auth), 404, 20404)


# ---------------------------------------------------------------------------------------------
# API: request bodies and errors


def test_api_form_encoded_body_is_accepted(api, acme_auth, acme_sid):
    """API: application/x-www-form-urlencoded bodies work like JSON."""
    r = api.post(f"/v1/Accounts/{acme_sid}/Keys", auth=acme_auth, data={"friendly_name": "E2E form"})
    assert r.status_code == 201, r.text
    assert r.json()["friendly_name"] == "E2E form"


def test_api_unknown_field_is_400_20007(api, acme_auth, acme_sid):
    """API: unknown body fields are rejected with 400 / 20007, as JSON and as a form."""
    r = api.post(f"/v1/Accounts/{acme_sid}/Keys", auth=acme_auth, json={"friendly_name": "x", "colour": "red"})
    assert_api_error(r, 400, 20007)
    r = api.post(f"/v1/Accounts/{acme_sid}/Keys", auth=acme_auth, data={"friendly_name": "x", "colour": "red"})
    assert_api_error(r, 400, 20007)


def test_api_malformed_json_is_400_20009(api, acme_auth, acme_sid):
    """API: a malformed JSON body is 400 / 20009 as a JSON error."""
    r = api.post(f"/v1/Accounts/{acme_sid}/Keys", auth=acme_auth, data=b'{"friendly_name": ',
                 headers={"Content-Type": "application/json"})
    assert_api_error(r, 400, 20009)


def test_api_oversized_body_is_413_20008(api, acme_auth, acme_sid):
    """API: a 1 MB body is 413 / 20008 as a JSON error."""
    body = json.dumps({"friendly_name": "x" * (1024 * 1024)}).encode()
    r = api.post(f"/v1/Accounts/{acme_sid}/Keys", auth=acme_auth, data=body,
                 headers={"Content-Type": "application/json"})
    assert_api_error(r, 413, 20008)


def test_api_unsupported_media_type_is_415_20010(api, acme_auth, acme_sid):
    """API: a body that is neither JSON nor form-encoded is 415 / 20010."""
    r = api.post(f"/v1/Accounts/{acme_sid}/Keys", auth=acme_auth, data=b"friendly_name=x",
                 headers={"Content-Type": "text/plain"})
    assert_api_error(r, 415, 20010)


def test_api_unknown_route_is_404_20404(api, acme_auth, acme_sid):
    """API: an unknown /v1 route is a JSON 404 / 20404."""
    assert_api_error(api.get(f"/v1/Accounts/{acme_sid}/Nothing", auth=acme_auth), 404, 20404)


def test_api_method_not_allowed_is_405_20405(api, acme_auth, acme_sid):
    """API: a method a route does not have is 405 / 20405."""
    r = api.request("PUT", f"/v1/Accounts/{acme_sid}/Keys", auth=acme_auth, json={"friendly_name": "x"})
    assert_api_error(r, 405, 20405)
