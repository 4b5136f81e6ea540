"""From an opportunity to its quote: a "New quote" action, and the opportunity's free-text
lines kept in sight on the quote builder, to price by hand."""

from datetime import date, timedelta

from django.urls import reverse

from sales import services
from sales.models import OpportunityLine, ProductOffering, Quote
from tests.factories import OpportunityFactory

SOON = date.today() + timedelta(days=30)


def opportunity_with_lines(users, account, site):
    opportunity = OpportunityFactory(
        account=account, owner=users["rep"], team=users["team_a"], currency="EUR"
    )
    services.opportunity_line_save(
        actor=users["rep"],
        line=OpportunityLine(
            opportunity=opportunity,
            offering=ProductOffering.objects.get(code="DIA"),
            characteristics={"bandwidth": "200"},
            site=site,
        ),
    )
    services.opportunity_line_save(
        actor=users["rep"],
        line=OpportunityLine(
            opportunity=opportunity,
            description="Dark fiber to the harbour crane, 2 km",
            quantity=2,
            manual_estimate=18000,
            site=site,
        ),
    )
    return opportunity


def test_new_quote_from_the_opportunity_page(login, users, rep_account, world):
    opportunity = opportunity_with_lines(users, rep_account, world["Metro"])
    client = login(users["rep"])
    page = client.get(opportunity.get_absolute_url())
    assert page.context["may_quote"]
    url = (
        f"{reverse('sales:quote_create')}?account={rep_account.pk}&amp;"
        f"opportunity={opportunity.pk}&amp;currency=EUR"
    )
    assert url in page.content.decode()
    form = client.get(url.replace("&amp;", "&")).context["form"]
    assert form.initial["account"] == rep_account.pk
    assert form.initial["opportunity"] == opportunity.pk
    assert form.initial["currency"] == "EUR"
    response = client.post(
        reverse("sales:quote_create"),
        {
            "account": rep_account.pk,
            "opportunity": opportunity.pk,
            "term_months": 36,
            "valid_until": SOON.isoformat(),
            "currency": "EUR",
        },
    )
    quote = Quote.objects.get(opportunity=opportunity)
    assert response.status_code == 302 and response["Location"] == quote.get_absolute_url()


def test_free_text_lines_are_listed_on_the_quote_to_price_by_hand(login, users, rep_account, world):
    opportunity = opportunity_with_lines(users, rep_account, world["Metro"])
    by_hand = opportunity.lines.get(offering__isnull=True)
    quote = services.quote_create(
        actor=users["rep"], account=rep_account, opportunity=opportunity, valid_until=SOON
    )
    client = login(users["rep"])
    response = client.get(quote.get_absolute_url())
    assert response.context["by_hand"] == [by_hand]
    page = response.content.decode()
    assert "To price by hand" in page
    assert "2 × Dark fiber to the harbour crane, 2 km" in page
    assert "estimated EUR 18,000.00 in the first year" in page
    form = client.get(quote.get_absolute_url(), {"from_line": by_hand.pk}).context["line_form"]
    assert form.initial == {"quantity": 2, "sites": [world["Metro"].pk]}  # the rep picks
    services.quote_transition(actor=users["rep"], quote_id=quote.pk, name="cancel")
    assert "To price by hand" not in client.get(quote.get_absolute_url()).content.decode()


def test_new_quote_is_offered_only_to_who_may_quote_an_open_opportunity(
    login, users, rep_account, world
):
    opportunity = opportunity_with_lines(users, rep_account, world["Metro"])
    page = login(users["orders"]).get(opportunity.get_absolute_url())
    assert not page.context["may_quote"] and 'data-testid="new-quote"' not in (
        page.content.decode()
    )
    services.opportunity_transition(
        actor=users["rep"], opportunity_id=opportunity.pk, name="close_lost", reason="Budget cut"
    )
    page = login(users["rep"]).get(opportunity.get_absolute_url())
    assert not page.context["may_quote"]
