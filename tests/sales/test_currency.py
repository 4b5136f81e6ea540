"""Currency is honoured: the catalog prices each offering in one currency, and no record
takes those amounts for another currency's (leads, opportunities, agreements, quotes; orders
check their billing profile in tests/orders)."""

from datetime import date, timedelta

import pytest
from django.urls import reverse

from sales import services
from sales.models import AgreementLine, LeadLine, ProductOffering, Quote, QuoteLine, SalesAgreement
from telcrm.fsm import DomainError
from tests.factories import LeadFactory, OfferingFactory, OpportunityFactory

SOON = date.today() + timedelta(days=30)


def dia():
    return ProductOffering.objects.get(code="DIA")


def test_r11_quote_in_dollars_refuses_an_offering_priced_in_euros(users, rep_account, world):
    quote = services.quote_create(
        actor=users["rep"], account=rep_account, valid_until=SOON, currency="USD"
    )
    line = QuoteLine(site=world["HQ"], offering=dia(), characteristics={"bandwidth": "100"})
    with pytest.raises(DomainError) as refused:
        services.quote_lines_save(actor=users["rep"], quote=quote, lines=[line])
    assert str(refused.value).startswith(
        "Dedicated Internet Access is priced in EUR only; this quote is in USD."
    )
    assert not quote.lines.exists()


def test_r8_quote_takes_its_agreements_currency(users, rep_account, world):
    agreement = SalesAgreement.objects.create(
        name="US frame", account=rep_account, valid_from=date.today(), currency="USD"
    )
    services.agreement_part_save(
        actor=users["rep"],
        part=AgreementLine(
            agreement=agreement,
            offering=OfferingFactory(name="US Internet", currency="USD"),
            discount_percent=5,
        ),
    )
    services.agreement_transition(actor=users["rep"], agreement_id=agreement.pk, name="negotiate")
    quote = services.quote_from_agreement(actor=users["rep"], agreement_id=agreement.pk)
    assert quote.currency == "USD" and quote.agreement == agreement


def test_r11_quote_in_another_currency_than_the_pricing_agreement_is_refused_on_the_form(
    login, users, rep_account, world
):
    agreement = SalesAgreement.objects.create(
        name="Frame", account=rep_account, valid_from=date.today()
    )
    services.agreement_part_save(
        actor=users["rep"],
        part=AgreementLine(agreement=agreement, offering=dia(), discount_percent=5),
    )
    services.agreement_transition(actor=users["rep"], agreement_id=agreement.pk, name="negotiate")
    response = login(users["rep"]).post(
        reverse("sales:quote_create"),
        {
            "account": rep_account.pk,
            "term_months": 36,
            "valid_until": SOON.isoformat(),
            "currency": "USD",
        },
    )
    assert response.status_code == 200
    assert "prices this customer&#x27;s quotes in EUR: make the quote in EUR." in (
        response.content.decode()
    )
    assert not Quote.objects.exists()


def test_r6_agreement_line_must_be_priced_in_the_agreements_currency(users, rep_account, world):
    agreement = SalesAgreement.objects.create(
        name="Frame", account=rep_account, valid_from=date.today(), currency="CHF"
    )
    with pytest.raises(DomainError, match="priced in EUR only; this agreement is in CHF"):
        services.agreement_part_save(
            actor=users["rep"],
            part=AgreementLine(agreement=agreement, offering=dia(), discount_percent=5),
        )
    assert not agreement.lines.exists()


def test_r6_agreement_with_euro_lines_cannot_switch_to_dollars(users, rep_account, world):
    agreement = SalesAgreement.objects.create(
        name="Frame", account=rep_account, valid_from=date.today()
    )
    services.agreement_part_save(
        actor=users["rep"],
        part=AgreementLine(agreement=agreement, offering=dia(), discount_percent=5),
    )
    agreement.currency = "USD"
    with pytest.raises(DomainError, match="this agreement is in USD"):
        services.agreement_save(actor=users["rep"], agreement=agreement)
    agreement.refresh_from_db()
    assert agreement.currency == "EUR"


def test_r4_lead_line_priced_in_another_currency_is_refused(users, world):
    lead = LeadFactory(owner=users["rep"], currency="GBP")
    line = LeadLine(offering=dia(), characteristics={"bandwidth": "100"})
    with pytest.raises(DomainError, match="this lead is in GBP"):
        services.lead_save(actor=users["rep"], lead=lead, lines=[line])
    assert not lead.lines.exists()


def test_r4_opportunity_with_euro_lines_cannot_switch_currency(users, rep_account, world):
    opportunity = OpportunityFactory(account=rep_account, owner=users["rep"])
    services.opportunity_line_save(
        actor=users["rep"],
        line=opportunity.lines.model(
            opportunity=opportunity, offering=dia(), characteristics={"bandwidth": "100"}
        ),
    )
    opportunity.currency = "USD"
    with pytest.raises(DomainError, match="this opportunity is in USD"):
        services.opportunity_save(actor=users["rep"], opportunity=opportunity)
    opportunity.refresh_from_db()
    assert opportunity.currency == "EUR"
