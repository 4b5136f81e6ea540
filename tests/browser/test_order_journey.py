"""Browser journey (R15-R19): from a signed quote, the contract manager makes and activates
the sales contract, the rep orders it (billing profile, date), validates and submits it, and
the order manager sees the approval checks and the decomposition preview, approves, and finds
the decomposed tree and the customer's pending inventory."""

import re
from decimal import Decimal

import pytest
from playwright.sync_api import Page, expect

from contracts import services as contract_services
from sales.models import Quote
from tests.browser.conftest import sign_in
from tests.browser.test_contract_journey import approved_quote  # noqa: F401
from tests.factories import BillingProfileFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def signed_quote(approved_quote):  # noqa: F811
    quote = approved_quote
    UserFactory(username="omar", first_name="Omar", last_name="Haddad", role="order_manager")
    rep = quote.owner
    document = contract_services.quote_accept(actor=rep, quote_id=quote.pk)
    contract_services.document_render(document.pk)
    signatory = quote.account.contacts.get(signing_authority=True)
    _, link = contract_services.signing_request_send(
        actor=rep,
        document_id=document.pk,
        signatory=signatory,
        build_link=lambda token: f"http://testserver/contracts/sign/{token}/",
    )
    contract_services.document_sign(
        token=link.rstrip("/").rsplit("/", 1)[1],
        signer_name=signatory.full_name,
        method="typed",
        consent=True,
        ip_address="198.51.100.7",
        user_agent="test",
    )
    account = quote.account
    account.credit_limit = Decimal("500000")
    account.save()
    BillingProfileFactory(account=account, billing_account_number="BA-7001")
    return Quote.objects.get(pk=quote.pk)


def test_signed_quote_to_approved_decomposed_order(page: Page, live_server, signed_quote):
    page.on("dialog", lambda dialog: dialog.accept())
    url = live_server.url
    sign_in(page, url, "clara")
    page.goto(f"{url}{signed_quote.get_absolute_url()}")
    page.get_by_role("link", name="Document and signature").click()
    page.get_by_role("button", name="Create sales contract").click()
    page.get_by_role("button", name="Create service contracts").click()
    page.get_by_role("button", name="Activate").click()
    expect(page.get_by_test_id("state-badge")).to_have_text("Active")
    contract_url = page.url

    sign_in(page, url, "sara")
    page.goto(contract_url)
    page.get_by_role("link", name="Create order").click()
    page.get_by_label("Billing profile").select_option(index=1)
    page.get_by_role("button", name="Create order").click()
    expect(page.get_by_test_id("order-line")).to_have_count(2)
    expect(page.locator("#decomposition")).to_contain_text("Decomposition preview")
    page.get_by_role("button", name="Validate now").click()
    expect(page.get_by_test_id("check").locator(".text-success")).to_have_count(6)
    page.get_by_role("button", name="Submit for approval").click()
    expect(page.get_by_test_id("state-badge")).to_have_text("Pending approval")
    order_url = page.url

    sign_in(page, url, "omar")
    page.get_by_test_id("home-order-approvals").get_by_role("link", name=re.compile("ORD-")).click()
    expect(page).to_have_url(re.compile(re.escape(order_url)))
    expect(page.get_by_test_id("approval-check")).to_have_count(2)
    expect(page.get_by_test_id("approval")).to_contain_text("Credit limit EUR 500,000.00")
    page.get_by_role("button", name="Approve").click()
    expect(page.get_by_test_id("state-badge")).to_have_text("In progress")
    tree = page.get_by_test_id("order-tree")
    expect(tree).to_contain_text("DOM-")
    expect(tree).to_contain_text("Business access line")
    # Per site: access, IP (internet at HQ, IP-VPN in Frankfurt) and the managed CPE.
    expect(page.get_by_test_id("domain-order")).to_have_count(6)
    expect(page.get_by_test_id("domain-orders")).to_contain_text("IP-INTERNET requires")
    page.get_by_test_id("order-products").click()  # "2 products: 2 created (pending)"
    expect(page.get_by_test_id("pending-count")).to_have_text("2 pending")
    expect(page.get_by_test_id("product")).to_have_count(2)
