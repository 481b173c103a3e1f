"""openapi.yaml against itself and against the running server.

- The repo-root openapi.yaml is a valid OpenAPI 3.1 document (runs without a server: `offline`).
- The server serves that same document at /openapi.yaml.
- `schemathesis run` over every operation of the contract (e2e/schemathesis.toml): every
  security scheme's credential, positive and negative modes, the stateful phase over the
  document's links, every default check, a fixed seed; any failure and a `missing_auth` or
  `missing_test_data` warning fail it. Set TRUSTDESK_E2E_SKIP_FUZZ=1 to leave it out.
"""

from __future__ import annotations

import base64
import os

import pytest
import yaml

import helpers
from helpers import OPENAPI_PATH, openapi_spec

API_OPERATIONS = {
    ("GET", "/v1/Accounts/{AccountSid}"),
    ("GET", "/v1/Accounts/{AccountSid}/Subaccounts"),
    ("POST", "/v1/Accounts/{AccountSid}/Subaccounts"),
    ("GET", "/v1/Accounts/{AccountSid}/Keys"),
    ("POST", "/v1/Accounts/{AccountSid}/Keys"),
    ("GET", "/v1/Accounts/{AccountSid}/Keys/{KeySid}"),
    ("DELETE", "/v1/Accounts/{AccountSid}/Keys/{KeySid}"),
}


@pytest.mark.offline
def test_contract_openapi_yaml_is_valid_openapi_31():
    """Contract: openapi.yaml is valid OpenAPI 3.1 and documents every /v1 operation, Basic auth,
    the Error schema, and closed (additionalProperties: false) request bodies."""
    from openapi_spec_validator import validate

    spec = openapi_spec()
    validate(spec)
    assert str(spec["openapi"]).startswith("3.1")
    documented = {(m.upper(), p) for p, item in spec["paths"].items() for m in item
                  if m in ("get", "post", "put", "patch", "delete")}
    assert API_OPERATIONS <= documented, API_OPERATIONS - documented
    assert {("GET", "/healthz"), ("GET", "/readyz")} <= documented
    assert spec["components"]["securitySchemes"]["basicAuth"] == {
        **spec["components"]["securitySchemes"]["basicAuth"], "type": "http", "scheme": "basic"}
    for name in ("Account", "Key", "ListMeta", "Error"):
        assert name in spec["components"]["schemas"], name
    for name in ("SubaccountCreate", "KeyCreate"):
        assert spec["components"]["schemas"][name]["additionalProperties"] is False


def test_contract_server_serves_openapi_yaml(api):
    """Contract: GET /openapi.yaml serves the repo-root openapi.yaml."""
    r = api.get("/openapi.yaml")
    assert r.status_code == 200, r.text[:500]
    served = yaml.safe_load(r.text)
    assert served == yaml.safe_load(OPENAPI_PATH.read_text(encoding="utf-8"))


# ---------------------------------------------------------------------------------------------
# Schemathesis over the whole contract (e2e/schemathesis.toml)

REPO_ROOT = OPENAPI_PATH.parent
CONTRACT_CONFIG = REPO_ROOT / "e2e" / "schemathesis.toml"


@pytest.fixture(scope="session")
def fuzz_customer(base_url, data_dir) -> tuple[str, tuple[str, str]]:
    """(account SID, (key SID, secret)) of a customer the fuzzing may close or empty."""
    customer = helpers.new_customer(base_url, data_dir, prefix="fuzz")
    return customer.account_sid, helpers.create_key_in_console(customer, "schemathesis")


@pytest.fixture(scope="session")
def closing_customer(base_url, data_dir) -> tuple[str, tuple[str, str]]:
    """(account SID, (key SID, secret)) of the customer whose privacy requests the fuzzing makes:
    a deletion request closes its account (PRV-3), and the fuzz customer must stay open."""
    customer = helpers.new_customer(base_url, data_dir, prefix="fuzzdel")
    return customer.account_sid, helpers.create_key_in_console(customer, "schemathesis privacy requests")


@pytest.fixture(scope="session")
def staff_api_key(base_url) -> tuple[str, str]:
    """(key SID, secret) of a personal API key of the demo staff admin."""
    return helpers.create_staff_api_key(base_url, "schemathesis")


