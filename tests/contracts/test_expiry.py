"""Nothing stays open past its end: the daily expiry of quotes (R11), agreements (R6) and
service contracts (R14), in the system's name, safe to run twice; the owner hears of it on the
home page; an accept or signature after the end is refused with the date, even before the
job ran."""

from datetime import date, timedelta

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django_q.models import Schedule

from contracts import services
from contracts.models import Document, SalesContract, ServiceContract, Signature
from contracts.tasks import expire_due
from sales import services as sales_services
from sales.models import Quote, SalesAgreement
from telcrm.audit import history_entries
from telcrm.fsm import DomainError
from tests.contracts.conftest import send, sign, token_of
from tests.contracts.test_agreement_signing import negotiating, prepare  # noqa: F401
from tests.contracts.test_contracts import (  # noqa: F401
    contract,
    rules,
    signed,
    site_contacts,
)
from tests.sales.test_quotes import agreement, new_quote, place

TODAY = date.today()
YESTERDAY = TODAY - timedelta(days=1)


def day(value: date) -> str:
    return date_format(value, "j M Y")


def approved_quote(users, rep_account, world, valid_until=YESTERDAY):
    quote = new_quote(users, rep_account)
    place(users, quote, world["HQ"])
    sales_services.quote_transition(actor=users["rep"], quote_id=quote.pk, name="finalise")
    Quote.objects.filter(pk=quote.pk).update(valid_until=valid_until)
    return Quote.objects.get(pk=quote.pk)


def states(model, *records):
    return [model.objects.get(pk=r.pk).state for r in records]


def history_count(model) -> int:
    return model.history.count()


def last_change(model, record):
    return model.history.filter(id=record.pk).order_by("-history_id").first()


# The schedule --------------------------------------------------------------------------------


def test_the_expiry_runs_daily_from_the_worker(db):
    schedule = Schedule.objects.get(name="Daily expiry")
    assert (schedule.func, schedule.schedule_type, schedule.repeats) == (
        "contracts.tasks.expire_due",
        "D",
        -1,
    )


# Quotes (R11) --------------------------------------------------------------------------------


def test_r11_job_expires_approved_quotes_past_valid_until_and_nothing_else(
    users, rep_account, world
):
    due = approved_quote(users, rep_account, world)
    valid_today = approved_quote(users, rep_account, world, valid_until=TODAY)
    draft = new_quote(users, rep_account)
    Quote.objects.filter(pk=draft.pk).update(valid_until=YESTERDAY)
    accepted = approved_quote(users, rep_account, world, valid_until=TODAY)
    sales_services.quote_transition(actor=users["rep"], quote_id=accepted.pk, name="accept")
    Quote.objects.filter(pk=accepted.pk).update(valid_until=YESTERDAY)

    call_command("expire_due", stdout=open("/dev/null", "w"))  # noqa: SIM115

    assert states(Quote, due, valid_today, draft, accepted) == [
        "expired",
        "approved",
        "draft",
        "accepted",
    ]
    row = last_change(Quote, due)
    assert row.history_user is None
    assert row.history_change_reason == f"expired: valid until {day(YESTERDAY)}"
    entry = history_entries([Quote.history.filter(id=due.pk)])[0]
    assert entry.who == "system"
    before = history_count(Quote)
    assert expire_due() == "expired 0 quotes, 0 agreements, 0 contracts"  # twice is harmless
    assert history_count(Quote) == before


def test_r11_accept_after_valid_until_is_refused_with_the_date_before_the_job_ran(
    login, users, rep_account, world
):
    quote = approved_quote(users, rep_account, world)
    message = f"{quote} expired on {day(YESTERDAY)}: revise it for a new version."
    with pytest.raises(DomainError) as refused:
        services.quote_accept(actor=users["rep"], quote_id=quote.pk)
    assert refused.value.message == message
    client = login(users["rep"])
    url = reverse("contracts:quote_accept", args=[quote.pk])
    page = client.get(url).content.decode()
    assert message in page and "Record acceptance" not in page
    response = client.post(url, follow=True)
    assert message in response.content.decode()
    assert states(Quote, quote) == ["approved"] and not Document.objects.exists()


