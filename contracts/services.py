"""Business actions of the contracts app: one function per action, atomic, locked, audited;
slow work (rendering PDFs) and e-mail run after commit."""

from __future__ import annotations

import base64
import binascii
import hashlib
import logging
import secrets
from collections.abc import Callable
from datetime import timedelta

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import F
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.formats import date_format
from django_q.tasks import async_task

from sales.catalog import characteristic_specs
from sales.choices import AgreementState, OfferingKind, QuoteState, Stage
from sales.models import Contact, Quote, QuoteLine, SalesAgreement
from sales.services import (
    agreement_activate,
    opportunity_transition,
    quote_create,
    quote_lines_save,
    quote_transition,
)
from telcrm.fsm import DomainError
from telcrm.services import run_system_transition, run_transition, save

from .choices import ContractState, DocumentKind, DocumentState, SignatureMethod, SigningState
from .models import (
    Document,
    Entitlement,
    EntitlementRule,
    SalesContract,
    SalesContractLine,
    ServiceContract,
    Signature,
    SigningRequest,
    SlaCommitment,
)
from .pdf import MAX_SIGNATURE_SIZE, PNG_DATA_URL, fits_signature_size, png_size, render_pdf
from .summary import agreement_document_context, quote_document_context

MAX_SIGNATURE_BYTES = 200_000
logger = logging.getLogger(__name__)


def _enqueue_render(document_id: int) -> None:
    transaction.on_commit(
        lambda: async_task(
            "contracts.tasks.render_document",
            document_id,
            task_name=f"render-document-{document_id}",
        )
    )


def quote_accept(*, actor, quote_id: int) -> Document:
    """The customer accepted the quote (TMF648 accepted): its summary document is rendered in
    the background for signature (R12)."""
    with transaction.atomic():
        quote = quote_transition(actor=actor, quote_id=quote_id, name="accept")
        document = Document(kind=DocumentKind.QUOTE_SUMMARY, quote=quote, requested_by=actor)
        save(document, actor=actor, reason="quote accepted")
        _enqueue_render(document.pk)
    return document


def document_render(document_id: int) -> Document:
    """Render a queued document and store it with its SHA-256. Safe to run twice: a document
    that is no longer queued is left alone, and the slow rendering happens outside any
    transaction."""
    document = Document.objects.select_related("quote", "agreement", "source").get(pk=document_id)
    if document.state != DocumentState.QUEUED:
        return document
    signature = None
    if document.kind == DocumentKind.SIGNED_COPY:
        signature = Signature.objects.select_related("signatory").get(signed_copy=document)
    try:
        if document.agreement_id:
            template = "contracts/pdf/agreement.html"
            context = agreement_document_context(document.agreement, signature)
        else:
            template = "contracts/pdf/quote_summary.html"
            context = quote_document_context(document.quote, signature)
        rendered = render_pdf(template, context)
    except Exception as exc:  # noqa: BLE001 - any rendering failure is shown on the page
        with transaction.atomic():
            document = Document.objects.select_for_update().get(pk=document_id)
            if document.state == DocumentState.QUEUED:
                document.attempts += 1
                document.error = f"{type(exc).__name__}: {exc}"[:300]
                document.mark_failed()
                document._change_reason = "rendering failed"
                document.save()
        return document
    with transaction.atomic():
        document = Document.objects.select_for_update().get(pk=document_id)
        if document.state != DocumentState.QUEUED:
            return document
        document.file.save(document.filename, ContentFile(rendered.pdf), save=False)
        document.sha256 = hashlib.sha256(rendered.pdf).hexdigest()
        document.size = len(rendered.pdf)
        document.pages = rendered.pages
        document.attempts += 1
        document.mark_ready()
        document._change_reason = "rendered"
        document.save()
    return document


def agreement_document_prepare(*, actor, agreement_id: int) -> Document:
    """Render a sales agreement in negotiation for the customer's signature (R6, R12). A new
    document each time, so one prepared before a change of terms is never signed."""
    with transaction.atomic():
        agreement = SalesAgreement.objects.select_for_update().get(pk=agreement_id)
        if agreement.state != AgreementState.NEGOTIATION:
            raise DomainError(
                f"{agreement.number} is {agreement.get_state_display().lower()}: "
                "an agreement is signed while in negotiation."
            )
        if not agreement.lines.exists():
            raise DomainError("The agreement needs at least one catalog offering.")
        if refusal := agreement.expiry_refusal():
            raise DomainError(refusal)
        if not actor.has_perm("sales.sign_salesagreement"):
            raise DomainError(
                "Only a sales manager or a contract manager prepares an agreement for signature."
            )
        for open_request in SigningRequest.objects.select_for_update().filter(
            document__agreement=agreement, state=SigningState.SENT
        ):
            open_request.withdraw()
            save(open_request, actor=actor, reason="the agreement document was prepared again")
        document = Document(kind=DocumentKind.AGREEMENT, agreement=agreement, requested_by=actor)
        save(document, actor=actor, reason="prepared for signature")
        _enqueue_render(document.pk)
    return document


