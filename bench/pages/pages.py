"""Times every page each kind of user is shown (issue 11), with /healthz as the same-run baseline.

Signs in as each role of e2e/page_walk.py (the accessibility walk's roles and start pages), walks
the links each is shown, and keeps the first address of each page shape (one ticket page stands
for all). The staff queues get one row per queue and per sort, filter and search, since each reads
its own index range. Each page is then fetched SAMPLES times, each fetch right after a /healthz
fetch on the same connection, so both see the same machine; the report gives p50 and p95 of
each and the page's p95 over /healthz's p95.

    python bench/pages/pages.py URL [--samples 30] [--label TEXT] [--out FILE.md]
"""

from __future__ import annotations

import argparse
import re
import statistics
import sys
import time
from collections import deque
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "e2e"))
from helpers import DEMO_PASSWORD, DEMO_STAFF_TOTP_SECRET, WebClient  # noqa: E402
from page_walk import NOT_A_PAGE, ROLES, shape  # noqa: E402

GOAL_MS = 50.0
MAX_PAGES_PER_ROLE = 60


class Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            href = dict(attrs).get("href")
            if href and not href.startswith(("#", "mailto:", "tel:", "javascript:")):
                self.hrefs.append(href)


def links(web: WebClient, url: str, text: str) -> list[str]:
    parser = Links()
    parser.feed(text)
    origin = urlsplit(web.base_url)
    found = []
    for href in parser.hrefs:
        target = urlsplit(urljoin(url, href))
        if (target.scheme, target.netloc) == (origin.scheme, origin.netloc) and not NOT_A_PAGE.search(target.path):
            found.append(target.path + (f"?{target.query}" if target.query else ""))
    return found


def walk(web: WebClient, starts: list[str], seen: set[str]) -> list[str]:
    """The first address of each page shape this role reaches that no earlier role timed."""
    queue, shapes, pages = deque(starts), set(), []
    while queue and len(shapes) < MAX_PAGES_PER_ROLE:
        target = queue.popleft()
        key = shape(urlsplit(target).path)
        if key in shapes:
            continue
        shapes.add(key)
        r = web.get(target)
        if r.status_code != 200 or "text/html" not in r.headers.get("Content-Type", ""):
            continue
        landed = urlsplit(r.url).path
        queue.extend(links(web, r.url, r.text))
        if shape(landed) in seen:
            continue
        seen.add(shape(landed))
        pages.append(landed)
    return pages


def queue_variants(web: WebClient) -> list[str]:
    """The staff queues as staff use them: each queue, each order, filters, each kind of search, a
    second page."""
    base = "/staff/support"
    variants = [f"{base}?queue={q}" for q in ("mine", "group", "unassigned", "breaching", "escalated", "all")]
    variants += [f"{base}?queue=all&sort={s}" for s in ("due", "priority")]
    variants += [
        f"{base}?queue=all&status=open&priority=2&product=voice&plan=personalized&sort=due",
        f"{base}?queue=group&status=new&sort=priority",
        f"{base}?queue=all&q=%23{500}",
        f"{base}?queue=all&q=bench.requester%40example.com",
        f"{base}?queue=all&q=seeded+ticket+4242",
    ]
    first = web.get(f"{base}?queue=all")
    match = re.search(r'id="next-page" href="([^"]+)"', first.text)
    if match:
        variants.append(match.group(1).replace("&amp;", "&"))
    return variants


def timed(web: WebClient, path: str) -> float:
    started = time.perf_counter()
    r = web.get(path)
    elapsed = (time.perf_counter() - started) * 1000
    if r.status_code != 200:
        raise SystemExit(f"GET {path} -> {r.status_code}")
    return elapsed


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20, method="inclusive")[18]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("url")
    parser.add_argument("--samples", type=int, default=30)
    parser.add_argument("--label", default="")
    parser.add_argument("--out", default="")
    args = parser.parse_args()

    rows = []
    seen: set[str] = set()
    for role, username, staff, starts in ROLES:
        web = WebClient(args.url)
        if username:
            web.sign_in(username, DEMO_PASSWORD, totp_secret=DEMO_STAFF_TOTP_SECRET if staff else None)
        pages = walk(web, starts, seen)
        if role == "pse":
            pages += queue_variants(web)
        for path in pages:
            for _ in range(3):  # warm: templates, caches, the connection
                timed(web, "/healthz"), timed(web, path)
            baseline, page = [], []
            for _ in range(args.samples):
                baseline.append(timed(web, "/healthz"))
                page.append(timed(web, path))
            rows.append((role, path, statistics.median(page), p95(page), statistics.median(baseline), p95(baseline)))
        print(f"{role}: {len(pages)} pages", file=sys.stderr)

    rows.sort(key=lambda row: -row[3])
    over = [row for row in rows if row[3] >= GOAL_MS]
    lines = [
        f"Pages timed: {len(rows)} ({args.label}), {args.samples} samples each, each after a /healthz on the same connection.",
        f"Over the {GOAL_MS:.0f} ms p95 goal: {len(over)}.",
        "",
        "| role | page | p50 ms | p95 ms | /healthz p50 / p95 ms | p95 / /healthz p95 |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for role, path, p50_page, p95_page, p50_base, p95_base in rows:
        lines.append(f"| {role} | `{path}` | {p50_page:.1f} | {p95_page:.1f} | {p50_base:.1f} / {p95_base:.1f} | {p95_page / p95_base:.1f}x |")
    report = "\n".join(lines) + "\n"
    if args.out:
        Path(args.out).write_text(report)
    print(report)


if __name__ == "__main__":
    main()
