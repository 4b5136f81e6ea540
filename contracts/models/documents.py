"""Documents a customer signs (R12): the rendered PDF with its SHA-256, the signing request
sent to the customer's signatory, and the signature itself."""

import hashlib

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from sales.models import Contact, Quote, SalesAgreement
from telcrm.choices import DEFAULT_BADGE
from telcrm.models import BadgeMixin, ExternalActorHistory, History

from ..choices import DocumentKind, DocumentState, SignatureMethod, SigningState
from ..querysets import DocumentQuerySet, SigningRequestQuerySet


def document_path(document: "Document", filename: str) -> str:
    return f"documents/{timezone.now():%Y/%m}/{filename}"


class Document(BadgeMixin, ConcurrentTransitionMixin, models.Model):
    """A PDF rendered from a quote version or a sales agreement in a background job, stored
    with its SHA-256 so a signature can name the exact bytes the customer saw (R12)."""

    kind = models.CharField(max_length=20, choices=DocumentKind.choices)
    quote = models.ForeignKey(
        Quote, on_delete=models.PROTECT, null=True, blank=True, related_name="documents"
    )
    agreement = models.ForeignKey(
        SalesAgreement, on_delete=models.PROTECT, null=True, blank=True, related_name="documents"
    )
    source = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="copies",
        help_text="For a signed copy: the document that was signed.",
    )
    state = FSMField(default=DocumentState.QUEUED, choices=DocumentState.choices, protected=True)
    file = models.FileField(upload_to=document_path, blank=True, editable=False)
    sha256 = models.CharField("SHA-256", max_length=64, blank=True, editable=False)
    size = models.PositiveIntegerField(default=0, editable=False)
    pages = models.PositiveSmallIntegerField(default=0, editable=False)
    attempts = models.PositiveSmallIntegerField(default=0, editable=False)
    error = models.CharField(max_length=300, blank=True, editable=False)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    rendered_at = models.DateTimeField(null=True, blank=True, editable=False)
    history = History(bases=[ExternalActorHistory])
    objects = DocumentQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["quote", "kind"], name="%(app_label)s_%(class)s_one_per_quote_version"
            ),
            models.CheckConstraint(
                condition=Q(quote__isnull=True, agreement__isnull=False)
                | Q(quote__isnull=False, agreement__isnull=True),
                name="%(app_label)s_%(class)s_one_subject",
            ),
            models.CheckConstraint(
                condition=Q(state=DocumentState.QUEUED)
                | Q(state=DocumentState.FAILED)
                | ~Q(sha256=""),
                name="%(app_label)s_%(class)s_ready_has_hash",
            ),
        ]

    def __str__(self) -> str:
        if self.kind == DocumentKind.AGREEMENT:
            return f"Agreement document of {self.agreement.number}"
        return f"{self.get_kind_display()} of {self.subject}"

    def get_absolute_url(self) -> str:
        return reverse("contracts:document_detail", args=[self.pk])

    @property
    def subject(self):
        """The quote version or the sales agreement the document is of."""
        return self.quote if self.quote_id else self.agreement

    @property
    def account(self):
        return self.subject.account

    @property
    def filename(self) -> str:
        suffix = "-signed" if self.kind == DocumentKind.SIGNED_COPY else ""
        if self.quote_id:
            return f"{self.quote.number}-v{self.quote.version}{suffix}.pdf"
        return f"{self.agreement.number}{suffix}.pdf"

    def stored_sha256(self) -> str:
        """The SHA-256 of the bytes stored now (to verify against the recorded one)."""
        digest = hashlib.sha256()
        with self.file.open("rb") as handle:
            for chunk in iter(lambda: handle.read(65536), b""):
                digest.update(chunk)
        return digest.hexdigest()

    @transition(
        field=state,
        source=DocumentState.QUEUED,
        target=DocumentState.READY,
        custom={"internal": True},
    )
    def mark_ready(self) -> None:
        self.rendered_at = timezone.now()
        self.error = ""

    @transition(
        field=state,
        source=DocumentState.QUEUED,
        target=DocumentState.FAILED,
        custom={"internal": True},
    )
    def mark_failed(self) -> None:
        """Rendering raised: the page says so and offers a retry."""

    @transition(
        field=state,
        source=DocumentState.FAILED,
        target=DocumentState.QUEUED,
        permission="contracts.add_signingrequest",
        custom={"label": "Try again", "style": "primary"},
    )
    def retry(self) -> None:
        self.error = ""