def test_r11_accept_after_the_job_ran_is_refused_with_the_date(users, rep_account, world):
    quote = approved_quote(users, rep_account, world)
    expire_due()
    with pytest.raises(DomainError, match=f"expired on {day(YESTERDAY)}: revise it"):
        services.quote_accept(actor=users["rep"], quote_id=quote.pk)
    assert states(Quote, quote) == ["expired"] and not Document.objects.exists()
    # Revising gives a new version to offer again.
    revised = sales_services.quote_revise(actor=users["rep"], quote_id=quote.pk)
    assert revised.state == "draft" and revised.valid_until > TODAY


def test_r11_signing_page_says_the_quote_expired_instead_of_offering_to_sign(
    client, users, accepted, signatory, django_capture_on_commit_callbacks
):
    _, link = send(users, accepted, signatory, django_capture_on_commit_callbacks)
    Quote.objects.filter(pk=accepted.quote_id).update(valid_until=YESTERDAY)
    quote = Quote.objects.get(pk=accepted.quote_id)
    page = client.get(link)
    text = page.content.decode()
    assert page.status_code == 410
    assert f"{quote.number} version 1 expired on {day(YESTERDAY)}" in text
    assert "signer_name" not in text
    response = sign(client, link, django_capture_on_commit_callbacks)
    assert response.status_code == 410 and "expired on" in response.content.decode()
    with pytest.raises(DomainError, match=f"expired on {day(YESTERDAY)}"):
        services.signing_request_for_token(token_of(link))
    assert not Signature.objects.exists() and states(Quote, quote) == ["accepted"]


# Agreements (R6) -----------------------------------------------------------------------------


def lapse(agreement_, days_ago: int = 1) -> SalesAgreement:
    SalesAgreement.objects.filter(pk=agreement_.pk).update(
        valid_from=TODAY - timedelta(days=400), valid_to=TODAY - timedelta(days=days_ago)
    )
    return SalesAgreement.objects.get(pk=agreement_.pk)


def test_r6_job_expires_active_agreements_past_valid_to_and_nothing_else(users, rep_account, world):
    due = lapse(agreement(users, rep_account, discount_percent=5))
    open_ended = agreement(users, rep_account, discount_percent=5)
    negotiating_ = lapse(agreement(users, rep_account, state="negotiation", discount_percent=5))

    expire_due()

    assert states(SalesAgreement, due, open_ended, negotiating_) == [
        "expired",
        "active",
        "negotiation",
    ]
    row = last_change(SalesAgreement, due)
    assert row.history_user is None
    assert row.history_change_reason == f"expired: valid to {day(YESTERDAY)}"
    before = history_count(SalesAgreement)
    assert expire_due() == "expired 0 quotes, 0 agreements, 0 contracts"
    assert history_count(SalesAgreement) == before


def test_r6_agreement_signing_after_its_validity_is_refused_with_the_date(
    client,
    users,
    negotiating,
    signatory,
    django_capture_on_commit_callbacks,  # noqa: F811
):
    document = prepare(users, negotiating, django_capture_on_commit_callbacks)
    _, link = send(users, document, signatory, django_capture_on_commit_callbacks, who="manager")
    lapsed = lapse(negotiating)
    page = client.get(link)
    assert page.status_code == 410
    assert f"{lapsed.number} {lapsed.name} expired on {day(YESTERDAY)}" in page.content.decode()
    response = sign(client, link, django_capture_on_commit_callbacks)
    assert response.status_code == 410
    message = f"{lapsed.number} expired on {day(YESTERDAY)}: extend its validity"
    with pytest.raises(DomainError, match=message):
        services.agreement_document_prepare(actor=users["manager"], agreement_id=lapsed.pk)
    with pytest.raises(DomainError, match=message):
        sales_services.agreement_activate(
            actor=users["manager"], agreement_id=lapsed.pk, signatory=signatory, signed_on=TODAY
        )
    assert states(SalesAgreement, lapsed) == ["negotiation"]
    assert not Signature.objects.exists()
    assert Document.objects.filter(agreement=lapsed).count() == 1


# Sales and service contracts (R13, R14) ------------------------------------------------------


