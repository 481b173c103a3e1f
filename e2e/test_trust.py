"""Progressive Trust end to end, as the messaging pipeline and a customer see it: a new account
is enrolled with the default limit and told so (PT-2, PT-8); the pipeline's batch admissions
stop at the cap with 63038 while other channels pass (PT-4, PT-5, PT-6); the customer reads its
usage and receives each refusal on its status callback, signed so that the `twilio` library's
own RequestValidator accepts it (PT-9)."""

from __future__ import annotations

import os
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import requests
from twilio.request_validator import RequestValidator

import helpers

DEFAULT_LIMIT = 1000


@pytest.fixture(scope="module")
def service_token() -> str:
    token = os.environ.get("TRUSTDESK_E2E_SERVICE_TOKEN", "")
    if not token:
        pytest.skip("TRUSTDESK_E2E_SERVICE_TOKEN is not set: the server has no messaging-pipeline credential")
    return token


class CallbackReceiver:
    """An HTTP endpoint on 127.0.0.1 that records every POST it gets."""

    def __init__(self) -> None:
        received = self.received = []

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 - the http.server API
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                received.append((self.path, dict(self.headers), body.decode()))
                self.send_response(204)
                self.end_headers()

            def log_message(self, *args):  # keep pytest output clean
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/sms/refused?source=trustdesk"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> CallbackReceiver:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()

    def wait_for(self, count: int, timeout: float = 40.0) -> list:
        deadline = time.time() + timeout
        while len(self.received) < count and time.time() < deadline:
            time.sleep(0.25)
        return list(self.received)


def test_pt2_pt4_pt5_pt6_pt8_pt9_cap_refusals_and_signed_callbacks(base_url, data_dir, service_token):
    customer = helpers.new_customer(base_url, data_dir, prefix="e2etrust")
    key = helpers.create_key_in_console(customer, friendly_name="e2e trust key")
    limits_url = f"{base_url}/v1/Accounts/{customer.account_sid}/MessagingLimits"
    pipeline = {"Authorization": f"Bearer {service_token}"}

    with CallbackReceiver() as receiver:
        registered = requests.post(limits_url, auth=key, json={"status_callback": receiver.url}, timeout=30)
        assert registered.status_code == 200, registered.text
        secret = registered.json()["status_callback_signing_secret"]
        assert registered.json()["daily_limit"] == DEFAULT_LIMIT

        # PT-8: enrolment is announced by mail.
        notice = helpers.wait_for_mail(data_dir, customer.email, subject="[ATTENTION] Account Message Cap Pre-Notification")
        assert f"{DEFAULT_LIMIT:,}" in notice.body or str(DEFAULT_LIMIT) in notice.body

        items = [{"account_sid": customer.account_sid, "channel": "sms"} for _ in range(DEFAULT_LIMIT + 5)]
        items += [{"account_sid": customer.account_sid, "channel": channel} for channel in ("voice", "mms", "email")]
        batch = requests.post(f"{base_url}/v1/Admissions/Batch", headers=pipeline, json={"items": items}, timeout=60)
        assert batch.status_code == 200, batch.text
        answer = batch.json()
        sms = answer["results"][: DEFAULT_LIMIT + 5]
        others = answer["results"][DEFAULT_LIMIT + 5:]
        # PT-4: never more than the limit; PT-5: the rest refused with 63038 and the limit.
        assert sum(1 for r in sms if r["admitted"]) == DEFAULT_LIMIT
        refused = [r for r in sms if not r["admitted"]]
        assert len(refused) == 5
        assert all(r["error_code"] == 63038 and r["daily_limit"] == DEFAULT_LIMIT for r in refused)
        # PT-6: other channels are never refused by the cap.
        assert all(r["admitted"] for r in others)
        assert answer["admitted"] == DEFAULT_LIMIT + 3 and answer["refused"] == 5

        # PT-9: usage through the API; refused messages are not volume.
        usage = requests.get(limits_url, auth=key, timeout=30).json()
        assert usage["used_in_window"] == DEFAULT_LIMIT and usage["remaining_in_window"] == 0

        # PT-9: each refusal reaches the callback, signed the way Twilio signs its webhooks.
        calls = receiver.wait_for(5)
        assert len(calls) == 5, f"{len(calls)} callbacks arrived"
        validator = RequestValidator(secret)
        for path, headers, body in calls:
            params = dict(urllib.parse.parse_qsl(body, keep_blank_values=True))
            assert params["ErrorCode"] == "63038" and params["AccountSid"] == customer.account_sid
            assert params["DailyLimit"] == str(DEFAULT_LIMIT)
            signature = headers.get("X-Twilio-Signature", "")
            assert validator.validate(receiver.url, params, signature)
            assert not validator.validate(receiver.url, {**params, "DailyLimit": "1000000"}, signature)


def test_pt10_a_score_review_request_opens_a_trust_and_safety_ticket(base_url, data_dir):
    """PT-10: the customer's API request answers with the ticket it opened; the ticket is theirs to
    read through /v1/Tickets, and the requester is told it was received."""
    customer = helpers.new_customer(base_url, data_dir, prefix="e2etrustreq")
    key = helpers.create_key_in_console(customer, friendly_name="e2e trust request key")
    created = requests.post(f"{base_url}/v1/Accounts/{customer.account_sid}/MessagingLimits/Requests", auth=key, timeout=30,
                            json={"kind": "score_review", "reason": "Double opt-in on every list since January."})
    assert created.status_code == 201, created.text
    body = created.json()
    assert body["status"] == "open" and body["kind"] == "score_review"
    number = body["ticket_number"]
    assert isinstance(number, int)

    ticket = requests.get(f"{base_url}/v1/Tickets/{number}", auth=key, timeout=30)
    assert ticket.status_code == 200, ticket.text
    assert ticket.json()["subject"] == f"Score review: {customer.account_name}"
    helpers.wait_for_mail(data_dir, customer.email, subject=f"[#{number}] We received your ticket")
