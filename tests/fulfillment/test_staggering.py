"""R20, staggered fulfillment ("a per-queue concurrency limit staggers work"): a multi-site
order released in waves (a number of sites at a time, or by date), released early by hand;
field visits respect their group's daily visit capacity; the order page shows the waves."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from fulfillment import services, staggering
from fulfillment import tasks as jobs
from fulfillment.models import AssignmentGroup, FieldWorkOrder, Task, Wave
from sales.models import Account

from .conftest import agent_in_every_group, extra_manual_tasks, finish, task_of


def _tasks(order, site):
    return Task.objects.filter(
        sub_flow__domain_order__order=order, sub_flow__domain_order__site__name=site
    )


def _states(order, site):
    return set(_tasks(order, site).values_list("state", flat=True))


def _work_site(order, site, actor):
    """Complete the site's ready tasks until none is left."""
    while ready := list(_tasks(order, site).filter(state="ready").select_related("template")):
        for task in ready:
            finish(task, actor)


@pytest.fixture
def in_waves(users, approved):
    """The approved order (HQ: seven tasks; Metro: two) started one site at a time."""
    agent_in_every_group(users)
    staggering.order_fulfillment_start_staggered(
        actor=users["orders"], order_id=approved.pk, mode="waves", per_wave=1
    )
    return approved


def test_r20_waves_release_in_order_and_a_later_waves_tasks_stay_waiting(users, in_waves):
    first, second = Wave.objects.filter(order=in_waves).order_by("position")
    assert [s.name for s in first.sites.all()] == ["HQ"] and first.state == "released"
    assert [s.name for s in second.sites.all()] == ["Metro"] and second.state == "waiting"
    # Metro's number reservation waits for nothing but its wave: it is not ready.
    assert _states(in_waves, "Metro") == {"waiting"}
    assert "ready" in _states(in_waves, "HQ")
    assert set(
        in_waves.domain_orders.filter(site__name="Metro").values_list("state", flat=True)
    ) == {"acknowledged"}
    # HQ is worked through: wave 1 is done and wave 2 released on its own.
    _work_site(in_waves, "HQ", users["agent"])
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.state, second.state) == ("done", "released")
    assert second.released_by is None  # the system released it
    assert task_of(in_waves, "reserve-numbers").state == "ready"
    _work_site(in_waves, "Metro", users["agent"])
    second.refresh_from_db()
    in_waves.refresh_from_db()
    assert second.state == "done" and in_waves.state == "completed"


def test_r20_a_wave_left_only_with_fallouts_lets_the_next_wave_go(users, in_waves):
    ready = list(_tasks(in_waves, "HQ").filter(state="ready"))
    assert len(ready) == 2  # the circuit order and the CPE staging run in parallel
    services.task_fail(
        actor=None, task_id=ready[0].pk, category="provisioning", detail="Carrier portal down"
    )
    assert Wave.objects.get(order=in_waves, position=2).state == "waiting"  # HQ still busy
    services.task_fail(actor=None, task_id=ready[1].pk, category="inventory", detail="Out of stock")
    # Nothing at HQ can move without a person resolving its fall-outs: Metro goes ahead.
    assert Wave.objects.get(order=in_waves, position=2).state == "released"
    assert task_of(in_waves, "reserve-numbers").state == "ready"
    assert Wave.objects.get(order=in_waves, position=1).state == "released"  # not done


def test_r20_by_date_waves_wait_for_their_date_and_the_scheduled_job_releases_them(
    users, approved, monkeypatch
):
    agent_in_every_group(users)
    today = timezone.localdate()
    sites = {s.name: s.pk for s in Account.objects.filter(name__in=["HQ", "Metro"])}
    staggering.order_fulfillment_start_staggered(
        actor=users["orders"],
        order_id=approved.pk,
        mode="dates",
        dates={sites["HQ"]: today, sites["Metro"]: today + timedelta(days=3)},
    )
    second = Wave.objects.get(order=approved, position=2)
    assert second.planned_date == today + timedelta(days=3) and second.state == "waiting"
    # A dated wave does not follow the wave before it: it keeps its date.
    _work_site(approved, "HQ", users["agent"])
    assert _states(approved, "Metro") == {"waiting"}
    assert "released 0 wave(s)" in jobs.watchdog()  # the scheduled job, today
    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: today + timedelta(days=3))
    assert "released 1 wave(s)" in jobs.watchdog()
    second.refresh_from_db()
    assert second.state == "released" and task_of(approved, "reserve-numbers").state == "ready"
    assert "released 0 wave(s)" in jobs.watchdog()  # safe to run twice


