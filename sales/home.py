"""The sales app's contributions to the UI shell: navigation and home-page panels."""

from django.db.models import Q

from telcrm.audit import history_entries

from .models import Account, BillingProfile, Contact, Location


def my_accounts_panel(request):
    """The accounts the user owns, and the latest changes to them or made by them."""
    user = request.user
    if not user.has_perm("sales.view_account"):
        return None
    mine = Account.objects.visible_to(user).owned_by(user)
    accounts = list(mine.order_by("-updated_at")[:8])
    mine_ids = mine.values("pk")
    by_me = Q(history_user=user)
    history = history_entries(
        [
            Account.history.filter(Q(id__in=mine_ids) | by_me),
            Location.history.filter(Q(account_id__in=mine_ids) | by_me),
            Contact.history.filter(Q(account_id__in=mine_ids) | by_me),
            BillingProfile.history.filter(Q(account_id__in=mine_ids) | by_me),
        ],
        limit=10,
    )
    return {"accounts": accounts, "count": mine.count(), "history": history}
