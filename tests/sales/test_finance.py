"""Issue 17: finance owns credit limits and billing profile activation. A sales rep cannot
set her own customer's credit limit, on the form, in the service or in the CSV import."""

from decimal import Decimal

import pytest
from django.urls import reverse

from orders.home import waiting_for_finance_panel
from sales import services
from sales.models import Account
from telcrm.fsm import DomainError
from tests.factories import BillingProfileFactory

from .test_import import HEADER

ROW = "root,,Hafen Kiel GmbH,logistics,{credit},rep,Team A,Kaistr. 1,,Kiel,24103,DE,,,,,,,\n"


def test_the_rep_sees_the_credit_limit_read_only_on_the_account_form(login, users, rep_account):
    form = login(users["rep"]).get(reverse("sales:account_update", args=[rep_account.pk]))
    form = form.context["form"]
    assert form.fields["credit_limit"].disabled and form.fields["credit_currency"].disabled
    admin_form = login(users["admin"]).get(reverse("sales:account_update", args=[rep_account.pk]))
    assert not admin_form.context["form"].fields["credit_limit"].disabled


def test_a_rep_posting_a_credit_limit_changes_the_rest_but_not_the_limit(login, users, rep_account):
    response = login(users["rep"]).post(
        reverse("sales:account_update", args=[rep_account.pk]),
        {
            "name": "Nordwind Logistik SE",
            "owner": users["rep"].pk,
            "team": users["team_a"].pk,
            "credit_limit": "9999999",
            "credit_currency": "CHF",
            "version": rep_account.updated_at.isoformat(),
        },
    )
    assert response.status_code == 302
    rep_account.refresh_from_db()
    assert rep_account.name == "Nordwind Logistik SE"
    assert (rep_account.credit_limit, rep_account.credit_currency) == (Decimal("100000"), "EUR")


def test_the_service_refuses_a_credit_limit_change_without_the_permission(users, rep_account):
    rep_account.credit_limit = Decimal("5")
    with pytest.raises(DomainError, match="set by finance"):
        services.account_update(actor=users["rep"], account=rep_account)
    new = Account(name="Hafen Kiel GmbH", team=users["team_a"], credit_limit=Decimal("10"))
    with pytest.raises(DomainError, match="set by finance"):
        services.account_create(actor=users["rep"], account=new)
    with pytest.raises(DomainError, match="set by finance"):
        services.account_set_credit_limit(
            actor=users["manager"],
            account_id=rep_account.pk,
            credit_limit=Decimal("5"),
            credit_currency="EUR",
        )
    assert not Account.objects.filter(name="Hafen Kiel GmbH").exists()
    rep_account.refresh_from_db()
    assert rep_account.credit_limit == Decimal("100000")


def test_a_forged_credit_limit_is_refused_with_a_message_on_the_form(users, rep_account):
    """The form keeps a rep's credit limit as it is; should a value get past it, the service
    refuses with a message the form shows, and nothing is stored."""
    from sales.views.accounts import AccountUpdateView

    view = AccountUpdateView()
    form = type("Form", (), {"instance": rep_account, "cleaned_data": {}})()
    view.request = type("Request", (), {"user": users["rep"]})()
    rep_account.credit_limit = Decimal("1")
    with pytest.raises(DomainError) as refused:
        view.save(form)
    assert refused.value.errors == [services.accounts.CREDIT_LIMIT_REFUSED]
    rep_account.refresh_from_db()
    assert rep_account.credit_limit == Decimal("100000")


def test_finance_sets_a_credit_limit_on_its_page_and_the_history_says_who(
    login, users, rep_account
):
    client = login(users["finance"])
    url = reverse("sales:account_credit_limit", args=[rep_account.pk])
    page = client.get(rep_account.get_absolute_url()).content.decode()
    assert url in page
    response = client.post(
        url,
        {
            "credit_limit": "250000",
            "credit_currency": "CHF",
            "version": rep_account.updated_at.isoformat(),
        },
    )
    assert response.status_code == 302
    rep_account.refresh_from_db()
    assert (rep_account.credit_limit, rep_account.credit_currency) == (Decimal("250000"), "CHF")
    last = rep_account.history.first()
    assert last.history_user == users["finance"]
    assert last.history_change_reason == "credit limit set"
    assert url not in login(users["rep"]).get(rep_account.get_absolute_url()).content.decode()


