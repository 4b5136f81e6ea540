"""Product catalog: validation, pricing, feasibility (R10), decomposition preview (R19),
lifecycle, JSON import/export, pages."""

import copy
import json
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from sales import catalog, services
from sales.catalog_io import catalog_export, catalog_import
from sales.demo.catalog import CATALOG, FEASIBILITY_RULES
from sales.models import (
    FeasibilityRule,
    Location,
    OfferingEligibility,
    PriceRule,
    ProductOffering,
)
from telcrm.fsm import DomainError
from tests.factories import located


@pytest.fixture
def demo_catalog(users):
    catalog_import(actor=users["admin"], data=copy.deepcopy(CATALOG))
    return {o.code: o for o in ProductOffering.objects.all()}


def offering(code):
    """An offering loaded the way the pages load it (prefetched)."""
    from sales.views.catalog import with_catalog_details

    return with_catalog_details(ProductOffering.objects.filter(code=code)).get()


def site(postcode, street="Teststr. 1", country="DE", account=None):
    return Location(
        account=account, address_line1=street, postcode=postcode, city="X", country=country
    )


# Validation ------------------------------------------------------------------------------


def test_valid_configuration_is_typed_and_defaults_fill_gaps(demo_catalog):
    config, errors = catalog.validate_configuration(
        offering("DIA"), {"bandwidth": "1000", "managed_cpe": "no"}
    )
    assert errors == []
    assert config["bandwidth"] == "1000" and config["access_type"] == "fiber"
    assert config["managed_cpe"] is False and config["ipv4_block"] == "/29"


def test_configuration_errors_are_named_never_raised(demo_catalog):
    _config, errors = catalog.validate_configuration(
        offering("SIP"), {"sip_channels": "900", "did_numbers": "ten", "colour": "red"}
    )
    messages = {e.code: e.message for e in errors}
    assert messages == {
        "colour": "colour is not a characteristic of SIP Trunking",
        "sip_channels": "Concurrent channels must be at most 500",
        "did_numbers": "Direct-dial numbers must be a whole number",
    }
    _config, errors = catalog.validate_configuration(
        offering("DIA"), {"access_type": "carrier pigeon", "managed_cpe": "maybe"}
    )
    assert [e.code for e in errors] == ["access_type", "managed_cpe"]
    assert "not allowed (choose fiber, copper, fixed_wireless, satellite)" in errors[0].message


def test_missing_value_without_default_is_an_error(demo_catalog):
    char = offering("SIP").specifications.get().characteristics.get(code="sip_channels")
    char.default = ""
    char.save()
    _config, errors = catalog.validate_configuration(offering("SIP"), {"sip_channels": " "})
    assert [e.message for e in errors] == ["Concurrent channels: a value is required"]


def test_characteristic_definition_is_checked(demo_catalog):
    from django.core.exceptions import ValidationError

    from sales.models import CharacteristicSpecification

    bad = CharacteristicSpecification(code="x", name="X", value_type="choice", allowed_values=[])
    with pytest.raises(ValidationError, match="A choice needs a list of values"):
        bad.full_clean()
    bad = CharacteristicSpecification(
        code="y", name="Y", value_type="integer", min_value=1, max_value=5, default="9"
    )
    with pytest.raises(ValidationError, match="must be at most 5"):
        bad.full_clean()


# Pricing ---------------------------------------------------------------------------------


def test_price_is_list_plus_every_matching_adder_in_decimal(demo_catalog):
    dia = offering("DIA")
    config, _ = catalog.validate_configuration(
        dia, {"bandwidth": "1000", "routing_type": "bgp", "pop_redundancy": "dual"}
    )
    price = catalog.price_configuration(dia, config)
    assert {line.description: line.recurring for line in price.adders} == {
        "Bandwidth 1000 Mbit/s": Decimal("1190.00"),
        "BGP routing": Decimal("45.00"),
        "Dual-POP redundancy": Decimal("220.00"),
        "Managed CPE router": Decimal("39.00"),
    }
    assert price.recurring == Decimal("1743.00")  # 249 + 1190 + 45 + 220 + 39
    assert price.one_time == Decimal("1350.00")  # 450 + 900 dual-POP
    assert isinstance(price.recurring, Decimal)


