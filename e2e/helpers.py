"""Shared helpers of the TrustDesk end-to-end suite: HTML forms, mail files, TOTP, API errors,
OpenAPI schema checks. Pure functions and small classes; the fixtures live in conftest.py."""

from __future__ import annotations

import email
import email.policy
import html
import os
import quopri
import re
import secrets
import time
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pyotp
import requests
import yaml
from requests.adapters import HTTPAdapter

REPO_ROOT = Path(__file__).resolve().parent.parent
OPENAPI_PATH = REPO_ROOT / "openapi.yaml"
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"

DEMO_PASSWORD = "demo-password-2026"
DEMO_STAFF_TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"

ACCOUNT_SID_RE = re.compile(r"^AC[0-9a-f]{32}$")
KEY_SID_RE = re.compile(r"^SK[0-9a-f]{32}$")
HTTP_TIMEOUT = 30

# ---------------------------------------------------------------------------------------------
# HTML


_CSRF_INPUT_RE = re.compile(r"<input\b[^>]*\bname\s*=\s*[\"']csrf_token[\"'][^>]*>", re.IGNORECASE)
_VALUE_ATTR_RE = re.compile(r"\bvalue\s*=\s*(?:\"([^\"]*)\"|'([^']*)')", re.IGNORECASE)


def csrf_token(page: str) -> str:
    """The value of the first hidden `csrf_token` input of a page (SEC-5); fails when absent."""
    match = _CSRF_INPUT_RE.search(page)
    assert match, "page has no csrf_token input"
    value = _VALUE_ATTR_RE.search(match.group(0))
    assert value, f"csrf_token input has no value: {match.group(0)}"
    return html.unescape(value.group(1) if value.group(1) is not None else value.group(2))


_VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


@dataclass
class Form:
    id: str | None
    action: str
    method: str
    fields: dict[str, str] = field(default_factory=dict)
    names: list[str] = field(default_factory=list)


