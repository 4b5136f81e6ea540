"""R22 in the browser's terms: reject a task from its page, the fall-out queue and page with
its resolutions, the watchdog and escalation, the order page's fulfillment section, and the
home panel."""

from datetime import timedelta

from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from fulfillment import services
from fulfillment.models import AssignmentGroup, Fallout, Task

from .conftest import extra_manual_tasks, task_of


def _claimed(users, order, code="order-circuit"):
    task = task_of(order, code)
    services.task_claim(actor=users["agent"], task_id=task.pk)
    return task


def _fallout(users, order, code="order-circuit", detail="No carrier capacity"):
    task = _claimed(users, order, code)
    return services.task_reject(
        actor=users["agent"], task_id=task.pk, category="inventory", reason=detail
    )


def test_r22_agent_rejects_a_task_from_its_page(login, users, started):
    task = _claimed(users, started)
    client = login(users["agent"])
    page = client.get(reverse("fulfillment:task_complete", args=[task.pk])).content.decode()
    assert "Cannot be done? Reject it" in page
    url = reverse("fulfillment:task_reject", args=[task.pk])
    response = client.post(url, {"category": "data", "reason": ""})
    assert response.status_code == 200 and "This field is required." in response.content.decode()
    assert Task.objects.get(pk=task.pk).state == "ready"
    response = client.post(url, {"category": "data", "reason": "Wrong postcode"}, follow=True)
    fallout = Fallout.objects.get()
    assert f"went to the fall-out queue as {fallout.number}" in response.content.decode()
    assert Task.objects.get(pk=task.pk).state == "failed"


def test_r22_fallout_queue_lists_open_fallouts_with_a_fixed_query_count(login, users, started):
    first = _fallout(users, started)
    client = login(users["orders"])
    url = reverse("fulfillment:fallout_queue")
    client.get(url)  # warm caches (session, permissions)
    with CaptureQueriesContext(connection) as one:
        page = client.get(url).content.decode()
    assert first.number in page and "No carrier capacity" in page
    _fallout(users, started, "stage-cpe")
    _fallout(users, started, "reserve-numbers")
    with CaptureQueriesContext(connection) as three:
        page = client.get(url).content.decode()
    assert page.count('data-testid="fallout"') == 3
    assert len(one) == len(three) == 8
    services.fallout_skip(actor=users["orders"], fallout_id=first.pk, note="not needed")
    page = client.get(url).content.decode()
    assert page.count('data-testid="fallout"') == 2
    resolved = client.get(url, {"state": "resolved"}).content.decode()
    assert first.number in resolved and "Skipped" in resolved


def _resolve_url(fallout, action: str) -> str:
    """Each resolution posts to its own URL."""
    return reverse(f"fulfillment:fallout_{action}", args=[fallout.pk])


def test_r22_resolutions_from_the_fallout_page(login, users, started):
    fallout = _fallout(users, started)
    client = login(users["orders"])
    url = reverse("fulfillment:fallout_detail", args=[fallout.pk])
    page = client.get(url).content.decode()
    for label in ("Retry", "Complete by hand", "Skip the task", "Cancel the order line"):
        assert label in page
    # Manual completion without the output: told on the form, nothing changes.
    response = client.post(
        _resolve_url(fallout, "complete"), {"action": "complete", "complete-circuit_id": ""}
    )
    assert response.status_code == 200 and "This field is required." in response.content.decode()
    assert Fallout.objects.get(pk=fallout.pk).state == "open"
    # Skip needs a reason.
    response = client.post(_resolve_url(fallout, "skip"), {"action": "skip", "skip-note": " "})
    assert "This field is required." in response.content.decode()
    response = client.post(
        _resolve_url(fallout, "complete"),
        {"action": "complete", "complete-circuit_id": "DE-HH-7"},
        follow=True,
    )
    assert "Completed " + fallout.task.number + " by hand." in response.content.decode()
    assert Task.objects.get(pk=fallout.task_id).outputs == {"circuit_id": "DE-HH-7"}
    # Resolved: no more forms; a stale post is refused.
    assert "Complete by hand" not in client.get(url).content.decode()
    response = client.post(_resolve_url(fallout, "retry"), {"action": "retry"}, follow=True)
    assert f"{fallout.number} was resolved a moment ago." in response.content.decode()


def test_r22_agents_resolve_but_do_not_cancel_lines(login, users, started):
    fallout = _fallout(users, started)
    client = login(users["agent"])
    url = reverse("fulfillment:fallout_detail", args=[fallout.pk])
    page = client.get(url).content.decode()
    assert "Retry" in page and "Cancel the order line" not in page
    assert (
        client.post(
            _resolve_url(fallout, "cancel_line"), {"action": "cancel_line", "cancel_line-note": "x"}
        ).status_code
        == 403
    )
    response = client.post(
        _resolve_url(fallout, "retry"), {"action": "retry", "retry-note": ""}, follow=True
    )
    assert "it is back in its queue" in response.content.decode()
    assert Task.objects.get(pk=fallout.task_id).state == "ready"


