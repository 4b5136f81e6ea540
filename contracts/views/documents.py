"""Quote documents and signatures: accept a quote, watch its document being prepared, send it
for signature, verify it; the public signing page for the customer's signatory."""

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.db.models import Q
from django.http import FileResponse, Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.views import View
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.csp import csp_override
from django.views.generic import TemplateView

from sales.models import Quote, SalesAgreement
from sales.quote_diff import quote_summary
from telcrm.fsm import DomainError
from telcrm.http import client_ip
from telcrm.security import security_event
from telcrm.views import ActionView, RecordDetailView, RolePermissionMixin

from .. import services
from ..choices import DocumentKind, DocumentState
from ..forms import SignForm, SigningRequestForm
from ..models import Document, Signature, SigningRequest

# The PDF may be shown in a frame of our own pages (the signing page shows it inline).
FRAMEABLE = [xframe_options_sameorigin, csp_override({"frame-ancestors": ["'self'"]})]


def documents_for(user):
    return Document.objects.visible_to(user).select_related(
        "quote__account", "agreement__account", "source"
    )


def signature_of(document: Document) -> Signature | None:
    """The signature of the document itself or, for a signed copy, of the document it copies;
    the same for a quote's and an agreement's documents (an agreement may have several)."""
    return (
        Signature.objects.select_related("signatory", "signed_copy", "document")
        .filter(Q(document=document) | Q(signed_copy=document))
        .first()
    )


def document_crumbs(document: Document) -> list[tuple[str, str]]:
    subject = document.subject
    parent = (
        ("Quotes", reverse("sales:quote_list"))
        if document.quote_id
        else ("Agreements", reverse("sales:agreement_list"))
    )
    return [parent, (str(subject), subject.get_absolute_url())]


class QuoteAcceptView(RolePermissionMixin, TemplateView):
    """GET: what accepting means; POST: record the customer's acceptance, which prepares the
    summary document for signature (R12)."""

    permission_required = "sales.change_quote"
    template_name = "contracts/quote_accept.html"

    def load(self, request, *args, **kwargs):
        self.quote = get_object_or_404(Quote.objects.visible_to(request.user), pk=kwargs["pk"])

    def get_context_data(self, **kwargs):
        lines = list(self.quote.lines.all())
        return super().get_context_data(
            quote=self.quote,
            lines=lines,
            summary=quote_summary(self.quote, lines),
            **kwargs,
            refusal=self.quote.expiry_refusal(),
            breadcrumbs=[
                ("Quotes", reverse("sales:quote_list")),
                (str(self.quote), self.quote.get_absolute_url()),
                ("Accept", ""),
            ],
        )

    def post(self, request, pk: int):
        try:
            document = services.quote_accept(actor=request.user, quote_id=self.quote.pk)
        except DomainError as exc:
            messages.error(request, exc.message)
            return HttpResponseRedirect(self.quote.get_absolute_url())
        messages.success(
            request,
            f"{self.quote} is accepted. Its summary document is being prepared for signature.",
        )
        return HttpResponseRedirect(document.get_absolute_url())


class QuoteDocumentView(RolePermissionMixin, View):
    """The summary document of a quote version (from the quote page)."""

    permission_required = "contracts.view_document"

    def get(self, request, pk: int):
        document = get_object_or_404(
            documents_for(request.user), quote_id=pk, kind=DocumentKind.QUOTE_SUMMARY
        )
        return HttpResponseRedirect(document.get_absolute_url())


class DocumentDetailView(RecordDetailView):
    """Progress while the PDF renders (htmx polls the status part), then the document, its
    fingerprint, the signing requests and the signature."""

    model = Document
    template_name = "contracts/document_detail.html"
    records_for = staticmethod(documents_for)

    def history_querysets(self, document):
        return [
            Document.history.filter(id=document.pk),
            SigningRequest.history.filter(document_id=document.pk),
            Signature.history.filter(document_id=document.pk),
        ]

    def get_breadcrumbs(self, document):
        return [*document_crumbs(document), (document.get_kind_display(), "")]

    def get_template_names(self):
        if self.request.htmx and self.request.GET.get("part") == "status":
            return ["contracts/partials/document_status.html"]
        return [self.template_name]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        document = self.object
        subject = document.subject
        user = self.request.user
        signature = signature_of(document)
        may_send = (
            document.kind != DocumentKind.SIGNED_COPY
            and document.state == DocumentState.READY
            and signature is None
            and user.has_perm("contracts.add_signingrequest")
            and (document.quote_id or user.has_perm("sales.sign_salesagreement"))
        )
        context.update(
            quote=document.quote,
            subject=subject,
            signature=signature,
            requests=list(document.signing_requests.select_related("signatory", "sent_by")),
            form=SigningRequestForm(account_id=subject.account_id) if may_send else None,
            new_link=self.request.session.pop(f"signing-link-{document.pk}", None),
        )
        return context


