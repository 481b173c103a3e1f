"""Schemathesis hooks (e2e/schemathesis.toml): webhooks signed as their senders sign them, and
valid reads pointed at records that exist.

The voice provider signs `/voice/{Step}` posts (SUP-10, SEC-4): base64 HMAC-SHA1, keyed with
the voice auth token, over the public URL, the path and query, and every form field sorted by
name. Unsigned posts are refused before anything else, so without this hook the fuzzer would
only ever see 401.

GitHub signs secret-scanning reports (`POST /v1/SecretScanning/GitHub`, STD-5, SEC-4): a base64
DER ECDSA P-256 SHA-256 signature over the raw body, by the key named in
`Github-Public-Key-Identifier`. `.ci/run` makes a key pair per run and gives the servers its
public half; this hook signs the exact bytes it sends with the private half (`openssl dgst`, so
the suite needs no crypto package of its own).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import subprocess
from urllib.parse import urlencode

import schemathesis
from requests.structures import CaseInsensitiveDict
from schemathesis.auths import AuthContext, set_on_case
from schemathesis.core import NotSet

ARTIFACTS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "artifacts")


def voice_signature(token: str, url: str, fields: dict[str, str]) -> str:
    payload = url + "".join(f"{name}{fields[name]}" for name in sorted(fields))
    return base64.b64encode(hmac.new(token.encode(), payload.encode(), hashlib.sha1).digest()).decode()


# Path parameters of reads whose records the fuzz customer owns (test_schema.py's `fuzz_records`
# seeds them, the environment names them). Only valid cases of the examples, coverage and fuzzing
# phases get them: invalid ones keep what was generated, so the server's refusals are still
# checked, and the stateful phase follows the document's links.
SEEDED = {
    "GET /v1/Tickets/{TicketNumber}": {"TicketNumber": "FUZZ_TICKET_NUMBER"},
    "GET /v1/Tickets/{TicketNumber}/Comments": {"TicketNumber": "FUZZ_TICKET_NUMBER"},
    "POST /v1/Tickets/{TicketNumber}/Comments": {"TicketNumber": "FUZZ_TICKET_NUMBER"},
    "GET /v1/Tickets/{TicketNumber}/Escalations": {"TicketNumber": "FUZZ_TICKET_NUMBER"},
    "POST /v1/Tickets/{TicketNumber}/Escalations": {"TicketNumber": "FUZZ_TICKET_NUMBER"},
    "GET /v1/Tickets/{TicketNumber}/Attachments/{AttachmentId}": {"TicketNumber": "FUZZ_TICKET_NUMBER", "AttachmentId": "FUZZ_ATTACHMENT_ID"},
    "GET /v1/Accounts/{AccountSid}/PrivacyRequests/{PrivacyRequestSid}": {"PrivacyRequestSid": "FUZZ_PRIVACY_REQUEST_SID"},
    "GET /v1/Accounts/{AccountSid}/PrivacyRequests/{PrivacyRequestSid}/Report": {"PrivacyRequestSid": "FUZZ_PRIVACY_REQUEST_SID"},
    "GET /v1/Accounts/{AccountSid}/UsageDeletions/{UsageDeletionSid}": {"UsageDeletionSid": "FUZZ_USAGE_DELETION_SID"},
    "GET /v1/Accounts/{AccountSid}/Keys/{KeySid}": {"KeySid": "FUZZ_DELETABLE_KEY_SID"},
    "DELETE /v1/Accounts/{AccountSid}/Keys/{KeySid}": {"KeySid": "FUZZ_DELETABLE_KEY_SID"},
}


def seed_valid_read(case) -> None:
    meta = case.meta
    if meta is None or not meta.generation.mode.is_positive or meta.phase.name == "stateful":
        return
    label = f"{case.method.upper()} {case.path}"
    # A route change lives on one of the organisation's voice tickets (Acme's, as the config says).
    if label == "POST /v1/Accounts/{AccountSid}/RouteChanges" and isinstance(case.body, dict) and "ticket_number" in case.body:
        number = os.environ.get("FUZZ_PERSONALIZED_VOICE_TICKET")
        if number:
            case.body = {**case.body, "ticket_number": int(number)}
        return
    # An invoice is about an account that exists: the fuzz customer's.
    if label == "POST /v1/Invoices" and isinstance(case.body, dict) and "account_sid" in case.body:
        account = os.environ.get("FUZZ_ACCOUNT_SID")
        if account:
            case.body = {**case.body, "account_sid": account}
        return
    # A payment pays a reported invoice: the one seeded for the fuzz customer.
    if label == "POST /v1/Payments" and isinstance(case.body, dict) and "invoice_reference" in case.body:
        reference = os.environ.get("FUZZ_INVOICE_REFERENCE")
        if reference:
            case.body = {**case.body, "invoice_reference": reference}
        return
    seeded = SEEDED.get(label)
    if not seeded:
        return
    if case.path_parameters is None:
        return
    for name, variable in seeded.items():
        value = os.environ.get(variable)
        if value:
            case.path_parameters[name] = value


def secret_scanning_signature(private_key_path: str, body: bytes) -> str:
    der = subprocess.run(["openssl", "dgst", "-sha256", "-sign", private_key_path], input=body,
                         capture_output=True, check=True).stdout
    return base64.b64encode(der).decode()


def sign_secret_scanning_report(case) -> None:
    key_path = os.environ.get("TRUSTDESK_E2E_SECRET_SCANNING_KEY")
    key_id = os.environ.get("TRUSTDESK_E2E_SECRET_SCANNING_KEY_ID")
    if not key_path or not key_id:
        return
    headers = case.headers or {}
    # A case that leaves a signing header out on purpose (the required-header check), or whose
    # headers are the invalid part of a negative case, stays as generated: signing would make it
    # a valid request, and the check that invalid requests are refused would fail for the hook.
    names = {name.lower() for name in headers}
    if not {"github-public-key-identifier", "github-public-key-signature"} <= names:
        return
    meta = case.meta
    header_info = meta.components.get("header") if meta is not None else None
    if header_info is not None and not header_info.mode.is_positive:
        return
    # Sign the bytes that go out, serialised as `requests` does for schemathesis (`json.dumps`
    # with its defaults; a generated binary as its text; no body as no bytes). The body itself
    # stays as generated: schemathesis checks a hook's body against the schema again, and raw
    # bytes would turn a valid case into an "invalid" one.
    if isinstance(case.body, bytes):
        body = case.body
    elif isinstance(case.body, NotSet):
        body = b""
    else:
        body = json.dumps(case.body, default=str).encode()
    kept = {k: v for k, v in headers.items() if k.lower() not in {"github-public-key-identifier", "github-public-key-signature"}}
    case.headers = {**kept, "Github-Public-Key-Identifier": key_id,
                    "Github-Public-Key-Signature": secret_scanning_signature(key_path, body)}


def configured_credential(case) -> str | None:
    """The `Authorization` that the config gives this operation (per-scheme or per-operation
    auth), as schemathesis itself would set it on a fresh request; None when the case leaves
    the credential out or mutates it on purpose (a negative case on the security header)."""
    fresh = case.derive(headers=CaseInsensitiveDict(), query={}, cookies={})
    set_on_case(fresh, AuthContext(operation=case.operation, app=case.operation.app), None)
    return fresh.headers.get("Authorization")


def mark_configured_auth(case) -> None:
    """A request that carries exactly the configured credential has explicit auth.

    Twice in CI (2026-11-29 and 2026-11-30, PostgreSQL, stateful phase) `ignored_auth` failed
    `GET /v1/Tickets/{TicketNumber}` and its `/Escalations` as "generated auth likely invalid":
    the case reached the check without schemathesis's mark that its `Authorization` came from the
    config, so a 200 to the configured credential read as a guessed one accepted. The server
    refuses every other credential there. Marked explicit, the check does what it does for every
    other authenticated case: it sends the same request without a credential and with an invalid
    one and fails unless both are refused, so nothing is checked less. A generated or mutated
    credential differs from the configured one and stays unmarked. Every mark is logged to
    e2e/artifacts/schemathesis-auth-marks.txt, to find the runner's path that drops it.
    """
    if case._has_explicit_auth:
        return
    sent = (case.headers or {}).get("Authorization")
    if not sent or sent != configured_credential(case):
        return
    case._has_explicit_auth = True
    # `_meta`, not `meta`: reading `meta` revalidates the case before the other hooks are done.
    meta = case._meta
    phase = meta.phase.name if meta is not None else "?"
    mode = meta.generation.mode.value if meta is not None else "?"
    os.makedirs(ARTIFACTS, exist_ok=True)
    with open(os.path.join(ARTIFACTS, "schemathesis-auth-marks.txt"), "a", encoding="utf-8") as log:
        log.write(f"{case.method.upper()} {case.path} phase={phase} mode={mode} id={case.id}\n")


@schemathesis.hook
def before_call(ctx, case, **kwargs):
    seed_valid_read(case)
    mark_configured_auth(case)
    if case.path == "/v1/SecretScanning/GitHub":
        sign_secret_scanning_report(case)
        return
    if not case.path.startswith("/voice/"):
        return
    token = os.environ.get("TRUSTDESK_E2E_VOICE_TOKEN", "")
    if not token or not isinstance(case.body, dict):
        return
    # A case that leaves the signature out on purpose (the required-header check) stays unsigned.
    if not any(name.lower() == "x-twilio-signature" for name in (case.headers or {})):
        return
    fields = {str(k): str(v) for k, v in case.body.items()}
    url = os.environ["TRUSTDESK_E2E_URL"].rstrip("/") + case.formatted_path
    if case.query:
        url += "?" + urlencode(case.query, doseq=True)
    headers = {k: v for k, v in (case.headers or {}).items() if k.lower() != "x-twilio-signature"}
    case.headers = {**headers, "X-Twilio-Signature": voice_signature(token, url, fields)}
