"""The same signing mechanism puts a sales agreement in force (R6, R12)."""

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from contracts import services
from contracts.models import Document, Signature
from sales import services as sales_services
from sales.models import AgreementLine, AgreementSla, ProductOffering, SalesAgreement
from telcrm.audit import history_entries
from telcrm.fsm import DomainError
from tests.contracts.conftest import send, sign


@pytest.fixture
def negotiating(users, rep_account, world):
    agreement = SalesAgreement.objects.create(
        name="Nordwind framework", account=rep_account, valid_from=date.today()
    )
    AgreementLine.objects.create(
        agreement=agreement,
        recurring_price=Decimal("219"),
        offering=ProductOffering.objects.get(code="DIA"),
    )
    AgreementSla.objects.create(agreement=agreement, metric="availability", target=Decimal("99.95"))
    sales_services.agreement_transition(
        actor=users["rep"], agreement_id=agreement.pk, name="negotiate"
    )
    return SalesAgreement.objects.get(pk=agreement.pk)


def prepare(users, agreement, django_capture_on_commit_callbacks, who="manager"):
    with django_capture_on_commit_callbacks(execute=True):
        document = services.agreement_document_prepare(actor=users[who], agreement_id=agreement.pk)
    document.refresh_from_db()
    return document


def test_r6_agreement_is_activated_by_the_customers_signature(
    client, users, negotiating, signatory, django_capture_on_commit_callbacks
):
    with pytest.raises(DomainError, match="send it for signature"):
        sales_services.agreement_activate(
            actor=users["manager"],
            agreement_id=negotiating.pk,
            signatory=signatory,
            signed_on=date.today(),
        )
    document = prepare(users, negotiating, django_capture_on_commit_callbacks)
    assert document.state == "ready" and document.kind == "agreement"
    from tests.contracts.test_documents import pdf_text

    text = pdf_text(document)
    assert negotiating.number in text and "Dedicated Internet Access" in text
    assert "EUR 219.00" in text and "99.95" in text
    _, link = send(users, document, signatory, django_capture_on_commit_callbacks, who="manager")
    page = client.get(link).content.decode()
    assert f"Please sign {negotiating.number}" in page
    sign(client, link, django_capture_on_commit_callbacks)
    negotiating.refresh_from_db()
    assert (negotiating.state, negotiating.signatory, negotiating.signed_on) == (
        "active",
        signatory,
        date.today(),
    )
    signature = Signature.objects.get(agreement=negotiating)
    assert signature.document_sha256 == document.sha256
    assert "Electronic signature" in pdf_text(Document.objects.get(pk=signature.signed_copy_id))
    # The customer's signatory, not the manager who sent the link, put it in force.
    activated = history_entries([SalesAgreement.history.filter(id=negotiating.pk)])[0]
    assert activated.who == "Henrik Jansen (signatory, Nordwind Logistik GmbH)"


def test_r12_an_agreement_changed_after_its_document_cannot_be_signed(
    client, users, negotiating, signatory, django_capture_on_commit_callbacks
):
    document = prepare(users, negotiating, django_capture_on_commit_callbacks)
    _, link = send(users, document, signatory, django_capture_on_commit_callbacks, who="manager")
    terms = negotiating.lines.get()
    terms.recurring_price = Decimal("199")
    sales_services.agreement_part_save(actor=users["manager"], part=terms)
    response = sign(client, link, django_capture_on_commit_callbacks)
    assert "changed after this document was prepared" in response.content.decode()
    negotiating.refresh_from_db()
    assert negotiating.state == "negotiation" and not Signature.objects.exists()
    # Preparing it again withdraws the old link and gives a document that can be signed.
    fresh = prepare(users, negotiating, django_capture_on_commit_callbacks)
    assert client.get(link).status_code == 410
    _, new_link = send(users, fresh, signatory, django_capture_on_commit_callbacks, who="manager")
    sign(client, new_link, django_capture_on_commit_callbacks)
    negotiating.refresh_from_db()
    assert negotiating.state == "active"
    assert Signature.objects.get().document == fresh


def test_only_signers_prepare_and_send_an_agreement(
    login, users, negotiating, signatory, django_capture_on_commit_callbacks
):
    with pytest.raises(DomainError, match="Only a sales manager or a contract manager"):
        prepare(users, negotiating, django_capture_on_commit_callbacks, who="rep")
    document = prepare(users, negotiating, django_capture_on_commit_callbacks)
    with pytest.raises(DomainError, match="Only a sales manager or a contract manager"):
        send(users, document, signatory, django_capture_on_commit_callbacks)  # sent as the rep
    client = login(users["contracts"])
    response = client.get(reverse("contracts:agreement_sign", args=[negotiating.pk]))
    assert response.status_code == 302 and response["Location"] == document.get_absolute_url()


def test_r12_a_signed_agreements_documents_verify(
    login, client, users, negotiating, signatory, django_capture_on_commit_callbacks
):
    document = prepare(users, negotiating, django_capture_on_commit_callbacks)
    _, link = send(users, document, signatory, django_capture_on_commit_callbacks, who="manager")
    sign(client, link, django_capture_on_commit_callbacks)
    signature = Signature.objects.get(agreement=negotiating)
    manager = login(users["manager"])
    for doc, note in (
        (document, "matches this file"),
        (signature.signed_copy, "of the document that was signed"),
    ):
        response = manager.get(reverse("contracts:document_verify", args=[doc.pk]))
        assert response.status_code == 200
        page = response.content.decode()
        assert "Unchanged." in page and negotiating.number in page
        assert signature.document_sha256 in page and note in page
        detail = manager.get(doc.get_absolute_url()).content.decode()
        assert 'data-testid="signature"' in detail  # the signature shows on both documents
