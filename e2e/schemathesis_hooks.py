"""Schemathesis hooks (e2e/schemathesis.toml): webhooks signed as their senders sign them.

The voice provider signs `/voice/{Step}` posts (SUP-10, SEC-4): base64 HMAC-SHA1, keyed with
the voice auth token, over the public URL, the path and query, and every form field sorted by
name. Unsigned posts are refused before anything else, so without this hook the fuzzer would
only ever see 401.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
from urllib.parse import urlencode

import schemathesis


def voice_signature(token: str, url: str, fields: dict[str, str]) -> str:
    payload = url + "".join(f"{name}{fields[name]}" for name in sorted(fields))
    return base64.b64encode(hmac.new(token.encode(), payload.encode(), hashlib.sha1).digest()).decode()


@schemathesis.hook
def before_call(ctx, case, **kwargs):
    if not case.path.startswith("/voice/"):
        return
    token = os.environ.get("TRUSTDESK_E2E_VOICE_TOKEN", "")
    if not token or not isinstance(case.body, dict):
        return
    fields = {str(k): str(v) for k, v in case.body.items()}
    url = os.environ["TRUSTDESK_E2E_URL"].rstrip("/") + case.formatted_path
    if case.query:
        url += "?" + urlencode(case.query, doseq=True)
    case.headers = {**(case.headers or {}), "X-Twilio-Signature": voice_signature(token, url, fields)}
