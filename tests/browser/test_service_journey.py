"""Browser journey (R25, R26, R28): one deal from its lead to a live configuration item. The
rep traces the converted lead down to its order; the order manager starts the work; the last
task is completed from the work queue and the order closes; the items are live on the
customer's inventory with their diagram; service operations mark the IP service degraded and
report an incident; the trace from the item leads back up to the lead."""

import re

import pytest
from playwright.sync_api import Page, expect

from fulfillment.models import AssignmentGroup
from orders.models import Order
from tests.browser.conftest import sign_in
from tests.cmdb.conftest import service_contracts  # noqa: F401
from tests.contracts.conftest import accepted, signatory  # noqa: F401
from tests.factories import LeadFactory
from tests.fulfillment.conftest import approved, task_of, work_through  # noqa: F401
from tests.orders.conftest import billing, contract  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def users(roles, users):
    """The named users, once the role groups are back (a transactional test flushed them)."""
    return users


def _level(page: Page, kind: str):
    return page.locator(f'[data-testid="trace-level"][data-kind="{kind}"]')


def test_lead_to_live_item_and_back(
    page: Page,
    live_server,
    users,
    approved,  # noqa: F811
    service_contracts,  # noqa: F811
):
    url = live_server.url
    lead = LeadFactory(
        owner=users["rep"],
        team=users["team_a"],
        state="converted",
        opportunity=approved.quote.opportunity,
    )

    # The rep traces the converted lead: the order is there, nothing is live yet.
    sign_in(page, url, "rep")
    page.goto(f"{url}{lead.get_absolute_url()}")
    page.get_by_test_id("trace-link").click()
    expect(page.locator('[data-testid="trace-node"][data-start="1"]')).to_contain_text(lead.number)
    expect(_level(page, "order")).to_contain_text(approved.number)
    expect(_level(page, "item").get_by_test_id("trace-empty")).to_be_visible()

    # The order manager starts the work from the order page.
    sign_in(page, url, "orders")
    page.goto(f"{url}{approved.get_absolute_url()}")
    page.get_by_test_id("order-work").get_by_role("button", name="Start fulfillment").click()
    expect(page.get_by_text("started: 4 sub flow(s)")).to_be_visible()

    # Everything but the PE configuration is done (as the queues would); the agent completes
    # that last task from the work queue with the VLAN it configured.
    for group in AssignmentGroup.objects.all():
        group.members.add(users["agent"])
    work_through(approved, users["agent"], skip=["configure-pe"])
    sign_in(page, url, "agent")
    page.goto(f"{url}/fulfillment/tasks/")
    row = page.get_by_test_id("task").filter(has_text="Configure the PE router")
    row.get_by_role("button", name="Claim").click()
    row = page.get_by_test_id("task").filter(has_text="Configure the PE router")
    row.get_by_role("link", name="Complete").click()
    page.get_by_label("Vlan").fill("412")
    page.get_by_role("button", name="Complete task").click()
    expect(page.get_by_text("Completed TSK-")).to_be_visible()
    assert Order.objects.get(pk=approved.pk).state == "completed"

    # The rep finds the live items on the customer's inventory, with the site's diagram.
    sign_in(page, url, "rep")
    page.goto(f"{url}/cmdb/accounts/{approved.account_id}/inventory/")
    expect(page.get_by_test_id("in-service-count")).to_have_text("2 in service")
    expect(page.get_by_test_id("diagram").first).to_be_visible()
    expect(page.get_by_test_id("diagram").first).to_contain_text("depends on")
    ip_block = task_of(approved, "allocate-ip").outputs["ip_block"]
    page.get_by_test_id("item").filter(has_text=ip_block).get_by_role("link").click()
    expect(page.get_by_test_id("identifier")).to_have_text(ip_block)
    expect(page.get_by_test_id("relationships")).to_contain_text("depends on")
    expect(page.get_by_test_id("allocations")).to_contain_text("VLAN 412")
    item_url = page.url

    # Service operations: the IP service is degraded (by hand, with a note).
    sign_in(page, url, "ops")
    page.goto(item_url)
    page.get_by_label("Status").select_option("degraded")
    page.get_by_label("Note").fill("Packet loss on the PE uplink")
    page.get_by_role("button", name="Set").click()
    expect(page.get_by_test_id("operational-status")).to_have_text("Degraded")
    expect(page.get_by_test_id("status-history")).to_contain_text("Packet loss on the PE uplink")
    # ... and report an incident, due by the HQ service contract's time to restore.
    page.get_by_role("link", name="Report incident").click()
    page.get_by_label("Priority").select_option("p2")
    page.get_by_label("Title").fill("Packet loss towards the internet")
    page.get_by_label("Description").fill("About 3% loss since 09:00, all HQ users affected.")
    page.get_by_role("button", name="Report incident").click()
    expect(page.get_by_text("service must be restored by")).to_be_visible()
    page.goto(item_url)
    expect(page.get_by_test_id("item-incidents")).to_contain_text(
        "Packet loss towards the internet"
    )

    # The trace from the item reaches back up to the lead.
    sign_in(page, url, "rep")
    page.goto(item_url)
    page.get_by_test_id("trace-link").click()
    expect(page.locator('[data-testid="trace-node"][data-start="1"]')).to_contain_text("CI-")
    expect(_level(page, "order")).to_contain_text(approved.number)
    _level(page, "lead").get_by_role("link", name=lead.number).click()
    expect(page).to_have_url(re.compile(rf"{lead.get_absolute_url()}$"))
