"""The status page (STS-1..STS-5) against the demo world: every /api/v2 endpoint validated with a
JSON Schema transcribed from Statuspage's v2 documentation; ETag, CORS and caching; a real v2
consumer (statuspage-prometheus-exporter) reading summary.json; feedparser reading both feeds; a
subscriber who confirms from the mail file, gets an update with both RFC 8058 headers and leaves by
one-click POST; the demo's reason-for-outage ticket in Acme's console."""

from __future__ import annotations

import email
import email.policy
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import feedparser
import jsonschema
import pytest
import requests

from helpers import (
    DEMO_PASSWORD,
    DEMO_STAFF_TOTP_SECRET,
    HTTP_TIMEOUT,
    Page,
    WebClient,
    find_link,
    unique,
    validate_schema,
    wait_for_mail,
)

# Transcribed from Statuspage's public v2 API documentation (each hosted page documents it at
# /api), cross-checked with the statuspage.io npm client's typings. Independent of openapi.yaml on
# purpose: it is what third-party consumers expect, not what we wrote down.
TIMESTAMP = {"type": "string", "pattern": r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$"}
NULLABLE_TIMESTAMP = {"anyOf": [TIMESTAMP, {"type": "null"}]}
PAGE = {"type": "object", "required": ["id", "name", "url", "time_zone", "updated_at"],
        "properties": {"id": {"type": "string"}, "name": {"type": "string"}, "url": {"type": "string"},
                       "time_zone": {"type": "string"}, "updated_at": TIMESTAMP}}
COMPONENT = {"type": "object",
             "required": ["id", "name", "status", "created_at", "updated_at", "position", "description", "showcase",
                          "start_date", "group_id", "page_id", "group", "only_show_if_degraded"],
             "properties": {"id": {"type": "string"}, "name": {"type": "string"},
                            "status": {"enum": ["operational", "degraded_performance", "partial_outage", "major_outage",
                                                "under_maintenance"]},
                            "created_at": TIMESTAMP, "updated_at": TIMESTAMP, "position": {"type": "integer"},
                            "description": {"type": ["string", "null"]}, "showcase": {"type": "boolean"},
                            "start_date": {"type": ["string", "null"]}, "group_id": {"type": ["string", "null"]},
                            "page_id": {"type": "string"}, "group": {"type": "boolean"},
                            "only_show_if_degraded": {"type": "boolean"},
                            "components": {"type": "array", "items": {"type": "string"}}}}
UPDATE = {"type": "object",
          "required": ["id", "status", "body", "incident_id", "created_at", "updated_at", "display_at",
                       "affected_components", "deliver_notifications"],
          "properties": {"id": {"type": "string"},
                         "status": {"enum": ["investigating", "identified", "monitoring", "resolved", "postmortem",
                                             "scheduled", "in_progress", "verifying", "completed"]},
                         "body": {"type": "string"}, "incident_id": {"type": "string"}, "created_at": TIMESTAMP,
                         "updated_at": TIMESTAMP, "display_at": TIMESTAMP,
                         "affected_components": {"anyOf": [{"type": "null"}, {"type": "array", "items": {
                             "type": "object", "required": ["code", "name", "old_status", "new_status"]}}]},
                         "deliver_notifications": {"type": "boolean"}}}
INCIDENT = {"type": "object",
            "required": ["id", "name", "status", "created_at", "updated_at", "monitoring_at", "resolved_at", "impact",
                         "shortlink", "started_at", "page_id", "incident_updates", "components"],
            "properties": {"id": {"type": "string"}, "name": {"type": "string"},
                           "status": {"enum": ["investigating", "identified", "monitoring", "resolved", "postmortem"]},
                           "created_at": TIMESTAMP, "updated_at": TIMESTAMP, "monitoring_at": NULLABLE_TIMESTAMP,
                           "resolved_at": NULLABLE_TIMESTAMP, "impact": {"enum": ["none", "minor", "major", "critical"]},
                           "shortlink": {"type": "string"}, "started_at": TIMESTAMP, "page_id": {"type": "string"},
                           "incident_updates": {"type": "array", "items": UPDATE},
                           "components": {"type": "array", "items": COMPONENT}}}
MAINTENANCE = {**INCIDENT,
               "required": INCIDENT["required"] + ["scheduled_for", "scheduled_until"],
               "properties": {**INCIDENT["properties"],
                              "status": {"enum": ["scheduled", "in_progress", "verifying", "completed"]},
                              "impact": {"enum": ["none", "minor", "major", "critical", "maintenance"]},
                              "scheduled_for": TIMESTAMP, "scheduled_until": TIMESTAMP}}
STATUS = {"type": "object", "required": ["indicator", "description"],
          "properties": {"indicator": {"enum": ["none", "minor", "major", "critical"]}, "description": {"type": "string"}}}


def envelope(**properties) -> dict:
    return {"type": "object", "required": ["page", *properties], "properties": {"page": PAGE, **properties}}


ENDPOINTS = {
    "summary.json": (envelope(components={"type": "array", "items": COMPONENT},
                              incidents={"type": "array", "items": INCIDENT},
                              scheduled_maintenances={"type": "array", "items": MAINTENANCE}, status=STATUS),
                     "StatusSummary"),
    "status.json": (envelope(status=STATUS), "StatusStatusResponse"),
    "components.json": (envelope(components={"type": "array", "items": COMPONENT}), "StatusComponentsResponse"),
    "incidents.json": (envelope(incidents={"type": "array", "items": INCIDENT}), "StatusIncidentsResponse"),
    "incidents/unresolved.json": (envelope(incidents={"type": "array", "items": INCIDENT}), "StatusIncidentsResponse"),
    "scheduled-maintenances.json": (envelope(scheduled_maintenances={"type": "array", "items": MAINTENANCE}),
                                    "StatusMaintenancesResponse"),
    "scheduled-maintenances/upcoming.json": (envelope(scheduled_maintenances={"type": "array", "items": MAINTENANCE}),
                                             "StatusMaintenancesResponse"),
    "scheduled-maintenances/active.json": (envelope(scheduled_maintenances={"type": "array", "items": MAINTENANCE}),
                                           "StatusMaintenancesResponse"),
}


@pytest.mark.parametrize("endpoint", sorted(ENDPOINTS))
def test_sts5_v2_endpoint_matches_the_statuspage_schema(base_url, endpoint):
    """STS-5: each of the eight endpoints answers signed out, with no cookie, in Statuspage's shape
    (the transcribed schema) and in the shape openapi.yaml documents."""
    r = requests.get(f"{base_url}/api/v2/{endpoint}", timeout=HTTP_TIMEOUT)
    assert r.status_code == 200, r.text[:500]
    assert r.headers["Content-Type"].startswith("application/json")
    assert "Set-Cookie" not in r.headers
    schema, documented = ENDPOINTS[endpoint]
    jsonschema.validate(r.json(), schema)
    validate_schema(r.json(), documented)


def test_sts5_demo_summary_has_the_demo_world(base_url):
    """STS-1 STS-2 STS-5: the demo's components (messaging in a group), its open Voice incident and
    its upcoming Email maintenance are in summary.json; the resolved SMS incident has its postmortem."""
    summary = requests.get(f"{base_url}/api/v2/summary.json", timeout=HTTP_TIMEOUT).json()
    names = {c["name"]: c for c in summary["components"]}
    assert {"Messaging", "SMS", "MMS", "WhatsApp", "Voice", "Video", "Email", "Verify", "Console & API"} <= set(names)
    assert names["Messaging"]["group"] is True and names["SMS"]["id"] in names["Messaging"]["components"]
    assert any(i["name"] == "Elevated call failures to UK mobile numbers" for i in summary["incidents"])
    assert any(m["name"] == "Email sending infrastructure upgrade" for m in summary["scheduled_maintenances"])
    assert summary["status"]["indicator"] in ("minor", "major", "critical")
    incidents = requests.get(f"{base_url}/api/v2/incidents.json", timeout=HTTP_TIMEOUT).json()["incidents"]
    sms = next(i for i in incidents if i["name"] == "Delayed SMS delivery to US carriers")
    assert sms["status"] == "postmortem" and sms["incident_updates"][0]["status"] == "postmortem"


def test_sts5_etag_cors_and_cache(base_url):
    """STS-5: an ETag that If-None-Match turns into a 304, CORS open to every origin, 10 s caching,
    and JSON errors under /api/v2."""
    r = requests.get(f"{base_url}/api/v2/summary.json", headers={"Origin": "https://example.com"}, timeout=HTTP_TIMEOUT)
    assert r.headers["Access-Control-Allow-Origin"] == "*"
    assert r.headers["Cache-Control"] == "public, max-age=10"
    etag = r.headers["ETag"]
    again = requests.get(f"{base_url}/api/v2/summary.json", headers={"If-None-Match": etag}, timeout=HTTP_TIMEOUT)
    assert again.status_code in (200, 304)
    if again.status_code == 304:
        assert again.content == b"" and again.headers["ETag"] == etag
    missing = requests.get(f"{base_url}/api/v2/no-such.json", timeout=HTTP_TIMEOUT)
    assert missing.status_code == 404 and missing.json()["code"] == 20404
    preflight = requests.options(f"{base_url}/api/v2/summary.json", headers={
        "Origin": "https://example.com", "Access-Control-Request-Method": "GET",
        "Access-Control-Request-Headers": "if-none-match"}, timeout=HTTP_TIMEOUT)
    assert preflight.status_code == 204 and preflight.headers["Access-Control-Allow-Origin"] == "*"


def test_sts5_statuspage_prometheus_exporter_reads_our_summary(base_url, tmp_path):
    """STS-5: statuspage-prometheus-exporter 2.6.0, a real Statuspage v2 consumer, polls our
    summary.json once and reports the demo's Voice incident and the degraded Voice component."""
    (tmp_path / "services.json").write_text(json.dumps({
        "trustdesk": {"url": f"{base_url}/api/v2/summary.json", "name": "TrustDesk"}}))
    textfile = tmp_path / "metrics" / "statuspage.prom"
    env = {**os.environ, "RUN_MODE": "once", "SERVICES_JSON_PATH": str(tmp_path / "services.json"),
           "METRICS_TEXTFILE_PATH": str(textfile), "CLEAR_CACHE": "true"}
    exporter = Path(sys.executable).parent / "statuspage-prometheus-exporter"
    done = subprocess.run([str(exporter)], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    metrics = textfile.read_text()
    incident = [line for line in metrics.splitlines() if line.startswith("statuspage_incident_info{")
                and "Elevated call failures to UK mobile numbers" in line]
    assert incident and incident[0].rstrip().endswith(" 1.0"), metrics
    voice = [line for line in metrics.splitlines() if line.startswith("statuspage_component_status{")
             and 'component_name="Voice"' in line]
    assert voice and voice[0].rstrip().endswith(" 0.0"), metrics
    service = [line for line in metrics.splitlines() if line.startswith("statuspage_service_status{")]
    assert service and service[0].rstrip().endswith(" 0.0"), metrics


def test_sts2_feedparser_reads_both_feeds(base_url):
    """STS-2 STS-5: the Atom and RSS history feeds parse cleanly with feedparser and list the demo's
    incidents and maintenance with links to their pages."""
    for suffix, version in (("atom", "atom10"), ("rss", "rss20")):
        r = requests.get(f"{base_url}/status/history.{suffix}", timeout=HTTP_TIMEOUT)
        assert r.status_code == 200
        feed = feedparser.parse(r.text)
        assert not feed.bozo, feed.bozo_exception
        assert feed.version == version
        titles = {entry.title for entry in feed.entries}
        assert {"Delayed SMS delivery to US carriers", "Elevated call failures to UK mobile numbers",
                "Email sending infrastructure upgrade"} <= titles
        assert all(entry.link.startswith(f"{base_url}/status/incidents/") for entry in feed.entries)


def test_sts1_sec5_public_page_signed_out_without_cookies(base_url):
    """STS-1 STS-5 SEC-5: /status, an incident page and the history show signed out, set no cookie
    and carry the security headers."""
    r = requests.get(f"{base_url}/status", timeout=HTTP_TIMEOUT)
    assert r.status_code == 200 and "Set-Cookie" not in r.headers
    # Scripts only from our own origin (the copy button elsewhere); the status page loads none.
    policy = r.headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy
    assert "<script" not in r.text
    page = Page(r.text, r.url)
    assert page.has("status-banner") and page.has("status-components")
    assert "Elevated call failures to UK mobile numbers" in r.text and "Email sending infrastructure upgrade" in r.text
    history = requests.get(f"{base_url}/status/history", timeout=HTTP_TIMEOUT)
    assert history.status_code == 200 and "Delayed SMS delivery to US carriers" in history.text


def staff_client(base_url: str) -> WebClient:
    web = WebClient(base_url)
    r = web.sign_in("staff.morgan", DEMO_PASSWORD, totp_secret=DEMO_STAFF_TOTP_SECRET)
    assert r.status_code == 200, r.text[:1000]
    return web


def subscribe(base_url: str, data_dir: str, address: str) -> None:
    web = WebClient(base_url)
    sent = web.submit(web.page("/status/subscribe"), "subscribe-form", email=address)
    assert sent.status_code == 200 and "subscribe-sent" in sent.text, sent.text[:1000]
    mail = wait_for_mail(data_dir, address, subject="Confirm your subscription")
    link = find_link(mail.body, "/status/subscribe/confirm")
    confirm = web.page(link)
    done = web.submit(confirm, "subscribe-confirm-form")
    assert done.status_code == 200 and "subscribed" in done.text, done.text[:1000]


def raw_mail(data_dir: str, to: str, subject: str, timeout: float = 30) -> email.message.EmailMessage:
    found = wait_for_mail(data_dir, to, subject=subject, timeout=timeout)
    return email.message_from_bytes(found.path.read_bytes(), policy=email.policy.default)


def test_sts3_subscribe_confirm_update_with_rfc8058_headers_and_one_click_unsubscribe(base_url, data_dir):
    """STS-3: two people subscribe and confirm from the mail file; staff open an incident; both get
    it with List-Unsubscribe and List-Unsubscribe-Post; one leaves with a one-click POST (no cookie,
    no CSRF token) and hears nothing of the next update while the other does."""
    leaver, stayer = f"{unique('leave')}@example.com", f"{unique('stay')}@example.com"
    subscribe(base_url, data_dir, leaver)
    subscribe(base_url, data_dir, stayer)
    staff = staff_client(base_url)
    components = requests.get(f"{base_url}/api/v2/components.json", timeout=HTTP_TIMEOUT).json()["components"]
    video = next(c for c in components if c["name"] == "Video")
    name = f"Video rooms failing to connect {unique('e2e')}"
    opened = staff.submit(staff.page("/staff/status/incidents/new"), "incident-form", name=name, status="investigating",
                          body="Some rooms fail to connect; we are looking.", notify="1",
                          **{f"component_{video['id']}": "partial_outage"})
    assert opened.status_code == 200 and "/staff/status/incidents/" in opened.url, opened.text[:1000]
    message = raw_mail(data_dir, leaver, subject=name)
    unsubscribe = message["List-Unsubscribe"]
    assert unsubscribe.startswith("<") and "/status/unsubscribe/" in unsubscribe
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert "Unsubscribe: " in message.get_body(preferencelist=("plain",)).get_content()
    raw_mail(data_dir, stayer, subject=name)
    one_click = requests.post(unsubscribe.strip("<>"), data="List-Unsubscribe=One-Click",
                              headers={"Content-Type": "application/x-www-form-urlencoded"}, timeout=HTTP_TIMEOUT)
    assert one_click.status_code == 200 and "unsubscribed" in one_click.text
    incident_page = Page(opened.text, opened.url)
    resolved = staff.submit(incident_page, "update-form", status="resolved", body="Rooms connect again.", notify="1")
    assert resolved.status_code == 200, resolved.text[:1000]
    raw_mail(data_dir, stayer, subject=f"Resolved: {name}")
    time.sleep(2)
    with pytest.raises(AssertionError):
        wait_for_mail(data_dir, leaver, subject=f"Resolved: {name}", timeout=1)


def test_sts4_rfo_ticket_in_the_customers_console(base_url):
    """STS-4: the demo's reason for outage reached Acme Rockets as a ticket from its TAM: it is in
    avery's ticket list and its page shows the RFO as a reply."""
    web = WebClient(base_url)
    r = web.sign_in("avery", DEMO_PASSWORD)
    assert r.status_code == 200
    tickets = web.page("/console/support")
    assert "Reason for outage: Delayed SMS delivery to US carriers" in tickets.text
    found = False
    for part in tickets.text.split('href="')[1:]:
        href = part.split('"', 1)[0]
        if href.startswith("/console/support/tickets/") and "Reason for outage" in part.split("</a>", 1)[0]:
            page = web.page(href)
            assert "failover now happens after 30 seconds" in page.text
            found = True
    assert found, tickets.text[:3000]