def test_per_unit_price_rules_multiply(demo_catalog):
    sip = offering("SIP")
    config, _ = catalog.validate_configuration(sip, {"sip_channels": "30", "did_numbers": "100"})
    price = catalog.price_configuration(sip, config)
    assert price.recurring == Decimal("274.00")  # 39 + 30 × 6.50 + 100 × 0.40
    assert sorted(line.description for line in price.adders) == [
        "Channel × 30",
        "Direct-dial number × 100",
    ]


def test_changing_a_characteristic_reprices(demo_catalog):
    dia = offering("DIA")
    low = catalog.price_configuration(
        dia, catalog.validate_configuration(dia, {"bandwidth": "10"})[0]
    )
    high = catalog.price_configuration(
        dia, catalog.validate_configuration(dia, {"bandwidth": "500"})[0]
    )
    assert high.recurring - low.recurring == Decimal("690.00")


def test_price_rule_needs_a_value_or_a_range(demo_catalog):
    from django.core.exceptions import ValidationError

    rule = PriceRule(offering=demo_catalog["DIA"], characteristic_id=1, value="x", min_value=1)
    with pytest.raises(ValidationError, match="either a value to match or a range"):
        rule.clean()


# Feasibility (R10) -----------------------------------------------------------------------


def feasibility(code, values, location):
    off = offering(code)
    config, errors = catalog.validate_configuration(off, values)
    assert errors == []
    return catalog.check_feasibility(off, config, location)


def test_r10_on_net_building_is_feasible_even_at_10_gbit(demo_catalog):
    result = feasibility(
        "DIA", {"bandwidth": "10000", "pop_redundancy": "dual"}, site("20457", "Am Sandtorkai 50")
    )
    assert result.status == "feasible" and result.surcharge == 0
    assert result.rule.name == "On-net buildings Germany"


def test_r10_postcode_rule_gives_feasible_with_conditions_and_surcharge(demo_catalog):
    result = feasibility("DIA", {"bandwidth": "1000"}, site("20095", "Mönckebergstr. 7"))
    assert result.status == "conditional"
    assert result.surcharge == Decimal("2500.00")
    assert result.reasons == ["Fiber lateral to the building needed (about 8 weeks)."]
    # The surcharge applies to fiber only: copper at the same place is plainly feasible.
    copper = feasibility("DIA", {"access_type": "copper", "bandwidth": "100"}, site("20095"))
    assert copper.status == "feasible"


def test_r10_not_feasible_names_every_reason(demo_catalog):
    result = feasibility("DIA", {"bandwidth": "1000", "pop_redundancy": "dual"}, site("24103"))
    assert result.status == "not_feasible"
    assert result.reasons == [
        "fiber access is not available here (available: fixed wireless, satellite).",
        "Dual-POP redundancy is not available here.",
    ]
    too_fast = feasibility("DIA", {"access_type": "copper", "bandwidth": "100"}, site("47829"))
    assert too_fast.reasons == ["100 Mbit/s exceeds the 50 Mbit/s copper limit here."]


def test_r10_country_without_coverage_is_not_feasible(demo_catalog):
    result = feasibility("DIA", {}, site("1100", country="PT"))
    assert result.status == "not_feasible"
    assert result.reasons == ["No network coverage at 1100 X (PT)."]


