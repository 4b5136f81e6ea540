"""Offer eligibility and compatibility (R9, R10: "feasibility results determine offer
eligibility, compatibility, and pricing"): an offering limited to customer segments and
countries, needing or excluding another offering at the same site."""

import copy
from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from sales import catalog, services
from sales.catalog_io import catalog_export, catalog_import
from sales.forms import QuoteLineForm
from sales.models import (
    Location,
    OfferingCompatibility,
    OfferingEligibility,
    ProductOffering,
    QuoteLine,
)
from telcrm.fsm import DomainError
from tests.factories import ChildAccountFactory
from tests.sales.test_quotes import new_quote, offering, place

SOON = date.today() + timedelta(days=30)
SEGMENTS = (
    "Banking & finance, Energy & utilities, Healthcare, Public sector or Transport & logistics"
)


def refused(users, quote, site, code) -> str:
    before = (QuoteLine.objects.count(), QuoteLine.history.count())
    with pytest.raises(DomainError) as exc:
        place(users, quote, site, code)
    assert (QuoteLine.objects.count(), QuoteLine.history.count()) == before  # nothing stored
    return exc.value.message


# Eligibility -----------------------------------------------------------------------------


def test_r9_offering_for_other_segments_is_refused_naming_the_reason(users, rep_account, world):
    rep_account.industry = "media"
    rep_account.save()
    quote = new_quote(users, rep_account)
    place(users, quote, world["HQ"], "SDWAN")
    assert refused(users, quote, world["HQ"], "MSEC") == (
        f"Managed Security is sold only to customers in {SEGMENTS}; Nordwind Logistik GmbH "
        "is in Media."
    )


def test_r9_offering_for_any_segment_needs_the_account_industry(users, rep_account, world):
    rep_account.industry = ""
    rep_account.save()
    quote = new_quote(users, rep_account)
    place(users, quote, world["HQ"], "SDWAN")
    assert refused(users, quote, world["HQ"], "MSEC").endswith(
        "Nordwind Logistik GmbH is without an industry (set it on the account)."
    )


def test_r9_offering_for_other_countries_is_refused_naming_the_site(users, rep_account, world):
    zurich = ChildAccountFactory(parent=rep_account, name="Zürich office")
    Location.objects.create(
        account=zurich, address_line1="Bahnhofstr. 1", postcode="8001", city="Zürich", country="CH"
    )
    quote = new_quote(users, rep_account)
    place(users, quote, zurich, "SDWAN")
    assert refused(users, quote, zurich, "MSEC") == (
        "Managed Security is sold only at sites in AT or DE; Zürich office is in CH."
    )


def test_r9_site_offer_says_what_is_eligible_and_why_not(users, rep_account, world):
    rep_account.industry = "media"
    rep_account.save()
    answer = catalog.site_offer(world["HQ"])
    codes = {o.code for o in answer.eligible}
    assert "SDWAN" in codes and "MSEC" not in codes
    assert answer.problem(offering("MSEC")).startswith("Managed Security is sold only to")
    assert answer.problem(offering("SDWAN")) == ""


# Compatibility ---------------------------------------------------------------------------


def test_r9_offering_needing_another_is_refused_without_it(users, rep_account, world):
    quote = new_quote(users, rep_account)
    place(users, quote, world["Metro"], "SDWAN")  # elsewhere does not count
    assert refused(users, quote, world["HQ"], "MSEC") == (
        "Managed Security at HQ needs SD-WAN Managed at the same site."
    )
    place(users, quote, world["HQ"], "SDWAN")
    assert place(users, quote, world["HQ"], "MSEC").pk


def test_r9_offerings_that_exclude_each_other_are_refused_naming_both(users, rep_account, world):
    quote = new_quote(users, rep_account)
    place(users, quote, world["Kiel"], "SDWAN")
    place(users, quote, world["HQ"], "CPE-RENT")  # another site: fine
    assert refused(users, quote, world["Kiel"], "CPE-RENT") == (
        "CPE router rental and SD-WAN Managed exclude each other at Kiel."
    )
    # The rule holds both ways: it is declared on the router rental only.
    quote2 = new_quote(users, rep_account)
    place(users, quote2, world["Kiel"], "CPE-RENT")
    assert refused(users, quote2, world["Kiel"], "SDWAN") == (
        "CPE router rental and SD-WAN Managed exclude each other at Kiel."
    )


