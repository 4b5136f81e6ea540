"""Browser journey (R20-R24): the order manager starts an approved order's work; the access
circuit's API call fails into the fall-out queue and is retried; the dispatcher sends a
technician, who completes the visit on a phone; an agent claims and completes a manual task;
once the rest is done the order closes."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from fulfillment.models import AssignmentGroup, Task
from orders.models import Order
from tests.browser.conftest import sign_in
from tests.contracts.conftest import accepted, signatory  # noqa: F401
from tests.fulfillment.conftest import approved, task_of, work_through  # noqa: F401
from tests.orders.conftest import billing, contract  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def users(roles, users):
    """The named users, once the role groups are back (a transactional test flushed them)."""
    return users


@pytest.fixture
def teams(users, approved):  # noqa: F811 (the groups come with the templates)
    for group in AssignmentGroup.objects.exclude(name="Field services"):
        group.members.add(users["agent"])
    field = AssignmentGroup.objects.get(name="Field services")
    field.members.add(users["technician"])
    field.manager = users["pm"]
    field.save()


@pytest.fixture
def adapters(settings):
    """Instant simulated adapters; the access carrier's interface is down at first."""
    settings.FULFILLMENT_API_MAX_ATTEMPTS = 1
    settings.FULFILLMENT_ADAPTERS = {
        "default": {"latency_ms": 0, "failure_rate": 0.0, "concurrency": 4},
        "access": {"failure_rate": 1.0},
    }
    return settings


def _local(moment) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


def test_work_falls_out_is_retried_and_the_order_closes(
    page: Page,
    live_server,
    users,
    teams,
    adapters,
    approved,  # noqa: F811
):
    url = live_server.url
    order_url = f"{url}{approved.get_absolute_url()}"

    # The order manager starts the work from the order page; the circuit order fails.
    sign_in(page, url, "orders")
    page.goto(order_url)
    page.get_by_test_id("order-work").get_by_role("button", name="Start fulfillment").click()
    expect(page.get_by_text("started: 4 sub flow(s)")).to_be_visible()
    page.get_by_role("link", name="Fall-out").first.click()
    expect(page.get_by_test_id("fallout")).to_have_count(1)
    expect(page.get_by_test_id("fallout")).to_contain_text("Order the access circuit")
    page.get_by_test_id("fallout").get_by_role("link", name="Resolve").click()
    expect(page.get_by_test_id("fallout-detail")).to_contain_text("failed once")

    # The carrier's interface is back: retry sends it to the adapter again.
    adapters.FULFILLMENT_ADAPTERS = {
        "default": {"latency_ms": 0, "failure_rate": 0.0, "concurrency": 4}
    }
    page.get_by_role("button", name="Retry: back to its adapter").click()
    page.get_by_test_id("resolve-retry").get_by_role("button", name="Retry").click()
    expect(page.get_by_text("it is back in its queue")).to_be_visible()
    expect(page.get_by_test_id("fallout")).to_have_count(0)
    circuit = task_of(approved, "order-circuit")
    assert circuit.state == "completed" and circuit.outputs["circuit_id"].startswith("ACC-")

    # The dispatcher sends the technician for tomorrow morning.
    sign_in(page, url, "pm")
    page.goto(f"{url}/fulfillment/field/")
    page.get_by_test_id("visit").filter(has_text="Install the NTU").click()
    start = timezone.now().replace(second=0, microsecond=0) + timedelta(days=1)
    page.get_by_label("Technician").select_option(label=users["technician"].get_full_name())
    page.get_by_label("From").fill(_local(start))
    page.get_by_label("Until").fill(_local(start + timedelta(hours=3)))
    page.get_by_role("button", name="Send technician").click()
    expect(page.get_by_text("sent to")).to_be_visible()

    # The technician, on a phone: my visits, on site, complete with the NTU's serial.
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(page, url, "technician")
    page.goto(f"{url}/fulfillment/field/")
    page.get_by_test_id("visit").first.click()
    page.get_by_role("button", name="I am on site").click()
    page.get_by_label("Ntu serial").fill("NTU-4471190")
    page.get_by_role("button", name="Complete visit").click()
    expect(page.get_by_text("what waited for it can start")).to_be_visible()
    page.set_viewport_size({"width": 1280, "height": 900})

    # The agent claims and completes the circuit test from the work queue.
    sign_in(page, url, "agent")
    page.goto(f"{url}/fulfillment/tasks/")
    row = page.get_by_test_id("task").filter(has_text="Test the circuit")
    row.get_by_role("button", name="Claim").click()
    row = page.get_by_test_id("task").filter(has_text="Test the circuit")
    row.get_by_role("link", name="Complete").click()
    page.get_by_role("button", name="Complete task").click()
    expect(page.get_by_text("Completed TSK-")).to_be_visible()
    assert task_of(approved, "test-circuit").state == "completed"

    # The rest of the work is done (by the services, as the queues would), and the order
    # page shows the order closed bottom-up.
    for group in AssignmentGroup.objects.all():
        group.members.add(users["agent"])
    work_through(approved, users["agent"])
    assert not Task.objects.exclude(state="completed").exists()
    assert Order.objects.get(pk=approved.pk).state == "completed"
    sign_in(page, url, "orders")
    page.goto(order_url)
    expect(page.get_by_test_id("order-work")).to_contain_text("9 of 9 tasks done")
    expect(page.get_by_test_id("state-badge").first).to_have_text("Completed")
    # The progress bar fills its track at 100 % (an inline width would be blocked by the CSP).
    track = page.get_by_test_id("order-work").get_by_role("progressbar").bounding_box()
    bar = page.get_by_test_id("order-work").locator(".progress-bar").bounding_box()
    assert bar["width"] > 0.95 * track["width"]
