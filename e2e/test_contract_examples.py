"""Every example in openapi.yaml is true, and every status the server answers is documented.

Offline (no server, marker `offline`):
- each example (request bodies, responses, parameters, headers, schemas) validates against the
  schema it illustrates;
- each /v1 operation documents 401 and 500, and each one that takes a body documents 400 and 413;
- docs/errors.md's "Statuses by route" table lists, for every operation, exactly the statuses
  the operation documents.

Against the server:
- each request-body example is sent as it stands (only identifiers are swapped for live ones: the
  account, the ticket, the calendar, and fresh message SIDs and invoice references so a rerun
  does not collide) and must be answered with a documented 2xx whose body matches its schema;
- another method on a documented path answers 405 with an `Allow` header naming the path's methods.
"""

from __future__ import annotations

import copy
import json
import os
import re
import secrets

import pytest

import helpers
from helpers import OPENAPI_PATH, openapi_spec

ERRORS_MD = OPENAPI_PATH.parent / "docs" / "errors.md"
METHODS = ("get", "post", "put", "patch", "delete")
EXAMPLE_ACCOUNT = "AC0123456789abcdef0123456789abcdef"


def _validator(schema: dict):
    from openapi_schema_validator import OAS31Validator, oas31_format_checker

    root = {**schema, "components": openapi_spec()["components"]}
    return OAS31Validator(root, format_checker=oas31_format_checker)


def _examples_of(media: dict) -> list[tuple[str, object]]:
    found = []
    if "example" in media:
        found.append(("example", media["example"]))
    for name, example in (media.get("examples") or {}).items():
        found.append((name, example["value"] if isinstance(example, dict) and "value" in example else example))
    return found


def _resolve(node: dict) -> dict:
    ref = node.get("$ref") if isinstance(node, dict) else None
    if not ref:
        return node
    target = openapi_spec()
    for part in ref.lstrip("#/").split("/"):
        target = target[part]
    return _resolve(target)


def _operations():
    for path, item in openapi_spec()["paths"].items():
        for method in METHODS:
            if method in item:
                yield method.upper(), path, item[method]