class SigningRequest(BadgeMixin, ConcurrentTransitionMixin, models.Model):
    """A link sent to the customer's signatory to sign one document. The link carries a
    random token; only its SHA-256 is stored, so the database alone cannot forge a link."""

    document = models.ForeignKey(
        Document, on_delete=models.PROTECT, related_name="signing_requests"
    )
    signatory = models.ForeignKey(Contact, on_delete=models.PROTECT, related_name="+")
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    expires_at = models.DateTimeField()
    state = FSMField(default=SigningState.SENT, choices=SigningState.choices, protected=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    history = History(bases=[ExternalActorHistory])
    objects = SigningRequestQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["document"],
                condition=Q(state=SigningState.SENT),
                name="%(app_label)s_%(class)s_one_open_per_document",
            ),
        ]

    def __str__(self) -> str:
        return f"Signing request to {self.signatory} for {self.document.subject}"

    def get_absolute_url(self) -> str:
        return reverse("contracts:document_detail", args=[self.document_id]) + "#signing"

    @property
    def expired(self) -> bool:
        return self.state == SigningState.SENT and self.expires_at <= timezone.now()

    @property
    def badge(self) -> str:
        return DEFAULT_BADGE if self.expired else super().badge

    @property
    def status_label(self) -> str:
        return "Expired" if self.expired else self.get_state_display()

    @transition(
        field=state, source=SigningState.SENT, target=SigningState.SIGNED, custom={"internal": True}
    )
    def sign(self) -> None:
        """Signed through the link (the Signature row holds what was recorded)."""

    @transition(
        field=state,
        source=SigningState.SENT,
        target=SigningState.WITHDRAWN,
        permission="contracts.add_signingrequest",
        custom={"label": "Withdraw", "style": "outline-danger"},
    )
    def withdraw(self) -> None:
        """The link stops working (e.g. sent to the wrong person)."""


class Signature(models.Model):
    """A legal signature of a quote version or a sales agreement by a contact with signing
    authority at the legal account (R12): who, when, from where, and the SHA-256 of the exact
    document signed."""

    quote = models.OneToOneField(
        Quote, on_delete=models.PROTECT, null=True, blank=True, related_name="signature"
    )
    agreement = models.OneToOneField(
        SalesAgreement, on_delete=models.PROTECT, null=True, blank=True, related_name="signature"
    )
    request = models.OneToOneField(
        SigningRequest, on_delete=models.PROTECT, related_name="signature"
    )
    document = models.ForeignKey(Document, on_delete=models.PROTECT, related_name="signatures")
    signatory = models.ForeignKey(Contact, on_delete=models.PROTECT, related_name="+")
    signer_name = models.CharField("name typed by the signer", max_length=120)
    method = models.CharField(max_length=10, choices=SignatureMethod.choices)
    image = models.TextField(blank=True, help_text="The drawn signature as a PNG data URL.")
    signed_at = models.DateTimeField()
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=300, blank=True)
    document_sha256 = models.CharField("SHA-256 of the signed document", max_length=64)
    signed_copy = models.OneToOneField(
        Document, on_delete=models.PROTECT, null=True, blank=True, related_name="signed_as"
    )
    history = History(bases=[ExternalActorHistory])

    class Meta:
        ordering = ["-signed_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(quote__isnull=True, agreement__isnull=False)
                | Q(quote__isnull=False, agreement__isnull=True),
                name="%(app_label)s_%(class)s_one_subject",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.quote or self.agreement.number} signed by {self.signer_name}"

    @property
    def subject(self):
        return self.quote if self.quote_id else self.agreement
