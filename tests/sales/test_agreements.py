"""Sales agreements (R6): legal account, catalog-bound lines, SLAs, lifecycle, signing."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse

from sales import services
from sales.models import AgreementLine, AgreementSla, PartnerTerm, SalesAgreement
from telcrm.fsm import DomainError
from tests.factories import ChildAccountFactory, ContactFactory, OfferingFactory, signature_for

TODAY = date.today()


@pytest.fixture
def agreement(users, rep_account):
    return services.agreement_save(
        actor=users["rep"],
        agreement=SalesAgreement(name="Framework 2027", account=rep_account, valid_from=TODAY),
    )


def add_line(users, agreement, **terms):
    return services.agreement_part_save(
        actor=users["rep"],
        part=AgreementLine(agreement=agreement, offering=OfferingFactory(), **terms),
    )


def snapshot():
    return (
        list(SalesAgreement.objects.order_by("pk").values()),
        list(AgreementLine.objects.order_by("pk").values()),
        list(AgreementSla.objects.order_by("pk").values()),
        list(PartnerTerm.objects.order_by("pk").values()),
    )


def test_r6_agreement_belongs_to_a_legal_account(users, rep_account):
    site = ChildAccountFactory(parent=rep_account)
    with pytest.raises(DomainError, match="legal \\(root\\) account"):
        services.agreement_save(
            actor=users["rep"],
            agreement=SalesAgreement(name="Site deal", account=site, valid_from=TODAY),
        )


def test_r6_agreement_lines_reference_the_catalog_with_price_or_discount(users, agreement):
    line = add_line(users, agreement, recurring_price=Decimal("219.00"))
    assert line.terms_display == "219.00 / month"
    with pytest.raises(DomainError, match="Give a negotiated price or a discount"):
        add_line(users, agreement)
    with pytest.raises(DomainError, match="already on the agreement"):
        services.agreement_part_save(
            actor=users["rep"],
            part=AgreementLine(agreement=agreement, offering=line.offering, discount_percent=5),
        )


def test_r6_global_slas_and_partner_terms(users, agreement):
    services.agreement_part_save(
        actor=users["rep"],
        part=AgreementSla(
            agreement=agreement,
            metric="availability",
            target=Decimal("99.95"),
            service_credit_percent=10,
        ),
    )
    with pytest.raises(DomainError, match="less than or equal to 100"):
        services.agreement_part_save(
            actor=users["rep"],
            part=AgreementSla(
                agreement=agreement,
                metric="response_time",
                target=Decimal("0.5"),
                service_credit_percent=101,
            ),
        )
    with pytest.raises(DomainError, match="already has a target"):
        services.agreement_part_save(
            actor=users["rep"],
            part=AgreementSla(agreement=agreement, metric="availability", target=Decimal("99.9")),
        )
    services.agreement_part_save(
        actor=users["rep"],
        part=PartnerTerm(agreement=agreement, partner="Microsoft", terms="SBC SLA 99.9 %"),
    )
    assert agreement.slas.count() == 1 and agreement.partner_terms.count() == 1


def test_r6_lifecycle_with_signatory(users, rep_account, agreement):
    with pytest.raises(DomainError, match="needs at least one catalog offering"):
        services.agreement_transition(
            actor=users["rep"], agreement_id=agreement.pk, name="negotiate"
        )
    add_line(users, agreement, discount_percent=Decimal("10"))
    services.agreement_transition(actor=users["rep"], agreement_id=agreement.pk, name="negotiate")
    plain = ContactFactory(account=rep_account, signing_authority=False)
    signer = ContactFactory(account=rep_account, signing_authority=True, first_name="Henrik")
    with pytest.raises(DomainError, match="send it for signature"):
        services.agreement_activate(
            actor=users["manager"], agreement_id=agreement.pk, signatory=signer, signed_on=TODAY
        )
    signature_for(agreement, signer)
    with pytest.raises(DomainError, match="not allowed to"):
        services.agreement_activate(
            actor=users["rep"], agreement_id=agreement.pk, signatory=signer, signed_on=TODAY
        )
    with pytest.raises(DomainError, match="signing authority"):
        services.agreement_activate(
            actor=users["manager"], agreement_id=agreement.pk, signatory=plain, signed_on=TODAY
        )
    services.agreement_activate(
        actor=users["contracts"], agreement_id=agreement.pk, signatory=signer, signed_on=TODAY
    )
    agreement.refresh_from_db()
    assert (agreement.state, agreement.signatory, agreement.signed_on) == ("active", signer, TODAY)
    assert agreement.history.first().history_user == users["contracts"]


def test_r6_signatory_must_belong_to_the_legal_account(users, agreement, other_account):
    add_line(users, agreement, discount_percent=Decimal("10"))
    services.agreement_transition(actor=users["rep"], agreement_id=agreement.pk, name="negotiate")
    stranger = ContactFactory(account=other_account, signing_authority=True)
    signature_for(agreement, stranger)
    with pytest.raises(DomainError, match="signing authority at the legal account"):
        services.agreement_activate(
            actor=users["manager"], agreement_id=agreement.pk, signatory=stranger, signed_on=TODAY
        )


def test_r6_active_agreement_terms_are_fixed_and_it_ends(users, rep_account, agreement):
    line = add_line(users, agreement, discount_percent=Decimal("10"))
    services.agreement_transition(actor=users["rep"], agreement_id=agreement.pk, name="negotiate")
    signer = ContactFactory(account=rep_account, signing_authority=True)
    signature_for(agreement, signer)
    services.agreement_activate(
        actor=users["manager"], agreement_id=agreement.pk, signatory=signer, signed_on=TODAY
    )
    before = snapshot()
    with pytest.raises(DomainError, match="its terms are fixed"):
        services.agreement_part_delete(actor=users["rep"], part=line)
    assert snapshot() == before
    with pytest.raises(DomainError, match="still within its validity"):
        services.agreement_transition(
            actor=users["manager"], agreement_id=agreement.pk, name="expire"
        )
    with pytest.raises(DomainError, match="needs a reason"):
        services.agreement_transition(
            actor=users["manager"], agreement_id=agreement.pk, name="terminate"
        )
    services.agreement_transition(
        actor=users["manager"],
        agreement_id=agreement.pk,
        name="terminate",
        reason="Customer sold the business",
    )
    agreement.refresh_from_db()
    assert (agreement.state, agreement.termination_reason) == (
        "terminated",
        "Customer sold the business",
    )


def test_r6_expiry_after_validity(users, rep_account):
    agreement = services.agreement_save(
        actor=users["rep"],
        agreement=SalesAgreement(
            name="Old",
            account=rep_account,
            valid_from=TODAY - timedelta(days=400),
            valid_to=TODAY + timedelta(days=1),
        ),
    )
    add_line(users, agreement, discount_percent=Decimal("5"))
    services.agreement_transition(actor=users["rep"], agreement_id=agreement.pk, name="negotiate")
    signer = ContactFactory(account=rep_account, signing_authority=True)
    signature_for(agreement, signer)
    services.agreement_activate(
        actor=users["manager"],
        agreement_id=agreement.pk,
        signatory=signer,
        signed_on=TODAY - timedelta(days=400),
    )
    # A lapsed agreement is not signed: it ran out after it was put in force.
    SalesAgreement.objects.filter(pk=agreement.pk).update(valid_to=TODAY - timedelta(days=1))
    services.agreement_transition(actor=users["manager"], agreement_id=agreement.pk, name="expire")
    agreement.refresh_from_db()
    assert agreement.state == "expired"


def test_validity_must_be_ordered(login, users, rep_account):
    before = snapshot()
    response = login(users["rep"]).post(
        reverse("sales:agreement_create"),
        {
            "name": "Backwards",
            "account": rep_account.pk,
            "valid_from": "2027-05-01",
            "valid_to": "2027-01-01",
            "currency": "EUR",
        },
    )
    assert "must not be before" in response.content.decode()
    assert snapshot() == before


def test_agreement_pages_add_line_and_activate(login, users, rep_account, agreement):
    offering = OfferingFactory(name="Dedicated Internet Access")
    client = login(users["manager"])
    url = reverse("sales:agreementpart_create", args=[agreement.pk, "line"])
    bad = client.post(url, {"line-offering": offering.pk})
    assert "Give a negotiated price or a discount." in bad.content.decode()
    client.post(url, {"line-offering": offering.pk, "line-discount_percent": "12.5"})
    assert agreement.lines.get().discount_percent == Decimal("12.5")
    client.post(reverse("sales:salesagreement_negotiate", args=[agreement.pk]))
    signer = ContactFactory(
        account=rep_account, signing_authority=True, first_name="Henrik", last_name="Jansen"
    )
    page = client.get(agreement.get_absolute_url()).content.decode()
    # Activation is the customer's signature (R6, R12): the header leads to the signing page.
    assert reverse("contracts:agreement_sign", args=[agreement.pk]) in page
    assert signer.first_name == "Henrik"
