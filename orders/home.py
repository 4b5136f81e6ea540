"""The orders app's home-page panels: approvals waiting for order managers (R18), the orders
whose approval waits for finance, and the rep's orders that need them (to validate and
submit, held, or returned with reasons)."""

from django.db.models import Exists, F, OuterRef, Q

from sales.choices import BillingProfileState
from telcrm.querysets import count_of, first_rows

from .choices import OrderState
from .models import Order, OrderLine


def orders_to_approve_panel(request):
    """Pending orders, oldest first, for whoever approves them."""
    user = request.user
    if not user.has_perm("orders.approve_order"):
        return None
    pending = Order.objects.visible_to(user).filter(state=OrderState.PENDING)
    held = Order.objects.visible_to(user).filter(state=OrderState.HELD)
    approvals = first_rows(
        pending.select_related("account", "owner")
        .annotate(line_count=count_of(OrderLine.objects.all(), "order"))
        .order_by("updated_at", "pk"),
        8,
    )
    return {"approvals": approvals, "pending": pending.count(), "held": held.count()}


def my_orders_panel(request):
    """My orders that wait for me: not yet submitted, held, or rejected and not ordered
    again since."""
    user = request.user
    if not user.has_perm("orders.add_order"):
        return None
    reordered = Order.objects.filter(
        sales_contract_id=OuterRef("sales_contract_id"), created_at__gt=OuterRef("created_at")
    ).exclude(state__in=[OrderState.CANCELLED, OrderState.REJECTED])
    mine = first_rows(
        Order.objects.visible_to(user)
        .filter(owner=user)
        .annotate(reordered=Exists(reordered))
        .filter(
            Q(state__in=[OrderState.ACKNOWLEDGED, OrderState.HELD])
            | Q(state=OrderState.REJECTED, reordered=False)
        )
        .select_related("account")
        .order_by("-updated_at", "-pk"),
        8,
    )
    return {"orders": mine} if mine else None


def waiting_for_finance_panel(request):
    """Pending orders that the financial check refuses for want of finance's work: the
    customer has no credit limit, a limit in another currency, or an inactive billing
    profile (R18)."""
    user = request.user
    if not (user.has_perm("sales.set_credit_limit") and user.has_perm("orders.view_order")):
        return None
    waiting = (
        Order.objects.visible_to(user)
        .filter(state=OrderState.PENDING)
        .filter(
            Q(account__credit_limit__lte=0)
            | ~Q(account__credit_currency=F("quote__currency"))
            | ~Q(billing_profile__state=BillingProfileState.ACTIVE)
        )
    )
    orders = first_rows(
        waiting.select_related("account", "billing_profile", "quote").order_by("updated_at", "pk"),
        8,
    )
    for order in orders:
        account, profile = order.account, order.billing_profile
        order.finance_reasons = [
            reason
            for problem, reason in [
                (account.credit_limit <= 0, "no credit limit"),
                (
                    account.credit_limit > 0 and account.credit_currency != order.quote.currency,
                    f"credit limit in {account.credit_currency}, order in {order.quote.currency}",
                ),
                (
                    profile.state != BillingProfileState.ACTIVE,
                    f"billing profile {profile.billing_account_number} inactive",
                ),
            ]
            if problem
        ]
    return {"orders": orders, "count": waiting.count()}