def document_retry(*, actor, document_id: int) -> Document:
    with transaction.atomic():
        document = run_transition(
            Document, pk=document_id, name="retry", actor=actor, allowed={"retry"}
        )
        _enqueue_render(document.pk)
    return document


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def signing_request_send(
    *,
    actor,
    document_id: int,
    signatory: Contact,
    build_link: Callable[[str], str],
    days: int | None = None,
) -> tuple[SigningRequest, str]:
    """Send the accepted quote's document to a contact with signing authority at the legal
    account (R12). Returns the request and the link (shown once; only its hash is kept). An
    earlier open request for the document is withdrawn."""
    days = days or settings.SIGNING_LINK_DAYS
    with transaction.atomic():
        document = (
            Document.objects.select_for_update(of=("self",))
            .select_related("quote__account", "agreement__account")
            .get(pk=document_id)
        )
        subject = document.subject
        if document.kind == DocumentKind.SIGNED_COPY or document.state != DocumentState.READY:
            raise DomainError("The document is not ready to be signed yet.")
        _check_open_for_signature(document)
        if document.agreement_id and not actor.has_perm("sales.sign_salesagreement"):
            raise DomainError(
                "Only a sales manager or a contract manager sends an agreement "
                "for signature: it puts the agreement in force."
            )
        if not (signatory.signing_authority and signatory.account_id == subject.account_id):
            raise DomainError(
                f"{signatory} cannot sign: the signatory must be a contact with signing "
                f"authority at {subject.account}."
            )
        if not signatory.email:
            raise DomainError(f"{signatory} has no e-mail address to send the link to.")
        if not 1 <= days <= 60:
            raise DomainError("A signing link is valid for 1 to 60 days.")
        for previous in SigningRequest.objects.select_for_update().filter(
            document=document, state=SigningState.SENT
        ):
            previous.withdraw()
            save(previous, actor=actor, reason="replaced by a new signing request")
        token = secrets.token_urlsafe(32)
        request = SigningRequest(
            document=document,
            signatory=signatory,
            token_hash=_token_hash(token),
            expires_at=timezone.now() + timedelta(days=days),
            sent_by=actor,
        )
        save(request, actor=actor, reason=f"sent to {signatory.email}")
        link = build_link(token)
        provider = settings.TELCRM_PROVIDER["name"]
        label = document_label(document)
        title = f"Please sign {label} from {provider}"
        body = (
            f"Dear {signatory.full_name},\n\n{actor.get_full_name() or actor.username} asks you "
            f"to sign {label} for {subject.account.name}.\n\n"
            f"Open this personal link to read and sign the document (valid until "
            f"{timezone.localtime(request.expires_at):%d %b %Y %H:%M}):\n{link}\n"
        )
        transaction.on_commit(lambda: _mail(title, body, signatory.email))
    return request, link


def document_label(document: Document) -> str:
    if document.quote_id:
        return f"{document.quote.number} version {document.quote.version}"
    return f"{document.agreement.number} {document.agreement.name}"


def _check_open_for_signature(document: Document) -> None:
    """The quote is the accepted current version, or the agreement is in negotiation and
    unchanged since its document was prepared; and neither is signed yet."""
    if document.quote_id:
        quote = document.quote
        if quote.state != QuoteState.ACCEPTED or not quote.is_current:
            raise DomainError(f"{quote} is not the accepted current version.")
        if Signature.objects.filter(quote=quote).exists():
            raise DomainError(f"{quote} is already signed.")
        if refusal := quote.expiry_refusal():
            raise DomainError(refusal)
        return
    agreement = document.agreement
    if agreement.state != AgreementState.NEGOTIATION:
        raise DomainError(
            f"{agreement.number} is {agreement.get_state_display().lower()}: "
            "only an agreement in negotiation is signed."
        )
    if Signature.objects.filter(agreement=agreement).exists():
        raise DomainError(f"{agreement.number} is already signed.")
    if refusal := agreement.expiry_refusal():
        raise DomainError(refusal)
    if agreement.updated_at > document.created_at:
        raise DomainError(
            f"{agreement.number} changed after this document was prepared: "
            "prepare the document again."
        )


