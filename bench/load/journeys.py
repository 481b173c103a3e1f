"""Locust journeys against a running `trustdesk serve --demo` (issue 15, load with a real generator).

Three kinds of user, as they would use the product:
- customers (Acme's owner and admin) sign in with the page's CSRF token, open tickets through the
  console form, read their ticket list, list tickets by API and read the status page's JSON;
- staff sign in with their password and a TOTP code (pyotp; each staff member once, since a
  code is good for one sign-in), page the support queue and open tickets from it;
- the messaging pipeline asks for batch admissions (100 SMS per call) with the service token.

Every request is named by its step (`POST /signin`, `GET /v1/Tickets`...), so Locust's CSV has a
row per journey step. A step fails when its status is not the one a person would get.

    locust -f bench/load/journeys.py --headless -u 50 -r 10 -t 3m --csv OUT --host URL
with TRUSTDESK_SID, TRUSTDESK_TOKEN, TRUSTDESK_SERVICE_TOKEN in the environment (run.sh
sets them from the demo's start output).
"""
import itertools
import os
import random
import re
import threading
import time

import pyotp
from locust import HttpUser, between, constant, task

PASSWORD = "demo-password-2026"
STAFF_TOTP = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
CUSTOMERS = ["avery", "blake"]
# Staff who may open the support queues (docs/security.md); each signs in once.
STAFF = ["staff.alex", "staff.taylor", "staff.parker", "staff.dana", "staff.morgan"]
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
OPTION = re.compile(r'<select id="account_sid" name="account_sid"[^>]*><option value="([^"]+)"')
TICKET_LINK = re.compile(r'href="/staff/support/tickets/(\d+)"')
OLDER = re.compile(r'href="(/staff/support\?queue=[a-z_]+&amp;before=[^"]+)"')

# LOAD_WAIT=0 (run.sh's default) makes each user a closed loop, so throughput measures the
# server; LOAD_WAIT=think gives people's pauses (0.5-1.5 s) instead.
WAIT = between(0.5, 1.5) if os.environ.get("LOAD_WAIT") == "think" else constant(0)

_staff_names = itertools.cycle(STAFF)
_staff_lock = threading.Lock()
_used_steps: dict[str, int] = {}


def csrf(text: str) -> str:
    match = CSRF.search(text)
    if not match:
        raise RuntimeError("no CSRF token on the page")
    return match.group(1)


def totp_for(username: str) -> str:
    """A code of a step this generator has not used for `username` (the server refuses reuse)."""
    with _staff_lock:
        while True:
            step = int(time.time()) // 30
            if _used_steps.get(username, -1) < step:
                _used_steps[username] = step
                return pyotp.TOTP(STAFF_TOTP).at(step * 30)
            time.sleep(0.5)


def expect(response, *statuses):
    if response.status_code in statuses:
        response.success()
    else:
        response.failure(f"status {response.status_code}, wanted {statuses}: {response.text[:200]}")


class Customer(HttpUser):
    weight = 6
    wait_time = WAIT

    def on_start(self):
        self.username = random.choice(CUSTOMERS)
        self.account_sid = os.environ["TRUSTDESK_SID"]
        self.auth = (os.environ["TRUSTDESK_SID"], os.environ["TRUSTDESK_TOKEN"])
        self.sign_in()

    def sign_in(self):
        self.client.cookies.clear()
        page = self.client.get("/signin", name="GET /signin")
        with self.client.post("/signin", name="POST /signin", allow_redirects=False, catch_response=True,
                              data={"csrf_token": csrf(page.text), "username": self.username, "password": PASSWORD}) as r:
            expect(r, 303)

    @task(1)
    def sign_in_again(self):
        self.sign_in()

    @task(3)
    def open_ticket(self):
        form = self.client.get("/console/support/new?product=other", name="GET /console/support/new")
        account = OPTION.search(form.text)
        fields = {
            "csrf_token": csrf(form.text), "account_sid": account.group(1) if account else self.account_sid,
            "product": "other", "priority": "3", "subject": f"Load test question {random.randrange(10**9)}",
            "description": "How do I read the delivery report of a message sent last week?",
        }
        # The form is multipart (it takes attachments); send it the same way a browser does.
        files = {name: (None, value) for name, value in fields.items()}
        with self.client.post("/console/support/tickets", name="POST /console/support/tickets", files=files,
                              allow_redirects=False, catch_response=True) as r:
            expect(r, 303)

    @task(3)
    def my_tickets(self):
        with self.client.get("/console/support", name="GET /console/support", catch_response=True) as r:
            expect(r, 200)

    @task(4)
    def list_tickets_by_api(self):
        with self.client.get("/v1/Tickets?PageSize=50", name="GET /v1/Tickets", auth=self.auth, catch_response=True) as r:
            expect(r, 200)

    @task(4)
    def status_summary(self):
        with self.client.get("/api/v2/summary.json", name="GET /api/v2/summary.json",
                             headers={"Accept-Encoding": "gzip"}, catch_response=True) as r:
            expect(r, 200)


class Staff(HttpUser):
    fixed_count = len(STAFF)
    wait_time = WAIT

    def on_start(self):
        with _staff_lock:
            self.username = next(_staff_names)
        page = self.client.get("/signin", name="GET /signin")
        self.client.post("/signin", name="POST /signin (staff)", allow_redirects=True,
                         data={"csrf_token": csrf(page.text), "username": self.username, "password": PASSWORD})
        code_page = self.client.get("/signin/two-factor", name="GET /signin/two-factor")
        with self.client.post("/signin/two-factor", name="POST /signin/two-factor (TOTP)", allow_redirects=False,
                              catch_response=True,
                              data={"csrf_token": csrf(code_page.text), "code": totp_for(self.username)}) as r:
            expect(r, 303)
        self.older = None

    @task(3)
    def page_queue(self):
        path = self.older or "/staff/support?queue=all"
        with self.client.get(path, name="GET /staff/support (queue page)", catch_response=True) as r:
            expect(r, 200)
            older = OLDER.search(r.text)
            self.older = older.group(1).replace("&amp;", "&") if older and random.random() < 0.7 else None
            self.tickets = TICKET_LINK.findall(r.text)

    @task(2)
    def open_ticket_page(self):
        numbers = getattr(self, "tickets", None)
        if not numbers:
            return self.page_queue()
        with self.client.get(f"/staff/support/tickets/{random.choice(numbers)}", name="GET /staff/support/tickets/N",
                             catch_response=True) as r:
            expect(r, 200)


class Pipeline(HttpUser):
    weight = 2
    wait_time = WAIT

    def on_start(self):
        self.headers = {"Authorization": f"Bearer {os.environ['TRUSTDESK_SERVICE_TOKEN']}"}
        self.account_sid = os.environ["TRUSTDESK_SID"]

    @task
    def batch_admissions(self):
        items = [{"account_sid": self.account_sid, "channel": "sms"} for _ in range(100)]
        with self.client.post("/v1/Admissions/Batch", name="POST /v1/Admissions/Batch (100 SMS)", json={"items": items},
                              headers=self.headers, catch_response=True) as r:
            expect(r, 200)


class Baseline(HttpUser):
    """The same-run baseline: journeys.sh runs it alone, then the journeys by class name."""
    wait_time = WAIT

    @task
    def healthz(self):
        with self.client.get("/healthz", name="GET /healthz", catch_response=True) as r:
            expect(r, 200)
