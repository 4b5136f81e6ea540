"""R20 field service: a ready field-service task gets a field work order (site, contact,
window); a dispatcher sends a technician of the task's group; the technician marks arrival
and completes it with the task's outputs on the phone page."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from fulfillment import services
from fulfillment.models import AssignmentGroup, FieldWorkOrder
from telcrm.fsm import DomainError

from .conftest import finish, task_of


@pytest.fixture
def visit(users, started):
    """The NTU installation's visit: the circuit is ordered, so the field task is ready."""
    group = AssignmentGroup.objects.get(name="Field services")
    group.members.add(users["technician"])
    group.manager = users["pm"]  # the dispatcher
    group.save()
    finish(task_of(started, "order-circuit"), users["agent"], {"circuit_id": "DE-HH-1"})
    return FieldWorkOrder.objects.get(task=task_of(started, "install-ntu"))


def _window():
    start = timezone.now().replace(microsecond=0) + timedelta(days=1)
    return start, start + timedelta(hours=3)


def test_r20_a_ready_field_task_gets_a_scheduled_visit(users, started, visit):
    line = visit.task.sub_flow.child_line.order_line
    assert visit.state == "scheduled" and visit.number.startswith("FWO-")
    assert (visit.site_id, visit.location_id, visit.contact_id) == (
        line.site_id,
        line.location_id,
        line.site_contact_id,
    )
    assert visit.window_start.weekday() < 5 and timezone.localtime(visit.window_start).hour == 8
    # Waiting field tasks have no visit yet.
    assert not FieldWorkOrder.objects.filter(task=task_of(started, "install-cpe")).exists()


def test_r20_field_task_is_completed_on_its_visit_not_in_the_queue(login, users, visit):
    queue = login(users["agent"]).get(reverse("fulfillment:task_queue")).content.decode()
    assert f"Visit {visit.number}" in queue
    with pytest.raises(DomainError, match="completed on site"):
        services.task_complete(
            actor=users["agent"], task_id=visit.task_id, outputs={"ntu_serial": "X"}
        )


def test_r20_dispatch_needs_a_dispatcher_a_group_member_and_a_sane_window(users, visit):
    start, end = _window()
    for actor, technician, window, refusal in [
        ("technician", "technician", (start, end), "Only a dispatcher"),
        ("pm", "rep", (start, end), "is not in Field services"),
        ("pm", "technician", (end, start), "must end after"),
    ]:
        with pytest.raises(DomainError, match=refusal):
            services.work_order_dispatch(
                actor=users[actor],
                work_order_id=visit.pk,
                technician=users[technician],
                window_start=window[0],
                window_end=window[1],
            )
    visit.refresh_from_db()
    assert visit.state == "scheduled" and visit.technician is None


def _action_url(visit, action: str) -> str:
    """Each action on a visit posts to its own URL."""
    return reverse(f"fulfillment:work_order_{action}", args=[visit.pk])


def test_r20_technician_works_the_visit_on_the_phone_page(login, users, started, visit):
    start, end = _window()
    dispatcher = login(users["pm"])
    url = visit.get_absolute_url()
    response = dispatcher.post(
        _action_url(visit, "dispatch"),
        {
            "action": "dispatch",
            "dispatch-technician": users["technician"].pk,
            "dispatch-window_start": timezone.localtime(end).strftime("%Y-%m-%dT%H:%M"),
            "dispatch-window_end": timezone.localtime(start).strftime("%Y-%m-%dT%H:%M"),
        },
    )
    assert "“Until” must be after “From”." in response.content.decode()
    response = dispatcher.post(
        _action_url(visit, "dispatch"),
        {
            "action": "dispatch",
            "dispatch-technician": users["technician"].pk,
            "dispatch-window_start": timezone.localtime(start).strftime("%Y-%m-%dT%H:%M"),
            "dispatch-window_end": timezone.localtime(end).strftime("%Y-%m-%dT%H:%M"),
        },
        follow=True,
    )
    assert f"{visit.number} sent to" in response.content.decode()
    tech = login(users["technician"])
    listing = tech.get(reverse("fulfillment:work_orders")).content.decode()
    assert visit.number in listing  # a technician starts with their own visits
    page = tech.get(url).content.decode()
    assert "I am on site" in page and "Complete visit" not in page
    tech.post(_action_url(visit, "arrive"), {"action": "arrive"})
    assert task_of(started, "install-ntu").state == "in_progress"
    response = tech.post(
        _action_url(visit, "complete"), {"action": "complete", "complete-ntu_serial": ""}
    )
    assert "This field is required." in response.content.decode()
    assert FieldWorkOrder.objects.get(pk=visit.pk).state == "on_site"
    response = tech.post(
        _action_url(visit, "complete"),
        {"action": "complete", "complete-ntu_serial": "NTU-77"},
        follow=True,
    )
    assert "completed; what waited for it can start" in response.content.decode()
    task = task_of(started, "install-ntu")
    assert task.state == "completed" and task.outputs == {"ntu_serial": "NTU-77"}
    assert task.assignee == users["technician"]
    assert task_of(started, "test-circuit").state == "ready"
    # A second tap on an old page: told, nothing changes.
    response = tech.post(_action_url(visit, "arrive"), {"action": "arrive"}, follow=True)
    assert "is completed now: the page was out of date" in response.content.decode()
    # Not the technician's visit: refused.
    assert (
        login(users["pm"]).post(_action_url(visit, "arrive"), {"action": "arrive"}).status_code
        == 403
    )