def test_a_negative_or_stale_credit_limit_is_refused_with_a_message(login, users, rep_account):
    client = login(users["finance"])
    url = reverse("sales:account_credit_limit", args=[rep_account.pk])
    version = rep_account.updated_at.isoformat()
    negative = client.post(
        url, {"credit_limit": "-1", "credit_currency": "EUR", "version": version}
    )
    assert "greater than or equal to 0" in negative.content.decode()
    services.account_set_credit_limit(
        actor=users["admin"], account_id=rep_account.pk, credit_limit=7, credit_currency="EUR"
    )
    stale = client.post(url, {"credit_limit": "9", "credit_currency": "EUR", "version": version})
    assert "changed by someone else" in stale.content.decode()
    rep_account.refresh_from_db()
    assert rep_account.credit_limit == Decimal("7")


def test_the_import_refuses_a_credit_limit_from_a_rep_and_takes_it_from_finance(users):
    data = (HEADER + ROW.format(credit="50000")).encode()
    refused = services.accounts_import_csv(actor=users["rep"], data=data)
    assert refused.errors == [(2, "credit limit is set by finance: leave the column empty")]
    assert not Account.objects.filter(name="Hafen Kiel GmbH").exists()
    empty = services.accounts_import_csv(actor=users["rep"], data=HEADER + ROW.format(credit=""))
    assert empty.ok, empty.errors
    Account.objects.filter(name="Hafen Kiel GmbH").update(name="Renamed")
    imported = services.accounts_import_csv(actor=users["finance"], data=data)
    assert imported.ok, imported.errors
    account = Account.objects.get(name="Hafen Kiel GmbH")
    assert account.credit_limit == Decimal("50000") and account.owner == users["rep"]


@pytest.mark.parametrize(
    ("who", "allowed"),
    [("rep", False), ("manager", False), ("orders", False), ("finance", True), ("admin", True)],
)
def test_only_finance_and_administrators_activate_billing_profiles(
    login, users, rep_account, who, allowed
):
    profile = BillingProfileFactory(account=rep_account)
    if not allowed:
        with pytest.raises(DomainError):
            services.billing_profile_transition(
                actor=users[who], profile_id=profile.pk, name="deactivate"
            )
        response = login(users[who]).post(
            reverse("sales:billingprofile_deactivate", args=[profile.pk])
        )
        assert response.status_code == 403
        profile.refresh_from_db()
        assert profile.state == "active"
        return
    services.billing_profile_transition(actor=users[who], profile_id=profile.pk, name="deactivate")
    profile.refresh_from_db()
    assert profile.state == "inactive"
    login(users[who]).post(reverse("sales:billingprofile_activate", args=[profile.pk]))
    profile.refresh_from_db()
    assert profile.state == "active"


def test_the_rep_still_edits_billing_profiles_but_sees_no_activation_button(
    login, users, rep_account
):
    profile = BillingProfileFactory(account=rep_account)
    page = login(users["rep"]).get(rep_account.get_absolute_url()).content.decode()
    assert reverse("sales:billingprofile_update", args=[rep_account.pk, profile.pk]) in page
    assert reverse("sales:billingprofile_deactivate", args=[profile.pk]) not in page
    page = login(users["finance"]).get(rep_account.get_absolute_url()).content.decode()
    assert reverse("sales:billingprofile_deactivate", args=[profile.pk]) in page


def test_finance_sees_every_customer(users, rep_account, other_account):
    assert set(Account.objects.visible_to(users["finance"])) >= {rep_account, other_account}


def test_the_finance_panel_is_only_for_finance(rf, users):
    request = rf.get("/")
    request.user = users["finance"]
    assert waiting_for_finance_panel(request) == {"orders": [], "count": 0}
    request.user = users["rep"]
    assert waiting_for_finance_panel(request) is None
