"""Browser journey: capture a lead, qualify it, convert it onto a new account, and find
the opportunity on the pipeline board."""

from datetime import date, timedelta

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import demo_catalog, sign_in
from tests.factories import TeamFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def rep(roles):
    user = UserFactory(username="sara", first_name="Sara", last_name="Lindqvist", role="sales_rep")
    TeamFactory(name="Enterprise North", members=[user])
    demo_catalog()
    return user


def test_lead_to_pipeline(page: Page, live_server, rep):
    sign_in(page, live_server.url, "sara")

    page.get_by_role("link", name="Leads").first.click()
    page.get_by_role("link", name="New lead").click()
    page.get_by_label("Company name*").fill("Hafenlogistik Kiel GmbH")
    page.get_by_label("Contact name").fill("Maren Lüth")
    page.get_by_label("Source*").select_option("web")
    lines = page.get_by_test_id("lead-line")
    lines.nth(0).get_by_label("Offering").select_option(label="Dedicated Internet Access")
    # The offering's own inputs replace the free-text ones (htmx).
    lines.nth(0).get_by_label("Bandwidth (Mbit/s)").select_option("100")
    lines.nth(0).get_by_label("Access notes").fill("Gate 3, ring twice")
    lines.nth(1).get_by_label("Description").fill("Guest Wi-Fi in the waiting area")
    lines.nth(1).get_by_label("Estimate (first-year value)").fill("2400")
    page.get_by_role("button", name="Save lead").click()

    expect(page.get_by_test_id("state-badge")).to_have_text("New")
    expect(page.get_by_test_id("lines")).to_contain_text("Dedicated Internet Access")
    expect(page.get_by_test_id("lines-total")).to_have_text("EUR 8,586.00")  # 478×12+450+2400

    page.get_by_role("button", name="Start working").click()
    page.get_by_role("button", name="Qualify").click()
    expect(page.get_by_test_id("state-badge")).to_have_text("Qualified")
    page.get_by_role("link", name="Convert to opportunity").click()

    page.get_by_label("A new account").check()
    page.get_by_label("New account name").fill("Hafenlogistik Kiel GmbH")
    page.get_by_label("First site").fill("Terminal Ost")
    page.get_by_label("Address").fill("Ostuferhafen 15")
    page.get_by_label("Postcode").fill("24149")
    page.get_by_label("City").fill("Kiel")
    page.get_by_label("Expected close date*").fill((date.today() + timedelta(days=40)).isoformat())
    page.get_by_role("button", name="Convert to opportunity").click()

    expect(page.get_by_test_id("state-badge")).to_have_text("Qualification")
    expect(page.get_by_test_id("amount")).to_contain_text("EUR 8,586.00")

    page.get_by_role("link", name="Pipeline").first.click()
    column = page.get_by_test_id("column-qualification")
    expect(column).to_contain_text("Hafenlogistik Kiel GmbH")
    column.get_by_role("button", name="To proposal").click()  # htmx: the board reloads itself
    expect(page.get_by_test_id("column-proposal")).to_contain_text("Hafenlogistik Kiel GmbH")
    expect(page.get_by_test_id("column-qualification")).not_to_contain_text("Hafenlogistik")
