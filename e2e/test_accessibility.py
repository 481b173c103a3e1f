"""Every page each kind of user can open, checked with axe-core and photographed (issue 11).

One headless Chromium session per role (anonymous, a customer owner, each staff role), reused for
all of that role's pages: it signs in once, then walks the links it is shown, starting from the
menu and the landing page and following links into deep pages (an account, its standing and
trust pages, a ticket, a privacy request, a status incident...). Pages that differ only by a SID
or a number (one ticket and the next) are one page: the first link of each shape is visited.

On every page:
- axe-core (bundled by `axe-selenium-python`) finds no serious or critical violation;
- at 390 px the page itself never scrolls sideways (wide tables scroll inside their own box);
- a screenshot at 1366 px and at 390 px goes to e2e/artifacts/screens/ for a reviewer.

To keep the step short, a page shape that an earlier role already checked is only visited for
its links: each role's first page is always checked (it carries that role's menu), and every
other shape once, by the first role that reaches it.

A report of every page and violation per role is written to e2e/artifacts/axe-<role>.json."""

from __future__ import annotations

import json
import re
import time
from collections import deque
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest

from helpers import ARTIFACTS, DEMO_PASSWORD, DEMO_STAFF_TOTP_SECRET, fresh_totp
from page_walk import NOT_A_PAGE, ROLES, shape
from test_browser import CHROME_BIN, CHROMEDRIVER, click, fill, sign_in, wait_for

pytestmark = [pytest.mark.browser, pytest.mark.a11y]

SCREENS = ARTIFACTS / "screens"
DESKTOP, PHONE = 1366, 390
# Enough for every page shape a role is shown; a walk that needs more has found a link loop.
MAX_PAGES_PER_ROLE = 60
SERIOUS = {"serious", "critical"}

def screen_name(role: str, page_shape: str) -> str:
    stem = re.sub(r"[^a-z0-9]+", "-", page_shape.lower().replace("{sid}", "sid").replace("{n}", "n").replace("{id}", "id").replace("{code}", "code")).strip("-")
    return stem or "home"


@pytest.fixture(scope="module")
def browser_factory(base_url):
    """Starts one Chromium per role and quits them all at the end of the module."""
    import os
    import shutil

    missing = [p for p in (CHROME_BIN, CHROMEDRIVER) if not (os.path.exists(p) or shutil.which(p))]
    if missing:
        message = f"headless browser missing: {missing} (apt-get install chromium chromium-driver)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    os.environ.setdefault("SE_OFFLINE", "true")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    started = []

    def start():
        options = webdriver.ChromeOptions()
        options.binary_location = CHROME_BIN
        for arg in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                    f"--window-size={DESKTOP},900", "--no-first-run", "--disable-extensions",
                    "--password-store=basic", "--lang=en-US", "--hide-scrollbars"):
            options.add_argument(arg)
        drv = webdriver.Chrome(service=Service(executable_path=shutil.which(CHROMEDRIVER) or CHROMEDRIVER), options=options)
        drv.set_page_load_timeout(60)
        started.append(drv)
        return drv

    yield start
    for drv in started:
        drv.quit()


def screenshot(drv, path: Path, width: int) -> None:
    """The whole page at `width`: the window grows to the page's height (at most 5,000 px)."""
    drv.set_window_size(width, 900)
    height = drv.execute_script("return Math.max(document.body.scrollHeight, document.documentElement.scrollHeight)")
    drv.set_window_size(width, min(max(int(height), 600), 5000))
    drv.execute_script("window.scrollTo(0, 0)")
    drv.save_screenshot(str(path))


def overflows_at_phone_width(drv) -> int:
    """How far the page itself scrolls sideways at 390 px (0 when it fits)."""
    drv.set_window_size(PHONE, 900)
    return int(drv.execute_script(
        "return Math.max(document.documentElement.scrollWidth, document.body.scrollWidth) - document.documentElement.clientWidth"))


def page_links(drv, base_url: str) -> list[str]:
    hrefs = drv.execute_script(
        "return Array.from(document.querySelectorAll('header nav a[href], main a[href]')).map(a => a.getAttribute('href'))")
    origin = urlsplit(base_url)
    found = []
    for href in hrefs:
        if not href or href.startswith(("#", "mailto:", "tel:", "javascript:")):
            continue
        url = urlsplit(urljoin(drv.current_url, href))
        if (url.scheme, url.netloc) != (origin.scheme, origin.netloc) or NOT_A_PAGE.search(url.path):
            continue
        found.append(url.path + (f"?{url.query}" if url.query else ""))
    return found


