"""The contracts app's home-page panel: documents out for signature."""

from django.db.models import Q

from sales.models import Quote

from .models import SigningRequest


def my_signatures_panel(request):
    """Signing requests I sent, or for my quotes, that wait for the customer."""
    user = request.user
    if not user.has_perm("contracts.view_document"):
        return None
    waiting = list(
        SigningRequest.objects.visible_to(user).open()
        .filter(Q(document__quote__owner=user) | Q(sent_by=user))
        .select_related("document__quote__account", "document__agreement__account", "signatory")
        .order_by("expires_at")[:8]
    )  # fmt: skip
    return {"waiting": waiting} if waiting else None


def contracts_to_do_panel(request):
    """For whoever makes contracts: signed quotes without their sales contract, and sales
    contracts still in draft or missing service contracts (R13, R14)."""
    user = request.user
    if not user.has_perm("contracts.add_salescontract"):
        return None
    from django.db.models import Count, F

    from .models import SalesContract, Signature

    signed = list(
        Signature.objects.filter(quote__isnull=False, quote__sales_contract__isnull=True,
                                 quote__in=Quote.objects.visible_to(user).values("pk"))
        .select_related("quote__account").order_by("signed_at")[:8]
    )  # fmt: skip
    contracts = list(
        SalesContract.objects.visible_to(user).filter(state__in=["draft", "active"])
        .annotate(sites=Count("lines__site", distinct=True),
                  services=Count("service_contracts", distinct=True))
        .filter(Q(state="draft") | Q(services__lt=F("sites")))
        .select_related("account").order_by("created_at")[:8]
    )  # fmt: skip
    return {"signed": signed, "contracts": contracts}
