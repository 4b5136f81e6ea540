"""Sales contracts (R13), service contracts with entitlements and SLA commitments (R14), and
new quotes from an active contract (R8)."""

from decimal import Decimal

import pytest
from django.urls import reverse

from contracts import services
from contracts.models import (
    EntitlementRule,
    SalesContract,
    SalesContractLine,
    ServiceContract,
    SlaCommitment,
)
from sales.models import AgreementSla, ProductOffering, Quote, SalesAgreement
from telcrm.fsm import DomainError
from tests.contracts.conftest import send, sign
from tests.factories import ContactFactory


@pytest.fixture
def rules(world):
    def entitlement(code):
        return ProductOffering.objects.get(code=code)

    EntitlementRule.objects.create(offering=entitlement("SLA-BRONZE"))  # every site
    EntitlementRule.objects.create(
        characteristic="pop_redundancy", value="dual", offering=entitlement("SLA-GOLD")
    )
    EntitlementRule.objects.create(
        characteristic="routing_type", value="bgp", offering=entitlement("MON")
    )


@pytest.fixture
def site_contacts(world):
    for site in world.values():
        ContactFactory(account=site)


@pytest.fixture
def signed(client, users, accepted, signatory, django_capture_on_commit_callbacks):
    _, link = send(users, accepted, signatory, django_capture_on_commit_callbacks)
    sign(client, link, django_capture_on_commit_callbacks)
    return accepted.quote


def test_r13_contract_requires_signed_quote(users, accepted):
    with pytest.raises(DomainError, match="not signed"):
        services.contract_create(actor=users["contracts"], quote_id=accepted.quote_id)
    assert not SalesContract.objects.exists()


def test_r13_contract_requires_an_accepted_current_quote(users, rep_account, world):
    from tests.sales.test_quotes import new_quote, place

    quote = new_quote(users, rep_account)
    place(users, quote, world["HQ"])
    with pytest.raises(DomainError, match="not an accepted current quote"):
        services.contract_create(actor=users["contracts"], quote_id=quote.pk)


def test_r13_every_site_needs_a_contact_and_each_missing_one_is_named(login, users, signed):
    response = login(users["rep"]).post(
        reverse("contracts:contract_create", args=[signed.pk]), follow=True
    )
    html = response.content.decode()
    assert "Every site on the quote needs a contact" in html and "HQ, Metro" in html
    assert not SalesContract.objects.exists()


def test_r13_contract_lines_mirror_the_quote_lines(users, signed, site_contacts):
    contract = services.contract_create(actor=users["rep"], quote_id=signed.pk)
    assert (contract.account, contract.signature, contract.agreement) == (
        signed.account,
        signed.signature,
        signed.agreement,
    )
    assert contract.state == "draft" and contract.number.startswith("SC-")
    quote_lines = list(signed.lines.order_by("pk"))
    lines = {line.quote_line_id: line for line in contract.lines.all()}
    assert set(lines) == {line.pk for line in quote_lines}
    for quote_line in quote_lines:
        for field in SalesContractLine.MIRRORED_FIELDS:
            assert getattr(lines[quote_line.pk], field) == getattr(quote_line, field), field
    with pytest.raises(DomainError, match="already has its sales contract"):
        services.contract_create(actor=users["rep"], quote_id=signed.pk)


def test_r13_contract_lifecycle(users, signed, site_contacts):
    contract = services.contract_create(actor=users["rep"], quote_id=signed.pk)
    with pytest.raises(DomainError, match="not allowed"):
        services.contract_transition(actor=users["rep"], contract_id=contract.pk, name="activate")
    contract = services.contract_transition(
        actor=users["contracts"], contract_id=contract.pk, name="activate"
    )
    assert contract.state == "active" and contract.start_date and contract.end_date
    with pytest.raises(DomainError, match="needs a reason"):
        services.contract_transition(
            actor=users["contracts"], contract_id=contract.pk, name="terminate"
        )
    contract = services.contract_transition(
        actor=users["contracts"], contract_id=contract.pk, name="terminate", reason="Site closed"
    )
    assert contract.state == "terminated"
    with pytest.raises(DomainError, match="not possible"):
        services.contract_transition(
            actor=users["contracts"], contract_id=contract.pk, name="activate"
        )


@pytest.fixture
def contract(users, signed, site_contacts, rules):
    return services.contract_create(actor=users["rep"], quote_id=signed.pk)