def _schema_nodes(node, where: str):
    """Every schema below `node` that carries `examples`."""
    if isinstance(node, dict):
        if isinstance(node.get("examples"), list) and any(k in node for k in ("type", "properties", "$ref", "allOf", "oneOf", "anyOf", "enum", "pattern", "format")):
            yield where, node
        for key, value in node.items():
            yield from _schema_nodes(value, f"{where}/{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _schema_nodes(value, f"{where}/{index}")


def _all_examples():
    spec = openapi_spec()
    for method, path, op in _operations():
        body = _resolve(op.get("requestBody", {}))
        for ctype, media in (body.get("content") or {}).items():
            for name, example in _examples_of(media):
                yield f"{method} {path} request {ctype} {name}", media["schema"], example
        for status, response in op["responses"].items():
            response = _resolve(response)
            for ctype, media in (response.get("content") or {}).items():
                for name, example in _examples_of(media):
                    yield f"{method} {path} {status} {name}", media["schema"], example
            for header, definition in (response.get("headers") or {}).items():
                if "example" in definition:
                    yield f"{method} {path} {status} header {header}", definition["schema"], definition["example"]
    for path, item in spec["paths"].items():
        for parameter in item.get("parameters", []) + [p for m in METHODS for p in item.get(m, {}).get("parameters", [])]:
            parameter = _resolve(parameter)
            if "example" in parameter:
                yield f"{path} parameter {parameter['name']}", parameter["schema"], parameter["example"]
    for name, response in spec["components"]["responses"].items():
        for ctype, media in (response.get("content") or {}).items():
            for example_name, example in _examples_of(media):
                yield f"components/responses/{name} {example_name}", media["schema"], example
    for where, node in _schema_nodes(spec["components"]["schemas"], "components/schemas"):
        for index, example in enumerate(node["examples"]):
            yield f"{where} examples[{index}]", node, example


@pytest.mark.offline
def test_contract_every_example_matches_its_schema():
    """Contract: every example in openapi.yaml validates against the schema it illustrates."""
    checked = 0
    problems = []
    for where, schema, example in _all_examples():
        checked += 1
        errors = sorted(_validator(schema).iter_errors(example), key=lambda e: list(e.path))
        problems += [f"{where}: {e.message} at {list(e.path)}" for e in errors]
    assert checked >= 60, f"only {checked} examples found"
    assert not problems, "\n".join(problems)


@pytest.mark.offline
def test_contract_every_operation_documents_its_error_statuses():
    """Contract: /v1 operations document 401 and 500; those that take a body also 400 and 413;
    every error answer is the Error schema."""
    problems = []
    for method, path, op in _operations():
        if not path.startswith("/v1/"):
            continue
        documented = set(op["responses"])
        wanted = {"401", "500"} | ({"400", "413"} if "requestBody" in op else set())
        if not wanted <= documented:
            problems.append(f"{method} {path} lacks {sorted(wanted - documented)}")
        for status, response in op["responses"].items():
            if int(status) >= 400:
                schema = _resolve(response)["content"]["application/json"]["schema"]
                if schema.get("$ref") != "#/components/schemas/Error":
                    problems.append(f"{method} {path} {status} is not the Error schema")
    assert not problems, "\n".join(problems)


def _errors_md_routes() -> dict[tuple[str, str], list[str]]:
    rows = {}
    for line in ERRORS_MD.read_text(encoding="utf-8").splitlines():
        match = re.match(r"^\| `(GET|POST|PUT|PATCH|DELETE) ([^`]+)` \| ([^|]+) \|", line)
        if match:
            rows[(match.group(1), match.group(2))] = re.findall(r"\b([1-5]\d\d)\b", match.group(3))
    return rows


@pytest.mark.offline
def test_contract_errors_md_lists_each_routes_statuses():
    """Contract: docs/errors.md says, route by route, exactly the statuses openapi.yaml documents."""
    rows = _errors_md_routes()
    problems = []
    for method, path, op in _operations():
        if not path.startswith("/v1/"):
            continue
        if (method, path) not in rows:
            problems.append(f"docs/errors.md has no row for {method} {path}")
        elif sorted(set(rows[(method, path)])) != sorted(op["responses"]):
            problems.append(f"{method} {path}: docs/errors.md says {sorted(set(rows[(method, path)]))}, openapi.yaml {sorted(op['responses'])}")
    assert not problems, "\n".join(problems)


# ---------------------------------------------------------------------------------------------
# Against the server


@pytest.fixture(scope="module")
def owner(base_url, data_dir):
    """A customer of its own (account and key), so the examples change nothing other tests use."""
    customer = helpers.new_customer(base_url, data_dir, prefix="e2eex")
    customer.key_sid, customer.key_secret = helpers.create_key_in_console(customer, "contract examples")
    return customer


@pytest.fixture(scope="module")
def staff_key(base_url):
    """A personal staff API key of the demo staff admin, made on /staff/api-keys."""
    return helpers.create_staff_api_key(base_url, "contract examples")


def _service_headers():
    import os

    token = os.environ.get("TRUSTDESK_E2E_SERVICE_TOKEN", "")
    if not token:
        pytest.skip("TRUSTDESK_E2E_SERVICE_TOKEN is not set: the server has no messaging-pipeline credential")
    return {"Authorization": f"Bearer {token}"}


def _swap(value, swaps: dict[str, str]):
    text = json.dumps(value)
    for old, new in swaps.items():
        text = text.replace(old, new)
    return json.loads(text)


def _fresh_sid(prefix: str) -> str:
    return prefix + secrets.token_hex(16)


def _request_example(op: dict):
    media = _resolve(op["requestBody"])["content"]["application/json"]
    return copy.deepcopy(_examples_of(media)[0][1])


def _check_answer(method: str, path: str, op: dict, r) -> dict:
    documented = {int(s) for s in op["responses"] if s.isdigit() and int(s) < 300}
    assert r.status_code in documented, f"{method} {path} example -> {r.status_code}, documented {sorted(documented)}:\n{r.text[:1500]}"
    response = _resolve(op["responses"][str(r.status_code)])
    if "content" not in response:
        return {}
    body = r.json()
    errors = list(_validator(response["content"]["application/json"]["schema"]).iter_errors(body))
    assert not errors, f"{method} {path} answer does not match its schema: {[e.message for e in errors]}\n{json.dumps(body)[:1500]}"
    return body


# Operations whose example can't be replayed on a demo server, and why.
NOT_REPLAYED = {
    "changeStaffStanding": "lifts a ban, so it needs a banned account; the standing tests exercise it",
    "createTicketEscalation": "needs a ticket of a Personalized-plan organisation; test_channels.py escalates one and checks both alerts",
    "createRouteChange": "needs a Personalized-plan organisation with a TAM; the SUP-11 server tests replay it on both databases",
    "createChatMessage": "needs an organisation with a chat channel (Personalized plan); the SUP-13 server tests replay it on both databases",
    "voiceWebhook": "a form signed by the voice provider, not JSON; test_channels.py signs it with twilio's RequestValidator",
    "receiveInboundMail": "a multipart Inbound Parse post, not JSON; test_channels.py sends real ones",
}


def test_contract_every_request_example_is_accepted(api, owner, staff_key):
    """Contract: each request example in openapi.yaml, sent as it stands with live identifiers,
    gets a documented 2xx answer whose body matches the documented schema."""
    ops = {op["operationId"]: (method, path, op) for method, path, op in _operations()}
    customer_auth = (owner.key_sid, owner.key_secret)
    message_sids = {m: _fresh_sid(m[:2]) for m in re.findall(r"(?:SM|MM)[0-9a-f]{32}", OPENAPI_PATH.read_text())}
    invoice = f"INV-E2E-{secrets.token_hex(4)}"
    swaps = {EXAMPLE_ACCOUNT: owner.account_sid, "INV-2026-03-0042": invoice, **message_sids}

    def send(operation_id: str, auth=None, headers=None, **path_values):
        method, path, op = ops[operation_id]
        url = path.replace("{AccountSid}", owner.account_sid)
        for name, value in path_values.items():
            url = url.replace("{" + name + "}", str(value))
        body = _swap(_request_example(op), swaps)
        r = api.request(method, url, json=body, auth=auth, headers=headers)
        return _check_answer(method, path, op, r)

    replayed = set()
    send("createSubaccount", auth=customer_auth); replayed.add("createSubaccount")
    send("createKey", auth=customer_auth); replayed.add("createKey")
    ticket = send("createTicket", auth=customer_auth); replayed.add("createTicket")
    send("createTicketComment", auth=customer_auth, TicketNumber=ticket["number"]); replayed.add("createTicketComment")
    send("updateMessagingLimits", auth=customer_auth); replayed.add("updateMessagingLimits")
    send("createTrustRequest", auth=customer_auth); replayed.add("createTrustRequest")
    service = _service_headers()
    admitted = send("admitMessage", headers=service); replayed.add("admitMessage")
    assert admitted["admitted"] is True, admitted
    batch = send("admitMessages", headers=service); replayed.add("admitMessages")
    assert batch["admitted"] == len(batch["results"]), batch
    outcomes = send("reportMessageOutcomes", headers=service); replayed.add("reportMessageOutcomes")
    assert outcomes["accepted"] == len(outcomes["results"]), outcomes
    send("reportInvoice", headers=service); replayed.add("reportInvoice")
    send("reportPayment", headers=service); replayed.add("reportPayment")
    # PRV-3, PRV-5 on the module's own customer: an export request and a usage deletion.
    send("createPrivacyRequest", auth=customer_auth); replayed.add("createPrivacyRequest")
    send("createUsageDeletion", auth=customer_auth); replayed.add("createUsageDeletion")
    # SEC-4: GitHub's report, signed with the run's secret-scanning key as GitHub signs it.
    key_path, key_id = os.environ.get("TRUSTDESK_E2E_SECRET_SCANNING_KEY"), os.environ.get("TRUSTDESK_E2E_SECRET_SCANNING_KEY_ID")
    if key_path and key_id:
        from schemathesis_hooks import secret_scanning_signature

        method, path, op = ops["receiveSecretScanningReport"]
        report = json.dumps(_request_example(op)).encode()
        signed = {"Content-Type": "application/json", "Github-Public-Key-Identifier": key_id,
                  "Github-Public-Key-Signature": secret_scanning_signature(key_path, report)}
        feedback = _check_answer(method, path, op, api.request(method, path, data=report, headers=signed))
        assert [f["label"] for f in feedback] == ["false_positive"], feedback
        replayed.add("receiveSecretScanningReport")

    # A calendar changed by the example, then put back as it was.
    calendars = api.get("/v1/Staff/SupportCalendars", auth=staff_key).json()["calendars"]
    general = next(c for c in calendars if c["group"] == "general")
    try:
        changed = send("updateSupportCalendar", auth=staff_key, CalendarId=general["id"]); replayed.add("updateSupportCalendar")
        assert changed["weekly_hours"].startswith("Mon 08:30-17:30"), changed
    finally:
        restore = {k: general[k] for k in ("time_zone", "weekly_hours", "holidays")}
        assert api.post(f"/v1/Staff/SupportCalendars/{general['id']}", auth=staff_key, json=restore).status_code == 200

    with_examples = {op["operationId"] for _, _, op in _operations()
                     if "requestBody" in op and any(_examples_of(media) for media in _resolve(op["requestBody"])["content"].values())}
    assert with_examples - replayed - set(NOT_REPLAYED) == set(), "request examples never sent"
    without = {op["operationId"] for _, _, op in _operations() if "requestBody" in op} - with_examples
    assert not without, f"operations that take a body but show no example: {sorted(without)}"


def test_contract_405_carries_allow(api, acme_auth, acme_sid):
    """Contract: another method on a documented path answers 405 / 20405 with an Allow header
    that lists exactly the methods the path documents."""
    checked = 0
    for path, item in openapi_spec()["paths"].items():
        if not path.startswith("/v1/") or "{" in path.replace("{AccountSid}", ""):
            continue
        documented = {m.upper() for m in METHODS if m in item}
        other = next(m for m in ("PUT", "PATCH", "DELETE", "GET", "POST") if m not in documented)
        r = api.request(other, path.replace("{AccountSid}", acme_sid), auth=acme_auth)
        if r.status_code == 401:
            continue  # a route behind another credential answers who is asking first
        assert r.status_code == 405, f"{other} {path} -> {r.status_code}: {r.text[:300]}"
        assert r.json()["code"] == 20405
        assert {m.strip() for m in r.headers.get("Allow", "").split(",")} == documented, f"{other} {path}: Allow {r.headers.get('Allow')!r}"
        checked += 1
    assert checked >= 6
