"""Users read characteristic names and value labels, and a state's label once, never
``code=value`` (STYLE.md 15): one tag library (sales/templatetags/catalog_tags.py) renders
every configuration."""

import re

from django.template import Context, Template
from django.urls import reverse

from sales import services
from sales.catalog import characteristic_specs, labelled_characteristics
from sales.models import OpportunityLine, Quote
from tests.factories import OpportunityFactory
from tests.sales.test_quotes import new_quote, offering, place

RAW = re.compile(r"\b[a-z]+_[a-z_]+=|\b(bandwidth|access_type|sip_channels)=")


def test_names_and_value_labels(world):
    specs = characteristic_specs()
    values = {
        "bandwidth": "100",
        "access_type": "fixed_wireless",
        "routing_type": "bgp",
        "managed_cpe": "yes",
        "access_notes": "",
        "circuit_id": "DE-HH-1",
    }
    # In the catalog's order (by name), a code it does not know last.
    assert labelled_characteristics(values, specs) == [
        ("Access type", "fixed wireless"),
        ("Bandwidth", "100 Mbit/s"),
        ("Managed CPE", "yes"),
        ("Routing type", "BGP"),
        ("Circuit ID", "DE-HH-1"),
    ]
    text = Template("{% load catalog_tags %}{% characteristics values %}").render(
        Context({"values": {"sdwan_license": "standard", "sip_channels": "30"}})
    )
    assert text == "Concurrent channels: 30 channels · SD-WAN licence: standard"


def test_quote_builder_lead_and_opportunity_pages_show_labels(login, users, rep_account, world):
    quote = new_quote(users, rep_account)
    place(users, quote, world["HQ"], "DIA", bandwidth="200", access_type="fiber")
    opportunity = OpportunityFactory(account=rep_account, owner=users["rep"], team=users["team_a"])
    services.opportunity_line_save(
        actor=users["rep"],
        line=OpportunityLine(opportunity=opportunity, offering=offering("SDWAN")),
    )
    client = login(users["rep"])
    page = client.get(quote.get_absolute_url()).content.decode()
    # In the catalog's order, on every database (PostgreSQL's JSON reorders the keys).
    assert "Access type: fiber · Bandwidth: 200 Mbit/s · IPv4 block: /29" in page
    assert not RAW.search(page)
    page = client.get(opportunity.get_absolute_url()).content.decode()
    assert "SD-WAN licence: standard" in page and not RAW.search(page)
    assert "sdwan_license" not in page


def test_changed_configuration_is_compared_in_words(login, users, rep_account, world):
    quote = new_quote(users, rep_account)
    place(users, quote, world["HQ"], "DIA", bandwidth="100")
    services.quote_transition(actor=users["rep"], quote_id=quote.pk, name="finalise")
    v2 = services.quote_revise(actor=users["rep"], quote_id=quote.pk)
    line = v2.lines.get()
    line.characteristics = {**line.characteristics, "access_type": "copper"}
    services.quote_lines_save(actor=users["rep"], quote=v2, lines=[line])
    page = login(users["rep"]).get(reverse("sales:quote_compare", args=[v2.pk]))
    change = next(c for d in page.context["diffs"] for c in d.changes if c.label == "Configuration")
    assert "Access type: fiber" in change.old and "Access type: copper" in change.new
    assert not RAW.search(page.content.decode())


def test_state_label_shows_once_in_lists(login, users, rep_account, world):
    quote = new_quote(users, rep_account)
    place(users, quote, world["HQ"], "SIP")
    services.quote_transition(actor=users["rep"], quote_id=quote.pk, name="finalise")
    services.quote_transition(actor=users["rep"], quote_id=quote.pk, name="cancel")
    assert Quote.objects.get(pk=quote.pk).tmf_state == "cancelled"
    page = login(users["rep"]).get(reverse("sales:quote_list")).content.decode()
    text = " ".join(re.sub(r"<[^>]+>", " ", page).split())
    assert "Cancelled" in text and not re.search(r"Cancelled cancelled", text, re.I)
    assert 'title="TM Forum state: cancelled"' in page


def test_task_outputs_are_named_in_words():
    text = Template("{% load catalog_tags %}{% output_names codes %}").render(
        Context({"codes": ["ntu_serial", "trunk_id", "number_block"]})
    )
    assert text == "NTU serial, Trunk ID, Number block"