@pytest.mark.parametrize(
    ("postcode", "country", "area", "status"),
    [
        ("EC2V 7HH", "GB", "Metro fiber London City", "conditional"),
        ("M1 1AE", "GB", "United Kingdom wholesale Ethernet", "conditional"),
        ("75008", "FR", "Metro fiber Paris", "conditional"),
        ("13001", "FR", "France wholesale access", "conditional"),
        ("1010", "AT", "Metro fiber Wien", "conditional"),
        ("8001", "CH", "Metro fiber Zürich", "conditional"),
        ("1017", "NL", "Metro fiber Amsterdam", "conditional"),
    ],
)
def test_r10_demo_footprint_reaches_beyond_germany(demo_catalog, postcode, country, area, status):
    result = feasibility("DIA", {"bandwidth": "500"}, site(postcode, country=country))
    assert (result.rule.name, result.status) == (area, status)
    assert result.surcharge > 0
    copper = feasibility(
        "DIA", {"access_type": "copper", "bandwidth": "50"}, site(postcode, country=country)
    )
    assert copper.status != "not_feasible"


def test_coverage_page_shows_areas_access_types_and_surcharges(login, users, demo_catalog):
    catalog_page = login(users["rep"]).get(reverse("sales:offering_list")).content.decode()
    assert reverse("sales:coverage") in catalog_page
    response = login(users["rep"]).get(reverse("sales:coverage"))
    page = response.content.decode()
    assert [c["name"] for c in response.context["countries"]] == [
        "Austria",
        "France",
        "Germany",
        "Netherlands",
        "Switzerland",
        "United Kingdom",
    ]
    assert "Metro fiber London City" in page and "Postcodes EC…" in page
    assert "EUR 3,400.00" in page and "Wayleave and fiber lateral needed" in page
    assert "4 on-net buildings" in page and "Whole country" in page
    assert "Fixed wireless · 300" in page and "fixed_wireless" not in page
    # Most specific first: Germany's on-net buildings, then postcode areas, then the country.
    germany = next(c for c in response.context["countries"] if c["code"] == "DE")
    assert germany["rules"][0].name == "On-net buildings Germany"
    assert germany["rules"][-1].name == "Germany nationwide copper"


def test_coverage_page_shows_who_each_offering_is_sold_to(login, users, demo_catalog):
    response = login(users["rep"]).get(reverse("sales:coverage"))
    rules = {e["offering"].code: e for e in response.context["offering_rules"]}
    security = rules["MSEC"]
    assert security["countries"] == ["Austria", "Germany"]
    assert security["segments"] == [
        "Banking & finance",
        "Energy & utilities",
        "Healthcare",
        "Public sector",
        "Transport & logistics",
    ]
    assert [o.code for o in security["needs"]] == ["SDWAN"]
    # An exclusion holds both ways, so both offerings list it.
    assert [o.code for o in rules["CPE-RENT"]["excludes"]] == ["SDWAN"]
    assert "CPE-RENT" in [o.code for o in rules["SDWAN"]["excludes"]]
    page = response.content.decode()
    assert page.count('data-testid="offering-rule"') == len(rules)
    assert "Managed Security" in page and "Only for customers in" in page
    assert "energy" not in page  # segment labels, never codes


def test_coverage_page_query_count(login, users, demo_catalog, django_assert_num_queries):
    client = login(users["rep"])
    client.get(reverse("sales:coverage"))
    # session, user, user and group permissions (2), role names, every coverage rule in one
    # query, the offerings' eligibility and compatibility rules in one query each
    with django_assert_num_queries(QUERIES_COVERAGE):
        client.get(reverse("sales:coverage"))
    FeasibilityRule.objects.bulk_create(
        FeasibilityRule(
            name=f"Area {n}",
            country="IT",
            postcode_prefix=f"{n:03d}",
            access_types=["copper"],
            max_bandwidth={"copper": 50},
        )
        for n in range(220)
    )
    OfferingEligibility.objects.bulk_create(
        OfferingEligibility(offering=offering, country=country)
        for offering in ProductOffering.objects.all()
        for country in ("IT", "PL", "SE")
    )
    with django_assert_num_queries(QUERIES_COVERAGE):
        response = client.get(reverse("sales:coverage"))
    assert response.content.decode().count('data-testid="coverage-rule"') == 220 + len(
        FEASIBILITY_RULES
    )


