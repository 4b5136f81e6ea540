"""R28: the whole chain of one deal, from any of its records, both ways.

lead -> opportunity -> agreement / quote versions -> sales contract -> service contracts ->
order -> domain orders -> tasks -> product inventory -> service inventory -> configuration
items. It lives here, in the highest layer, because it reads every layer.

The walk goes up first, to the chain's roots: the quote numbers (every version of a quote
shares its number) and the opportunities they were made for. Everything below a quote
carries its number through its foreign keys, so each level down is then one query filtered
on those numbers, whatever the visibility of the levels in between. The number of queries is
fixed: one for the roots, one per level (each with its ``select_related``), never one per
row. Each level is read through its model's ``visible_to`` (R29), and a level whose view
permission the user's role lacks is not read at all.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Coalesce
from django.urls import NoReverseMatch, reverse

from cmdb.models import ConfigurationItem, ProductInventory, ServiceInventory
from contracts.models import SalesContract, ServiceContract
from orders.models import DomainOrder, Order
from sales.models import Lead, Opportunity, Quote, SalesAgreement
from telcrm.views import model_permission

from .models import Task


def _visible_domain_orders(user) -> models.QuerySet:
    return DomainOrder.objects.filter(order__in=Order.objects.visible_to(user).values("pk"))


def _visible_services(user) -> models.QuerySet:
    products = ProductInventory.objects.visible_to(user).values("pk")
    return ServiceInventory.objects.filter(product__in=products)


def _url(obj) -> str:
    try:
        return obj.get_absolute_url()
    except NoReverseMatch:  # a page not (yet) served: the node shows without a link
        return ""


def _order_url(order_id: int, anchor: str) -> str:
    return reverse("orders:order_detail", args=[order_id]) + anchor


def _service_url(service: ServiceInventory) -> str:
    product = service.product
    return reverse("cmdb:account_inventory", args=[product.account_id]) + f"#{product.number}"


def _quote_summary(quote: Quote) -> str:
    current = " (current)" if quote.is_current else ""
    return f"Version {quote.version}{current} · {quote.account.name}"


@dataclass(frozen=True)
class Kind:
    """How one kind of record takes part in the trace. Its rows in a chain are found through
    the quote numbers (``up``) or, before the quote, through the opportunity (``opportunity``).
    """

    key: str  # as in the URL
    label: str
    model: type[models.Model]
    up: tuple[str, ...] = ()  # from a record of this kind to its quote number (first set)
    opportunity: str = ""  # from a record of this kind to its opportunity's pk
    related: tuple[str, ...] = ()
    state: str = "state"
    summary: Callable[[models.Model], str] = str
    url: Callable[[models.Model], str] = _url
    empty: str = "None yet."
    permission: str = ""  # the model's view permission unless named
    records_for: Callable[[object], models.QuerySet] | None = None  # else its visible_to

    def __post_init__(self) -> None:
        if not self.permission:
            object.__setattr__(self, "permission", model_permission(self.model, "view"))

    def visible(self, user) -> models.QuerySet:
        if self.records_for is not None:
            return self.records_for(user)
        return self.model.objects.visible_to(user)

    def below(self, numbers: list[str], opportunities: set[int]) -> Q:
        """The rows of this level in the chain of these quote numbers and opportunities."""
        if self.opportunity:
            return Q(**{f"{self.opportunity}__in": opportunities})
        where = Q(**{f"{self.up[0]}__in": numbers})
        for path in self.up[1:]:
            where |= Q(**{f"{path}__in": numbers})
        return where


KINDS: dict[str, Kind] = {
    k.key: k
    for k in [
        Kind(
            "lead",
            "Lead",
            Lead,
            opportunity="opportunity",
            summary=lambda o: o.company_name,
            empty="No lead: the deal did not start from one.",
        ),
        Kind(
            "opportunity",
            "Opportunity",
            Opportunity,
            opportunity="pk",
            related=("account",),
            state="stage",
            summary=lambda o: f"{o.name} · {o.account.name}",
            empty="No opportunity.",
        ),
        Kind(
            "agreement",
            "Sales agreement",
            SalesAgreement,
            up=("quotes__number",),
            summary=lambda o: o.name,
            empty="No sales agreement prices this deal.",
        ),
        Kind(
            "quote",
            "Quote",
            Quote,
            up=("number",),
            related=("account",),
            summary=_quote_summary,
            empty="No quote yet.",
        ),
        Kind(
            "salescontract",
            "Sales contract",
            SalesContract,
            up=("quote__number",),
            related=("account", "quote"),
            summary=lambda o: f"{o.account.name} · from {o.quote}",
            empty="No contract yet.",
        ),
        Kind(
            "servicecontract",
            "Service contract",
            ServiceContract,
            up=("sales_contract__quote__number",),
            related=("site", "sales_contract"),
            summary=lambda o: f"{o.site.name} · under {o.sales_contract.number}",
            empty="No service contract yet.",
        ),
        Kind(
            "order",
            "Order",
            Order,
            up=("quote__number",),
            related=("account", "quote"),
            summary=lambda o: f"{o.account.name} · from {o.quote}",
            empty="No order yet.",
        ),
        Kind(
            "domainorder",
            "Domain order",
            DomainOrder,
            up=("order__quote__number",),
            related=("site", "order"),
            summary=lambda o: f"{o.get_domain_display()} at {o.site.name} · {o.order.number}",
            url=lambda o: _order_url(o.order_id, "#decomposition"),
            empty="No domain orders yet: the order is decomposed on approval.",
            permission="orders.view_order",
            records_for=_visible_domain_orders,
        ),
        Kind(
            "task",
            "Task",
            Task,
            up=("sub_flow__domain_order__order__quote__number",),
            related=("sub_flow__domain_order",),
            summary=lambda o: f"{o.name} · {o.sub_flow.domain_order.number}",
            url=lambda o: _order_url(o.sub_flow.domain_order.order_id, "#fulfillment"),
            empty="No tasks yet: they come when the order's work starts.",
        ),
        Kind(
            "product",
            "Product",
            ProductInventory,
            up=("sales_contract__quote__number",),
            related=("offering", "site"),
            state="status",
            summary=lambda o: f"{o.offering.name} at {o.site.name}",
            empty="No product inventory yet: it is created when the order is approved.",
        ),
        Kind(
            "service",
            "Service",
            ServiceInventory,
            up=("product__sales_contract__quote__number",),
            related=("specification", "product"),
            summary=lambda o: f"{o.specification.name} · {o.product.number}",
            url=_service_url,
            empty="No services yet: they are activated when the order closes.",
            permission="cmdb.view_productinventory",
            records_for=_visible_services,
        ),
        Kind(
            "item",
            "Configuration item",
            ConfigurationItem,
            up=(
                "product__sales_contract__quote__number",
                "service__product__sales_contract__quote__number",
            ),
            related=("site",),
            state="operational_status",
            summary=lambda o: f"{o.get_kind_display()} {o.name}",
            empty="No configuration items yet: they are built when the order closes.",
        ),
    ]
}


@dataclass
class Node:
    number: str
    summary: str
    state: str
    badge: str
    url: str
    start: bool = False


@dataclass
class Level:
    kind: Kind
    nodes: list[Node] = field(default_factory=list)
    allowed: bool = True  # False: the user's role does not see this kind of record


@dataclass
class Trace:
    start: models.Model
    start_kind: Kind
    levels: list[Level]

    @property
    def start_node(self) -> Node:
        """The record traced from: always in its own level (the same visibility let the
        user open it)."""
        return next(node for level in self.levels for node in level.nodes if node.start)


def visible(kind: str, user) -> models.QuerySet:
    """The records of ``kind`` that ``user`` may trace from (KeyError for an unknown kind)."""
    return KINDS[kind].visible(user)


def _roots(kind: Kind, record: models.Model) -> tuple[list[str], set[int]]:
    """Up: the quote numbers of the chain ``record`` belongs to, and its opportunities.

    One query: every version of every quote of the record's opportunities, and of the quote
    numbers the record itself leads to (a quote made from an agreement has no opportunity).
    """
    opportunities: set[int] = set()
    if kind.key == "lead" and record.opportunity_id:
        opportunities.add(record.opportunity_id)
    elif kind.key == "opportunity":
        opportunities.add(record.pk)
    seeds = Q(opportunity__in=opportunities)
    if kind.up:
        number = Coalesce(*kind.up) if len(kind.up) > 1 else F(kind.up[0])
        numbers = kind.model.objects.filter(pk=record.pk).values(quote_number=number)
        opportunities_of_numbers = Quote.objects.filter(number__in=numbers).values("opportunity")
        seeds |= Q(number__in=numbers) | Q(opportunity__in=opportunities_of_numbers)
    rows = set(Quote.objects.filter(seeds).order_by().values_list("number", "opportunity_id"))
    return sorted({n for n, _ in rows}), opportunities | {o for _, o in rows if o}


def _node(kind: Kind, row: models.Model, start: tuple[str, int]) -> Node:
    return Node(
        number=str(row) if kind.key == "quote" else row.number,  # "Q-000007 v2"
        summary=kind.summary(row),
        state=getattr(row, f"get_{kind.state}_display")(),
        badge=row.badge,
        url=kind.url(row),
        start=(kind.key, row.pk) == start,
    )


def _level(
    kind: Kind, user, numbers: list[str], opportunities: set[int], start: tuple[str, int]
) -> Level:
    """Down: one query for the rows of ``kind`` in the chain that ``user`` may see."""
    if not user.has_perm(kind.permission):
        return Level(kind, allowed=False)
    where = kind.below(numbers, opportunities)
    if kind.key == start[0]:
        where |= Q(pk=start[1])  # a lead not converted yet, an agreement without quotes
    chain = kind.model.objects.filter(where).values("pk")  # joins may repeat a row
    rows = kind.visible(user).filter(pk__in=chain)
    if kind.related:
        rows = rows.select_related(*kind.related)
    if kind.key == "quote":
        rows = rows.order_by("number", "version")
    return Level(kind, [_node(kind, row, start) for row in rows])


def trace_build(kind: str, record: models.Model, user) -> Trace:
    """R28: the chain of ``record`` (of ``kind``, already checked visible to ``user``), level
    by level from the lead down to the configuration items, in a fixed number of queries."""
    start_kind = KINDS[kind]
    numbers, opportunities = _roots(start_kind, record)
    start = (kind, record.pk)
    levels = [_level(k, user, numbers, opportunities, start) for k in KINDS.values()]
    return Trace(start=record, start_kind=start_kind, levels=levels)