def test_r20_order_manager_releases_the_next_wave_early(login, users, in_waves):
    url = reverse("fulfillment:order_wave_release", args=[in_waves.pk])
    client = login(users["orders"])
    response = client.post(url, follow=True)
    assert "Wave 2 of" in response.content.decode() and "released" in response.content.decode()
    second = Wave.objects.get(order=in_waves, position=2)
    assert second.state == "released" and second.released_by == users["orders"]
    assert task_of(in_waves, "reserve-numbers").state == "ready"
    page = client.post(url, follow=True).content.decode()
    assert "is released already" in page
    assert second.history.first().history_change_reason == "released early by hand"
    assert login(users["agent"]).post(url).status_code == 403


def test_r20_visit_capacity_pushes_the_first_window_to_the_next_free_day(users, started):
    group = AssignmentGroup.objects.get(name="Field services")
    group.daily_visit_capacity = 1
    group.save()
    morning = services._next_working_morning(timezone.localtime())
    # Another visit of the group already takes the next working morning's only place.
    other = task_of(started, "install-cpe")
    line = other.sub_flow.child_line.order_line
    FieldWorkOrder.objects.create(
        task=other,
        site=line.site,
        location=line.location,
        window_start=morning + timedelta(hours=2),
        window_end=morning + timedelta(hours=4),
    )
    finish(task_of(started, "order-circuit"), users["agent"], {"circuit_id": "DE-HH-1"})
    visit = FieldWorkOrder.objects.get(task=task_of(started, "install-ntu"))
    assert visit.window_start == services._next_working_morning(morning)
    assert timezone.localtime(visit.window_start).weekday() < 5


def test_r20_without_a_capacity_the_first_window_is_the_next_morning(users, started):
    finish(task_of(started, "order-circuit"), users["agent"], {"circuit_id": "DE-HH-1"})
    finish(task_of(started, "stage-cpe"), users["agent"], {"cpe_serial": "S-1"})
    windows = set(FieldWorkOrder.objects.values_list("window_start", flat=True))
    assert windows == {services._next_working_morning(timezone.localtime())}


def test_r20_order_page_shows_the_waves_and_what_waits_for_which(login, users, in_waves):
    page = login(users["orders"]).get(in_waves.get_absolute_url()).content.decode()
    assert page.count('data-testid="order-wave"') == 2
    assert "Starts when wave 1 has nothing left to work on" in page
    assert "Release next wave now" in page and "0 of 7" in page and "0 of 2" in page
    agent_page = login(users["agent"]).get(in_waves.get_absolute_url()).content.decode()
    assert 'data-testid="order-waves"' in agent_page
    assert "Release next wave now" not in agent_page  # only an order manager releases


def test_r20_order_page_offers_the_ways_to_release_the_sites(login, users, approved):
    page = login(users["orders"]).get(approved.get_absolute_url()).content.decode()
    assert "A number of sites at a time" in page and "Each site on its own start date" in page
    assert page.count('type="date"') >= 2  # one start date per site


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"mode": "waves", "per_wave": ""}, "Say how many sites start at a time."),
        ({"mode": "waves", "per_wave": "0"}, "greater than or equal to 1"),
        ({"mode": "dates"}, "Give HQ a start date."),
        ({"mode": "sideways"}, "Select a valid choice"),
    ],
)
def test_r20_bad_start_choices_are_refused_with_a_message(login, users, approved, data, message):
    response = login(users["orders"]).post(
        reverse("fulfillment:order_start", args=[approved.pk]), data, follow=True
    )
    assert message in response.content.decode()
    assert not Task.objects.filter(sub_flow__domain_order__order=approved).exists()
    assert not Wave.objects.exists()


def test_r20_a_start_date_in_the_past_is_refused(login, users, approved):
    data = {"mode": "dates"}
    for site in Account.objects.filter(name__in=["HQ", "Metro"]):
        data[f"site_{site.pk}"] = (timezone.localdate() - timedelta(days=1)).isoformat()
    response = login(users["orders"]).post(
        reverse("fulfillment:order_start", args=[approved.pk]), data, follow=True
    )
    assert "A start date cannot be in the past." in response.content.decode()
    assert not Wave.objects.exists()


def test_r20_all_sites_at_once_is_the_default_and_makes_no_waves(login, users, approved):
    login(users["orders"]).post(reverse("fulfillment:order_start", args=[approved.pk]))
    assert not Wave.objects.exists()
    assert "ready" in _states(approved, "Metro") and "ready" in _states(approved, "HQ")


def test_r20_order_page_with_waves_query_count_is_flat(
    login, users, in_waves, django_assert_num_queries
):
    client = login(users["orders"])
    client.get(in_waves.get_absolute_url())
    # As without waves (with the catalog's characteristic labels), plus one: the waves with
    # their sites and who released them.
    with django_assert_num_queries(33):
        client.get(in_waves.get_absolute_url())
    task = task_of(in_waves, "install-ntu")
    extra_manual_tasks(task, 200)
    with django_assert_num_queries(33):
        page = client.get(in_waves.get_absolute_url()).content.decode()
    assert "0 of 207" in page