QUERIES_COVERAGE = 8


def test_r10_longest_postcode_prefix_wins_over_country(demo_catalog):
    assert catalog.matching_rule(site("28197")).name == "Regional Bremen"
    assert catalog.matching_rule(site("99084")).name == "Germany nationwide copper"


def test_r10_offering_without_access_is_feasible_anywhere(demo_catalog):
    result = feasibility("MFW", {}, site("8001", country="CH"))
    assert result.status == "feasible"


# Decomposition (R19) ---------------------------------------------------------------------


def test_r19_decomposition_follows_relationships_and_conditions(demo_catalog):
    dia = offering("DIA")
    with_cpe = catalog.decomposition_preview(dia, {"managed_cpe": True})
    assert [(i.specification.code, i.domain, i.via) for i in with_cpe] == [
        ("ACCESS-LINE", "access", ""),
        ("IP-INTERNET", "ip_core", ""),
        ("CPE-ROUTER", "cpe", "required by IP-INTERNET"),
    ]
    assert catalog.domains_of(with_cpe) == ["access", "ip_core", "cpe"]
    without = catalog.decomposition_preview(dia, {"managed_cpe": False})
    assert [i.specification.code for i in without] == ["ACCESS-LINE", "IP-INTERNET"]


def test_r19_realized_as_and_chains(demo_catalog):
    sdwan = catalog.decomposition_preview(offering("SDWAN"), {})
    assert ("SDWAN-EDGE", "realization of SDWAN-OVERLAY") in [
        (i.specification.code, i.via) for i in sdwan
    ]
    teams = catalog.decomposition_preview(offering("TEAMS"), {})
    assert [i.specification.code for i in teams] == ["TEAMS-DR", "SIP-TRUNK"]


# Lifecycle -------------------------------------------------------------------------------


def test_retired_and_draft_offerings_are_not_sellable(demo_catalog):
    sellable = set(ProductOffering.objects.sellable().values_list("code", flat=True))
    assert "DIA" in sellable and "ISDN-PRI" not in sellable and "FWA-5G" not in sellable
    assert not demo_catalog["ISDN-PRI"].is_sellable()


def test_sales_window_limits_sellability(demo_catalog):
    dia = demo_catalog["DIA"]
    dia.sellable_to = date.today() - timedelta(days=1)
    dia.save()
    assert not dia.is_sellable()
    assert not ProductOffering.objects.sellable().filter(code="DIA").exists()


def test_offering_lifecycle_transitions_legal_and_illegal(users):
    from tests.factories import OfferingFactory

    draft = OfferingFactory(state="draft")
    with pytest.raises(DomainError, match="Retire is not possible while the record is Draft"):
        services.offering_transition(actor=users["admin"], offering_id=draft.pk, name="retire")
    with pytest.raises(DomainError, match="not allowed to publish"):
        services.offering_transition(actor=users["rep"], offering_id=draft.pk, name="publish")
    services.offering_transition(actor=users["admin"], offering_id=draft.pk, name="publish")
    services.offering_transition(actor=users["admin"], offering_id=draft.pk, name="retire")
    draft.refresh_from_db()
    assert draft.state == "retired"
    assert list(draft.history.values_list("history_change_reason", flat=True)[:2]) == [
        "retire",
        "publish",
    ]


def test_admin_actions_publish_and_retire(login, users):
    from tests.factories import OfferingFactory

    draft = OfferingFactory(state="draft", code="NEW")
    client = login(users["admin"])
    url = reverse("admin:sales_productoffering_changelist")
    client.post(url, {"action": "publish_offerings", "_selected_action": [draft.pk]})
    draft.refresh_from_db()
    assert draft.state == "active"
    response = client.post(
        url, {"action": "publish_offerings", "_selected_action": [draft.pk]}, follow=True
    )
    assert "NEW: Publish is not possible while the record is Active" in response.content.decode()


