"""Fixtures of the TrustDesk end-to-end suite.

The suite runs against a server that is already up (`bash .ci/run` starts one):
  TRUSTDESK_E2E_URL         base URL, e.g. http://127.0.0.1:18080 (required; without it every
                            test that needs the server is skipped)
  TRUSTDESK_E2E_DATA_DIR    the server's TRUSTDESK_DATA_DIR (mail files are read from its mail/)
  TRUSTDESK_E2E_SERVER_LOG  the server's stdout log (the `--demo` start prints Acme's
                            `Account SID:` and `Auth token:` there)
"""

from __future__ import annotations

import os
from pathlib import Path

# Hypothesis (under schemathesis) keeps its example database here, not in the repo root.
os.environ.setdefault("HYPOTHESIS_STORAGE_DIRECTORY", str(Path(__file__).resolve().parent / ".hypothesis"))

import pytest  # noqa: E402
import requests  # noqa: E402

import helpers  # noqa: E402

def pytest_collection_modifyitems(config, items):
    if os.environ.get("TRUSTDESK_E2E_URL"):
        return
    skip = pytest.mark.skip(reason="TRUSTDESK_E2E_URL is not set: these tests need a running TrustDesk "
                                   "server (bash .ci/run starts one and sets it)")
    for item in items:
        if "offline" not in item.keywords and "lifecycle" not in item.keywords:
            item.add_marker(skip)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report


@pytest.fixture(scope="session")
def base_url() -> str:
    url = os.environ.get("TRUSTDESK_E2E_URL", "").rstrip("/")
    if not url:
        pytest.skip("TRUSTDESK_E2E_URL is not set")
    return url


@pytest.fixture(scope="session")
def data_dir() -> str:
    path = os.environ.get("TRUSTDESK_E2E_DATA_DIR", "")
    if not path:
        pytest.skip("TRUSTDESK_E2E_DATA_DIR is not set: the mail files of the server can't be read")
    return path


@pytest.fixture(scope="session")
def server_log() -> Path:
    path = os.environ.get("TRUSTDESK_E2E_SERVER_LOG", "")
    if not path:
        pytest.skip("TRUSTDESK_E2E_SERVER_LOG is not set: the demo credentials can't be read")
    return Path(path)


@pytest.fixture(scope="session")
def demo_account(server_log: Path, base_url: str) -> tuple[str, str]:
    """(Acme's account SID, its auth token) as printed by `serve --demo`."""
    return helpers.parse_demo_credentials(server_log.read_text(errors="replace"))


@pytest.fixture(scope="session")
def acme_auth(demo_account) -> tuple[str, str]:
    return demo_account


@pytest.fixture(scope="session")
def acme_sid(demo_account) -> str:
    return demo_account[0]


@pytest.fixture(scope="session")
def api(base_url: str):
    """Small REST client: api.get(path, auth=...), api.post(path, auth=..., json=...|data=...)."""

    class Api:
        def __init__(self) -> None:
            self.http = requests.Session()

        def request(self, method: str, path: str, **kw) -> requests.Response:
            kw.setdefault("timeout", helpers.HTTP_TIMEOUT)
            return self.http.request(method, base_url + path, **kw)

        def get(self, path: str, **kw):
            return self.request("GET", path, **kw)

        def post(self, path: str, **kw):
            return self.request("POST", path, **kw)

        def delete(self, path: str, **kw):
            return self.request("DELETE", path, **kw)

    return Api()


@pytest.fixture(scope="session")
def customer(base_url: str, data_dir: str) -> helpers.Customer:
    """A customer signed up, confirmed and signed in over HTTP for this run (ACC-3), with an API key
    created on its console credentials page (ACC-7). Its web session stays signed in."""
    c = helpers.new_customer(base_url, data_dir, prefix="e2ecust")
    c.key_sid, c.key_secret = helpers.create_key_in_console(c)
    return c


@pytest.fixture
def make_customer(base_url: str, data_dir: str):
    """Factory of further signed-in customers, for tests that change a customer's credentials."""

    def make(prefix: str = "e2e") -> helpers.Customer:
        return helpers.new_customer(base_url, data_dir, prefix=prefix)

    return make


@pytest.fixture
def csrf():
    """The CSRF-token parser: csrf(html) -> value of the hidden csrf_token input."""
    return helpers.csrf_token


@pytest.fixture
def mail(data_dir: str):
    """wait_for_mail bound to the server's data dir: mail(to, subject=..., contains=..., timeout=20)."""

    def wait(to: str, **kw) -> helpers.Mail:
        return helpers.wait_for_mail(data_dir, to, **kw)

    return wait