def test_r22_watchdog_fails_stuck_tasks_and_escalates_overdue_fallouts(users, started, settings):
    settings.FALLOUT_SLA_HOURS = 8
    group = AssignmentGroup.objects.get(name="Access provisioning")
    group.manager = users["orders"]
    group.save()
    users["orders"].email = "olga@example.com"
    users["orders"].save()
    api = task_of(started, "order-circuit")  # API task, SLA 4 h, no grace
    manual = task_of(started, "stage-cpe")  # manual, SLA 24 h, 24 h grace
    services.task_claim(actor=users["agent"], task_id=manual.pk)
    services.task_start(actor=users["agent"], task_id=manual.pk)
    later = timezone.now() + timedelta(hours=5)
    # The two API tasks (access circuit, phone numbers) are stuck; the manual one is not.
    assert services.watchdog_run(now=later) == {"timed_out": 2, "escalated": 0}
    fallout = Fallout.objects.get(task=api)
    assert fallout.category == "timeout" and "Found by the watchdog" in fallout.detail
    assert "Stuck ready" in fallout.detail
    assert Task.objects.get(pk=manual.pk).state == "in_progress"
    assert services.watchdog_run(now=later) == {"timed_out": 0, "escalated": 0}
    # A day past its SLA the started manual task times out too; past the fall-outs' due
    # time they escalate to their groups' managers (Voice engineering has none), once.
    much_later = later + timedelta(hours=72)
    assert services.watchdog_run(now=much_later) == {"timed_out": 1, "escalated": 3}
    assert "Stuck in progress" in Fallout.objects.get(task=manual).detail
    fallout.refresh_from_db()
    assert fallout.escalated_to == users["orders"] and fallout.escalated_at == much_later
    assert services.fallouts_escalate(now=much_later + timedelta(hours=1)) == 0


def test_r22_escalation_mails_the_manager(users, started, django_capture_on_commit_callbacks):
    group = AssignmentGroup.objects.get(name="Access provisioning")
    group.manager = users["orders"]
    group.save()
    users["orders"].email = "olga@example.com"
    users["orders"].save()
    fallout = _fallout(users, started)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.fallouts_escalate(now=fallout.due_at + timedelta(minutes=1))
    assert [m.to for m in mail.outbox] == [["olga@example.com"]]
    assert fallout.number in mail.outbox[0].subject


def test_r22_home_panel_shows_fallouts_escalated_to_me_first(login, users, started):
    group = AssignmentGroup.objects.get(name="IP engineering")
    group.manager = users["orders"]
    group.save()
    first = _fallout(users, started)
    second = _fallout(users, started, "reserve-numbers")
    Fallout.objects.filter(pk=second.pk).update(
        escalated_at=timezone.now(), escalated_to=users["orders"]
    )
    page = login(users["orders"]).get(reverse("home")).content.decode()
    assert "Fall-out to resolve" in page and "1 escalated to me" in page
    assert page.index(second.number) < page.index(first.number)
    assert "Fall-out to resolve" not in login(users["rep"]).get(reverse("home")).content.decode()


def test_r20_order_page_shows_the_work_per_domain_order(login, users, started):
    _fallout(users, started)
    client = login(users["agent"])
    page = client.get(started.get_absolute_url()).content.decode()
    assert 'data-testid="order-work"' in page
    assert page.count('data-testid="order-task"') == 9
    assert "0 of 9 tasks done" in page and "1 in fall-out" in page
    # The rep sees no task list (no fulfillment permission), but the order.
    assert (
        'data-testid="order-work"'
        not in login(users["rep"]).get(started.get_absolute_url()).content.decode()
    )


def test_r20_order_page_offers_to_start_approved_work(login, users, approved):
    page = login(users["orders"]).get(approved.get_absolute_url()).content.decode()
    assert "its work has not started" in page and "Start fulfillment" in page


def test_order_page_query_count_does_not_grow_with_tasks(
    login, users, started, django_assert_num_queries
):
    _fallout(users, started)
    client = login(users["orders"])
    client.get(started.get_absolute_url())
    # The page with the work section: tasks with their groups, people, domain orders and
    # specifications in one query, open fall-outs in another, the special project (none);
    # the catalog's characteristics once (names and value labels of the configurations).
    with django_assert_num_queries(32):
        client.get(started.get_absolute_url())
    task = task_of(started, "install-ntu")
    extra_manual_tasks(task, 20, assignee=users["agent"])
    with django_assert_num_queries(32):
        page = client.get(started.get_absolute_url()).content.decode()
    assert page.count('data-testid="order-task"') == 29


def test_r27_task_fallout_and_visit_pages_show_their_history(login, users, started):
    """Every fulfillment record page has the history panel other record pages have."""
    from fulfillment.models import FieldWorkOrder

    fallout = _fallout(users, started)
    client = login(users["orders"])
    page = client.get(reverse("fulfillment:fallout_detail", args=[fallout.pk])).content.decode()
    history = page[page.index('data-testid="history"') :]
    agent = users["agent"].get_full_name() or users["agent"].username
    assert fallout.number in history and agent in history and "failed: Inventory" in history
    stage = task_of(started, "stage-cpe")
    services.task_claim(actor=users["agent"], task_id=stage.pk)
    page = login(users["agent"]).get(stage.get_absolute_url()).content.decode()
    history = page[page.index('data-testid="history"') :]
    assert stage.number in history and "Assignee" in history
    services.task_complete(actor=users["agent"], task_id=stage.pk, outputs={"cpe_serial": "F1"})
    visit = FieldWorkOrder.objects.get(task__template__code="install-cpe")
    page = client.get(visit.get_absolute_url()).content.decode()
    history = page[page.index('data-testid="history"') :]
    assert visit.number in history and f"visit for {visit.task.number}" in history