def test_drafts_are_hidden_from_sales(login, users, demo_catalog):
    rep_page = login(users["rep"]).get(reverse("sales:offering_list")).content.decode()
    assert "Dedicated Internet Access" in rep_page and "5G Fixed Wireless" not in rep_page
    url = reverse("sales:offering_detail", args=[demo_catalog["FWA-5G"].pk])
    assert login(users["rep"]).get(url).status_code == 404
    assert login(users["admin"]).get(url).status_code == 200


# Import / export -------------------------------------------------------------------------


def test_json_round_trip_is_exact(users, demo_catalog):
    first = catalog_export()
    catalog_import(actor=users["admin"], data=json.loads(json.dumps(first)))
    assert catalog_export() == first
    assert len(first["offerings"]) == 17
    assert len(first["feasibility_rules"]) == len(FEASIBILITY_RULES)


def test_bad_import_changes_nothing_and_names_each_problem(users, demo_catalog):
    before = catalog_export()
    history_before = ProductOffering.history.count()
    bad = copy.deepcopy(before)
    bad["offerings"][0]["recurring_price"] = "lots"
    bad["offerings"][1]["specifications"] = ["NOPE"]
    bad["offerings"][2]["name"] = "Renamed for nothing"
    bad["specifications"][0]["domain"] = "moon"
    with pytest.raises(DomainError) as exc:
        catalog_import(actor=users["admin"], data=bad)
    errors = exc.value.errors
    assert any("recurring_price 'lots' is not a number" in e for e in errors)
    assert any("unknown specification(s) NOPE" in e for e in errors)
    assert any("domain: Value 'moon' is not a valid choice" in e for e in errors)
    assert catalog_export() == before
    assert ProductOffering.history.count() == history_before


@pytest.mark.parametrize(
    "data, message",
    [
        ([], "Not a telcrm catalog file"),
        ({"format": "telcrm-catalog", "version": 9}, "Unsupported catalog file version 9"),
    ],
)
def test_wrong_files_are_refused(users, data, message):
    with pytest.raises(DomainError, match=message):
        catalog_import(actor=users["admin"], data=data)


def test_lifecycle_cannot_go_backwards_on_import(users, demo_catalog):
    data = catalog_export()
    isdn = next(o for o in data["offerings"] if o["code"] == "ISDN-PRI")
    isdn["state"] = "active"
    with pytest.raises(DomainError) as exc:
        catalog_import(actor=users["admin"], data=data)
    assert "offering ISDN-PRI: cannot go back from retired to active" in exc.value.errors


def test_export_and_import_commands(users, demo_catalog, tmp_path):
    path = tmp_path / "catalog.json"
    call_command("export_catalog", str(path))
    call_command("import_catalog", str(path), "--as-user", "admin")
    path.write_text("{not json")
    with pytest.raises(CommandError, match="is not valid JSON"):
        call_command("import_catalog", str(path), "--as-user", "admin")
    path.write_text(json.dumps({"format": "telcrm-catalog", "version": 1, "offerings": [{}]}))
    with pytest.raises(CommandError, match="Nothing was changed"):
        call_command("import_catalog", str(path), "--as-user", "admin")


# Pages -----------------------------------------------------------------------------------


def test_catalog_list_filters(login, users, demo_catalog):
    client = login(users["rep"])
    url = reverse("sales:offering_list")
    codes = lambda r: sorted(o.code for o in r.context["object_list"])  # noqa: E731
    assert codes(client.get(url, {"kind": "voice"})) == ["ISDN-PRI", "SIP"]
    assert codes(client.get(url, {"domain": "security"})) == ["MFW", "MSEC"]
    assert codes(client.get(url, {"q": "ethernet"})) == ["ELINE"]
    assert codes(client.get(url, {"state": "retired"})) == ["ISDN-PRI"]
    bad = client.get(url, {"domain": "moon"})
    assert bad.status_code == 200 and "Select a valid choice" in bad.content.decode()


