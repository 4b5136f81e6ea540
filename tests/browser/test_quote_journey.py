"""Browser journey (R8, R11): a rep makes a quote from the customer's agreement, places
offerings at three sites with one discount above the threshold, a sales manager approves it,
and the rep revises it to version 2 and compares the versions."""

from datetime import date
from decimal import Decimal

import pytest
from playwright.sync_api import Page, expect

from sales import services
from sales.models import AgreementLine, AgreementSla, ProductOffering, SalesAgreement
from tests.browser.conftest import NORDWIND_SITES, demo_catalog, nordwind, sign_in, watch_csp
from tests.factories import (
    ContactFactory,
    TeamFactory,
    UserFactory,
    signature_for,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def deal(roles):
    rep = UserFactory(username="sara", first_name="Sara", last_name="Lindqvist", role="sales_rep")
    manager = UserFactory(
        username="mia", first_name="Mia", last_name="Schneider", role="sales_manager"
    )
    team = TeamFactory(name="Enterprise North", members=[rep], manager=manager)
    demo_catalog()
    root, _ = nordwind(rep, team, NORDWIND_SITES)
    agreement = SalesAgreement.objects.create(
        name="Nordwind framework", account=root, valid_from=date.today()
    )
    AgreementLine.objects.create(
        agreement=agreement,
        recurring_price=Decimal("219"),
        offering=ProductOffering.objects.get(code="DIA"),
    )
    AgreementSla.objects.create(agreement=agreement, metric="availability", target=Decimal("99.95"))
    services.agreement_transition(actor=rep, agreement_id=agreement.pk, name="negotiate")
    signer = ContactFactory(account=root, signing_authority=True)
    signature_for(agreement, signer)
    services.agreement_activate(
        actor=manager, agreement_id=agreement.pk, signed_on=date.today(), signatory=signer
    )
    return agreement


def place(page: Page, sites: list[str], offering: str, characteristics: dict, discount: str):
    """``characteristics``: input label -> value, in the offering's own inputs."""
    form = page.locator("#add-line")
    for site in sites:
        form.get_by_label(site).check()
    form.get_by_label("Offering*").select_option(label=offering)
    for label, value in characteristics.items():
        field = form.get_by_label(label, exact=True)
        if field.evaluate("element => element.tagName") == "SELECT":
            field.select_option(value)
        else:
            field.fill(value)
    form.get_by_label("Discount %*").fill(discount)
    form.get_by_label("Discount %*").press("Tab")
    expect(page.locator("#line-preview")).to_contain_text(sites[-1])  # live repricing
    form.get_by_role("button", name="Add to quote").click()


def test_quote_from_agreement_approved_revised_and_compared(
    page: Page, live_server, deal, csp_violations
):
    page.on("dialog", lambda dialog: dialog.accept())
    sign_in(page, live_server.url, "sara")
    page.goto(f"{live_server.url}{deal.get_absolute_url()}")
    page.get_by_role("button", name="New quote from agreement").click()
    expect(page.get_by_test_id("state-badge")).to_have_text("Draft")
    expect(page.locator("body")).to_contain_text("Availability (%): 99.95")

    place(
        page,
        ["Nordwind HQ Hamburg", "Nordwind Hub Frankfurt"],
        "Dedicated Internet Access",
        {"Bandwidth (Mbit/s)": "100"},
        "5",
    )
    place(page, ["Nordwind Office München"], "Managed Firewall", {}, "15")
    expect(page.get_by_test_id("quote-line")).to_have_count(3)
    expect(page.get_by_test_id("quote-warning")).to_contain_text(
        "A discount is above the threshold"
    )
    # DIA (219 agreed + 190 for 100 Mbit/s + 39 CPE) × 0.95 twice, plus the firewall at its
    # default throughput (239) × 0.85
    expect(page.get_by_test_id("total-recurring")).to_have_text("EUR 1,054.35")
    page.get_by_role("button", name="Submit for approval").click()
    expect(page.get_by_test_id("state-badge")).to_have_text("Pending approval")
    quote_url = page.url

    manager_context = page.context.browser.new_context()
    watch_csp(manager_context, csp_violations)
    manager = manager_context.new_page()
    sign_in(manager, live_server.url, "mia")
    manager.get_by_role("link", name="Approvals").first.click()
    manager.get_by_role("link", name="v1").first.click()
    manager.get_by_role("button", name="Approve").click()
    expect(manager.get_by_test_id("state-badge")).to_have_text("Approved")
    manager_context.close()

    page.goto(quote_url)
    expect(page.get_by_test_id("state-badge")).to_have_text("Approved")
    page.get_by_role("button", name="Revise").click()
    expect(page.locator("h1")).to_contain_text("v2")
    expect(page.get_by_test_id("state-badge")).to_have_text("Draft")
    page.get_by_role("link", name="Change Managed Firewall at Nordwind Office München").click()
    page.get_by_label("Discount %").fill("10")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_test_id("quote-warning")).to_have_count(0)

    page.get_by_role("link", name="Compare versions").click()
    expect(page.get_by_test_id("compare-counts")).to_have_text(
        "0 added · 1 changed · 0 removed · 2 unchanged"
    )
    changed = page.get_by_test_id("diff-changed")
    expect(changed).to_contain_text("Managed Firewall")
    expect(changed).to_contain_text("Discount %: 15.00 → 10.00")
    page.get_by_role("link", name="v1").click()
    expect(page.get_by_test_id("superseded")).to_be_visible()
