"""openapi.yaml against itself and against the running server.

- The repo-root openapi.yaml is a valid OpenAPI 3.1 document (runs without a server: `offline`).
- The server serves that same document at /openapi.yaml.
- Schemathesis sends generated, schema-valid requests to every /v1 operation as a customer of
  its own (its own AccountSid, few examples, derandomized): valid requests include deletion
  requests (PRV-3) that close the account, so never Acme's, which later tests sign in to and checks: no 5xx, the documented
  content type, and bodies that match the documented response schemas.
  Set TRUSTDESK_E2E_SKIP_FUZZ=1 to leave it out; TRUSTDESK_E2E_FUZZ_EXAMPLES sets examples per
  operation (default 12).
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
# Schemathesis (property-based) over the /v1 operations

try:
    import schemathesis
except ImportError:  # pragma: no cover - requirements.txt installs it
    schemathesis = None

FUZZ_EXAMPLES = int(os.environ.get("TRUSTDESK_E2E_FUZZ_EXAMPLES", "12"))


@pytest.fixture(scope="session")
def api_schema(base_url):
    if schemathesis is None:
        pytest.skip("schemathesis is not installed")
    if os.environ.get("TRUSTDESK_E2E_SKIP_FUZZ"):
        pytest.skip("TRUSTDESK_E2E_SKIP_FUZZ is set")
    schema = schemathesis.openapi.from_path(OPENAPI_PATH)
    schema.config.update(base_url=base_url)
    schema.config.generation.update(max_examples=FUZZ_EXAMPLES, deterministic=True,
                                    modes=["positive"])
    return schema.include(path_regex=r"^/v1/")


@pytest.fixture(scope="session")
def fuzz_customer(base_url, data_dir) -> tuple[str, tuple[str, str]]:
    """(account SID, (key SID, secret)) of a customer the fuzzing may close or empty."""
    customer = helpers.new_customer(base_url, data_dir, prefix="fuzz")
    return customer.account_sid, helpers.create_key_in_console(customer, "schemathesis")


if schemathesis is not None:
    lazy_schema = schemathesis.pytest.from_fixture("api_schema")

    @lazy_schema.parametrize()
    def test_contract_schemathesis_v1_operations(case, fuzz_customer, base_url):
        """Contract / SEC-3: generated valid requests to every /v1 operation, authenticated as a
        customer on its own SID, never get a 5xx and always answer in the documented shape."""
        account_sid, credential = fuzz_customer
        from schemathesis.checks import (
            content_type_conformance,
            not_a_server_error,
            response_schema_conformance,
        )

        if case.path_parameters is not None and "AccountSid" in case.path_parameters:
            case.path_parameters["AccountSid"] = account_sid
        token = base64.b64encode(f"{credential[0]}:{credential[1]}".encode()).decode()
        case.call_and_validate(
            base_url=base_url,
            headers={"Authorization": f"Basic {token}"},
            checks=[not_a_server_error, content_type_conformance, response_schema_conformance],
            timeout=30,
        )


# ---------------------------------------------------------------------------------------------
# Schemathesis over the whole contract (e2e/schemathesis.toml), by hand for now

REPO_ROOT = OPENAPI_PATH.parent
CONTRACT_CONFIG = REPO_ROOT / "e2e" / "schemathesis.toml"


@pytest.fixture(scope="session")
def staff_api_key(base_url) -> tuple[str, str]:
    """(key SID, secret) of a personal API key of the demo staff admin."""
    return helpers.create_staff_api_key(base_url, "schemathesis")


@pytest.mark.skipif(not os.environ.get("TRUSTDESK_E2E_FUZZ_CONTRACT"),
                    reason="TRUSTDESK_E2E_FUZZ_CONTRACT is not set: the whole-contract run still has open findings (e2e/README.md)")
def test_contract_schemathesis_whole_contract(base_url, fuzz_customer, staff_api_key):
    """Contract / SEC-3 / SEC-4: `schemathesis run` over every operation of openapi.yaml with the
    credential of each security scheme, webhooks signed (e2e/schemathesis_hooks.py), positive and
    negative modes, the stateful phase over the document's links and every default check, from a
    fixed seed. Any failure, and a `missing_auth` or `missing_test_data` warning, fails it."""
    import subprocess
    import sys

    for name in ("TRUSTDESK_E2E_SERVICE_TOKEN", "TRUSTDESK_E2E_VOICE_TOKEN", "TRUSTDESK_E2E_INBOUND_TOKEN"):
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
    }
    cli = [sys.executable, "-m", "schemathesis.cli", "--config-file", str(CONTRACT_CONFIG), "run", str(OPENAPI_PATH)]
    run = subprocess.run(cli, cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=900)
    assert run.returncode == 0, run.stdout[-20000:] + run.stderr[-5000:]