def test_r14_one_service_contract_per_site_from_its_configuration(users, contract):
    created = services.service_contracts_create(actor=users["contracts"], contract_id=contract.pk)
    assert {s.site.name for s in created} == {"HQ", "Metro"}
    hq = ServiceContract.objects.get(site__name="HQ")
    assert (hq.access_type, hq.routing_type, hq.pop_redundancy) == ("fiber", "static", "single")
    assert (
        services.service_contracts_create(actor=users["contracts"], contract_id=contract.pk) == []
    )


def test_r14_entitlements_follow_the_rules_and_what_was_sold(
    users,
    accepted,
    rep_account,
    world,
    rules,
    client,
    signatory,
    django_capture_on_commit_callbacks,
):
    from sales import services as sales_services
    from tests.sales.test_quotes import place

    quote = sales_services.quote_revise(actor=users["rep"], quote_id=accepted.quote_id)
    place(users, quote, world["Kiel"], access_type="fixed_wireless", bandwidth="100")
    hq = quote.lines.get(site=world["HQ"])
    hq.characteristics = {**hq.characteristics, "pop_redundancy": "dual", "routing_type": "bgp"}
    sales_services.quote_lines_save(actor=users["rep"], quote=quote, lines=[hq])
    sales_services.quote_transition(actor=users["rep"], quote_id=quote.pk, name="finalise")
    with django_capture_on_commit_callbacks(execute=True):
        document = services.quote_accept(actor=users["rep"], quote_id=quote.pk)
    _, link = send(users, document, signatory, django_capture_on_commit_callbacks)
    sign(client, link, django_capture_on_commit_callbacks)
    for site in world.values():
        ContactFactory(account=site)
    contract = services.contract_create(actor=users["rep"], quote_id=quote.pk)
    services.service_contracts_create(actor=users["contracts"], contract_id=contract.pk)
    granted = {
        s.site.name: {e.offering.code for e in s.entitlements.all()}
        for s in ServiceContract.objects.prefetch_related("entitlements__offering")
    }
    assert granted == {
        "HQ": {"SLA-BRONZE", "SLA-GOLD", "MON"},
        "Metro": {"SLA-BRONZE"},
        "Kiel": {"SLA-BRONZE"},
    }


def test_r14_entitlements_are_mandatory(users, signed, site_contacts):
    contract = services.contract_create(actor=users["rep"], quote_id=signed.pk)
    with pytest.raises(DomainError, match="entitlements are mandatory"):
        services.service_contracts_create(actor=users["contracts"], contract_id=contract.pk)
    assert not ServiceContract.objects.exists()


@pytest.fixture
def with_agreement(users, rep_account, world):
    """The accepted quote's customer has an agreement with global SLAs (set on the quote)."""


def test_r14_sla_commitments_follow_the_global_slas_and_are_never_weaker(
    users, contract, rep_account
):
    agreement = SalesAgreement.objects.create(
        name="Framework", account=rep_account, valid_from=contract.created_at.date()
    )
    AgreementSla.objects.create(
        agreement=agreement, metric="availability", target=Decimal("99.9"), service_credit_percent=5
    )
    AgreementSla.objects.create(agreement=agreement, metric="time_to_restore", target=Decimal("4"))
    SalesContract.objects.filter(pk=contract.pk).update(agreement=agreement)
    services.service_contracts_create(actor=users["contracts"], contract_id=contract.pk)
    hq = ServiceContract.objects.get(site__name="HQ")
    assert {(s.metric, s.target) for s in hq.slas.all()} == {
        ("availability", Decimal("99.900")),
        ("time_to_restore", Decimal("4.000")),
    }
    for metric, target in [("availability", "99.5"), ("time_to_restore", "8")]:
        commitment = hq.slas.get(metric=metric)
        commitment.target = Decimal(target)
        with pytest.raises(DomainError, match="weaker than the global SLA"):
            services.sla_commitment_save(actor=users["contracts"], commitment=commitment)
    stronger = hq.slas.get(metric="time_to_restore")
    stronger.target = Decimal("2")
    services.sla_commitment_save(actor=users["contracts"], commitment=stronger)
    assert SlaCommitment.objects.get(pk=stronger.pk).target == Decimal("2")
    assert SlaCommitment.objects.get(service_contract=hq, metric="availability").target == (
        Decimal("99.9")
    )


