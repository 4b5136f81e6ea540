"""Browser journey (R12-R14): the rep records the customer's acceptance, the summary PDF is
prepared and sent for signature, the signatory signs through the link without logging in,
and the contract manager makes the sales contract and the service contracts."""

import re
from datetime import date, timedelta
from decimal import Decimal

import pytest
from playwright.sync_api import Page, expect

from contracts.models import EntitlementRule
from sales import services
from sales.models import ProductOffering, QuoteLine
from tests.browser.conftest import NORDWIND_SITES, demo_catalog, nordwind, sign_in, watch_csp
from tests.factories import (
    ContactFactory,
    TeamFactory,
    UserFactory,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def approved_quote(roles):
    rep = UserFactory(username="sara", first_name="Sara", last_name="Lindqvist", role="sales_rep")
    UserFactory(username="clara", first_name="Clara", last_name="Weiss", role="contract_manager")
    team = TeamFactory(name="Enterprise North", members=[rep])
    demo_catalog()
    EntitlementRule.objects.create(offering=ProductOffering.objects.get(code="SLA-BRONZE"))
    EntitlementRule.objects.create(
        characteristic="pop_redundancy",
        value="dual",
        offering=ProductOffering.objects.get(code="SLA-GOLD"),
    )
    root, sites = nordwind(rep, team, NORDWIND_SITES[:2])
    ContactFactory(
        account=root,
        first_name="Henrik",
        last_name="Jansen",
        job_role="CIO",
        email="h.jansen@nordwind.example",
        signing_authority=True,
    )
    for site in sites:
        ContactFactory(account=site)
    quote = services.quote_create(
        actor=rep, account=root, valid_until=date.today() + timedelta(days=30)
    )
    services.quote_lines_save(
        actor=rep,
        quote=quote,
        lines=[
            QuoteLine(
                site=sites[0],
                offering=ProductOffering.objects.get(code="DIA"),
                characteristics={"bandwidth": "1000", "pop_redundancy": "dual"},
                discount_percent=Decimal("5"),
            ),
            QuoteLine(
                site=sites[1],
                offering=ProductOffering.objects.get(code="MPLS"),
                characteristics={"bandwidth": "500"},
            ),
        ],
    )
    services.quote_transition(actor=rep, quote_id=quote.pk, name="finalise")
    return quote


def test_accept_sign_and_contract(page: Page, live_server, approved_quote, csp_violations):
    page.on("dialog", lambda dialog: dialog.accept())
    sign_in(page, live_server.url, "sara")
    page.goto(f"{live_server.url}{approved_quote.get_absolute_url()}")
    page.get_by_role("link", name="Customer accepted").click()
    page.get_by_role("button", name="Record acceptance and prepare the document").click()
    expect(page.get_by_test_id("state-badge")).to_have_text("Ready")
    expect(page.get_by_test_id("sha256")).to_have_text(re.compile(r"^[0-9a-f]{64}$"))
    page.get_by_label("Signatory").select_option(
        label="Henrik Jansen, CIO <h.jansen@nordwind.example>"
    )
    page.get_by_role("button", name="Send for signature").click()
    link = page.get_by_test_id("signing-link").locator("code").inner_text().strip()

    customer_context = page.context.browser.new_context()
    watch_csp(customer_context, csp_violations)
    customer = customer_context.new_page()
    customer.goto(link)
    expect(customer.locator("h1")).to_contain_text("Please sign")
    customer.get_by_label("Your full name").fill("Henrik Jansen")
    customer.get_by_label("Typed").check()
    customer.get_by_label("I have authority to sign").check()
    customer.get_by_role("button", name="Sign the document").click()
    expect(customer.locator("h1")).to_contain_text("the document is signed")
    customer.goto(link)
    expect(customer.get_by_test_id("sign-refused")).to_contain_text("already used")
    customer_context.close()

    sign_in(page, live_server.url, "clara")
    page.goto(f"{live_server.url}{approved_quote.get_absolute_url()}")
    expect(page.get_by_test_id("accepted")).to_contain_text("Signed by Henrik Jansen")
    page.get_by_role("link", name="Document and signature").click()
    expect(page.get_by_test_id("signature")).to_contain_text("Henrik Jansen")
    page.get_by_role("button", name="Create sales contract").click()
    expect(page.get_by_test_id("contract-line")).to_have_count(2)
    page.get_by_role("button", name="Create service contracts").click()
    expect(page.get_by_test_id("contract-site").first).to_contain_text("SVC-")
    page.get_by_test_id("contract-site").filter(has_text="Nordwind HQ Hamburg").get_by_role(
        "link", name=re.compile("SVC-")
    ).click()
    expect(page.get_by_test_id("entitlements")).to_contain_text("SLA Gold")
    expect(page.get_by_test_id("configuration")).to_contain_text("POP redundancy: dual")
