"""Line forms (lead, opportunity, quote): one input per characteristic of the chosen
offering, the same inputs as the catalog's "try a configuration" panel."""

from datetime import date, timedelta

import pytest
from django.urls import reverse

from sales import services
from sales.forms import QuoteLineEditForm
from sales.models import (
    CharacteristicSpecification,
    Lead,
    LeadLine,
    OpportunityLine,
    ProductOffering,
    ProductSpecification,
    QuoteLine,
)
from tests.factories import OfferingFactory, OpportunityFactory

SOON = date.today() + timedelta(days=30)


def offering(code):
    return ProductOffering.objects.get(code=code)


def unchanged(form) -> dict:
    """What the browser sends back for ``form`` when the user changes nothing."""
    data = {}
    for bound in form:
        value = bound.value()
        if value is None or value is False:
            continue
        if isinstance(value, list | tuple):
            data[bound.html_name] = [str(v) for v in value]
        else:
            data[bound.html_name] = "on" if value is True else str(value)
    return data


@pytest.fixture
def opportunity_line(users, rep_account, world):
    opportunity = OpportunityFactory(account=rep_account, owner=users["rep"], team=users["team_a"])
    line = services.opportunity_line_save(
        actor=users["rep"],
        line=OpportunityLine(
            opportunity=opportunity, offering=offering("DIA"), characteristics={"bandwidth": "200"}
        ),
    )
    line = OpportunityLine.objects.get(pk=line.pk)
    assert line.characteristics["access_notes"] == ""  # empty optional text
    return line


def edit_url(line):
    return reverse("sales:opportunityline_update", args=[line.opportunity_id, line.pk])


def test_opportunity_line_with_an_empty_characteristic_saves_unchanged_and_takes_a_comma(
    login, users, opportunity_line
):
    client = login(users["rep"])
    form = client.get(edit_url(opportunity_line)).context["form"]
    assert form.fields["c_bandwidth"].widget.input_type == "select"
    assert "c_access_notes" in form.fields and "characteristics" not in form.fields
    data = unchanged(form)
    response = client.post(edit_url(opportunity_line), data)
    assert response.status_code == 302, response.context["form"].errors
    before = opportunity_line.characteristics
    opportunity_line.refresh_from_db()
    assert opportunity_line.characteristics == before

    data["line-c_access_notes"] = "Gate 3, ring twice; ask for Jan"
    assert client.post(edit_url(opportunity_line), data).status_code == 302
    opportunity_line.refresh_from_db()
    assert opportunity_line.characteristics["access_notes"] == "Gate 3, ring twice; ask for Jan"
    assert opportunity_line.characteristics["bandwidth"] == "200"


def test_bad_allowed_value_is_refused_on_the_form_and_nothing_stored(
    login, users, opportunity_line
):
    client = login(users["rep"])
    data = unchanged(client.get(edit_url(opportunity_line)).context["form"])
    before = list(OpportunityLine.objects.values())
    data["line-c_bandwidth"] = "7"
    response = client.post(edit_url(opportunity_line), data)
    assert response.status_code == 200
    errors = response.context["form"].errors["c_bandwidth"]
    assert errors[0].startswith("Bandwidth “7” is not allowed (choose 10, 50, 100")
    assert "Bandwidth “7” is not allowed" in response.content.decode()
    assert list(OpportunityLine.objects.values()) == before


def test_lead_lines_save_unchanged_with_an_empty_characteristic(login, users, world):
    lead = services.lead_save(
        actor=users["rep"],
        lead=Lead(company_name="Kiel", source="web"),
        lines=[LeadLine(offering=offering("DIA")), LeadLine(offering=offering("SIP"))],
    )
    client = login(users["rep"])
    url = reverse("sales:lead_update", args=[lead.pk])
    page = client.get(url).context
    data = unchanged(page["form"])
    data.update(
        {f"lines-{key}": value for key, value in page["lines"].management_form.initial.items()}
    )
    for form in page["lines"].forms:
        data.update(unchanged(form))
    before = list(LeadLine.objects.order_by("pk").values_list("characteristics", flat=True))
    data["lines-0-c_access_notes"] = "Loading dock, left door"
    response = client.post(url, data)
    assert response.status_code == 302, response.context["lines"].errors
    after = list(LeadLine.objects.order_by("pk").values_list("characteristics", flat=True))
    assert after == [{**before[0], "access_notes": "Loading dock, left door"}, before[1]]


