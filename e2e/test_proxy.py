"""TrustDesk behind a real reverse proxy (Debian's nginx on loopback): who the client is (SEC-2, STD-6).

The server trusts 127.0.0.1 (TRUSTDESK_TRUSTED_PROXIES), where nginx connects from; nginx appends
the address it sees to X-Forwarded-For, as operators configure it. Clients bind to 127.0.0.2,
127.0.0.3, ... so each is its own client address. A second nginx server block plays a CDN edge
that received the request from a public address (it sets X-Forwarded-For to 198.51.100.10).

Needs TRUSTDESK_BIN and nginx on PATH; `.ci/run shutdown` runs it with the other lifecycle tests.
"""
from __future__ import annotations

import os
import secrets
import shutil
import socket
import sqlite3
import subprocess
import time
from pathlib import Path

import pytest
import requests

import helpers

pytestmark = pytest.mark.lifecycle


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(url: str, process: subprocess.Popen, log: Path) -> None:
    deadline = time.time() + 120
    while time.time() < deadline:
        assert process.poll() is None, f"exited at start:\n{log.read_text(errors='replace')[-3000:]}"
        try:
            if requests.get(url, timeout=2).status_code < 500:
                return
        except requests.RequestException:
            pass
        time.sleep(0.3)
    raise AssertionError(f"{url} not up in 120 s:\n{log.read_text(errors='replace')[-3000:]}")


@pytest.fixture(scope="module")
def proxied(tmp_path_factory):
    binary = os.environ.get("TRUSTDESK_BIN", "")
    assert binary and Path(binary).is_file(), "TRUSTDESK_BIN must name the trustdesk binary"
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    assert Path(nginx).is_file(), "nginx is needed (Debian package nginx; bash .ci/run deps installs it)"
    tmp = tmp_path_factory.mktemp("proxy")
    app_port, proxy_port, edge_port = free_port(), free_port(), free_port()
    data = tmp / "data"
    log = tmp / "server.log"
    server = subprocess.Popen(
        [binary, "serve", "--hostname", "127.0.0.1", "--port", str(app_port)],
        env={**os.environ, "TRUSTDESK_DATA_DIR": str(data), "TRUSTDESK_TRUSTED_PROXIES": "127.0.0.1",
             "TRUSTDESK_PUBLIC_URL": f"http://127.0.0.1:{proxy_port}", "SWIFT_BACKTRACE": "enable=no"},
        stdin=subprocess.DEVNULL, stdout=log.open("wb"), stderr=subprocess.STDOUT, cwd=Path(__file__).resolve().parents[1])
    (tmp / "logs").mkdir()
    conf = tmp / "nginx.conf"
    conf.write_text(f"""
worker_processes 1;
pid {tmp}/nginx.pid;
error_log {tmp}/logs/error.log;
events {{ worker_connections 256; }}
http {{
    access_log off;
    client_body_temp_path {tmp}/body;
    proxy_temp_path {tmp}/proxy;
    fastcgi_temp_path {tmp}/fastcgi;
    uwsgi_temp_path {tmp}/uwsgi;
    scgi_temp_path {tmp}/scgi;
    server {{
        listen 127.0.0.1:{proxy_port};
        location / {{
            proxy_pass http://127.0.0.1:{app_port};
            proxy_set_header Host $host;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
        }}
    }}
    server {{
        listen 127.0.0.1:{edge_port};
        location / {{
            proxy_pass http://127.0.0.1:{app_port};
            proxy_set_header Host $host;
            proxy_set_header X-Forwarded-For "198.51.100.10";
        }}
    }}
}}
""")
    proxy = subprocess.Popen([nginx, "-p", str(tmp), "-c", str(conf), "-g", "daemon off;"],
                             stdout=(tmp / "nginx.out").open("wb"), stderr=subprocess.STDOUT)
    try:
        wait_for(f"http://127.0.0.1:{app_port}/readyz", server, log)
        wait_for(f"http://127.0.0.1:{proxy_port}/healthz", proxy, tmp / "nginx.out")
        yield {"proxy": f"http://127.0.0.1:{proxy_port}", "edge": f"http://127.0.0.1:{edge_port}", "db": data / "trustdesk.sqlite"}
    finally:
        proxy.terminate()
        server.terminate()
        proxy.wait(timeout=20)
        assert server.wait(timeout=30) == 0, log.read_text(errors="replace")[-3000:]


def failed_sign_in(web: helpers.WebClient, headers: dict[str, str] | None = None) -> requests.Response:
    page = web.page("/signin")
    form = page.form("signin-form")
    data = dict(form.fields)
    data.update(username=f"nobody{secrets.token_hex(4)}", password="wrong-password-123")
    return web.http.post(web.url("/signin"), data=data, headers=headers or {}, timeout=60)


def test_clients_behind_the_proxy_are_throttled_apart(proxied) -> None:
    first = helpers.WebClient(proxied["proxy"], source="127.0.0.2")
    for attempt in range(30):
        r = failed_sign_in(first)
        assert r.status_code != 429, f"attempt {attempt + 1} was already throttled"
    assert failed_sign_in(first).status_code == 429, "31 failures from one address within 15 minutes are throttled (SEC-2)"
    # A forged header from that client does not escape: nginx appends what it saw.
    forged = failed_sign_in(first, headers={"X-Forwarded-For": "203.0.113.50"})
    assert forged.status_code == 429
    # Another client behind the same proxy is not throttled for the first one's guesses.
    second = helpers.WebClient(proxied["proxy"], source="127.0.0.3")
    assert failed_sign_in(second).status_code != 429


def sign_up(base_url: str, source: str) -> str:
    web = helpers.WebClient(base_url, source=source)
    name = helpers.unique("proxy")
    page = web.page("/signup")
    r = web.submit(page, "signup-form", full_name=f"Proxy {name}", email=f"{name}@example.com", username=name,
                   password="Pw-" + secrets.token_urlsafe(12), account_name=f"Proxy Org {name}", country="US", phone="+1 555 010 0142")
    assert r.status_code == 200, r.text[:2000]
    return f"{name}@example.com"


def network_of(db: Path, email: str) -> str | None:
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as connection:
        row = connection.execute("SELECT network FROM registrations WHERE email = ?", (email,)).fetchone()
    assert row is not None, f"no registration for {email}"
    return row[0]


def test_sign_up_network_is_the_public_client_behind_a_trusted_proxy(proxied) -> None:
    public = sign_up(proxied["edge"], "127.0.0.4")
    assert network_of(proxied["db"], public) == "198.51.100.0/24", "STD-6: the edge's client network is recorded"
    local = sign_up(proxied["proxy"], "127.0.0.5")
    assert network_of(proxied["db"], local) is None, "STD-6: a loopback client records no sign-up network"
