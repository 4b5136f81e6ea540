"""R27: the audit log finds every change of one record by its number, and each entry links to
its record."""

from django.urls import reverse

from sales import services
from sales.models import LeadLine
from telcrm.views import audited_models, has_number
from tests.factories import LeadFactory


def _activate(users, account, who):
    services.account_transition(actor=users[who], account_id=account.pk, name="activate")


def test_r27_audit_log_filters_by_record(login, users, rep_account, other_account):
    _activate(users, rep_account, "rep")
    _activate(users, other_account, "other_rep")
    client = login(users["admin"])
    # Case-insensitive, exact: the record's creation and its transition, nothing of others.
    page = client.get(reverse("audit_log"), {"record": f" {rep_account.number.lower()} "})
    entries = page.context["entries"]
    assert [e.action for e in entries] == ["Activate", "Created"]
    assert {e.subject for e in entries} == {str(rep_account)}
    assert {e.url for e in entries} == {rep_account.get_absolute_url()}
    assert f'href="{rep_account.get_absolute_url()}"' in page.content.decode()
    # A number's prefix is not the number.
    assert client.get(reverse("audit_log"), {"record": "ACC-"}).context["entries"] == []
    # A record type without numbers has nothing to match.
    nothing = client.get(
        reverse("audit_log"), {"record": rep_account.number, "kind": "sales.location"}
    )
    assert nothing.status_code == 200 and nothing.context["entries"] == []


def test_r27_audit_log_record_and_user_filters_combine(login, users, rep_account):
    _activate(users, rep_account, "rep")
    client = login(users["admin"])
    mine = client.get(reverse("audit_log"), {"record": rep_account.number, "user": "rep"})
    assert [e.action for e in mine.context["entries"]] == ["Activate"]
    theirs = client.get(reverse("audit_log"), {"record": rep_account.number, "user": "manager"})
    assert theirs.context["entries"] == []


def test_r27_audit_log_bad_date_range_is_a_form_error(login, users, rep_account):
    query = {"record": rep_account.number, "date_from": "2026-02-01", "date_to": "2026-01-01"}
    response = login(users["admin"]).get(reverse("audit_log"), query)
    assert response.status_code == 200
    assert response.context["form"].errors["__all__"] == ["“From” must not be after “To”."]
    assert response.context["entries"] == []


def test_r27_audit_entry_of_a_part_links_to_its_record(login, users):
    """A lead line has no page of its own: its entry links to its lead."""
    lead = LeadFactory(owner=users["rep"], team=users["team_a"])
    LeadLine.objects.create(lead=lead, description="Fiber 1 Gbit/s", manual_estimate=100)
    page = login(users["admin"]).get(reverse("audit_log"), {"kind": "sales.leadline"})
    [entry] = page.context["entries"]
    assert entry.url == lead.get_absolute_url()


def test_r27_audit_log_by_record_query_count(login, users, rep_account, django_assert_num_queries):
    _activate(users, rep_account, "rep")
    client = login(users["admin"])
    url, query = reverse("audit_log"), {"record": rep_account.number}
    numbered = sum(1 for model in audited_models().values() if has_number(model))
    assert numbered >= 18  # leads ... items: every model with a number
    # 1 session, 2 user, 3 the count and 4 the page of the union of every history model
    # with a number (only they can match), 5 the record's rows and 6 their predecessors (its
    # changes), 7-8 the users and the teams its rows name, 9 the roles the page header names,
    # 10 the last verification of the history chains.
    queries = 10
    with django_assert_num_queries(queries):
        client.get(url, query)
    # More changes of the record: the same queries.
    for _ in range(3):
        services.account_transition(
            actor=users["manager"], account_id=rep_account.pk, name="suspend"
        )
        services.account_transition(actor=users["rep"], account_id=rep_account.pk, name="activate")
    with django_assert_num_queries(queries):
        response = client.get(url, query)
    assert len(response.context["entries"]) == 8
