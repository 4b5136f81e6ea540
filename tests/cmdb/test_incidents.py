"""R26: incidents on configuration items show the service contract's SLA that applies: the
time-to-restore target of the site's service contract gives the due time; past it, the
incident is breached."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from cmdb import services
from cmdb.models import Incident
from telcrm.fsm import DomainError
from tests.cmdb.conftest import RESTORE_HOURS


def report(user, item, **kwargs) -> Incident:
    data = {
        "priority": "p2",
        "title": "Circuit down",
        "description": "No light on the NTU.",
        **kwargs,
    }
    return services.incident_create(actor=user, item_id=item.pk, **data)


def run(user, incident, name, reason="") -> Incident:
    return services.incident_transition(
        actor=user, incident_id=incident.pk, name=name, reason=reason
    )


def fresh(incident) -> Incident:
    return Incident.objects.get(pk=incident.pk)


def overdue(incident, hours: float = 1) -> Incident:
    """Reported long enough ago that its due time has passed (the clock, not a state)."""
    Incident.objects.filter(pk=incident.pk).update(
        reported_at=incident.reported_at - timedelta(hours=float(RESTORE_HOURS) + hours),
        due_at=incident.due_at - timedelta(hours=float(RESTORE_HOURS) + hours),
    )
    return fresh(incident)


def post(client, incident, name, **data):
    return client.post(reverse(f"cmdb:incident_{name}", args=[incident.pk]), data, follow=True)


def test_r26_incident_due_time_from_service_contract_sla(login, users, items, service_contracts):
    incident = report(users["ops"], items["hq"])
    assert incident.number.startswith("INC-")
    assert incident.service_contract_number == service_contracts["HQ"].number
    assert incident.restore_hours == RESTORE_HOURS
    assert incident.due_at == incident.reported_at + timedelta(hours=4)
    assert not incident.breached
    page = login(users["ops"]).get(incident.get_absolute_url()).content.decode()
    assert service_contracts["HQ"].number in page and "4 h" in page
    assert timezone.localtime(incident.due_at).strftime("%-d %b %Y %H:%M") in page
    assert "left" in page and "No SLA applies" not in page


def test_r26_incident_without_sla_has_no_due_time(login, users, items, service_contracts):
    # Metro's service contract promises no time to restore; a POP has no contract at all.
    metro = report(users["ops"], items["metro"])
    assert (metro.service_contract_number, metro.restore_hours, metro.due_at) == (
        service_contracts["Metro"].number,
        None,
        None,
    )
    pop = report(users["ops"], items["pop"], title="POP fan alarm")
    assert (pop.service_contract_number, pop.restore_hours, pop.due_at) == ("", None, None)
    client = login(users["ops"])
    page = client.get(metro.get_absolute_url()).content.decode()
    assert "No SLA applies" in page and "has no time-to-restore commitment" in page
    page = client.get(pop.get_absolute_url()).content.decode()
    assert "No SLA applies" in page and "no service contract covers this item" in page
    assert not overdue_free(pop).breached


def overdue_free(incident) -> Incident:
    """Long ago, but without a due time it can never breach."""
    Incident.objects.filter(pk=incident.pk).update(
        reported_at=incident.reported_at - timedelta(days=30)
    )
    return fresh(incident)


def test_r26_breached_incidents_listed(login, users, items):
    late = overdue(report(users["ops"], items["hq"], title="Circuit down"))
    on_time = report(users["ops"], items["hq"], title="Packet loss")
    no_sla = report(users["ops"], items["pop"], title="POP fan alarm")
    assert late.breached and not on_time.breached
    assert list(Incident.objects.breached()) == [late]
    client = login(users["ops"])
    url = reverse("cmdb:incident_list")
    page = client.get(url).content.decode()
    rows = page.split('data-testid="incident"')[1:]
    # Soonest due first: the breached one leads, flagged red; no SLA last.
    assert [late.number in rows[0], on_time.number in rows[1], no_sla.number in rows[2]] == [
        True,
        True,
        True,
    ]
    assert 'data-breached="yes" class="table-danger"' in rows[0] and "breached" in rows[0]
    assert "late" in rows[0] and "left" in rows[1] and "no SLA applies" in rows[2]
    page = client.get(url, {"breached": "yes"}).content.decode()
    assert late.number in page and on_time.number not in page and no_sla.number not in page
    page = client.get(url, {"breached": "no"}).content.decode()
    assert late.number not in page and on_time.number in page and no_sla.number in page
    # Restored after its due time: still breached, shown as restored late.
    run(users["ops"], late, "start")
    run(users["ops"], late, "resolve", reason="Spliced the fibre.")
    assert fresh(late).breached
    page = client.get(url, {"state": "resolved", "breached": "yes"}).content.decode()
    assert late.number in page and "restored late" in page
    page = client.get(late.get_absolute_url()).content.decode()
    assert "restored late" in page


def test_r26_incident_transitions(login, users, items):
    incident = report(users["ops"], items["hq"])
    client = login(users["ops2"])
    post(client, incident, "start")
    incident = fresh(incident)
    assert (incident.state, incident.assignee) == ("in_progress", users["ops2"])
    page = post(client, incident, "resolve", reason=" ").content.decode()
    assert "Say how service was restored." in page and fresh(incident).state == "in_progress"
    post(client, incident, "resolve", reason="Replaced the SFP at the POP.")
    incident = fresh(incident)
    assert (incident.state, incident.resolution) == ("resolved", "Replaced the SFP at the POP.")
    assert incident.resolved_at is not None and not incident.breached
    reopened = run(users["ops"], incident, "reopen")
    assert (reopened.state, reopened.resolved_at, reopened.resolution) == ("in_progress", None, "")
    assert reopened.due_at == incident.due_at  # the clock runs on from the original due time
    run(users["ops"], incident, "resolve", reason="Second SFP replaced too.")
    assert run(users["ops"], incident, "close").state == "closed"
    steps = list(
        Incident.history.filter(id=incident.pk)
        .order_by("history_id")
        .values_list("history_change_reason", "history_user__username")
    )
    assert steps == [
        (f"reported on {items['hq'].number}", "ops"),
        ("start", "ops2"),
        ("resolve", "ops2"),
        ("reopen", "ops"),
        ("resolve", "ops"),
        ("close", "ops"),
    ]


def test_r26_incident_illegal_transitions_refused_and_nothing_changed(login, users, items):
    incident = report(users["ops"], items["hq"])
    before = (fresh(incident).updated_at, Incident.history.filter(id=incident.pk).count())
    for name, message in [
        ("resolve", "Resolve is not possible while the record is New"),
        ("close", "Close is not possible while the record is New"),
        ("reopen", "Reopen is not possible while the record is New"),
        ("escalate", "is not an action of incident"),
    ]:
        with pytest.raises(DomainError, match=message):
            run(users["ops"], incident, name, reason="x")
    page = post(login(users["ops"]), incident, "close").content.decode()
    assert "Close is not possible while the record is New" in page
    assert (fresh(incident).updated_at, Incident.history.filter(id=incident.pk).count()) == before
    assert (fresh(incident).state, fresh(incident).assignee) == ("new", None)
    run(users["ops"], incident, "start")
    with pytest.raises(DomainError, match="Close is not possible while the record is In progress"):
        run(users["ops"], incident, "close")
    # Readers of incidents take no transition.
    with pytest.raises(DomainError, match="not allowed to resolve"):
        run(users["agent"], incident, "resolve", reason="Fixed.")
    assert (
        login(users["agent"])
        .post(reverse("cmdb:incident_resolve", args=[incident.pk]), {"reason": "x"})
        .status_code
        == 403
    )
    assert fresh(incident).state == "in_progress"


def test_r26_incident_reported_from_an_item(login, users, items, service_contracts):
    client = login(users["ops"])
    url = reverse("cmdb:incident_create")
    form = client.get(f"{url}?item={items['hq'].pk}").content.decode()
    assert f'value="{items["hq"].pk}" selected' in form
    response = client.post(
        url,
        {
            "item": items["hq"].pk,
            "priority": "p1",
            "title": "Site isolated",
            "description": "Both links down.",
        },
    )
    incident = Incident.objects.get()
    assert response.status_code == 302 and response.url == incident.get_absolute_url()
    assert (incident.reported_by, incident.priority, incident.state) == (users["ops"], "p1", "new")
    assert incident.service_contract_number == service_contracts["HQ"].number


@pytest.mark.parametrize(
    "data, error",
    [
        ({"title": ""}, "This field is required."),
        ({"description": ""}, "This field is required."),
        ({"priority": "p0"}, "Select a valid choice."),
        ({"item": ""}, "This field is required."),
        ({"item": "999999"}, "Select a valid choice."),
    ],
)
def test_incident_form_bad_input_gives_form_error_and_stores_nothing(
    login, users, items, data, error
):
    payload = {
        "item": items["hq"].pk,
        "priority": "p2",
        "title": "Down",
        "description": "No light.",
        **data,
    }
    response = login(users["ops"]).post(reverse("cmdb:incident_create"), payload)
    assert response.status_code == 200 and error in response.content.decode()
    assert not Incident.objects.exists()


def test_incident_pages_for_the_outsider_and_other_team(login, users, items):
    incident = report(users["ops"], items["hq"])
    urls = [
        reverse("cmdb:incident_list"),
        incident.get_absolute_url(),
        reverse("cmdb:incident_create"),
    ]
    outsider = login(users["outsider"])
    for url in urls:
        assert outsider.get(url).status_code == 403, url
    assert outsider.post(reverse("cmdb:incident_start", args=[incident.pk])).status_code == 403
    other = login(users["other_rep"])
    listing = other.get(reverse("cmdb:incident_list"))
    assert listing.status_code == 200 and incident.number not in listing.content.decode()
    assert other.get(incident.get_absolute_url()).status_code == 404
    assert other.get(reverse("cmdb:incident_create")).status_code == 403
    assert other.post(reverse("cmdb:incident_start", args=[incident.pk])).status_code == 403
    page = login(users["rep"]).get(incident.get_absolute_url()).content.decode()
    assert incident.number in page and "Start work" not in page
    # The other team's item is not offered on the form, nor accepted by the service.
    with pytest.raises(DomainError, match="not allowed to report incidents"):
        report(users["rep"], items["hq"])
    assert fresh(incident).state == "new"


def test_r26_home_shows_open_incidents_mine_first_breached_next(login, users, items):
    theirs = report(users["ops"], items["pop"], title="POP fan alarm")
    breached = overdue(report(users["ops"], items["hq"], title="Circuit down"))
    mine = report(users["ops"], items["hq"], title="Packet loss")
    run(users["ops2"], mine, "start")
    closed = report(users["ops"], items["hq"], title="Flap")
    run(users["ops"], closed, "start")
    run(users["ops"], closed, "resolve", reason="Flapped once.")
    page = login(users["ops2"]).get(reverse("home")).content.decode()
    panel = page.split('data-testid="home-incidents"')[1]
    order = [panel.index(i.number) for i in (mine, breached, theirs)]
    assert order == sorted(order) and closed.number not in panel
    assert "1 mine" in panel and "1 breached" in panel
    assert (
        'data-testid="home-incidents"'
        not in login(users["rep"]).get(reverse("home")).content.decode()
    )


def test_incident_list_query_count_does_not_grow_with_rows(
    login, users, items, django_assert_num_queries
):
    for item in ("hq", "metro", "pop"):
        report(users["ops"], items[item])
    client = login(users["ops"])
    url = reverse("cmdb:incident_list")
    client.get(url)
    # Session, user, its permissions (user, group), its groups (role), the count for the
    # pager, and the page of incidents with their items, accounts, sites and people.
    with django_assert_num_queries(7):
        client.get(url)
    for item in ("hq", "metro", "pop"):
        run(users["ops"], report(users["ops2"], items[item]), "start")
    with django_assert_num_queries(7):
        page = client.get(url).content.decode()
    assert page.count('data-testid="incident"') == 6


def test_incident_detail_query_count_does_not_grow_with_history(
    login, users, items, django_assert_num_queries
):
    incident = report(users["ops"], items["hq"])
    run(users["ops"], incident, "start")
    client = login(users["ops2"])
    client.get(incident.get_absolute_url())
    # Session, user, its permissions (user, group), its groups (role), the incident with its
    # item, account, site and people, its history rows with their users, their
    # predecessors, and the items named in the changes (one query for all of them).
    with django_assert_num_queries(9):
        client.get(incident.get_absolute_url())
    for n in range(3):
        if n:
            run(users["ops2"], incident, "reopen")
        run(users["ops2"], incident, "resolve", reason=f"Fix {n}")
    with django_assert_num_queries(9):
        page = client.get(incident.get_absolute_url()).content.decode()
    assert "Fix 2" in page
