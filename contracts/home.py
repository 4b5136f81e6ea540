"""The contracts app's home-page panels: documents out for signature, contracts to make, and
what of mine expired lately."""

from datetime import timedelta

from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from sales.choices import AgreementState, QuoteState
from sales.models import Quote, SalesAgreement
from telcrm.querysets import count_of, first_rows

from .choices import ContractState
from .models import (
    SalesContract,
    SalesContractLine,
    ServiceContract,
    Signature,
    SigningRequest,
)

EXPIRED_RECENTLY_DAYS = 14


def my_signatures_panel(request):
    """Signing requests I sent, or for my quotes, that wait for the customer."""
    user = request.user
    if not user.has_perm("contracts.view_document"):
        return None
    waiting = first_rows(
        SigningRequest.objects.visible_to(user)
        .open()
        .filter(Q(document__quote__owner=user) | Q(sent_by=user))
        .select_related("document__quote__account", "document__agreement__account", "signatory")
        .order_by("expires_at", "pk"),
        8,
    )
    return {"waiting": waiting} if waiting else None


def contracts_to_do_panel(request):
    """For whoever makes contracts: signed quotes without their sales contract, and sales
    contracts still in draft or missing service contracts (R13, R14)."""
    user = request.user
    if not user.has_perm("contracts.add_salescontract"):
        return None
    signed = first_rows(
        Signature.objects.filter(
            quote__isnull=False, quote__in=Quote.objects.visible_to(user).values("pk")
        )
        .exclude(Exists(SalesContract.objects.filter(quote_id=OuterRef("quote_id"))))
        .select_related("quote__account")
        .order_by("signed_at", "pk"),
        8,
    )
    # A site of the contract without its service contract (R14): one anti-join over the
    # lines, not a count of sites and services per contract.
    uncovered = SalesContractLine.objects.filter(
        ~Exists(
            ServiceContract.objects.filter(
                sales_contract=OuterRef("contract"), site=OuterRef("site")
            )
        )
    ).values("contract")
    contracts = first_rows(
        SalesContract.objects.visible_to(user)
        .filter(Q(state="draft") | Q(state="active", pk__in=uncovered))
        .annotate(
            sites=count_of(SalesContractLine.objects.all(), "contract", distinct="site"),
            services=count_of(ServiceContract.objects.all(), "sales_contract"),
        )
        .select_related("account")
        .order_by("created_at", "pk"),
        8,
    )
    return {"signed": signed, "contracts": contracts}


def _expired_kinds(user):
    """Per kind of record: the permission to see it, the user's expired ones (lazy), what to
    read with them, and a row's customer and end date."""
    return [
        (
            "sales.view_quote",
            Quote.objects.visible_to(user)
            .owned_by(user)
            .filter(is_current=True, state=QuoteState.EXPIRED),
            "account",
            lambda q: (q.account.name, q.valid_until),
        ),
        (
            "sales.view_salesagreement",
            SalesAgreement.objects.visible_to(user).filter(
                account__owner=user, state=AgreementState.EXPIRED
            ),
            "account",
            lambda a: (a.account.name, a.valid_to),
        ),
        (
            "contracts.view_salescontract",
            SalesContract.objects.visible_to(user).filter(owner=user, state=ContractState.EXPIRED),
            "account",
            lambda c: (c.account.name, c.end_date),
        ),
        (
            "contracts.view_servicecontract",
            ServiceContract.objects.visible_to(user).filter(
                sales_contract__owner=user, state=ContractState.EXPIRED
            ),
            "site",
            lambda s: (s.site.name, s.end_date),
        ),
    ]


def expired_recently_panel(request):
    """My quotes, agreements (of accounts I own) and contracts that expired in the last
    14 days, so that I hear of it without opening each (one query per kind shown)."""
    user = request.user
    since = timezone.now() - timedelta(days=EXPIRED_RECENTLY_DAYS)
    rows = []
    for permission, expired, related, customer_and_end in _expired_kinds(user):
        if user.has_perm(permission):
            # The expiry is their last change: they are read-only since.
            records = (
                expired.filter(updated_at__gte=since)
                .select_related(related)
                .order_by("-updated_at")[:8]
            )
            rows += [(r, *customer_and_end(r), r.updated_at) for r in records]
    if not rows:
        return None
    rows.sort(key=lambda row: row[3], reverse=True)
    return {"expired": [{"record": r, "customer": c, "ended": e} for r, c, e, _ in rows[:12]]}