def test_r9_deleting_a_needed_line_is_refused_naming_the_dependant(users, rep_account, world):
    quote = new_quote(users, rep_account)
    sdwan = place(users, quote, world["HQ"], "SDWAN")
    security = place(users, quote, world["HQ"], "MSEC")
    with pytest.raises(DomainError) as exc:
        services.quote_line_delete(actor=users["rep"], line=sdwan)
    assert exc.value.message == (
        "SD-WAN Managed at HQ cannot be deleted: Managed Security at HQ needs SD-WAN Managed "
        "at the same site. Delete Managed Security there first."
    )
    assert quote.lines.count() == 2
    services.quote_line_delete(actor=users["rep"], line=security)
    services.quote_line_delete(actor=users["rep"], line=sdwan)
    assert not quote.lines.exists()


def test_r9_delete_page_shows_the_refusal(login, users, rep_account, world):
    quote = new_quote(users, rep_account)
    sdwan = place(users, quote, world["HQ"], "SDWAN")
    place(users, quote, world["HQ"], "MSEC")
    url = reverse("sales:quoteline_delete", args=[quote.pk, sdwan.pk])
    page = login(users["rep"]).post(url, follow=True).content.decode()
    assert "Managed Security at HQ needs SD-WAN Managed at the same site." in page
    assert QuoteLine.objects.filter(pk=sdwan.pk).exists()


def test_r10_incompatible_quote_cannot_go_for_approval(login, users, rep_account, world):
    quote = new_quote(users, rep_account)
    place(users, quote, world["HQ"], "DIA")
    place(users, quote, world["HQ"], "SIP")
    # The catalog changes after the lines were made: now they conflict.
    OfferingCompatibility.objects.create(
        offering=offering("SIP"), other=offering("DIA"), kind="excludes"
    )
    for name in ("finalise", "submit"):
        with pytest.raises(DomainError) as exc:
            services.quote_transition(actor=users["rep"], quote_id=quote.pk, name=name)
        assert exc.value.message == (
            "The quote cannot go for approval: SIP Trunking and Dedicated Internet Access "
            "exclude each other at HQ."
        )
    quote.refresh_from_db()
    assert quote.state == "draft"
    page = login(users["rep"]).get(quote.get_absolute_url()).content.decode()
    assert "SIP Trunking and Dedicated Internet Access exclude each other at HQ." in page
    assert "Some lines do not go together at their site" in page  # the disabled button says why
    # An existing conflict does not block fixing it: the other lines can still change.
    sip = quote.lines.get(offering__code="SIP")
    services.quote_line_delete(actor=users["rep"], line=sip)
    services.quote_transition(actor=users["rep"], quote_id=quote.pk, name="finalise")


# The quote builder offers only what is eligible ------------------------------------------


def test_r9_quote_line_form_offers_only_eligible_offerings(users, rep_account, world):
    quote = new_quote(users, rep_account)
    choices = lambda: {o.code for o in QuoteLineForm(quote=quote).fields["offering"].queryset}  # noqa: E731
    assert {"MSEC", "SDWAN", "DIA"} <= choices()
    rep_account.industry = "media"
    rep_account.save()
    quote.refresh_from_db()
    assert "MSEC" not in choices() and "SDWAN" in choices()
    # Only offerings priced in the quote's currency.
    ProductOffering.objects.filter(code="DIA").update(currency="USD")
    assert "DIA" not in choices()


def test_r9_builder_preview_names_the_eligibility_problem(login, users, rep_account, world):
    zurich = ChildAccountFactory(parent=rep_account, name="Zürich office")
    Location.objects.create(
        account=zurich, address_line1="Bahnhofstr. 1", postcode="8001", city="Zürich", country="CH"
    )
    quote = new_quote(users, rep_account)
    url = reverse("sales:quoteline_add", args=[quote.pk])
    response = login(users["rep"]).get(
        url,
        {
            "add-sites": [zurich.pk],
            "add-offering": offering("MSEC").pk,
            "add-quantity": "1",
            "add-discount_percent": "0",
        },
        headers={"HX-Request": "true"},
    )
    assert "Managed Security is sold only at sites in AT or DE; Zürich office is in CH." in (
        response.content.decode()
    )


# Catalog: model, import / export, pages --------------------------------------------------