def _mail(subject: str, body: str, to: str) -> None:
    """After commit; a mail server that is down must not undo the request (the sender sees
    the link on the page and can pass it on)."""
    try:
        send_mail(subject, body, None, [to])
    except OSError:
        logger.warning("Could not e-mail the signing link to %s", to, exc_info=True)


def signing_request_withdraw(*, actor, request_id: int) -> SigningRequest:
    return run_transition(
        SigningRequest, pk=request_id, name="withdraw", actor=actor, allowed={"withdraw"}
    )


class UnknownSigningLink(DomainError):
    """No signing request has this token: a mistyped or cut link, or a guessed one."""


def signing_request_for_token(token: str) -> SigningRequest:
    """The request a signing link belongs to, or a :class:`DomainError` that says plainly why
    the link does not work (unknown, withdrawn, expired, already used)."""
    request = (
        SigningRequest.objects.select_related(
            "document__quote__account", "document__agreement__account", "signatory"
        )
        .filter(token_hash=_token_hash(token))
        .first()
    )
    if request is None:
        raise UnknownSigningLink(
            "This signing link is not valid. Check that you opened the whole link from the e-mail."
        )
    if request.state == SigningState.SIGNED:
        signed_at = timezone.localtime(request.signature.signed_at)
        raise DomainError(
            f"This link was already used: the document was signed on {signed_at:%d %b %Y at %H:%M}."
        )
    if request.state == SigningState.WITHDRAWN:
        raise DomainError(
            "This signing link was withdrawn by the sender. Ask them for a new "
            "one if you still need to sign."
        )
    if request.expired:
        expired = timezone.localtime(request.expires_at)
        raise DomainError(
            f"This signing link expired on {expired:%d %b %Y at %H:%M}. Ask "
            f"{request.sent_by.get_full_name()} for a new one."
        )
    lapsed_on = request.document.subject.lapsed_on
    if lapsed_on is not None:
        # Told before the signatory fills anything in, whether or not the expiry job ran.
        label = document_label(request.document)
        raise DomainError(
            f"{label} expired on {date_format(lapsed_on, 'j M Y')}: it can no "
            f"longer be signed. Ask {request.sent_by.get_full_name()} for a new "
            "version."
        )
    return request


def _check_drawing(image: str) -> None:
    if not PNG_DATA_URL.match(image or ""):
        raise DomainError("Draw your signature in the box, or choose to type it.")
    try:
        data = base64.b64decode(image.split(",", 1)[1], validate=True)
    except (binascii.Error, ValueError) as exc:
        raise DomainError("The drawn signature could not be read. Please draw it again.") from exc
    if not data.startswith(b"\x89PNG\r\n\x1a\n") or len(data) > MAX_SIGNATURE_BYTES:
        raise DomainError("The drawn signature could not be read. Please draw it again.")
    try:
        width, height = png_size(data)  # from the header: the pixels are not decoded
    except ValueError as exc:
        raise DomainError("The drawn signature could not be read. Please draw it again.") from exc
    if not fits_signature_size((width, height)):
        most = MAX_SIGNATURE_SIZE
        raise DomainError(
            f"The drawn signature is too large ({width} x {height} pixels; at "
            f"most {most[0]} x {most[1]}). Please draw it again in the "
            "box."
        )


