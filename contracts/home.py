"""The contracts app's home-page panel: documents out for signature."""

from django.db.models import Q

from .models import SigningRequest


def my_signatures_panel(request):
    """Signing requests I sent, or for my quotes, that wait for the customer."""
    user = request.user
    if not user.has_perm("contracts.view_document"):
        return None
    waiting = list(
        SigningRequest.objects.visible_to(user).open()
        .filter(Q(document__quote__owner=user) | Q(sent_by=user))
        .select_related("document__quote__account", "signatory").order_by("expires_at")[:8]
    )  # fmt: skip
    return {"waiting": waiting} if waiting else None