class AgreementSignView(RolePermissionMixin, TemplateView):
    """R6, R12: an agreement in negotiation is signed like a quote. GET: the document to
    sign if one is current, else what preparing it means; POST: prepare it."""

    permission_required = "sales.sign_salesagreement"
    template_name = "contracts/agreement_sign.html"

    def load(self, request, *args, **kwargs):
        self.agreement = get_object_or_404(
            SalesAgreement.objects.visible_to(request.user), pk=kwargs["pk"]
        )

    def get(self, request, *args, **kwargs):
        current = (
            self.agreement.documents.filter(
                kind=DocumentKind.AGREEMENT, created_at__gte=self.agreement.updated_at
            )
            .order_by("-created_at")
            .first()
        )
        if current is not None:
            return HttpResponseRedirect(current.get_absolute_url())
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        agreement = self.agreement
        return super().get_context_data(
            agreement=agreement,
            **kwargs,
            breadcrumbs=[
                ("Agreements", reverse("sales:agreement_list")),
                (agreement.number, agreement.get_absolute_url()),
                ("Signature", ""),
            ],
        )

    def post(self, request, pk: int):
        try:
            document = services.agreement_document_prepare(
                actor=request.user, agreement_id=self.agreement.pk
            )
        except DomainError as exc:
            messages.error(request, exc.message)
            return HttpResponseRedirect(self.agreement.get_absolute_url())
        messages.success(
            request,
            f"The document of {self.agreement.number} is being prepared. "
            "Send it to the customer's signatory below.",
        )
        return HttpResponseRedirect(document.get_absolute_url())


@method_decorator(FRAMEABLE, name="dispatch")
class DocumentFileView(RolePermissionMixin, View):
    permission_required = "contracts.view_document"

    def get(self, request, pk: int):
        document = get_object_or_404(documents_for(request.user), pk=pk, state=DocumentState.READY)
        return _pdf_response(document, download="download" in request.GET)


def _pdf_response(document: Document, download: bool = False) -> FileResponse:
    return FileResponse(
        document.file.open("rb"),
        content_type="application/pdf",
        as_attachment=download,
        filename=document.filename,
    )


class DocumentVerifyView(RolePermissionMixin, TemplateView):
    """Recompute the stored document's SHA-256 and compare it with the recorded one (and, for
    a signed copy, show the fingerprint the signature names)."""

    permission_required = "contracts.view_document"
    template_name = "contracts/document_verify.html"

    def get_context_data(self, **kwargs):
        document = get_object_or_404(
            documents_for(self.request.user), pk=kwargs["pk"], state=DocumentState.READY
        )
        actual = document.stored_sha256()
        return super().get_context_data(
            document=document,
            actual=actual,
            unchanged=actual == document.sha256,
            signature=signature_of(document),
            breadcrumbs=[
                *document_crumbs(document),
                (document.get_kind_display(), document.get_absolute_url()),
                ("Verify", ""),
            ],
            **kwargs,
        )


class SigningRequestSendView(ActionView):
    permission_required = "contracts.add_signingrequest"

    def load(self, request, *args, **kwargs):
        self.document = get_object_or_404(documents_for(request.user), pk=kwargs["pk"])

    def fallback_url(self) -> str:
        return self.document.get_absolute_url()

    def act(self, request):
        form = SigningRequestForm(request.POST, account_id=self.document.subject.account_id)
        if not form.is_valid():
            errors = "; ".join(" ".join(e) for e in form.errors.values())
            raise DomainError(f"The signing request was not sent: {errors}")
        signing, link = services.signing_request_send(
            actor=request.user,
            document_id=self.document.pk,
            signatory=form.cleaned_data["signatory"],
            days=form.cleaned_data["days"],
            build_link=lambda token: request.build_absolute_uri(
                reverse("contracts:sign", args=[token])
            ),
        )
        # Shown once on the next page: the link is not stored, only its hash.
        request.session[f"signing-link-{self.document.pk}"] = link
        return (
            f"Sent the signing link to {signing.signatory.full_name} <{signing.signatory.email}>.",
            self.document.get_absolute_url(),
        )


# The signatory's pages: no login, the unguessable link is the key -----------------------------


def log_bad_link(request, exc: DomainError) -> None:
    """A signing link that matches no request is a security event (a guessed token); an
    expired, withdrawn or used one is not."""
    if isinstance(exc, services.UnknownSigningLink):
        security_event("bad_token", request, token_kind="signing link")


@method_decorator(login_not_required, name="dispatch")
class SignView(View):
    template_name = "contracts/sign.html"

    def get(self, request, token: str):
        return self.page(request, token, SignForm())

    def post(self, request, token: str):
        form = SignForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                signature = services.document_sign(
                    token=token,
                    signer_name=data["signer_name"],
                    method=data["method"],
                    image=data["image"],
                    consent=data["consent"],
                    ip_address=client_ip(request),
                    user_agent=request.META.get("HTTP_USER_AGENT", ""),
                )
            except DomainError as exc:
                form.add_error(None, exc.message)
            else:
                return render(
                    request,
                    "contracts/signed.html",
                    {"signature": signature, "label": services.document_label(signature.document)},
                )
        return self.page(request, token, form, status=400)

    def page(self, request, token: str, form: SignForm, status: int = 200):
        try:
            signing = services.signing_request_for_token(token)
        except DomainError as exc:
            log_bad_link(request, exc)
            return render(
                request, "contracts/sign_refused.html", {"reason": exc.message}, status=410
            )
        document = signing.document
        context = {
            "signing": signing,
            "document": document,
            "subject": document.subject,
            "label": services.document_label(document),
            "form": form,
            "token": token,
        }
        return render(request, self.template_name, context, status=status)


@method_decorator([login_not_required, *FRAMEABLE], name="dispatch")
class SignDocumentView(View):
    """The exact PDF the link asks to sign."""

    def get(self, request, token: str):
        try:
            signing = services.signing_request_for_token(token)
        except DomainError as exc:
            log_bad_link(request, exc)
            raise Http404(exc.message) from exc
        return _pdf_response(signing.document, download="download" in request.GET)