class _PageParser(HTMLParser):
    """Collects forms (with their named controls), element texts by id and by class."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[Form] = []
        self._form: Form | None = None
        self._select: str | None = None
        self._select_first: str | None = None
        self._select_value: str | None = None
        self._option_selected = False
        self._option_text: list[str] | None = None
        self._option_value: str | None = None
        self._textarea: str | None = None
        self._textarea_text: list[str] = []
        # id / class capture: each open capture is [key, depth, chunks]
        self._captures: list[list] = []
        self.by_id: dict[str, str] = {}
        self.by_class: dict[str, list[str]] = {}
        self.ids: set[str] = set()
        self._li_owner: list[str] = []
        self.list_items: dict[str, list[str]] = {}
        self._li_text: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        a = {k: (v if v is not None else "") for k, v in attrs}
        for cap in self._captures:
            if tag not in _VOID:
                cap[1] += 1
        if "id" in a:
            self.ids.add(a["id"])
            if tag not in _VOID:
                self._captures.append([("id", a["id"]), 1, []])
                if tag in ("ul", "ol"):
                    self._li_owner.append(a["id"])
                    self.list_items.setdefault(a["id"], [])
            else:
                self.by_id.setdefault(a["id"], a.get("value", ""))
        for cls in a.get("class", "").split():
            if tag not in _VOID:
                self._captures.append([("class", cls), 1, []])
        if tag == "li" and self._li_owner:
            self._li_text = []
        if tag == "form":
            self._form = Form(id=a.get("id"), action=a.get("action", ""), method=(a.get("method") or "get").lower())
            self.forms.append(self._form)
        elif self._form is not None:
            name = a.get("name")
            if tag == "input" and name:
                kind = a.get("type", "text").lower()
                if kind in ("checkbox", "radio") and "checked" not in a:
                    self._form.names.append(name)
                elif kind not in ("submit", "button", "image", "reset"):
                    self._form.fields.setdefault(name, a.get("value", ""))
                    self._form.names.append(name)
            elif tag == "select" and name:
                self._select, self._select_first, self._select_value = name, None, None
                self._form.names.append(name)
            elif tag == "option" and self._select:
                self._option_value = a.get("value")
                self._option_selected = "selected" in a
                self._option_text = []
            elif tag == "textarea" and name:
                self._textarea, self._textarea_text = name, []
                self._form.names.append(name)

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in _VOID:
            self.handle_endtag(tag)

    def handle_endtag(self, tag):
        if tag == "li" and self._li_text is not None and self._li_owner:
            self.list_items[self._li_owner[-1]].append(" ".join("".join(self._li_text).split()))
            self._li_text = None
        if tag == "option" and self._select and self._option_text is not None:
            value = self._option_value if self._option_value is not None else "".join(self._option_text).strip()
            if self._select_first is None:
                self._select_first = value
            if self._option_selected:
                self._select_value = value
            self._option_text = None
        if tag == "select" and self._select and self._form is not None:
            chosen = self._select_value if self._select_value is not None else self._select_first
            self._form.fields.setdefault(self._select, chosen or "")
            self._select = None
        if tag == "textarea" and self._textarea and self._form is not None:
            self._form.fields.setdefault(self._textarea, "".join(self._textarea_text))
            self._textarea = None
        if tag == "form":
            self._form = None
        still_open = []
        for cap in self._captures:
            cap[1] -= 1
            if cap[1] == 0:
                kind, key = cap[0]
                text = " ".join("".join(cap[2]).split())
                if kind == "id":
                    self.by_id.setdefault(key, text)
                    if self._li_owner and self._li_owner[-1] == key:
                        self._li_owner.pop()
                else:
                    self.by_class.setdefault(key, []).append(text)
            else:
                still_open.append(cap)
        self._captures = still_open

    def handle_data(self, data):
        for cap in self._captures:
            cap[2].append(data)
        if self._option_text is not None:
            self._option_text.append(data)
        if self._textarea is not None:
            self._textarea_text.append(data)
        if self._li_text is not None:
            self._li_text.append(data)


class Page:
    """A parsed HTML answer: forms by id, element text by id, texts by class, list items."""

    def __init__(self, text: str, url: str = "") -> None:
        self.text = text
        self.url = url
        parser = _PageParser()
        parser.feed(text)
        parser.close()
        self._p = parser

    def has(self, element_id: str) -> bool:
        return element_id in self._p.ids

    def text_of(self, element_id: str) -> str:
        assert element_id in self._p.ids, f"no #{element_id} on {self.url}:\n{self.text[:3000]}"
        return self._p.by_id.get(element_id, "")

    def classes(self, cls: str) -> list[str]:
        return self._p.by_class.get(cls, [])

    def items(self, list_id: str) -> list[str]:
        return self._p.list_items.get(list_id, [])

    def form(self, form_id: str | None = None, *, with_field: str | None = None) -> Form:
        for f in self._p.forms:
            if form_id is not None and f.id == form_id:
                return f
            if form_id is None and with_field is not None and with_field in f.names:
                return f
        raise AssertionError(f"no form {form_id or with_field!r} on {self.url}:\n{self.text[:3000]}")


class SourceAddressAdapter(HTTPAdapter):
    """Sends from one loopback address (127.0.0.2, ...), so a test can be several clients."""

    def __init__(self, source: str, **kwargs) -> None:
        self.source = source
        super().__init__(**kwargs)

    def init_poolmanager(self, *args, **kwargs):
        kwargs["source_address"] = (self.source, 0)
        return super().init_poolmanager(*args, **kwargs)


class WebClient:
    """A browser-like requests.Session: keeps cookies, submits forms with their hidden fields."""

    def __init__(self, base_url: str, source: str | None = None) -> None:
        self.base_url = base_url.rstrip("/")
        self.http = requests.Session()
        self.http.headers["User-Agent"] = "trustdesk-e2e/1.0"
        if source:
            self.http.mount("http://", SourceAddressAdapter(source))

    def url(self, path: str) -> str:
        return path if path.startswith("http") else self.base_url + path

    def get(self, path: str, **kw) -> requests.Response:
        kw.setdefault("timeout", HTTP_TIMEOUT)
        return self.http.get(self.url(path), **kw)

    def page(self, path: str, expect: int | None = 200) -> Page:
        r = self.get(path)
        if expect is not None:
            assert r.status_code == expect, f"GET {path} -> {r.status_code}:\n{r.text[:2000]}"
        return Page(r.text, r.url)

    def submit(self, page: Page, form_id: str | None = None, *, with_field: str | None = None,
               **values: str) -> requests.Response:
        """Post a form of `page` (its hidden fields, csrf_token included) with `values` filled in."""
        form = page.form(form_id, with_field=with_field)
        data = dict(form.fields)
        data.update(values)
        target = urljoin(page.url or self.base_url + "/", form.action or page.url)
        if form.method == "get":
            return self.http.get(target, params=data, timeout=HTTP_TIMEOUT)
        return self.http.post(target, data=data, timeout=HTTP_TIMEOUT)

    def sign_in(self, username: str, password: str, totp_secret: str | None = None,
                code: str | None = None) -> requests.Response:
        """Sign in through /signin and, when asked, /signin/two-factor (ACC-8)."""
        r = self.submit(self.page("/signin"), "signin-form", username=username, password=password)
        if urlsplit(r.url).path.rstrip("/") == "/signin/two-factor" or "two-factor-form" in r.text:
            assert totp_secret or code, f"{username} was asked for a two-factor code"
            if code is None:
                code = fresh_totp(totp_secret, user=username)
            r = self.submit(Page(r.text, r.url), "two-factor-form", code=code)
        return r


def path_of(response: requests.Response) -> str:
    return urlsplit(response.url).path


# ---------------------------------------------------------------------------------------------
# TOTP

_last_step: dict[str, int] = {}


def fresh_totp(secret: str, after_step: int | None = None, *, user: str | None = None) -> str:
    """A TOTP code (RFC 6238) of a 30 s step later than any this process used for `secret` and
    `user` (the server accepts each code once per user), with at least 3 s left in its step."""
    key = f"{user or ''}:{secret}"
    floor = max(after_step if after_step is not None else -1, _last_step.get(key, -1))
    deadline = time.time() + 75
    while True:
        now = time.time()
        step = int(now // 30)
        if step > floor and (30 - now % 30) >= 3:
            break
        assert now < deadline, "could not get a fresh TOTP step"
        time.sleep(0.5)
    _last_step[key] = step
    return pyotp.TOTP(secret).at(step * 30)


def mark_totp_used(secret: str, at: float | None = None, *, user: str | None = None) -> int:
    """Record that the code of the step at `at` (default now) was used for `user`."""
    key = f"{user or ''}:{secret}"
    step = int((at if at is not None else time.time()) // 30)
    _last_step[key] = max(step, _last_step.get(key, -1))
    return step


# ---------------------------------------------------------------------------------------------
# Mail files ($TRUSTDESK_DATA_DIR/mail/*.eml)


@dataclass
class Mail:
    path: Path
    to: str
    subject: str
    body: str


def read_mail(path: Path) -> Mail:
    raw = path.read_bytes()
    msg = email.message_from_bytes(raw, policy=email.policy.default)
    body = ""
    try:
        part = msg.get_body(preferencelist=("plain", "html"))
        if part is not None:
            body = part.get_content()
    except Exception:  # noqa: BLE001 - fall back to a manual decode below
        body = ""
    if not body:
        payload = raw.split(b"\r\n\r\n", 1)[-1] if b"\r\n\r\n" in raw else raw.split(b"\n\n", 1)[-1]
        if "quoted-printable" in str(msg.get("Content-Transfer-Encoding", "")).lower():
            payload = quopri.decodestring(payload)
        body = payload.decode("utf-8", "replace")
    return Mail(path=path, to=str(msg.get("To", "")), subject=str(msg.get("Subject", "")),
                body=html.unescape(body))


def wait_for_mail(data_dir: str | os.PathLike, to: str, *, subject: str | None = None,
                  contains: str | None = None, timeout: float = 20.0,
                  exclude: set[Path] | None = None) -> Mail:
    """Poll `data_dir/mail` for a message to `to` (and `subject`, `contains`) for up to `timeout` s."""
    mail_dir = Path(data_dir) / "mail"
    deadline = time.time() + timeout
    seen: list[str] = []
    while True:
        if mail_dir.is_dir():
            for path in sorted(mail_dir.glob("*.eml"), key=lambda p: p.stat().st_mtime):
                if exclude and path in exclude:
                    continue
                try:
                    mail = read_mail(path)
                except Exception:  # noqa: BLE001 - possibly still being written; retry next poll
                    continue
                if to.lower() not in mail.to.lower():
                    continue
                if subject and subject.lower() not in mail.subject.lower():
                    continue
                if contains and contains not in mail.body:
                    continue
                return mail
        if time.time() > deadline:
            if mail_dir.is_dir():
                seen = [p.name for p in mail_dir.glob("*.eml")]
            raise AssertionError(f"no mail to {to} (subject {subject!r}, containing {contains!r}) in "
                                 f"{mail_dir} after {timeout:.0f} s; files there: {seen[-20:]}")
        time.sleep(0.25)


def find_link(text: str, path: str) -> str:
    """The first absolute link to `path?token=...` in a mail body."""
    match = re.search(r"https?://[^\s<>\"']+?" + re.escape(path) + r"\?token=[A-Za-z0-9_-]+", text)
    assert match, f"no {path}?token= link in mail:\n{text}"
    return match.group(0)


# ---------------------------------------------------------------------------------------------
# Identities


def safe_name(nodeid: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", nodeid)[-150:]


def unique(prefix: str = "e2e") -> str:
    return f"{prefix}{int(time.time())}{secrets.token_hex(3)}"


@dataclass
class Customer:
    username: str
    password: str
    email: str
    full_name: str
    account_name: str
    account_sid: str = ""
    confirm_link: str = ""
    web: WebClient | None = None
    key_sid: str = ""
    key_secret: str = ""


def sign_up(web: WebClient, data_dir: str, prefix: str = "e2e") -> tuple[Customer, str]:
    """Fill /signup (ACC-3) and return the customer with its confirmation link from the mail."""
    name = unique(prefix)
    customer = Customer(username=name, password="Pw-" + secrets.token_urlsafe(12), email=f"{name}@example.com",
                        full_name=f"E2E {name}", account_name=f"E2E Org {name}")
    page = web.page("/signup")
    # STD-6: country and a phone under its calling code, so vetting approves the sign-up.
    r = web.submit(page, "signup-form", full_name=customer.full_name, email=customer.email,
                   username=customer.username, password=customer.password, account_name=customer.account_name,
                   country="US", phone="+1 555 010 0142")
    assert r.status_code == 200, f"signup -> {r.status_code}:\n{r.text[:2000]}"
    assert Page(r.text).has("signup-sent"), f"no #signup-sent:\n{r.text[:2000]}"
    mail = wait_for_mail(data_dir, customer.email, subject="Confirm your email address")
    customer.confirm_link = find_link(mail.body, "/signup/confirm")
    return customer, mail.body


def confirm(web: WebClient, customer: Customer) -> requests.Response:
    page = web.page(customer.confirm_link)
    r = web.submit(page, "confirm-form")
    assert r.status_code == 200, f"confirm -> {r.status_code}:\n{r.text[:2000]}"
    done = Page(r.text, r.url)
    assert done.has("account-created"), f"no #account-created:\n{r.text[:2000]}"
    customer.account_sid = done.text_of("account-sid").strip()
    assert ACCOUNT_SID_RE.match(customer.account_sid), customer.account_sid
    return r


def new_customer(base_url: str, data_dir: str, prefix: str = "e2e") -> Customer:
    """Sign up, confirm and sign in a new customer over HTTP (ACC-3)."""
    web = WebClient(base_url)
    customer, _ = sign_up(web, data_dir, prefix)
    confirm(web, customer)
    r = web.sign_in(customer.username, customer.password)
    assert path_of(r).startswith("/console"), f"sign-in ended at {r.url} ({r.status_code}):\n{r.text[:2000]}"
    customer.web = web
    return customer


def create_key_in_console(customer: Customer, friendly_name: str = "e2e console key") -> tuple[str, str]:
    """Create an API key on the console credentials page (ACC-7); returns (sid, secret)."""
    web = customer.web
    assert web is not None
    page = web.page(f"/console/accounts/{customer.account_sid}/credentials")
    r = web.submit(page, "key-form", friendly_name=friendly_name)
    assert r.status_code in (200, 201), f"key-form -> {r.status_code}:\n{r.text[:2000]}"
    done = Page(r.text, r.url)
    key_sid, secret = done.text_of("key-sid").strip(), done.text_of("key-secret").strip()
    assert KEY_SID_RE.match(key_sid), key_sid
    assert secret, "empty #key-secret"
    return key_sid, secret


def create_staff_api_key(base_url: str, friendly_name: str) -> tuple[str, str]:
    """A personal staff API key of the demo staff admin, made on /staff/api-keys: (sid, secret)."""
    web = WebClient(base_url)
    r = web.sign_in("staff.morgan", DEMO_PASSWORD, totp_secret=DEMO_STAFF_TOTP_SECRET)
    assert r.status_code == 200, r.text[:1000]
    r = web.submit(web.page("/staff/api-keys"), "staff-key-form", friendly_name=friendly_name)
    page = Page(r.text, r.url)
    return page.text_of("new-key-sid").strip(), page.text_of("new-key-secret").strip()


def parse_demo_credentials(log_text: str) -> tuple[str, str]:
    """Acme's account SID and auth token from the `--demo` start output."""
    clean = re.sub(r"\x1b\[[0-9;]*[A-Za-z]", "", log_text)
    sid = re.search(r"Account SID:\s*(AC[0-9a-f]{32})", clean)
    token = re.search(r"Auth token:\s*([^\s\"'`]+)", clean)
    assert sid and token, "no 'Account SID:' / 'Auth token:' lines in the server log"
    return sid.group(1), token.group(1)