def active_contract(users, contract_):  # noqa: F811
    services.contract_transition(
        actor=users["contracts"], contract_id=contract_.pk, name="activate"
    )
    created = services.service_contracts_create(actor=users["contracts"], contract_id=contract_.pk)
    first = services.contract_transition(
        actor=users["contracts"], contract_id=created[0].pk, name="activate", model=ServiceContract
    )
    return SalesContract.objects.get(pk=contract_.pk), first, created[1]


def test_r14_service_contracts_run_for_their_sales_contracts_term(users, contract):  # noqa: F811
    sales_contract, service, draft = active_contract(users, contract)
    assert service.end_date == sales_contract.end_date and service.end_date > TODAY
    with pytest.raises(DomainError, match="term has not ended yet"):
        services.contract_transition(
            actor=users["contracts"], contract_id=service.pk, name="expire", model=ServiceContract
        )
    assert expire_due() == "expired 0 quotes, 0 agreements, 0 contracts"
    assert states(ServiceContract, service, draft) == ["active", "draft"]


def test_r14_job_expires_contracts_past_their_term_and_nothing_else(users, contract):  # noqa: F811
    sales_contract, service, draft = active_contract(users, contract)
    SalesContract.objects.filter(pk=sales_contract.pk).update(
        start_date=TODAY - timedelta(days=1100), end_date=YESTERDAY
    )
    # A service contract made before it carried its own end runs to the sales contract's.
    ServiceContract.objects.filter(pk=service.pk).update(end_date=None)

    expire_due()

    assert states(SalesContract, sales_contract) == ["expired"]
    assert states(ServiceContract, service, draft) == ["expired", "draft"]
    assert ServiceContract.objects.get(pk=service.pk).end_date == YESTERDAY
    for model, record in ((SalesContract, sales_contract), (ServiceContract, service)):
        row = last_change(model, record)
        assert row.history_user is None
        assert row.history_change_reason == f"expired: its term ended on {day(YESTERDAY)}"
    before = history_count(ServiceContract) + history_count(SalesContract)
    assert expire_due() == "expired 0 quotes, 0 agreements, 0 contracts"
    assert history_count(ServiceContract) + history_count(SalesContract) == before


# The owner is told on the home page ----------------------------------------------------------


def test_r14_home_panel_lists_my_records_that_expired_in_the_last_14_days(
    login,
    users,
    contract,
    rep_account,
    world,  # noqa: F811
):
    sales_contract, service, _ = active_contract(users, contract)
    SalesContract.objects.filter(pk=sales_contract.pk).update(end_date=YESTERDAY)
    ServiceContract.objects.filter(pk=service.pk).update(end_date=YESTERDAY)
    quote = approved_quote(users, rep_account, world)
    old_quote = approved_quote(users, rep_account, world)
    agreement_ = lapse(agreement(users, rep_account, discount_percent=5))
    expire_due()
    Quote.objects.filter(pk=old_quote.pk).update(
        updated_at=timezone.now() - timedelta(days=15)
    )  # expired long ago: not news
    home = login(users["rep"]).get(reverse("home")).content.decode()
    assert "Expired recently" in home
    for record in (quote, agreement_, sales_contract, service):
        assert str(record) in home and record.get_absolute_url() in home
    assert old_quote.get_absolute_url() not in home
    # Not the other rep's: they own none of it.
    assert "Expired recently" not in login(users["other_rep"]).get(reverse("home")).content.decode()


@pytest.mark.parametrize("rows", [2, 6])
def test_r11_home_query_count_with_expired_records(
    client, users, rep_account, world, django_assert_num_queries, rows
):
    for _ in range(rows):
        approved_quote(users, rep_account, world)
        lapse(agreement(users, rep_account, discount_percent=5))
    expire_due()
    client.force_login(users["rep"])
    # 1 session, 2 user, 3 user permissions, 4 group permissions, 5 roles, 6-7 contracts to
    # make, 8 my open quotes, 9 my orders that need me, 10 my documents waiting for
    # signature, 11-14 expired recently: my quotes, agreements, sales contracts, service
    # contracts, 15 my open leads, 16 my open opportunities, 17 my accounts, 18-29 their
    # history (rows of 4 models changed on my accounts and of 4 changed by me, predecessors,
    # the records the rows name) and their count
    with django_assert_num_queries(29):
        response = client.get(reverse("home"))
    html = response.content.decode()
    for quote in Quote.objects.filter(state="expired"):
        assert quote.get_absolute_url() in html
