"""Decomposition (R19), from catalog data only: each order line becomes child lines, one per
product specification its configuration decomposes into; each specification's domain gets a
domain order per site; catalog relationships that require or are realized as another
specification make one domain order wait for another. The same plan is the preview before
submission and what approval stores, so they cannot disagree."""

from __future__ import annotations

from dataclasses import dataclass, field

from sales import catalog
from sales.choices import Domain, RelationshipKind
from sales.models import Account, Location

from .models import DomainOrder, Order, OrderLine

WAITING_KINDS = (RelationshipKind.REQUIRES, RelationshipKind.REALIZED_AS)

Key = tuple[int, str]  # (site id, domain)


@dataclass
class PlannedChild:
    line: OrderLine
    item: catalog.DecompositionItem
    key: Key


@dataclass
class PlannedDomainOrder:
    key: Key
    site: Account
    location: Location
    children: list[PlannedChild] = field(default_factory=list)
    waits_for: dict[Key, str] = field(default_factory=dict)  # key -> why
    stage: int = 1

    @property
    def domain(self) -> str:
        return self.key[1]

    @property
    def domain_label(self) -> str:
        return Domain(self.domain).label


@dataclass
class Plan:
    domain_orders: dict[Key, PlannedDomainOrder]
    children: dict[int, list[PlannedChild]]  # by order line id
    problems: list[str]

    @property
    def stages(self) -> int:
        return max((d.stage for d in self.domain_orders.values()), default=0)


def plan_order(order: Order, lines: list[OrderLine] | None = None) -> Plan:
    """The decomposition of ``order`` as the catalog says now: three queries, whatever the
    number of lines (lines with their offerings' specifications, and the relationships)."""
    if lines is None:
        lines = list(
            order.lines.select_related("site", "location", "offering").prefetch_related(
                "offering__specifications"
            )
        )
    graph = catalog.relationship_graph()
    domain_orders: dict[Key, PlannedDomainOrder] = {}
    children: dict[int, list[PlannedChild]] = {}
    problems: list[str] = []
    for line in lines:
        config = line.characteristics or {}
        items = catalog.decomposition_preview(line.offering, config, graph)
        if not items:
            problems.append(
                f"{line}: {line.offering.name} names no product specification, "
                "so nothing would be delivered."
            )
        specs = {item.specification.pk: item.specification for item in items}
        for item in items:
            key = (line.site_id, item.domain)
            planned = domain_orders.setdefault(
                key, PlannedDomainOrder(key, line.site, line.location)
            )
            child = PlannedChild(line, item, key)
            planned.children.append(child)
            children.setdefault(line.pk, []).append(child)
            for rel in graph.get(item.specification.pk, []):
                if rel.kind not in WAITING_KINDS or rel.target_id not in specs:
                    continue
                target_key = (line.site_id, specs[rel.target_id].domain)
                if target_key != key and rel.applies_to(config):
                    planned.waits_for.setdefault(
                        target_key,
                        f"{item.specification.code} {rel.get_kind_display().lower()} "
                        f"{rel.target.code}",
                    )
    problems += _assign_stages(domain_orders)
    return Plan(domain_orders, children, problems)


def _assign_stages(domain_orders: dict[Key, PlannedDomainOrder]) -> list[str]:
    """Stage 1 waits for nothing; stage n waits only for earlier stages. A cycle in the
    catalog's relationships is named, and its members stay at stage 1."""
    problems = []
    done: dict[Key, int] = {}

    def stage(key: Key, path: tuple[Key, ...]) -> int:
        if key in done:
            return done[key]
        if key in path:
            names = " -> ".join(domain_orders[k].domain_label for k in (*path, key))
            problems.append(f"The catalog's relationships form a cycle: {names}.")
            return 0
        waits = domain_orders[key].waits_for
        value = 1 + max((stage(k, (*path, key)) for k in waits if k in domain_orders), default=0)
        done[key] = value
        return value

    for key, planned in domain_orders.items():
        planned.stage = stage(key, ())
    return sorted(set(problems))


def stored_domain_orders(order: Order) -> list[DomainOrder]:
    """The domain orders approval made, with their dependencies and child lines (with their
    specifications): four queries. A dependency's ``depends_on`` is one of the same list."""
    domain_orders = list(
        order.domain_orders.select_related("site").prefetch_related(
            "dependencies", "child_lines__specification"
        )
    )
    by_id = {d.pk: d for d in domain_orders}
    for domain_order in domain_orders:
        for dependency in domain_order.dependencies.all():
            dependency.depends_on = by_id[dependency.depends_on_id]
    return domain_orders
