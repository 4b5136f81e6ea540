"""The sales app's contributions to the UI shell: navigation and home-page panels."""

from django.db.models import F

from telcrm.audit import history_entries

from .choices import OPEN_STAGES, LeadState, QuoteState
from .models import Account, BillingProfile, Contact, Lead, Location, Opportunity, Quote


def my_accounts_panel(request):
    """The accounts the user owns, and the latest changes to them or made by them."""
    user = request.user
    if not user.has_perm("sales.view_account"):
        return None
    mine = Account.objects.visible_to(user).owned_by(user)
    accounts = list(mine.order_by("-updated_at")[:8])
    mine_ids = mine.values("pk")
    history = history_entries(
        [
            Account.history.filter(id__in=mine_ids),
            Location.history.filter(account_id__in=mine_ids),
            Contact.history.filter(account_id__in=mine_ids),
            BillingProfile.history.filter(account_id__in=mine_ids),
        ]
        + [
            model.history.filter(history_user=user)
            for model in (Account, Location, Contact, BillingProfile)
        ],
        limit=10,
    )
    return {"accounts": accounts, "count": mine.count(), "history": history}


def my_pipeline_panel(request):
    """The user's open leads and opportunities."""
    user = request.user
    if not (user.has_perm("sales.view_lead") or user.has_perm("sales.view_opportunity")):
        return None
    leads = []
    if user.has_perm("sales.view_lead"):
        leads = list(
            Lead.objects.visible_to(user)
            .owned_by(user)
            .filter(state__in=[LeadState.NEW, LeadState.WORKING, LeadState.QUALIFIED])
            .order_by("-created_at")[:8]
        )
    opportunities = []
    if user.has_perm("sales.view_opportunity"):
        opportunities = list(
            Opportunity.objects.visible_to(user)
            .owned_by(user)
            .filter(stage__in=OPEN_STAGES)
            .select_related("account")
            .with_amount()
            .order_by("expected_close_date")[:8]
        )
    return {"leads": leads, "opportunities": opportunities}


def my_quotes_panel(request):
    """Quotes waiting for my approval (sales managers), and my open quotes."""
    user = request.user
    if not user.has_perm("sales.view_quote"):
        return None
    visible = Quote.objects.visible_to(user).filter(is_current=True).select_related("account")
    approvals = []
    if user.has_perm("sales.approve_quote"):
        approvals = list(visible.filter(state=QuoteState.PENDING).order_by("created_at")[:8])
    mine = list(
        visible.owned_by(user)
        .filter(state__in=[QuoteState.DRAFT, QuoteState.PENDING, QuoteState.APPROVED])
        .order_by(F("price_notice").desc(), "-updated_at")[:8]
    )  # repriced quotes first: their owner should look at them (R7)
    return {
        "approvals": approvals,
        "quotes": mine,
        "approver": user.has_perm("sales.approve_quote"),
    }