def document_sign(
    *,
    token: str,
    signer_name: str,
    method: str,
    image: str = "",
    consent: bool,
    ip_address: str | None,
    user_agent: str,
) -> Signature:
    """The signatory signs through their link (R12): recorded with signer, time, IP, user
    agent and the SHA-256 of the exact document, which must still match the stored bytes. The
    quote's opportunity closes as won (R5); the signed copy is rendered after commit."""
    signer_name = " ".join((signer_name or "").split())[:120]
    if not signer_name:
        raise DomainError("Type your full name.")
    if method not in SignatureMethod.values:
        raise DomainError("Choose to draw or to type your signature.")
    if method == SignatureMethod.DRAWN:
        _check_drawing(image)
    if not consent:
        raise DomainError(
            "Confirm that you have authority to sign and agree to sign electronically."
        )
    with transaction.atomic():
        found = signing_request_for_token(token)
        request = SigningRequest.objects.select_for_update().get(pk=found.pk)
        request = signing_request_for_token(token)  # again, now that the row is locked
        document = (
            Document.objects.select_for_update(of=("self",))
            .select_related("quote__account", "agreement__account")
            .get(pk=request.document_id)
        )
        if document.stored_sha256() != document.sha256:
            raise DomainError(
                "This document changed after it was prepared and cannot be "
                "signed. Ask the sender for a new link."
            )
        try:
            _check_open_for_signature(document)
        except DomainError as exc:
            raise DomainError(
                f"This document is no longer open for signature: {exc.message}"
            ) from exc
        # The audit trail names the signatory (a contact, not a user) as the one who acted.
        signer = f"{request.signatory.full_name} (signatory, {document.subject.account.name})"
        request.sign()
        request._change_reason = "signed"
        request._history_actor = signer
        request.save()
        copy = Document(
            kind=DocumentKind.SIGNED_COPY,
            quote=document.quote,
            agreement=document.agreement,
            source=document,
            requested_by=request.sent_by,
        )
        copy._history_actor = signer
        save(copy, actor=request.sent_by, reason="signed copy")
        signature = Signature(
            quote=document.quote,
            agreement=document.agreement,
            request=request,
            document=document,
            signatory=request.signatory,
            signer_name=signer_name,
            method=method,
            image=image if method == SignatureMethod.DRAWN else "",
            signed_at=timezone.now(),
            ip_address=ip_address or None,
            user_agent=(user_agent or "")[:300],
            document_sha256=document.sha256,
            signed_copy=copy,
        )
        signature._history_actor = signer
        save(signature, actor=request.sent_by, reason=f"signed by {signer_name} through the link")
        if document.quote_id:
            _close_won(document.quote)
        else:
            # R6: the customer's signature puts the agreement in force.
            agreement_activate(
                actor=request.sent_by,
                agreement_id=document.agreement_id,
                signatory=request.signatory,
                signed_on=timezone.localdate(),
                acted_by=signer,
            )
        _enqueue_render(copy.pk)
    return signature


def _close_won(quote: Quote) -> None:
    """R5: a signed quote wins its opportunity, in its owner's name. A signature never fails
    because of the opportunity: one its owner may not move stays for them to close."""
    opportunity = quote.opportunity
    if opportunity is None or opportunity.stage in (Stage.CLOSED_WON, Stage.CLOSED_LOST):
        return
    steps = {
        Stage.QUALIFICATION: ["to_proposal", "to_negotiation"],
        Stage.PROPOSAL: ["to_negotiation"],
    }.get(opportunity.stage, [])
    try:
        with transaction.atomic():
            for name in [*steps, "close_won"]:
                opportunity_transition(
                    actor=opportunity.owner, opportunity_id=opportunity.pk, name=name
                )
    except DomainError:
        pass


# Sales and service contracts (R13, R14) ------------------------------------------------------


def contract_create(*, actor, quote_id: int) -> SalesContract:
    """R13: a sales contract from an accepted, signed quote version, only when every site on
    the quote has a contact (each missing one named). Its lines mirror the quote's lines."""
    with transaction.atomic():
        quote = Quote.objects.select_for_update().select_related("account").get(pk=quote_id)
        if quote.state != QuoteState.ACCEPTED or not quote.is_current:
            raise DomainError(f"{quote} is not an accepted current quote version.")
        signature = Signature.objects.filter(quote=quote).first()
        if signature is None:
            raise DomainError(f"{quote} is not signed by the customer yet.")
        if SalesContract.objects.filter(quote=quote).exists():
            raise DomainError(f"{quote} already has its sales contract.")
        lines = list(quote.lines.select_related("site").order_by("site__name", "pk"))
        if not lines:
            raise DomainError(f"{quote} has no lines.")
        sites = {line.site for line in lines}
        with_contact = set(
            Contact.objects.filter(account__in=sites).values_list("account_id", flat=True)
        )
        missing = sorted(site.name for site in sites if site.pk not in with_contact)
        if missing:
            raise DomainError(
                "Every site on the quote needs a contact first. Missing: "
                + ", ".join(missing)
                + ".",
                errors=[f"{name} has no contact." for name in missing],
            )
        contract = SalesContract(
            quote=quote,
            account=quote.account,
            agreement=quote.agreement,
            signature=signature,
            owner=quote.owner,
            team=quote.team,
            currency=quote.currency,
            term_months=quote.term_months,
        )
        save(contract, actor=actor, reason=f"from signed {quote}")
        copies = [
            SalesContractLine(
                contract=contract,
                quote_line=line,
                **{f: getattr(line, f) for f in SalesContractLine.MIRRORED_FIELDS},
            )
            for line in lines
        ]
        SalesContractLine.objects.bulk_create(copies)
        SalesContractLine.history.bulk_history_create(
            copies, default_user=actor, default_change_reason=f"mirrors {quote}"
        )
    return contract