def test_r20_cpe_and_edge_visits_capture_the_serial_installed_on_site(login, users, started):
    """Every demo field visit that installs equipment asks the technician for its serial."""
    from fulfillment.demo.templates import FLOWS

    installs = {
        code: outputs
        for _, tasks in FLOWS.values()
        for code, _, kind, *_rest, outputs, _after in tasks
        if kind == "field_service" and code.startswith("install-")
    }
    assert all(installs.values()), installs

    group = AssignmentGroup.objects.get(name="Field services")
    group.members.add(users["technician"])
    finish(task_of(started, "stage-cpe"), users["agent"], {"cpe_serial": "FGL-STAGED"})
    visit = FieldWorkOrder.objects.get(task=task_of(started, "install-cpe"))
    start, end = _window()
    services.work_order_dispatch(
        actor=users["orders"],
        work_order_id=visit.pk,
        technician=users["technician"],
        window_start=start,
        window_end=end,
    )
    tech = login(users["technician"])
    url = visit.get_absolute_url()
    tech.post(_action_url(visit, "arrive"), {"action": "arrive"})
    page = tech.get(url).content.decode()
    assert 'name="complete-cpe_serial"' in page
    response = tech.post(
        _action_url(visit, "complete"), {"action": "complete", "complete-cpe_serial": ""}
    )
    assert "This field is required." in response.content.decode()
    tech.post(
        _action_url(visit, "complete"), {"action": "complete", "complete-cpe_serial": "FGL-SPARE-9"}
    )
    task = task_of(started, "install-cpe")
    assert task.state == "completed" and task.outputs == {"cpe_serial": "FGL-SPARE-9"}


def test_r22_skipping_a_field_task_cancels_its_visit(users, visit):
    services.task_claim(actor=users["agent"], task_id=visit.task_id)
    fallout = services.task_reject(
        actor=users["agent"], task_id=visit.task_id, category="data", reason="Site closed for good"
    )
    services.fallout_skip(actor=users["orders"], fallout_id=fallout.pk, note="NTU exists")
    assert FieldWorkOrder.objects.get(pk=visit.pk).state == "cancelled"


def test_field_work_list_query_count_is_fixed(login, users, started, visit):
    client = login(users["pm"])
    url = reverse("fulfillment:work_orders")
    client.get(url)
    with CaptureQueriesContext(connection) as one:
        page = client.get(url).content.decode()
    assert page.count('data-testid="visit"') == 1
    finish(task_of(started, "stage-cpe"), users["agent"], {"cpe_serial": "FGT-1"})
    with CaptureQueriesContext(connection) as two:
        page = client.get(url).content.decode()
    assert page.count('data-testid="visit"') == 2
    assert len(one) == len(two) == 7


def test_r22_a_failed_field_tasks_visit_waits_for_its_fallout(users, visit):
    start, end = _window()
    services.work_order_dispatch(
        actor=users["pm"],
        work_order_id=visit.pk,
        technician=users["technician"],
        window_start=start,
        window_end=end,
    )
    services.work_order_arrive(actor=users["technician"], work_order_id=visit.pk)
    services.task_reject(
        actor=users["technician"],
        task_id=visit.task_id,
        category="data",
        reason="No access to the basement",
    )
    with pytest.raises(DomainError, match="waits until its fall-out is resolved"):
        services.work_order_complete(
            actor=users["technician"], work_order_id=visit.pk, outputs={"ntu_serial": "NTU-1"}
        )
    assert task_of(visit.task.sub_flow.domain_order.order, "install-ntu").state == "failed"