def walk(drv, base_url: str, role: str, starts: list[str], checked: set[str]) -> dict:
    from axe_selenium_python import Axe

    axe = Axe(drv)
    queue = deque(starts)
    seen_shapes: set[str] = set()
    report = {"role": role, "pages": [], "checked": [], "violations": [], "overflow": []}
    while queue and len(report["pages"]) < MAX_PAGES_PER_ROLE:
        target = queue.popleft()
        page_shape = shape(urlsplit(target).path)
        if page_shape in seen_shapes:
            continue
        seen_shapes.add(page_shape)
        drv.set_window_size(DESKTOP, 900)
        drv.get(base_url + target)
        if drv.execute_script("return document.contentType") != "text/html":
            continue
        path = urlsplit(drv.current_url).path
        if shape(path) != page_shape:  # redirected (a landing page): judge where it landed, once
            if shape(path) in seen_shapes:
                continue
            seen_shapes.add(shape(path))
        report["pages"].append(path)
        queue.extend(page_links(drv, base_url))
        if shape(path) in checked and len(report["pages"]) > 1:
            continue
        checked.add(shape(path))
        report["checked"].append(path)
        axe.inject()
        results = axe.run(options={"resultTypes": ["violations"]})
        for violation in results["violations"]:
            if violation["impact"] in SERIOUS:
                report["violations"].append({
                    "page": path, "rule": violation["id"], "impact": violation["impact"], "help": violation["help"],
                    "nodes": [" ".join(node["target"]) if isinstance(node["target"], list) else str(node["target"])
                              for node in violation["nodes"]][:5],
                })
        name = f"{role}--{screen_name(role, shape(path))}"
        screenshot(drv, SCREENS / f"{name}-{DESKTOP}.png", DESKTOP)
        overflow = overflows_at_phone_width(drv)
        if overflow > 1:
            report["overflow"].append({"page": path, "px": overflow})
        screenshot(drv, SCREENS / f"{name}-{PHONE}.png", PHONE)
    return report


def sign_in_as(drv, base_url: str, username: str, staff: bool) -> None:
    sign_in(drv, base_url, username, DEMO_PASSWORD)
    if staff:
        wait_for(drv, "#two-factor-form")
        fill(drv, "#two-factor-form", code=fresh_totp(DEMO_STAFF_TOTP_SECRET, user=username))
        click(drv, "#two-factor-submit")
    assert "/signin" not in urlsplit(drv.current_url).path, f"{username} did not get past sign-in: {drv.current_url}"


@pytest.fixture(scope="module")
def checked():
    """Page shapes an earlier role of this run already checked and photographed."""
    SCREENS.mkdir(parents=True, exist_ok=True)
    for old in SCREENS.glob("*.png"):
        old.unlink()
    return set()


@pytest.mark.parametrize("role,username,staff,starts", ROLES, ids=[r[0] for r in ROLES])
def test_every_page_passes_axe_and_fits_a_phone(browser_factory, base_url, checked, role, username, staff, starts):
    """Issue 11, mobile and accessibility: zero serious or critical axe-core violations on every
    page the role can open, and no page wider than a 390 px screen."""
    started = time.monotonic()
    drv = browser_factory()
    if username:
        sign_in_as(drv, base_url, username, staff)
    report = walk(drv, base_url, role, starts, checked)
    report["seconds"] = round(time.monotonic() - started, 1)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / f"axe-{role}.json").write_text(json.dumps(report, indent=2), encoding="utf-8")
    assert len(report["pages"]) >= len(starts) - 1, f"{role} opened too few pages: {report['pages']}"
    problems = [f"{v['page']}: {v['impact']} {v['rule']} ({v['help']}) at {', '.join(v['nodes'])}" for v in report["violations"]]
    problems += [f"{o['page']}: scrolls {o['px']} px sideways at {PHONE} px" for o in report["overflow"]]
    assert not problems, f"{role}: {len(problems)} problems on {len(report['pages'])} pages:\n" + "\n".join(problems)