def contract_transition(
    *, actor, contract_id: int, name: str, reason: str = "", model=None
) -> SalesContract:
    """Activate (from today), expire or terminate (with a reason) a sales or service
    contract."""
    model = model or SalesContract

    def prepare(contract) -> None:
        if name == "terminate":
            contract.termination_reason = reason.strip()[:200]
        if name == "activate":
            contract.start_date = timezone.localdate()
            if getattr(contract, "term_months", None):
                contract.end_date = contract.start_date + timedelta(
                    days=round(contract.term_months * 365.25 / 12)
                )
            else:  # a site's service runs for its sales contract's term
                contract.end_date = contract.term_end
        if name == "expire":
            contract.end_date = contract.term_end  # it ran its term: the end stays as it was
        if name == "terminate":
            contract.end_date = timezone.localdate()

    with transaction.atomic():
        contract = run_transition(
            model,
            pk=contract_id,
            name=name,
            actor=actor,
            prepare=prepare,
            allowed={"activate", "expire", "terminate"},
        )
        if name == "activate" and model is SalesContract:
            _supersede_earlier_versions(contract, actor)
    return contract


def contracts_expire_due() -> list[SalesContract | ServiceContract]:
    """The daily expiry (R13, R14): active sales contracts whose term has ended, and active
    service contracts whose own or sales contract's term has ended, expire, each in its own
    transaction, in the system's name. Safe to run twice."""
    today = timezone.localdate()
    active = {"state": ContractState.ACTIVE}
    due = [
        (SalesContract, SalesContract.objects.filter(**active).annotate(ends=F("end_date"))),
        (
            ServiceContract,
            ServiceContract.objects.filter(**active).annotate(
                ends=Coalesce("end_date", "sales_contract__end_date")
            ),
        ),
    ]
    expired: list[SalesContract | ServiceContract] = []
    for model, contracts in due:
        rows = contracts.filter(ends__lt=today).order_by("pk").values_list("pk", "ends")
        for pk, ends in rows:
            reason = f"expired: its term ended on {date_format(ends, 'j M Y')}"
            contract = run_system_transition(
                model, pk=pk, name="expire", reason=reason, prepare=_end_of_term
            )
            if contract is not None:
                expired.append(contract)
    return expired


def _end_of_term(contract: SalesContract | ServiceContract) -> None:
    contract.end_date = contract.term_end


def _supersede_earlier_versions(contract: SalesContract, actor) -> None:
    """A contract of a revised quote version replaces the one of the earlier version: that
    one and its service contracts end today, naming their successor."""
    earlier = SalesContract.objects.filter(
        quote__number=contract.quote.number, state=ContractState.ACTIVE
    ).exclude(pk=contract.pk)
    reason = f"Superseded by {contract.number} ({contract.quote})."
    for old in earlier:
        for service in old.service_contracts.filter(state=ContractState.ACTIVE):
            contract_transition(
                actor=actor,
                contract_id=service.pk,
                name="terminate",
                reason=reason,
                model=ServiceContract,
            )
        contract_transition(actor=actor, contract_id=old.pk, name="terminate", reason=reason)


def _site_configuration(lines) -> dict:
    """A site's configuration from its lines: the first value given for each characteristic."""
    configuration: dict = {}
    for line in lines:
        for code, value in (line.characteristics or {}).items():
            if value not in ("", None):
                configuration.setdefault(code, value)
    return configuration


