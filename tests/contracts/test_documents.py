"""Quote summary documents and legal signatures (R12), and R5 closed won on signature."""

import base64
import io
import struct
import zlib
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from PIL import ImageFile
from pypdf import PdfReader

from contracts import services
from contracts.models import Document, Signature, SigningRequest
from contracts.pdf import BASE_URL, StaticOnlyFetcher, render_pdf
from contracts.summary import quote_document_context
from sales import services as sales_services
from sales.models import Quote
from telcrm.audit import history_entries
from telcrm.fsm import DomainError
from telcrm.templatetags.telcrm_tags import money
from tests.contracts.conftest import send, token_of
from tests.factories import ContactFactory
from tests.sales.test_quotes import agreement, new_quote, place

# A 1×1 transparent PNG, as a drawn signature arrives from the signing page.
PNG = (
    "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk"
    "+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
)


def pdf_text(document: Document) -> str:
    with document.file.open("rb") as handle:
        return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(handle.read())).pages)


# Summary document ----------------------------------------------------------------------------


def test_r12_accepting_a_quote_renders_its_summary_pdf(accepted):
    document = accepted
    quote = document.quote
    assert (document.state, document.kind, quote.state) == ("ready", "quote_summary", "accepted")
    assert document.pages >= 3 and len(document.sha256) == 64
    assert document.stored_sha256() == document.sha256
    text = pdf_text(document)
    for expected in (
        f"{quote.number}",
        "version 1",
        "Nordwind Logistik GmbH",
        "HQ",
        "Metro",
        "Dedicated Internet Access",
        "SIP Trunking",
        "Bandwidth: 100 Mbit/s",
        "Access type: fiber",
        "Concurrent channels: 10 channels",
        "Total contract value",
        "Acceptance",
    ):
        assert expected in text, expected


def test_r12_page_shows_progress_then_the_document(login, users, accepted):
    # A new version accepted, its render job not run yet (on-commit callbacks are held).
    v2 = sales_services.quote_revise(actor=users["rep"], quote_id=accepted.quote_id)
    sales_services.quote_transition(actor=users["rep"], quote_id=v2.pk, name="finalise")
    document = services.quote_accept(actor=users["rep"], quote_id=v2.pk)
    client = login(users["rep"])
    part = client.get(document.get_absolute_url(), {"part": "status"}, HTTP_HX_REQUEST="true")
    assert "Preparing the document" in part.content.decode()
    assert 'hx-trigger="every 2s"' in part.content.decode()
    document = services.document_render(document.pk)  # what the worker does
    page = client.get(document.get_absolute_url()).content.decode()
    assert document.state == "ready" and document.sha256 in page and "Open PDF" in page
    response = client.get(reverse("contracts:document_pdf", args=[accepted.pk]))
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content).startswith(b"%PDF")


def test_r12_verification_detects_a_changed_byte(login, users, accepted):
    client = login(users["manager"])
    url = reverse("contracts:document_verify", args=[accepted.pk])
    assert "Unchanged." in client.get(url).content.decode()
    path = accepted.file.path
    with open(path, "r+b") as handle:
        handle.seek(200)
        byte = handle.read(1)
        handle.seek(200)
        handle.write(bytes([byte[0] ^ 0x01]))
    assert "Changed!" in client.get(url).content.decode()


def test_r12_rendering_failure_is_shown_and_can_be_retried(
    users, accepted, monkeypatch, django_capture_on_commit_callbacks
):
    quote = accepted.quote
    v2 = sales_services.quote_revise(actor=users["rep"], quote_id=quote.pk)
    sales_services.quote_transition(actor=users["rep"], quote_id=v2.pk, name="finalise")

    def broken(*args, **kwargs):
        raise RuntimeError("font cache unavailable")

    monkeypatch.setattr("contracts.services.render_pdf", broken)
    with django_capture_on_commit_callbacks(execute=True):
        document = services.quote_accept(actor=users["rep"], quote_id=v2.pk)
    document.refresh_from_db()
    assert document.state == "failed" and "font cache unavailable" in document.error
    monkeypatch.undo()
    with django_capture_on_commit_callbacks(execute=True):
        services.document_retry(actor=users["rep"], document_id=document.pk)
    document.refresh_from_db()
    assert document.state == "ready" and document.attempts == 2
    assert services.document_render(document.pk).sha256 == document.sha256  # twice: no effect


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "http://169.254.169.254/latest/meta-data/",
        f"{BASE_URL}media/documents/other-customer.pdf",
        f"{BASE_URL}static/../../telcrm/settings.py",
        "data:text/html;base64,PGgxPmhpPC9oMT4=",
    ],
)
def test_r12_documents_fetch_only_our_static_files(url):
    with pytest.raises(ValueError):
        StaticOnlyFetcher().fetch(url)