@pytest.fixture(scope="session")
def fuzz_records(base_url, fuzz_customer) -> dict[str, str]:
    """What the fuzz customer's reads need to find something (else every answer is 404 and the
    run warns `missing_test_data`): a ticket with a file on a public comment, a privacy request,
    a usage deletion, a key of its own to delete and an invoice to pay."""
    import requests

    account_sid, credential = fuzz_customer
    api = f"{base_url}/v1"
    def post(path: str, body: dict) -> dict:
        r = requests.post(api + path, json=body, auth=credential, timeout=30)
        assert r.status_code == 201, f"{path}: {r.status_code} {r.text[:500]}"
        return r.json()
    ticket = post("/Tickets", {"subject": "Contract fuzz: a ticket with a file", "description": "Seeded for schemathesis.",
                               "product": "other", "priority": 3})
    comment = post(f"/Tickets/{ticket['number']}/Comments", {
        "body": "The log we mentioned.",
        "attachments": [{"filename": "fuzz.txt", "content_type": "text/plain", "content_base64": base64.b64encode(b"seeded\n").decode()}],
    })
    privacy = post(f"/Accounts/{account_sid}/PrivacyRequests", {"type": "export"})
    usage = post(f"/Accounts/{account_sid}/UsageDeletions", {"from": "2026-01-01T00:00:00Z", "to": "2026-01-02T00:00:00Z"})
    key = post(f"/Accounts/{account_sid}/Keys", {"friendly_name": "deleted by the contract fuzz"})
    # An invoice for payments to pay, reported as the billing system does (service credential).
    service_token = os.environ.get("TRUSTDESK_E2E_SERVICE_TOKEN")
    if not service_token:
        pytest.skip("TRUSTDESK_E2E_SERVICE_TOKEN is not set: the run needs every credential of the contract")
    reference = f"FUZZ-{account_sid[-12:]}"
    r = requests.post(api + "/Invoices", json={"reference": reference, "account_sid": account_sid, "bill_run": "2026-11",
                                               "amount_cents": 100_000, "due_date": "2026-12-31"},
                      headers={"Authorization": f"Bearer {service_token}"}, timeout=30)
    assert r.status_code == 201, f"/Invoices: {r.status_code} {r.text[:500]}"
    return {
        "FUZZ_TICKET_NUMBER": str(ticket["number"]),
        "FUZZ_ATTACHMENT_ID": comment["attachments"][0]["id"],
        "FUZZ_PRIVACY_REQUEST_SID": privacy["sid"],
        "FUZZ_USAGE_DELETION_SID": usage["sid"],
        "FUZZ_DELETABLE_KEY_SID": key["sid"],
        "FUZZ_INVOICE_REFERENCE": reference,
    }


def _voice_ticket(base_url: str, credential: tuple[str, str]) -> str:
    """The number of one of the organisation's open voice tickets (route changes live on one)."""
    import requests

    r = requests.get(f"{base_url}/v1/Tickets", params={"product": "voice", "page_size": 50}, auth=credential, timeout=30)
    assert r.status_code == 200, r.text[:500]
    open_tickets = [t for t in r.json()["tickets"] if t["status"] not in ("solved", "closed")]
    assert open_tickets, "the demo's Acme has no open voice ticket"
    return str(open_tickets[0]["number"])


@pytest.mark.skipif(bool(os.environ.get("TRUSTDESK_E2E_SKIP_FUZZ")), reason="TRUSTDESK_E2E_SKIP_FUZZ is set")
def test_contract_schemathesis_whole_contract(base_url, fuzz_customer, closing_customer, staff_api_key, fuzz_records, acme_auth):
    """Contract / SEC-3 / SEC-4: `schemathesis run` over every operation of openapi.yaml with the
    credential of each security scheme, webhooks signed (e2e/schemathesis_hooks.py), positive and
    negative modes, the stateful phase over the document's links and every default check, from a
    fixed seed. Any failure, and a `missing_auth` or `missing_test_data` warning, fails it."""
    import shlex
    import subprocess
    import sys

    for name in ("TRUSTDESK_E2E_SERVICE_TOKEN", "TRUSTDESK_E2E_VOICE_TOKEN", "TRUSTDESK_E2E_INBOUND_TOKEN",
                 "TRUSTDESK_E2E_SECRET_SCANNING_KEY", "TRUSTDESK_E2E_SECRET_SCANNING_KEY_ID"):
        if not os.environ.get(name):
            pytest.skip(f"{name} is not set: the run needs every credential of the contract")
    account_sid, (key_sid, key_secret) = fuzz_customer
    env = {
        **os.environ,
        "TRUSTDESK_E2E_URL": base_url,
        "FUZZ_ACCOUNT_SID": account_sid,
        "FUZZ_KEY_SID": key_sid,
        "FUZZ_KEY_SECRET": key_secret,
        "FUZZ_STAFF_KEY_SID": staff_api_key[0],
        "FUZZ_STAFF_KEY_SECRET": staff_api_key[1],
        # Chat and organisation reports come with the Personalized plan, which only the demo's
        # Acme has; those reads and chat posts go as Acme (nothing later counts Acme's chat).
        "FUZZ_PERSONALIZED_SID": acme_auth[0],
        "FUZZ_PERSONALIZED_TOKEN": acme_auth[1],
        "FUZZ_PERSONALIZED_VOICE_TICKET": _voice_ticket(base_url, acme_auth),
        "FUZZ_CLOSING_SID": closing_customer[0],
        "FUZZ_CLOSING_KEY_SID": closing_customer[1][0],
        "FUZZ_CLOSING_KEY_SECRET": closing_customer[1][1],
        **fuzz_records,
    }
    # The whole report and every request and response (a VCR cassette, credentials masked), for
    # a failing CI run to keep (e2e/artifacts is ignored by git). TRUSTDESK_E2E_FUZZ_ARGS adds
    # arguments when hunting a failure by hand (`--phases stateful --output-sanitize false`).
    artifacts = REPO_ROOT / "e2e" / "artifacts"
    artifacts.mkdir(exist_ok=True)
    cli = [sys.executable, "-m", "schemathesis.cli", "--config-file", str(CONTRACT_CONFIG), "run", str(OPENAPI_PATH),
           "--report", "vcr", "--report-vcr-path", str(artifacts / "schemathesis-whole-contract.vcr.yaml"),
           *shlex.split(os.environ.get("TRUSTDESK_E2E_FUZZ_ARGS", ""))]
    # Requests the hooks found carrying the configured credential without schemathesis's mark
    # that it was configured (schemathesis_hooks.mark_configured_auth): shown with a failure.
    marks = artifacts / "schemathesis-auth-marks.txt"
    marks.unlink(missing_ok=True)
    run = subprocess.run(cli, cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=900)
    (artifacts / "schemathesis-whole-contract.txt").write_text(run.stdout + run.stderr, encoding="utf-8")
    marked = marks.read_text(encoding="utf-8") if marks.exists() else ""
    assert run.returncode == 0, run.stdout[-20000:] + run.stderr[-5000:] + "\nauth marks:\n" + marked[-3000:]


