"""Issue 11: the staff queues in headless Chromium. A staff member filters, sorts and searches
the "All unsolved" queue through its form, and the rows are exactly what a brute-force filter of
the API's ticket list gives; an unknown filter value is shown beside its filter while the others
still apply. Screenshots of the queue at 1366 and 390 px go to e2e/artifacts/screenshots/."""

from __future__ import annotations

import requests
from selenium.webdriver.support.ui import Select

from helpers import unique
from test_browser import click, driver, wait_for  # noqa: F401 - driver is a fixture
from test_forms import staff_sign_in
from test_totp_qr import full_page_screenshots

PRODUCTS = ["voice", "messaging", "video"]


def api_tickets(base_url, auth):
    """Every ticket of the credential's account, through the API's keyset pages."""
    tickets, token = [], None
    while True:
        params = {"page_size": 1000} | ({"page_token": token} if token else {})
        r = requests.get(base_url + "/v1/Tickets", params=params, auth=auth, timeout=30)
        assert r.status_code == 200, r.text
        body = r.json()
        tickets += body["tickets"]
        token = body["meta"]["next_page_token"]
        if not token:
            return tickets


def rows(drv):
    return [int(row.get_attribute("data-number")) for row in drv.find_elements("css selector", "#queue-tickets tbody tr")]


def apply(drv, **values):
    """Sets the queue form's fields as a person would and sends it."""
    form = wait_for(drv, "#queue-filters")
    for name, value in values.items():
        field = form.find_element("css selector", f'[name="{name}"]')
        if field.tag_name == "select":
            Select(field).select_by_value(value)
        else:
            field.clear()
            field.send_keys(value)
    # Waits for the answer to replace this page: the old page's rows are not the answer's.
    click(drv, "#queue-apply")
    wait_for(drv, "#queue-tickets")


def test_issue11_staff_queue_filters_sorts_and_searches_as_the_api_list_says(driver, base_url, acme_auth):
    """Issue 11: each filter, search and order (priority, updated, due) of the queue shows exactly
    the tickets a brute-force filter of GET /v1/Tickets finds, in that order; a bad filter value
    is 20001 beside it."""
    drv = driver
    word = unique("queuee2e")
    created = []
    for index in range(9):
        r = requests.post(base_url + "/v1/Tickets", auth=acme_auth, timeout=30, json={
            "subject": f"{word} delivery check {index}", "description": "Opened by the queue e2e test.",
            "product": PRODUCTS[index % 3], "priority": index % 3 + 1})
        assert r.status_code == 201, r.text
        created.append(r.json()["number"])
    mine = [t for t in api_tickets(base_url, acme_auth)
            if word in t["subject"] and t["status"] not in ("solved", "closed")]
    assert sorted(t["number"] for t in mine) == sorted(created)

    staff_sign_in(drv, base_url, "staff.morgan")
    drv.get(base_url + "/staff/support?queue=all")
    wait_for(drv, "#queue-filters")

    # Search by subject word, most urgent first: the API's list filtered and ordered the same way.
    apply(drv, q=word, sort="priority")
    expected = [t["number"] for t in sorted(mine, key=lambda t: (t["priority"], t["number"]))]
    assert rows(drv) == expected
    full_page_screenshots(drv, "staff-queue-search")

    # Add a product filter, then a priority filter: each narrows to what the brute force keeps.
    for product in PRODUCTS:
        apply(drv, product=product)
        expected = [t["number"] for t in sorted(mine, key=lambda t: (t["priority"], t["number"])) if t["product"] == product]
        assert rows(drv) == expected, product
    apply(drv, product="", priority="1")
    assert rows(drv) == sorted(t["number"] for t in mine if t["priority"] == 1)

    # Last updated first: the API's times (to the second) never go up down the page.
    apply(drv, priority="", sort="updated")
    shown = rows(drv)
    assert sorted(shown) == sorted(created)
    updated = {t["number"]: t["date_updated"] for t in mine}
    assert all(updated[a] >= updated[b] for a, b in zip(shown, shown[1:])), [(n, updated[n]) for n in shown]

    # Due soonest first: the earliest running target's due_at of each ticket in the API, then the
    # number; each row's countdown carries that same instant.
    apply(drv, sort="due")
    due = {}
    for t in mine:
        r = requests.get(f"{base_url}/v1/Tickets/{t['number']}", auth=acme_auth, timeout=30)
        assert r.status_code == 200, r.text
        running = [x["due_at"] for x in r.json()["targets"] if x["status"] == "active" and x["due_at"]]
        if running:
            due[t["number"]] = min(running)
    assert due, "the acme tickets run response targets"
    assert rows(drv) == [n for n, _ in sorted(due.items(), key=lambda item: (item[1], item[0]))]
    for row in drv.find_elements("css selector", "#queue-tickets tbody tr"):
        shown = row.find_element("css selector", "[data-due]").get_attribute("data-due")
        assert shown == due[int(row.get_attribute("data-number"))]
    assert "sorted by due" in drv.find_element("css selector", "#queue-tickets caption").text

    # A ticket number finds that ticket alone.
    apply(drv, q=f"#{created[4]}")
    assert rows(drv) == [created[4]]

    # An unknown filter value: 20001 beside that filter, the search still applies.
    drv.get(base_url + f"/staff/support?queue=all&q={word}&sort=priority&status=urgent")
    error = wait_for(drv, "#status-error")
    assert "urgent" in error.text
    status = drv.find_element("id", "status")
    assert status.get_attribute("aria-invalid") == "true" and status.get_attribute("aria-describedby") == "status-error"
    assert "20001" in drv.find_element("id", "error-summary").text
    assert rows(drv) == [t["number"] for t in sorted(mine, key=lambda t: (t["priority"], t["number"]))]
    full_page_screenshots(drv, "staff-queue-bad-filter")
