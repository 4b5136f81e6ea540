"""Demo documents and signatures: a signed quote (its opportunity won) with its signed copy,
and a quote waiting for the customer's signature."""

from django.contrib.auth import get_user_model
from django.utils import timezone

from sales.demo.agreements import AGREEMENTS
from sales.models import ProductOffering, Quote, SalesAgreement
from sales.services import agreement_transition
from telcrm.services import save

from . import services
from .choices import DocumentKind
from .models import Document, EntitlementRule, Signature

LINK = "http://127.0.0.1:8000/contracts/sign/{}/"
# Entitlement rules (R14): every site gets Bronze; dual POP brings Gold, BGP monitoring.
RULES = [
    ("", "", "SLA-BRONZE"),
    ("pop_redundancy", "dual", "SLA-GOLD"),
    ("routing_type", "bgp", "MON"),
    ("managed_cpe", "yes", "SUP-247"),
]


def render(document: Document) -> Document:
    return services.document_render(document.pk)  # at once: the demo needs no worker


def sign(document: Document, actor, signatory, ip: str) -> Signature:
    """Send the rendered document and sign it as the customer would through the link."""
    _, link = services.signing_request_send(
        actor=actor, document_id=document.pk, signatory=signatory, build_link=LINK.format
    )
    signature = services.document_sign(
        token=link.rstrip("/").rsplit("/", 1)[1],
        signer_name=signatory.full_name,
        method="typed",
        consent=True,
        ip_address=ip,
        user_agent="Mozilla/5.0 (Windows NT 10.0; Win64; x64) Edge/131.0",
    )
    render(signature.signed_copy)
    return signature


def _agreements(users, log) -> None:
    """The agreements the sales demo left in negotiation for signature: signed (active), and
    then expired or terminated as their story goes (R6)."""
    clara = users["clara"]
    for account_name, name, state, *_ in AGREEMENTS:
        if state not in ("active", "expired", "terminated"):
            continue
        agreement = SalesAgreement.objects.get(name=name, account__name=account_name)
        ended = agreement.valid_to
        if state == "expired":  # signed while it was in force; it has run out since
            SalesAgreement.objects.filter(pk=agreement.pk).update(valid_to=timezone.localdate())
        document = render(
            services.agreement_document_prepare(actor=clara, agreement_id=agreement.pk)
        )
        signatory = agreement.account.contacts.filter(signing_authority=True).first()
        sign(document, clara, signatory, "198.51.100.40")
        if state == "expired":
            SalesAgreement.objects.filter(pk=agreement.pk).update(valid_to=ended)
            agreement_transition(actor=clara, agreement_id=agreement.pk, name="expire")
        if state == "terminated":
            agreement_transition(
                actor=clara,
                agreement_id=agreement.pk,
                name="terminate",
                reason="Customer closed all shops; terminated by mutual consent.",
            )
        log(f"agreement {agreement} signed")


def activate(users, contract, log) -> None:
    services.contract_transition(actor=users["clara"], contract_id=contract.pk, name="activate")
    for service in contract.service_contracts.all():
        services.contract_transition(
            actor=users["clara"], contract_id=service.pk, name="activate", model=type(service)
        )
    log(f"contract {contract}")


def load(log) -> None:
    if Document.objects.exists():
        return
    users = {u.username: u for u in get_user_model().objects.all()}
    _agreements(users, log)
    # Nordwind's Wi-Fi quote: accepted, sent to the CIO and signed by him (R12), which wins
    # the "Warehouse Wi-Fi Bremen" opportunity (R5).
    wifi = Quote.objects.get(
        account__name="Nordwind Logistik GmbH", state="approved", lines__offering__code="WIFI"
    )
    document = render(services.quote_accept(actor=users["sara"], quote_id=wifi.pk))
    signatory = wifi.account.contacts.filter(signing_authority=True).first()
    sign(document, users["sara"], signatory, "198.51.100.23")
    log(f"signed {wifi}")
    # Its sales contract (R13), in force, with a service contract for the warehouse (R14).
    for characteristic, value, code in RULES:
        EntitlementRule.objects.get_or_create(
            characteristic=characteristic,
            value=value,
            offering=ProductOffering.objects.get(code=code),
        )
    contract = services.contract_create(actor=users["clara"], quote_id=wifi.pk)
    services.service_contracts_create(actor=users["clara"], contract_id=contract.pk)
    activate(users, contract, log)
    # Nordwind's Hannover depot and Hamburg voice quotes: signed, and in force too.
    for code in ("DIA", "SIP"):
        quote = (
            Quote.objects.filter(
                account__name="Nordwind Logistik GmbH", state="approved", lines__offering__code=code
            )
            .distinct()
            .get()
        )
        sign(
            render(services.quote_accept(actor=users["sara"], quote_id=quote.pk)),
            users["sara"],
            signatory,
            "198.51.100.23",
        )
        contract = services.contract_create(actor=users["clara"], quote_id=quote.pk)
        services.service_contracts_create(actor=users["clara"], contract_id=contract.pk)
        activate(users, contract, log)
    # Hansa's accepted quote: signed by the managing director; its contracts are still to be
    # made (the contract manager's home shows it).
    hansa = Quote.objects.get(account__name="Hansa Media Group", state="accepted")
    document = Document(kind=DocumentKind.QUOTE_SUMMARY, quote=hansa, requested_by=hansa.owner)
    save(document, actor=hansa.owner, reason="quote accepted")
    render(document)
    sign(
        document,
        hansa.owner,
        hansa.account.contacts.filter(signing_authority=True).first(),
        "203.0.113.80",
    )
    log(f"signed {hansa}")
    # The Alpenbank agreement in negotiation: sent to the head of procurement, not signed yet.
    alpenbank = SalesAgreement.objects.get(account__name="Alpenbank AG", state="negotiation")
    document = render(
        services.agreement_document_prepare(actor=users["clara"], agreement_id=alpenbank.pk)
    )
    services.signing_request_send(
        actor=users["clara"],
        document_id=document.pk,
        signatory=alpenbank.account.contacts.filter(signing_authority=True).first(),
        build_link=LINK.format,
    )
    log(f"{alpenbank} out for signature")