def service_contracts_create(*, actor, contract_id: int) -> list[ServiceContract]:
    """R14: one service contract per site of the sales contract, from its lines'
    configuration (routing type, access type, POP redundancy), with entitlements (mandatory:
    the rules' offerings for that configuration plus entitlements sold at the site) and SLA
    commitments copied from the agreement's global SLAs. Sites that have one are skipped."""
    with transaction.atomic():
        contract = SalesContract.objects.select_for_update().get(pk=contract_id)
        if contract.state not in (ContractState.DRAFT, ContractState.ACTIVE):
            raise DomainError(f"{contract} is {contract.get_state_display().lower()}.")
        by_site: dict = {}
        for line in contract.lines.select_related("site", "offering").order_by("site__name"):
            by_site.setdefault(line.site, []).append(line)
        done = set(contract.service_contracts.values_list("site_id", flat=True))
        rules = list(EntitlementRule.objects.select_related("offering"))
        specs = characteristic_specs()
        global_slas = list(contract.agreement.slas.all()) if contract.agreement_id else []
        created = []
        for site, lines in by_site.items():
            if site.pk in done:
                continue
            configuration = _site_configuration(lines)
            entitlements = {}
            for rule in rules:
                if rule.matches(configuration) and rule.offering.is_sellable():
                    entitlements.setdefault(rule.offering, rule.reason(specs))
            for line in lines:
                if line.offering.kind == OfferingKind.ENTITLEMENT:
                    entitlements.setdefault(line.offering, "sold on the quote")
            if not entitlements:
                raise DomainError(
                    f"No entitlement applies to {site.name}: add an entitlement rule or sell "
                    "one on the quote (entitlements are mandatory)."
                )
            service = ServiceContract(
                sales_contract=contract,
                site=site,
                routing_type=configuration.get("routing_type", ""),
                access_type=configuration.get("access_type", ""),
                pop_redundancy=configuration.get("pop_redundancy", ""),
            )
            save(service, actor=actor, reason=f"from {contract.number}")
            for offering, reason in entitlements.items():
                save(
                    Entitlement(service_contract=service, offering=offering, reason=reason),
                    actor=actor,
                )
            for sla in global_slas:
                save(
                    SlaCommitment(
                        service_contract=service,
                        metric=sla.metric,
                        target=sla.target,
                        global_sla=sla,
                        service_credit_percent=sla.service_credit_percent,
                    ),
                    actor=actor,
                    reason=f"global SLA of {contract.agreement.number}",
                )
            created.append(service)
    return created


def sla_commitment_save(*, actor, commitment: SlaCommitment) -> SlaCommitment:
    """Add or change a site's SLA commitment: never weaker than the agreement's global SLA
    for that metric (R14)."""
    with transaction.atomic():
        service = (
            ServiceContract.objects.select_for_update(of=("self",))
            .select_related("sales_contract__agreement")
            .get(pk=commitment.service_contract_id)
        )
        if service.state not in (ContractState.DRAFT, ContractState.ACTIVE):
            raise DomainError(f"{service} is {service.get_state_display().lower()}.")
        agreement = service.sales_contract.agreement
        floor = agreement.slas.filter(metric=commitment.metric).first() if agreement else None
        if floor is not None and commitment.weaker_than(floor.target):
            raise DomainError(
                f"{commitment.get_metric_display()} {commitment.target.normalize()} is weaker "
                f"than the global SLA of {agreement.number} ({floor.target.normalize()}): "
                "a site may only be promised as much or more."
            )
        commitment.global_sla = floor
        save(commitment, actor=actor)
    return commitment


def quote_from_contract(*, actor, contract_id: int) -> Quote:
    """R8: a new quote for an existing customer, pre-filled from an active sales contract:
    its sites and lines (offering, configuration, quantity, discount), priced by the
    agreement in force today."""
    contract = SalesContract.objects.select_related("account", "agreement").get(pk=contract_id)
    if contract.state != ContractState.ACTIVE:
        raise DomainError(
            f"{contract} is {contract.get_state_display().lower()}: new quotes "
            "start from an active contract."
        )
    with transaction.atomic():
        agreement = contract.agreement
        in_force = agreement is not None and agreement.state in (
            AgreementState.ACTIVE,
            AgreementState.NEGOTIATION,
        )
        quote = quote_create(
            actor=actor,
            account=contract.account,
            term_months=contract.term_months,
            currency=contract.currency,
            agreement=agreement if in_force else None,
            valid_until=timezone.localdate() + timedelta(days=30),
        )
        lines = [
            QuoteLine(
                site=line.site,
                offering=line.offering,
                characteristics=dict(line.characteristics or {}),
                quantity=line.quantity,
                discount_percent=line.discount_percent,
            )
            for line in contract.lines.select_related("site", "offering")
            if line.offering.is_sellable()
        ]
        if lines:
            quote_lines_save(actor=actor, quote=quote, lines=lines)
    return quote