def test_r12_documents_may_use_our_stylesheet():
    response = StaticOnlyFetcher().fetch(f"{BASE_URL}static/contracts/document.css")
    assert b"@page" in response.read()


# Signing -------------------------------------------------------------------------------------


def test_r12_signatory_must_have_signing_authority_at_the_legal_account(
    users, accepted, rep_account, world, django_capture_on_commit_callbacks
):
    clerk = ContactFactory(account=rep_account, signing_authority=False)
    site_boss = ContactFactory(account=world["HQ"], signing_authority=True)
    for contact in (clerk, site_boss):
        with pytest.raises(DomainError, match="signing authority"):
            send(users, accepted, contact, django_capture_on_commit_callbacks)
    assert not SigningRequest.objects.exists() and not mail.outbox


def test_r12_sign_through_the_link(
    client, users, accepted, signatory, django_capture_on_commit_callbacks
):
    request, link = send(users, accepted, signatory, django_capture_on_commit_callbacks)
    assert mail.outbox[0].to == ["h.jansen@nordwind.example"] and link in mail.outbox[0].body
    assert request.token_hash not in link  # only the hash is stored
    page = client.get(link)
    assert page.status_code == 200 and "Please sign" in page.content.decode()
    assert client.get(reverse("contracts:sign_pdf", args=[token_of(link)])).status_code == 200

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            link,
            {"signer_name": "Henrik Jansen", "method": "drawn", "image": PNG, "consent": "on"},
            HTTP_USER_AGENT="Mozilla/5.0 (Test)",
            REMOTE_ADDR="203.0.113.7",
        )
    assert "the document is signed" in response.content.decode()
    signature = Signature.objects.get()
    assert (signature.signer_name, signature.signatory, signature.ip_address) == (
        "Henrik Jansen",
        signatory,
        "203.0.113.7",
    )
    assert signature.user_agent == "Mozilla/5.0 (Test)"
    assert signature.document_sha256 == accepted.sha256
    assert signature.signed_at is not None
    copy = signature.signed_copy
    copy.refresh_from_db()
    assert copy.state == "ready" and copy.sha256 != accepted.sha256
    text = pdf_text(copy)
    assert "Electronic signature" in text and accepted.sha256 in text.replace("\n", "")
    assert "203.0.113.7" in text


def test_r27_the_signatory_is_the_actor_of_the_signature_and_its_address_is_the_clients(
    client, login, users, accepted, signatory, django_capture_on_commit_callbacks, settings
):
    settings.TRUSTED_PROXIES = ["10.0.0.1"]  # the reverse proxy in front of the application
    _, link = send(users, accepted, signatory, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            link,
            {"signer_name": "Henrik Jansen", "method": "typed", "consent": "on"},
            REMOTE_ADDR="10.0.0.1",
            HTTP_X_FORWARDED_FOR="198.51.100.66, 203.0.113.7",
        )
    signature = Signature.objects.get()
    assert signature.ip_address == "203.0.113.7"  # not the proxy, not what the client claimed
    signer = "Henrik Jansen (signatory, Nordwind Logistik GmbH)"
    rep = users["rep"].get_full_name() or users["rep"].username
    for history in (
        SigningRequest.history.filter(history_change_reason="signed"),
        Signature.history.all(),
        Document.history.filter(id=signature.signed_copy_id, history_type="+"),
    ):
        row = history.get()
        assert (row.history_actor, row.history_user) == (signer, None)
    entries = history_entries(
        [SigningRequest.history.filter(document_id=accepted.pk), Signature.history.all()]
    )
    assert [e.who for e in entries[:2]] == [signer, signer]
    assert entries[-1].who == rep  # who sent it stays the sender
    # The record's history panel and the audit log say so.
    page = login(users["rep"]).get(accepted.get_absolute_url()).content.decode()
    assert signer in page
    audit = login(users["admin"]).get(reverse("audit_log")).content.decode()
    assert signer in audit