def test_quote_line_edit_takes_an_empty_text_and_a_comma(login, users, rep_account, world):
    quote = services.quote_create(actor=users["rep"], account=rep_account, valid_until=SOON)
    line = services.quote_lines_save(
        actor=users["rep"],
        quote=quote,
        lines=[QuoteLine(site=world["HQ"], offering=offering("DIA"), characteristics={})],
    )[0]
    client = login(users["rep"])
    url = reverse("sales:quoteline_update", args=[quote.pk, line.pk])
    data = unchanged(client.get(url).context["form"])
    data["c_access_notes"] = "Basement, rack 4, key at reception"
    assert client.post(url, data).status_code == 302
    line.refresh_from_db()
    assert line.characteristics["access_notes"] == "Basement, rack 4, key at reception"


def test_every_demo_quote_line_opens_and_saves_unchanged(client, db):
    from django.core.management import call_command

    call_command("demo_data", verbosity=0)
    lines = list(QuoteLine.objects.select_related("quote", "offering").order_by("pk"))
    assert len(lines) >= 24
    assert any(line.characteristics.get("access_notes") == "" for line in lines)
    saved = 0
    for line in lines:
        quote = line.quote
        client.force_login(quote.owner)
        url = reverse("sales:quoteline_update", args=[quote.pk, line.pk])
        response = client.get(url)
        assert response.status_code == 200, line
        data = unchanged(response.context["form"])
        form = QuoteLineEditForm(data, instance=QuoteLine.objects.get(pk=line.pk))
        assert form.is_valid(), (line, form.errors)
        assert form.cleaned_data["characteristics"] == line.characteristics, line
        if quote.editable:  # the others refuse any change, by their state
            assert client.post(url, data).status_code == 302, line
            line.refresh_from_db()
            assert line.characteristics == form.cleaned_data["characteristics"]
            saved += 1
    assert saved


# Changing the offering swaps the inputs (htmx) -------------------------------------------


def inputs(client, **params):
    return client.get(reverse("sales:offering_inputs"), params, HTTP_HX_REQUEST="true")


def test_changing_the_offering_swaps_the_inputs_and_keeps_shared_values(login, users, world):
    client = login(users["rep"])
    page = inputs(
        client, prefix="add", **{"add-offering": offering("SIP").pk, "add-c_bandwidth": "200"}
    ).content.decode()
    assert 'name="add-c_sip_channels"' in page and "add-c_bandwidth" not in page
    response = inputs(
        client,
        prefix="lines-1",
        **{"lines-1-offering": offering("SDWAN").pk, "lines-1-c_bandwidth": "200"},
    )
    assert response.context["form"]["c_bandwidth"].value() == "200"  # carried over
    assert 'name="lines-1-c_sdwan_license"' in response.content.decode()
    for params in [
        {"prefix": "add", "add-offering": ""},
        {"prefix": 'x"><b', "offering": "²"},
        {"prefix": "line", "line-offering": "99999"},
    ]:
        response = inputs(client, **params)
        assert response.status_code == 200 and "<input" not in response.content.decode()


def test_line_forms_ask_for_the_inputs_of_the_chosen_offering(login, users, rep_account, world):
    quote = services.quote_create(actor=users["rep"], account=rep_account, valid_until=SOON)
    client = login(users["rep"])
    form = client.get(quote.get_absolute_url()).context["line_form"]
    attrs = form.fields["offering"].widget.attrs
    assert attrs["hx-get"] == reverse("sales:offering_inputs") + "?prefix=add"
    assert attrs["hx-target"] == "#add-characteristics"
    page = client.get(reverse("sales:lead_create")).content.decode()
    assert 'id="lines-0-characteristics"' in page and 'id="lines-1-characteristics"' in page


@pytest.mark.parametrize("count", [3, 200])
def test_offering_inputs_query_count(login, users, django_assert_num_queries, count):
    spec = ProductSpecification.objects.create(code="BIG", name="Big", domain="ip_core")
    spec.characteristics.set(
        [
            CharacteristicSpecification.objects.create(
                code=f"c{i}", name=f"C {i}", value_type="integer", default="1"
            )
            for i in range(count)
        ]
    )
    big = OfferingFactory(code="BIG", state="active")
    big.specifications.add(spec)
    client = login(users["rep"])
    # 1 session, 2 user, 3 user permissions, 4 group permissions, 5 the offering,
    # 6 its specifications, 7 their characteristics, 8 roles (for the navigation)
    with django_assert_num_queries(8):
        response = inputs(client, prefix="line", **{"line-offering": big.pk})
    assert response.content.decode().count("<input") == count