def wait_until_ready(url: str, process, log_text, seconds: float = 120) -> None:
    """Polls `url`/readyz until it answers 200. Fails with the end of the server's log
    (`log_text()`) when the process (a `subprocess.Popen`) exits first or is not ready in time."""
    deadline = time.time() + seconds
    while time.time() < deadline:
        assert process.poll() is None, f"server exited at start:\n{log_text()[-3000:]}"
        try:
            if requests.get(url + "/readyz", timeout=2).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.3)
    raise AssertionError(f"server not ready in {seconds:.0f} s:\n{log_text()[-3000:]}")


# ---------------------------------------------------------------------------------------------
# REST API


def assert_api_error(r: requests.Response, status: int | tuple[int, ...], code: int | tuple[int, ...]) -> dict:
    """The contract's error shape {code, message, more_info, status} with the given status/code."""
    statuses = status if isinstance(status, tuple) else (status,)
    codes = code if isinstance(code, tuple) else (code,)
    assert r.status_code in statuses, \
        f"{r.request.method} {r.url} -> {r.status_code}, want {statuses}:\n{r.text[:1000]}"
    ctype = r.headers.get("Content-Type", "")
    assert ctype.startswith("application/json"), f"error Content-Type {ctype!r}: {r.text[:500]}"
    body = r.json()
    validate_schema(body, "Error")
    assert body["status"] == r.status_code, body
    assert body["code"] in codes, f"code {body['code']}, want {codes}: {body}"
    if r.status_code == 401:
        assert r.headers.get("WWW-Authenticate", "").lower().startswith("basic"), r.headers
    return body


_spec_cache: dict | None = None


def openapi_spec() -> dict:
    global _spec_cache
    if _spec_cache is None:
        with open(OPENAPI_PATH, encoding="utf-8") as fh:
            _spec_cache = yaml.safe_load(fh)
    return _spec_cache


def validate_schema(instance, schema_name: str) -> None:
    """Validate a JSON value against components/schemas/<schema_name> of openapi.yaml."""
    from openapi_schema_validator import OAS31Validator, oas31_format_checker

    root = {"$ref": f"#/components/schemas/{schema_name}", "components": openapi_spec()["components"]}
    OAS31Validator(root, format_checker=oas31_format_checker).validate(instance)
