"""Browser journey: a sales rep tries a configuration in the catalog (htmx panel)."""

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import demo_catalog, sign_in
from tests.factories import AccountFactory, TeamFactory, UserFactory, located

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture
def setup(roles):
    rep = UserFactory(username="sara", first_name="Sara", role="sales_rep")
    team = TeamFactory(name="Enterprise North", members=[rep])
    demo_catalog()
    account = AccountFactory(name="Nordwind Logistik GmbH", owner=rep, team=team)
    located(account, "Mönckebergstr. 7", "20095", "Hamburg")
    located(account, "Schulstr. 3", "24103", "Kiel")
    return rep


def test_try_a_configuration(page: Page, live_server, setup):
    sign_in(page, live_server.url, "sara")
    page.get_by_role("link", name="Catalog").click()
    page.get_by_label("Domain").select_option("access")
    page.get_by_role("button", name="Filter").click()
    page.get_by_role("link", name="Dedicated Internet Access").click()
    expect(page.get_by_role("heading", name="Dedicated Internet Access")).to_be_visible()

    # Each change re-prices through htmx, without a page load.
    page.get_by_label("Bandwidth (Mbit/s)").select_option("1000")
    expect(page.get_by_test_id("total-recurring")).to_have_text("EUR 1,478.00")
    page.get_by_label("Site for feasibility").select_option(
        label="Nordwind Logistik GmbH · 20095 Hamburg (DE)"
    )
    expect(page.get_by_test_id("feasibility")).to_contain_text("Feasible with conditions")
    expect(page.get_by_test_id("total-one-time")).to_have_text("EUR 2,950.00")  # 450 + 2,500 build
    expect(page.get_by_test_id("decomposition")).to_contain_text("Managed CPE router")

    page.get_by_label("Site for feasibility").select_option(
        label="Nordwind Logistik GmbH · 24103 Kiel (DE)"
    )
    expect(page.get_by_test_id("feasibility")).to_contain_text("Not feasible")
    expect(page.get_by_test_id("feasibility")).to_contain_text("fiber access is not available here")

    page.get_by_label("Access type").select_option("fixed_wireless")
    page.get_by_label("Bandwidth (Mbit/s)").select_option("100")
    expect(page.get_by_test_id("feasibility")).to_contain_text("Feasible")
    expect(page.get_by_test_id("feasibility")).not_to_contain_text("Not feasible")

    page.get_by_label("Managed CPE").select_option("no")
    expect(page.get_by_test_id("decomposition")).not_to_contain_text("Managed CPE router")
    expect(page).to_have_url(re.compile(r"/sales/catalog/\d+/$"))  # no page load happened