def test_r14_weaker_sla_from_the_page_is_named_and_changes_nothing(
    login, users, contract, rep_account
):
    agreement = SalesAgreement.objects.create(
        name="Framework", account=rep_account, valid_from=contract.created_at.date()
    )
    AgreementSla.objects.create(agreement=agreement, metric="availability", target=Decimal("99.9"))
    SalesContract.objects.filter(pk=contract.pk).update(agreement=agreement)
    services.service_contracts_create(actor=users["contracts"], contract_id=contract.pk)
    hq = ServiceContract.objects.get(site__name="HQ")
    client = login(users["contracts"])
    url = reverse("contracts:slacommitment_save", args=[hq.pk])
    response = client.post(
        url,
        {"sla-metric": "availability", "sla-target": "99", "sla-service_credit_percent": "5"},
        follow=True,
    )
    assert "weaker than the global SLA" in response.content.decode()
    response = client.post(url, {"sla-metric": "availability", "sla-target": "lots"}, follow=True)
    assert "The SLA was not saved" in response.content.decode()
    assert hq.slas.get().target == Decimal("99.9")
    page = client.get(hq.get_absolute_url()).content.decode()
    assert "SLA Bronze" in page and "Availability (%)" in page


def test_r8_new_quote_from_an_active_contract(login, users, contract):
    client = login(users["rep"])
    response = client.post(reverse("contracts:contract_new_quote", args=[contract.pk]), follow=True)
    assert "new quotes start from an active contract" in response.content.decode()
    services.contract_transition(actor=users["contracts"], contract_id=contract.pk, name="activate")
    response = client.post(reverse("contracts:contract_new_quote", args=[contract.pk]), follow=True)
    quote = Quote.objects.exclude(pk=contract.quote_id).get()
    assert response.redirect_chain[-1][0] == quote.get_absolute_url()
    assert quote.account == contract.account and quote.state == "draft"

    def summary(lines):
        return sorted((line.site_id, line.offering_id, line.quantity) for line in lines)

    assert summary(quote.lines.all()) == summary(contract.lines.all())


def test_contracts_are_visible_to_their_team_only(login, users, contract):
    assert login(users["other_rep"]).get(contract.get_absolute_url()).status_code == 404
    assert login(users["orders"]).get(contract.get_absolute_url()).status_code == 200
    listing = login(users["rep"]).get(reverse("contracts:contract_list"))
    assert list(listing.context["object_list"]) == [contract]
    assert (
        list(
            login(users["other_rep"]).get(reverse("contracts:contract_list")).context["object_list"]
        )
        == []
    )


@pytest.mark.parametrize("sites", [1, 3])
def test_contract_page_query_count(login, users, contract, django_assert_num_queries, sites):
    services.service_contracts_create(actor=users["contracts"], contract_id=contract.pk)
    client = login(users["rep"])
    # 1 session, 2 user, 3-4 permissions, 5 roles, 6 the contract with its quote, account,
    # agreement, owner and signature, 7 lines with site, location, offering, 8 service
    # contracts, 9 its orders, 10-12 history of 3 models, 13-21 the records history rows
    # name (contract, accounts, quote lines, locations, offerings, quote, signature, user,
    # team), 22 the catalog's characteristics (names and value labels of the configurations)
    with django_assert_num_queries(22):
        client.get(contract.get_absolute_url())


def test_home_lists_the_contracts_to_make(login, users, signed, site_contacts, rules):
    client = login(users["rep"])
    home = client.get(reverse("home")).content.decode()
    assert "needs its sales contract" in home and str(signed) in home
    contract = services.contract_create(actor=users["rep"], quote_id=signed.pk)
    home = client.get(reverse("home")).content.decode()
    assert "needs its sales contract" not in home and "0 of 2 service contracts" in home
    services.service_contracts_create(actor=users["contracts"], contract_id=contract.pk)
    assert "draft: activate" in login(users["contracts"]).get(reverse("home")).content.decode()
    assert "home-contracts" not in login(users["orders"]).get(reverse("home")).content.decode()


def test_contract_and_service_contract_pages_show_characteristic_labels(login, users, contract):
    """Names and value labels, never ``code=value``; an entitlement says why in words."""
    services.service_contracts_create(actor=users["contracts"], contract_id=contract.pk)
    client = login(users["contracts"])
    page = client.get(contract.get_absolute_url()).content.decode()
    assert "Bandwidth: 100 Mbit/s" in page and "bandwidth=" not in page
    service = contract.service_contracts.get(site__name="HQ")
    page = client.get(service.get_absolute_url()).content.decode()
    assert "Access type: fiber" in page and "Routing type: static" in page
    assert "=" not in page.split('data-testid="configuration">')[1].split("</dd>")[0]
    assert "included at every site" in page  # the bronze rule has no condition
