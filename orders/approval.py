"""Approval checks (R18): a financial check (billing profile active; the customer's credit
limit against its open orders plus this order's first-year charges) and an operational check
(the delivery lead time, and every line decomposes into work). Pure reads, a fixed number of
queries."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.db.models import DecimalField, ExpressionWrapper, F, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from sales.choices import BillingProfileState
from telcrm.templatetags.telcrm_tags import money

from .choices import OrderState
from .decomposition import Plan, plan_order
from .models import Order, OrderLine
from .validation import Check

# Approved orders not yet delivered: what the customer owes for but has not received.
EXPOSED_STATES = (OrderState.IN_PROGRESS, OrderState.HELD)

_amount = DecimalField(max_digits=18, decimal_places=2)
FIRST_YEAR = ExpressionWrapper(
    (F("net_recurring") * 12 + F("net_one_time") + F("surcharge")) * F("quantity"),
    output_field=_amount,
)


def first_year_charges(lines) -> Decimal:
    return sum(
        (
            (line.net_recurring * 12 + line.net_one_time + line.surcharge) * line.quantity
            for line in lines
        ),
        Decimal("0"),
    )


def open_exposure(order: Order) -> Decimal:
    """First-year charges of the customer's other approved, undelivered orders: one query."""
    return (
        OrderLine.objects.filter(
            order__account_id=order.account_id, order__state__in=EXPOSED_STATES
        )
        .exclude(order_id=order.pk)
        .aggregate(total=Coalesce(Sum(FIRST_YEAR), Value(Decimal("0")), output_field=_amount))[
            "total"
        ]
    )


def approval_checks(order: Order, lines: list[OrderLine], plan: Plan | None = None) -> list[Check]:
    account = order.account
    currency = order.quote.currency
    this_order = first_year_charges(lines)
    exposure = open_exposure(order)

    financial, details = [], []
    profile = order.billing_profile
    if profile.state != BillingProfileState.ACTIVE:
        financial.append(f"{profile} is {profile.get_state_display().lower()}.")
    limit = account.credit_limit
    details.append(
        f"Credit limit {money(limit, account.credit_currency)}; other open orders "
        f"{money(exposure, currency)}; this order {money(this_order, currency)} "
        "in its first year."
    )
    if account.credit_currency != currency:
        financial.append(
            f"The credit limit is in {account.credit_currency} and the order in "
            f"{currency}: have finance set the limit in {currency}."
        )
    elif limit <= 0:
        financial.append(f"{account.name} has no credit limit: have finance set one.")
    elif exposure + this_order > limit:
        financial.append(
            f"Open orders and this one ({money(exposure + this_order, currency)}) "
            f"exceed the credit limit by "
            f"{money(exposure + this_order - limit, currency)}."
        )

    operational = []
    lead_days = settings.ORDER_LEAD_DAYS
    earliest = timezone.localdate() + timedelta(days=lead_days)
    if order.requested_date < earliest:
        operational.append(
            f"The requested delivery date {order.requested_date:%d %b %Y} leaves "
            f"less than the {lead_days}-day delivery lead time "
            f"(earliest {earliest:%d %b %Y})."
        )
    plan = plan or plan_order(order, lines)
    operational += plan.problems
    ops_details = [f"{len(plan.domain_orders)} domain order(s) in {plan.stages} stage(s)."]
    return [
        Check("Financial check", not financial, financial, details),
        Check("Operational check", not operational, operational, ops_details),
    ]
