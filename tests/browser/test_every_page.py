"""Every page of the demo telco, opened in Chromium: no server error and nothing blocked by
the Content Security Policy (the `context` fixture of this folder fails the test on any
violation). The walk starts at the menu, opens each list and the first records it links
to, as the administrator and as a sales rep."""

from urllib.parse import urlparse

import pytest
from django.core.management import call_command
from playwright.sync_api import Page

from telcrm.demo import DEMO_PASSWORD
from tests.browser.conftest import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

RECORDS_PER_LIST = 2


@pytest.fixture
def demo(roles):
    call_command("demo_data", verbosity=0)


def local_paths(page: Page, selector: str) -> list[str]:
    paths = []
    for href in page.eval_on_selector_all(selector, "links => links.map(a => a.href)"):
        parts = urlparse(href)
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        if path.startswith("/") and "/logout" not in path and path not in paths:
            paths.append(path)
    return paths


def walk(page: Page, url: str) -> list[str]:
    page.goto(f"{url}/")
    menu = local_paths(page, "nav.app-navbar a[href]")
    seen: list[str] = []
    for path in ["/", *menu]:
        if path.startswith("/admin") or path in seen:
            continue
        response = page.goto(f"{url}{path}")
        assert response.status < 500, path
        seen.append(path)
        records = [p for p in local_paths(page, "main table a[href]") if p not in seen]
        for record in records[:RECORDS_PER_LIST]:
            response = page.goto(f"{url}{record}")
            assert response.status < 500, record
            seen.append(record)
    return seen


def test_every_page_as_administrator(page: Page, live_server, demo):
    from sales.models import Account

    sign_in(page, live_server.url, "admin", DEMO_PASSWORD)
    seen = walk(page, live_server.url)
    assert len(seen) > 20
    # The admin's change history of a record (simple-history's page).
    account = Account.objects.order_by("pk").first()
    response = page.goto(f"{live_server.url}/admin/sales/account/{account.pk}/history/")
    assert response.status == 200


def test_every_page_as_sales_rep(page: Page, live_server, demo):
    sign_in(page, live_server.url, "sara", DEMO_PASSWORD)
    assert len(walk(page, live_server.url)) > 10