def test_try_panel_prices_and_checks_a_demo_site(login, users, rep_account, demo_catalog):
    location = located(rep_account)
    client = login(users["rep"])
    url = reverse("sales:offering_detail", args=[demo_catalog["DIA"].pk])
    response = client.get(
        url,
        {"try": "1", "c_bandwidth": "1000", "c_pop_redundancy": "dual", "location": location.pk},
        HTTP_HX_REQUEST="true",
    )
    page = response.content.decode()
    assert "<html" not in page  # htmx gets the partial only
    assert "EUR 1,698.00" in page  # 249 + 1190 + 220 + 39 (managed CPE by default)
    assert "Feasible" in page and "Managed CPE router" in page
    bad = client.get(url, {"try": "1", "c_bandwidth": "7"}, HTTP_HX_REQUEST="true")
    assert "Bandwidth “7” is not allowed" in bad.content.decode()


def test_try_panel_cannot_use_another_teams_site(login, users, other_account, demo_catalog):
    foreign = Location.objects.create(
        account=other_account, address_line1="A", postcode="1", city="B", country="DE"
    )
    url = reverse("sales:offering_detail", args=[demo_catalog["DIA"].pk])
    response = login(users["rep"]).get(url, {"try": "1", "location": foreign.pk})
    assert "Select a valid choice" in response.content.decode()


@pytest.mark.parametrize("extra", [0, 8])
def test_catalog_list_query_count(login, users, demo_catalog, django_assert_num_queries, extra):
    from tests.factories import OfferingFactory, SpecificationFactory

    for _ in range(extra):
        OfferingFactory(specifications=[SpecificationFactory()])
    client = login(users["rep"])
    # 1 session, 2 user, 3 user permissions, 4 group permissions, 5 roles,
    # 6 count, 7 page of offerings, 8 their specifications (domains)
    with django_assert_num_queries(8):
        client.get(reverse("sales:offering_list"))


@pytest.mark.parametrize("code, tried", [("SIP", 21), ("DIA", 22)])
def test_offering_detail_query_count(
    login, users, demo_catalog, django_assert_num_queries, code, tried
):
    client = login(users["rep"])
    url = reverse("sales:offering_detail", args=[demo_catalog[code].pk])
    # 1 session, 2 user, 3 user permissions, 4 group permissions, 5 the offering,
    # 6 specifications, 7 their characteristics, 8 price rules with characteristics,
    # 9 roles (site choices), the history panel: 10-11 the offering's history rows and their
    # predecessors, 12 its price rules' history, 13 the specifications each history row
    # held, 14-16 the records the changes name (offerings, characteristics, specifications),
    # 17 eligibility rules, 18 compatibility rules both ways, 19 sites for the feasibility
    # choice
    with django_assert_num_queries(19):
        client.get(url)
    # Trying a configuration adds: the chosen site, the relationship graph (decomposition),
    # and for offerings with an access line the coverage rules of the site's country
    location = Location.objects.create(
        account=AccountFixture.get(users),
        address_line1="A",
        postcode="20457",
        city="Hamburg",
        country="DE",
    )
    with django_assert_num_queries(tried):
        client.get(url, {"try": "1", "location": location.pk})


class AccountFixture:
    @staticmethod
    def get(users):
        from tests.factories import AccountFactory

        return AccountFactory(owner=users["rep"], team=users["team_a"])


def test_r27_offering_page_shows_its_history(login, users, demo_catalog):
    offering = demo_catalog["SIP"]
    offering.name = "SIP trunk (renamed)"
    offering._change_reason = "renamed"
    offering.save()
    page = login(users["rep"]).get(reverse("sales:offering_detail", args=[offering.pk]))
    history = page.content.decode()[page.content.decode().index('data-testid="history"') :]
    assert "SIP trunk (renamed)" in history and "Name" in history