def test_r5_signing_the_quote_closes_its_opportunity_won(
    client, users, accepted, signatory, django_capture_on_commit_callbacks
):
    _, link = send(users, accepted, signatory, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(link, {"signer_name": "Henrik Jansen", "method": "typed", "consent": "on"})
    opportunity = accepted.quote.opportunity
    opportunity.refresh_from_db()
    assert opportunity.stage == "closed_won"


def test_r12_reused_expired_and_withdrawn_links_are_refused(
    client, users, accepted, signatory, django_capture_on_commit_callbacks
):
    first, first_link = send(users, accepted, signatory, django_capture_on_commit_callbacks)
    second, link = send(users, accepted, signatory, django_capture_on_commit_callbacks)
    first.refresh_from_db()
    assert first.state == "withdrawn"  # a new request replaces the open one
    response = client.get(first_link)
    assert response.status_code == 410 and "withdrawn" in response.content.decode()

    SigningRequest.objects.filter(pk=second.pk).update(expires_at=timezone.now())
    response = client.post(
        link, {"signer_name": "Henrik Jansen", "method": "typed", "consent": "on"}
    )
    assert response.status_code == 410 and "expired" in response.content.decode()
    assert not Signature.objects.exists()

    SigningRequest.objects.filter(pk=second.pk).update(
        expires_at=timezone.now() + timedelta(days=1)
    )
    with django_capture_on_commit_callbacks(execute=True):
        client.post(link, {"signer_name": "Henrik Jansen", "method": "typed", "consent": "on"})
    response = client.get(link)
    assert response.status_code == 410 and "already used" in response.content.decode()
    assert client.get("/contracts/sign/not-a-real-token/").status_code == 410
    assert Signature.objects.count() == 1


def test_r12_bad_signing_input_is_named_and_changes_nothing(
    client, users, accepted, signatory, django_capture_on_commit_callbacks
):
    _, link = send(users, accepted, signatory, django_capture_on_commit_callbacks)
    for data, message in [
        ({"signer_name": "Henrik Jansen", "method": "typed"}, "This field is required"),
        ({"signer_name": "", "method": "typed", "consent": "on"}, "This field is required"),
        (
            {"signer_name": "Henrik Jansen", "method": "drawn", "consent": "on"},
            "Draw your signature",
        ),
        (
            {
                "signer_name": "Henrik Jansen",
                "method": "drawn",
                "consent": "on",
                "image": "data:image/png;base64,bm90IGEgcG5n",
            },
            "could not be read",
        ),
    ]:
        response = client.post(link, data)
        assert response.status_code == 400 and message in response.content.decode(), data
    assert not Signature.objects.exists()
    assert SigningRequest.objects.get().state == "sent"


def png_bomb(width: int = 13000, height: int = 13000) -> str:
    """A valid black-and-white PNG of width x height pixels that compresses to ~20 KB: what a
    hostile signing page submits instead of a drawing."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    row = b"\x00" + b"\x00" * ((width + 7) // 8)
    packer = zlib.compressobj(9)
    idat = b"".join(packer.compress(row) for _ in range(height)) + packer.flush()
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)  # 1-bit greyscale
    png = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")
    return "data:image/png;base64," + base64.b64encode(png).decode()


def test_r12_a_huge_drawn_signature_is_refused_without_decoding_it(
    client, users, accepted, signatory, django_capture_on_commit_callbacks, monkeypatch
):
    bomb = png_bomb()
    assert len(bomb) < 40_000  # small on the wire, 169 million pixels decoded
    # Only the header is read: decoding the pixels would take gigabytes.
    monkeypatch.setattr(ImageFile.ImageFile, "load", lambda self: pytest.fail("decoded"))
    _, link = send(users, accepted, signatory, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client.post(
            link,
            {"signer_name": "Henrik Jansen", "method": "drawn", "image": bomb, "consent": "on"},
        )
    page = response.content.decode()
    assert response.status_code == 400 and 'data-testid="form-errors"' in page
    assert "The drawn signature is too large (13000 x 13000 pixels; at most 2000 x 800)" in page
    assert not callbacks and not Signature.objects.exists()
    assert SigningRequest.objects.get().state == "sent"
    # One too wide or too tall is refused as well; a canvas drawing is not.
    for width, height in ((2001, 200), (600, 801)):
        image = png_bomb(width, height)
        response = client.post(
            link,
            {"signer_name": "Henrik Jansen", "method": "drawn", "image": image, "consent": "on"},
        )
        assert "is too large" in response.content.decode()
    assert not Signature.objects.exists()


def test_r12_documents_never_embed_a_huge_image():
    with pytest.raises(ValueError, match="13000 x 13000 pixels is too large"):
        StaticOnlyFetcher().fetch(png_bomb())
    StaticOnlyFetcher().fetch(png_bomb(600, 200))  # a canvas drawing embeds


def test_r12_a_changed_document_cannot_be_signed(
    client, users, accepted, signatory, django_capture_on_commit_callbacks
):
    _, link = send(users, accepted, signatory, django_capture_on_commit_callbacks)
    with open(accepted.file.path, "ab") as handle:
        handle.write(b"%tampered")
    response = client.post(
        link, {"signer_name": "Henrik Jansen", "method": "typed", "consent": "on"}
    )
    assert "changed after it was prepared" in response.content.decode()
    assert not Signature.objects.exists()


def test_r12_only_the_accepted_quote_is_sent_and_only_once_signed(
    client, users, accepted, signatory, django_capture_on_commit_callbacks
):
    _, link = send(users, accepted, signatory, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(link, {"signer_name": "Henrik Jansen", "method": "typed", "consent": "on"})
    with pytest.raises(DomainError, match="already signed"):
        send(users, accepted, signatory, django_capture_on_commit_callbacks)


@pytest.mark.parametrize("sent", [2, 6])
def test_document_page_query_count(
    login,
    users,
    accepted,
    signatory,
    django_assert_num_queries,
    django_capture_on_commit_callbacks,
    sent,
):
    for _ in range(sent):
        send(users, accepted, signatory, django_capture_on_commit_callbacks)
    client = login(users["rep"])
    # 1 session, 2 user, 3-4 permissions, 5 roles, 6 the document with quote and account,
    # 7 signature, 8 signing requests with signatory and sender, 9-13 history rows of 3
    # models and their predecessors, 14-18 records they name (document, contact, user,
    # quotes), 19 the signatory choices, 20 "is there a signatory at all?"
    with django_assert_num_queries(20):
        client.get(accepted.get_absolute_url())


def test_accepting_from_the_quote_page(login, users, rep_account, world):
    quote = new_quote(users, rep_account)
    place(users, quote, world["HQ"])
    sales_services.quote_transition(actor=users["rep"], quote_id=quote.pk, name="finalise")
    client = login(users["rep"])
    page = client.get(quote.get_absolute_url()).content.decode()
    assert reverse("contracts:quote_accept", args=[quote.pk]) in page
    # What the customer accepts: the amounts, in the quote's currency.
    line = quote.lines.get()
    accept = client.get(reverse("contracts:quote_accept", args=[quote.pk])).content.decode()
    assert "line(s)" not in accept and "1 line," in accept
    assert f'Monthly recurring</th><td class="text-end">{money(line.total_recurring)}' in accept
    assert f'One-time</th><td class="text-end">{money(line.total_one_time)}' in accept
    response = client.post(reverse("contracts:quote_accept", args=[quote.pk]), follow=True)
    document = Document.objects.get(quote=quote)
    assert response.redirect_chain[-1][0] == document.get_absolute_url()
    assert Quote.objects.get(pk=quote.pk).state == "accepted"
    assert Decimal(document.quote.lines.get().net_recurring) > 0


def test_r12_the_summary_shows_list_agreement_price_and_extra_discount(users, rep_account, world):
    agreement(users, rep_account, recurring_price=Decimal("199.00"))
    quote = new_quote(users, rep_account)
    place(users, quote, world["HQ"], discount="7.5", bandwidth="100")
    rendered = render_pdf("contracts/pdf/quote_summary.html", quote_document_context(quote))
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(rendered.pdf)).pages)
    assert "Agreement / month" in text and "Extra disc." in text
    # list 478.00, the agreement's price 428.00, 7.5 % on top: 395.90 a month
    row = next(line for line in text.splitlines() if "EUR 478.00" in line)
    assert "EUR 428.00" in row and "7.50 %" in row and "EUR 395.90" in row, row


def test_document_benchmark_renders_a_large_quote_next_to_bare_weasyprint(accepted):
    """``bench_documents`` prints both timings and their ratio, and leaves nothing behind."""
    from django.core.management import call_command

    quotes = Quote.objects.count()
    out = io.StringIO()
    call_command("bench_documents", "--lines", "6", "--runs", "1", stdout=out)
    report = out.getvalue()
    assert "Quote summary PDF of 6 lines" in report
    assert "bare WeasyPrint, same HTML" in report and "x bare" in report
    assert Quote.objects.count() == quotes