@pytest.mark.offline
def test_contract_fuzz_hook_marks_only_the_configured_credential(monkeypatch, tmp_path):
    """Contract: the fuzz hook `mark_configured_auth` counts a request as carrying explicit auth
    only when its `Authorization` is exactly what e2e/schemathesis.toml gives the operation (the
    fuzz customer's key on a ticket read, Acme's token on chat). A wrong secret, another
    operation's credential or none stays unmarked, so `ignored_auth` still fails the run when the
    server accepts a credential schemathesis made up."""
    import schemathesis
    from requests.auth import _basic_auth_str
    from schemathesis.config import SchemathesisConfig

    for name, value in {"TRUSTDESK_E2E_URL": "http://127.0.0.1:9", "FUZZ_ACCOUNT_SID": "AC" + "1" * 32,
                        "FUZZ_KEY_SID": "SK" + "2" * 32, "FUZZ_KEY_SECRET": "tdks_fuzz",
                        "FUZZ_STAFF_KEY_SID": "SA" + "3" * 32, "FUZZ_STAFF_KEY_SECRET": "tdsa_staff",
                        "TRUSTDESK_E2E_SERVICE_TOKEN": "service", "TRUSTDESK_E2E_INBOUND_TOKEN": "inbound",
                        "FUZZ_PERSONALIZED_SID": "AC" + "4" * 32, "FUZZ_PERSONALIZED_TOKEN": "tdat_acme",
                        "FUZZ_CLOSING_SID": "AC" + "5" * 32, "FUZZ_CLOSING_KEY_SID": "SK" + "6" * 32,
                        "FUZZ_CLOSING_KEY_SECRET": "tdks_closing"}.items():
        monkeypatch.setenv(name, value)
    import schemathesis_hooks as hooks
    monkeypatch.setattr(hooks, "ARTIFACTS", str(tmp_path))
    schema = schemathesis.openapi.from_path(str(OPENAPI_PATH), config=SchemathesisConfig.from_path(str(CONTRACT_CONFIG)))

    def marked(path: str, method: str, authorization: str | None, **path_parameters) -> bool:
        case = schema[path][method].Case(path_parameters=path_parameters)
        if authorization is not None:
            case.headers["Authorization"] = authorization
        assert not case._has_explicit_auth
        hooks.mark_configured_auth(case)
        return case._has_explicit_auth

    fuzz_key = _basic_auth_str("SK" + "2" * 32, "tdks_fuzz")
    acme = _basic_auth_str("AC" + "4" * 32, "tdat_acme")
    assert marked("/v1/Tickets/{TicketNumber}", "GET", fuzz_key, TicketNumber=7)
    assert marked("/v1/Chat/Messages", "GET", acme)
    assert not marked("/v1/Tickets/{TicketNumber}", "GET", _basic_auth_str("SK" + "2" * 32, "tdks_guessed"), TicketNumber=7)
    assert not marked("/v1/Tickets/{TicketNumber}", "GET", acme, TicketNumber=7)
    assert not marked("/v1/Chat/Messages", "GET", fuzz_key)
    assert not marked("/v1/Tickets/{TicketNumber}", "GET", None, TicketNumber=7)
    log = (tmp_path / "schemathesis-auth-marks.txt").read_text(encoding="utf-8").splitlines()
    assert [line.split(" phase=")[0] for line in log] == ["GET /v1/Tickets/{TicketNumber}", "GET /v1/Chat/Messages"]