def test_r9_rules_are_constrained(users, world):
    security, sdwan = offering("MSEC"), offering("SDWAN")
    with pytest.raises(IntegrityError), transaction.atomic():
        OfferingCompatibility.objects.create(offering=sdwan, other=sdwan, kind="requires")
    with pytest.raises(IntegrityError), transaction.atomic():
        OfferingCompatibility.objects.create(offering=security, other=sdwan, kind="excludes")
    with pytest.raises(IntegrityError), transaction.atomic():
        OfferingEligibility.objects.create(offering=sdwan, segment="media", country="DE")
    contradiction = OfferingCompatibility(offering=sdwan, other=security, kind="excludes")
    with pytest.raises(ValidationError, match="contradict"):
        contradiction.full_clean()
    bad_country = OfferingEligibility(offering=sdwan, country="de")
    with pytest.raises(ValidationError, match="two-letter"):
        bad_country.full_clean()


def test_r9_catalog_round_trip_keeps_the_rules(users, world):
    first = catalog_export()
    msec = next(o for o in first["offerings"] if o["code"] == "MSEC")
    assert msec["requires"] == ["SDWAN"] and msec["countries"] == ["AT", "DE"]
    assert msec["segments"] == ["energy", "finance", "healthcare", "logistics", "public"]
    rental = next(o for o in first["offerings"] if o["code"] == "CPE-RENT")
    assert rental["excludes"] == ["SDWAN"]
    catalog_import(actor=users["admin"], data=copy.deepcopy(first))
    assert catalog_export() == first
    # The file's rules replace the stored ones.
    changed = copy.deepcopy(first)
    msec = next(o for o in changed["offerings"] if o["code"] == "MSEC")
    msec.update(requires=[], excludes=["DIA"], segments=["media"], countries=[])
    catalog_import(actor=users["admin"], data=changed)
    assert catalog_export() == changed
    rules = catalog.offering_rules(offering("MSEC"))
    assert ([o.code for o in rules.excludes], rules.segments, rules.countries) == (
        ["DIA"],
        ["Media"],
        [],
    )


def test_r9_bad_rules_in_a_file_change_nothing_and_are_named(users, world):
    before = catalog_export()
    bad = copy.deepcopy(before)
    by_code = {o["code"]: o for o in bad["offerings"]}
    by_code["MSEC"]["requires"] = ["NOPE", "MSEC"]
    by_code["SIP"].update(requires=["DIA"], excludes=["DIA"])
    by_code["DIA"]["segments"] = ["moon"]
    by_code["MFW"]["countries"] = "DE"
    with pytest.raises(DomainError) as exc:
        catalog_import(actor=users["admin"], data=bad)
    errors = exc.value.errors
    assert "offering MSEC: requires unknown offering(s) NOPE" in errors
    assert "offering MSEC: an offering cannot require itself" in errors
    assert "offering SIP: both requires and excludes DIA" in errors
    assert any(e.startswith("offering DIA segments: segment: Value 'moon'") for e in errors)
    assert "offering MFW: countries must be a list of codes (text)" in errors
    assert catalog_export() == before


def test_r9_contradicting_rules_in_a_file_are_refused(users, world):
    data = catalog_export()
    sdwan = next(o for o in data["offerings"] if o["code"] == "SDWAN")
    sdwan["excludes"] = ["MSEC"]  # while Managed Security needs SD-WAN
    with pytest.raises(DomainError) as exc:
        catalog_import(actor=users["admin"], data=data)
    assert any("contradict each other" in e for e in exc.value.errors)


def test_r9_offering_page_shows_the_rules_to_sales(login, users, world):
    client = login(users["rep"])
    page = client.get(offering("MSEC").get_absolute_url()).content.decode()
    assert "Who can buy it, and with what" in page
    assert "Banking &amp; finance, Energy &amp; utilities" in page
    assert "AT, DE" in page
    assert "Needs at the same site" in page and "SD-WAN Managed" in page
    page = client.get(offering("SDWAN").get_absolute_url()).content.decode()
    assert "Needed at the same site by" in page and "Managed Security" in page
    assert "Not with, at the same site" in page and "CPE router rental" in page
    assert "Every segment" in page and "Every country" in page


def test_r9_rules_are_edited_in_admin(login, users, world):
    client = login(users["admin"])
    url = reverse("admin:sales_productoffering_change", args=[offering("MSEC").pk])
    page = client.get(url).content.decode()
    assert "Eligibility rules" in page and "Compatibility rules" in page
