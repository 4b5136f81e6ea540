"""Deals at a telco's size (``manage.py seed_scale``): copies of the demo's ordered deals,
whole, each on a seeded customer of its own: the accepted quote with its signed documents,
the sales and service contracts, the orders with their domain orders, sub flows, tasks,
field visits and fall-outs in the state the demo left them, and the installed base (product
and service inventory, configuration items, allocated resources).

A copy is the demo's records with new numbers and the new customer's sites, addresses,
contact, billing account, owner and team, so the order pages, work queues and inventory
read them as they read the demo's. It lives in the top layer because a deal spans them all.
"""

import hashlib
import random
import secrets
from collections import defaultdict

from django.db.models import Q

from cmdb.models import (
    ConfigurationItem,
    ProductInventory,
    Relationship,
    ResourceAllocation,
    ServiceInventory,
)
from contracts.models import (
    Document,
    Entitlement,
    SalesContract,
    SalesContractLine,
    ServiceContract,
    Signature,
    SigningRequest,
    SlaCommitment,
)
from orders.models import ChildLine, DomainOrder, DomainOrderDependency, Order, OrderLine
from sales.choices import AccountType
from sales.models import Account, BillingProfile, Contact, Location, Quote, QuoteLine
from telcrm.scale import Copies, Crowd, Size

from .models import Fallout, FieldWorkOrder, SubFlow, Task, TaskDependency

# How often each kind of demo deal is copied, by its orders' states: mostly deals in
# fulfillment (the work queues' load), then completed ones (the installed base).
WEIGHTS = {"in_progress": 6, "completed": 3, "pending": 1, "rejected": 1}


class Template:
    """One demo deal (a sales contract with its orders), its rows by model, and the
    customer's accounts and locations it uses."""

    def __init__(self, contract: SalesContract):
        self.contract = contract
        orders = list(Order.objects.filter(sales_contract=contract).order_by("pk"))
        self.orders = len(orders)
        self.weight = max(WEIGHTS.get(order.state, 1) for order in orders)
        quotes = {contract.quote_id} | {order.quote_id for order in orders}
        rows = self.rows = {}
        rows[Quote] = list(Quote.objects.filter(pk__in=quotes).order_by("pk"))
        rows[QuoteLine] = list(QuoteLine.objects.filter(quote__in=quotes).order_by("pk"))
        rows[Document] = list(Document.objects.filter(quote__in=quotes).order_by("pk"))
        rows[SigningRequest] = list(
            SigningRequest.objects.filter(document__in=rows[Document]).order_by("pk")
        )
        rows[Signature] = list(Signature.objects.filter(quote__in=quotes).order_by("pk"))
        rows[SalesContract] = [contract]
        rows[SalesContractLine] = list(contract.lines.order_by("pk"))
        services = list(contract.service_contracts.order_by("pk"))
        rows[ServiceContract] = services
        rows[Entitlement] = list(Entitlement.objects.filter(service_contract__in=services))
        rows[SlaCommitment] = list(SlaCommitment.objects.filter(service_contract__in=services))
        products = list(ProductInventory.objects.filter(sales_contract=contract).order_by("pk"))
        rows[ProductInventory] = products
        rows[ServiceInventory] = list(ServiceInventory.objects.filter(product__in=products))
        items = list(ConfigurationItem.objects.filter(product__in=products).order_by("pk"))
        rows[ConfigurationItem] = items
        rows[Relationship] = list(
            Relationship.objects.filter(source__in=items, target__in=items).order_by("pk")
        )
        rows[ResourceAllocation] = list(
            ResourceAllocation.objects.filter(product__in=products).order_by("pk")
        )
        rows[Order] = orders
        rows[OrderLine] = list(OrderLine.objects.filter(order__in=orders).order_by("pk"))
        domain_orders = list(DomainOrder.objects.filter(order__in=orders).order_by("pk"))
        rows[DomainOrder] = domain_orders
        rows[DomainOrderDependency] = list(
            DomainOrderDependency.objects.filter(domain_order__in=domain_orders)
        )
        rows[ChildLine] = list(
            ChildLine.objects.filter(domain_order__in=domain_orders).order_by("pk")
        )
        rows[SubFlow] = list(SubFlow.objects.filter(domain_order__in=domain_orders).order_by("pk"))
        tasks = list(Task.objects.filter(sub_flow__in=rows[SubFlow]).order_by("pk"))
        rows[Task] = tasks
        rows[TaskDependency] = list(TaskDependency.objects.filter(task__in=tasks))
        rows[FieldWorkOrder] = list(FieldWorkOrder.objects.filter(task__in=tasks))
        rows[Fallout] = list(Fallout.objects.filter(order__in=orders).order_by("pk"))
        self.sites = sorted(
            {
                getattr(row, name)
                for model_rows in rows.values()
                for row in model_rows
                for name in ("site_id",)
                if getattr(row, name, None) and getattr(row, name) != contract.account_id
            }
        )

        accounts = [contract.account_id, *self.sites]
        self.locations = list(
            Location.objects.filter(account_id__in=accounts).values_list("pk", "account_id")
        )
        self.contacts = list(
            Contact.objects.filter(
                Q(account_id=contract.account_id) | Q(account__root_id=contract.account_id)
            ).values_list("pk", flat=True)
        )
        self.profiles = list(
            BillingProfile.objects.filter(account_id=contract.account_id).values_list(
                "pk", flat=True
            )
        )

    def count(self, model) -> int:
        return len(self.rows[model])


def grow(size: Size, crowd: Crowd, rng: random.Random, log) -> None:
    have = Order.objects.count()
    if have >= size.orders:
        return
    templates = [
        Template(contract)
        for contract in SalesContract.objects.filter(orders__isnull=False).distinct().order_by("pk")
    ]
    if not templates:
        return
    picks, chosen, taken, orders = [], [], set(), have
    for customer in _free_customers(rng):
        if orders >= size.orders:
            break
        fitting = [t for t in templates if len(t.sites) <= len(customer["sites"])]
        # Each demo deal once first, so that every state is there at any size.
        first = [t for t in fitting if id(t) not in taken]
        if fitting:
            template = first[0] if first else rng.choices(fitting, [t.weight for t in fitting])[0]
            picks.append(template)
            taken.add(id(template))
            chosen.append(customer)
            orders += template.orders
    copies = Copies([_swap(t, chosen[i]) for i, t in enumerate(picks)])
    owners = [(customer["owner"], customer["team"]) for customer in chosen]

    def rows(model):
        return lambda i: picks[i].rows[model]

    def owned(obj, i):
        obj.owner_id, obj.team_id = owners[i]

    serial = ResourceAllocation.objects.count()

    def fresh_value(obj, i):
        # Resources in use are unique: each copy is allocated its own.
        nonlocal serial
        serial += 1
        if obj.kind == "phone_numbers":
            obj.value = f"+49 69 {serial:05d}00-{serial:05d}99"
        elif obj.kind == "circuit_id":
            obj.value = f"{obj.value.rsplit('-', 1)[0]}-{serial:06d}"
        else:
            obj.value = f"{obj.value}-{serial}"

    copies.copy(Quote, rows(Quote), cleared=["opportunity", "agreement"], adjust=owned)
    copies.copy(QuoteLine, rows(QuoteLine))
    copies.copy(Document, rows(Document), cleared=["agreement"])
    copies.copy(SigningRequest, rows(SigningRequest), adjust=_new_token)
    copies.copy(Signature, rows(Signature), cleared=["agreement"])
    copies.copy(SalesContract, rows(SalesContract), cleared=["agreement"], adjust=owned)
    copies.copy(SalesContractLine, rows(SalesContractLine))
    copies.copy(ServiceContract, rows(ServiceContract))
    copies.copy(Entitlement, rows(Entitlement))
    copies.copy(SlaCommitment, rows(SlaCommitment), cleared=["global_sla"])
    copies.copy(ProductInventory, rows(ProductInventory))
    copies.copy(ServiceInventory, rows(ServiceInventory))
    copies.copy(ConfigurationItem, rows(ConfigurationItem))
    copies.copy(Relationship, rows(Relationship))
    copies.copy(ResourceAllocation, rows(ResourceAllocation), adjust=fresh_value)
    copies.copy(Order, rows(Order), adjust=owned)
    copies.copy(OrderLine, rows(OrderLine))
    copies.copy(DomainOrder, rows(DomainOrder))
    copies.copy(DomainOrderDependency, rows(DomainOrderDependency))
    copies.copy(ChildLine, rows(ChildLine))
    copies.copy(SubFlow, rows(SubFlow))
    tasks = copies.copy(Task, rows(Task))
    copies.copy(TaskDependency, rows(TaskDependency))
    copies.copy(FieldWorkOrder, rows(FieldWorkOrder))
    copies.copy(Fallout, rows(Fallout))
    items = sum(t.count(ConfigurationItem) for t in picks)
    log(
        f"{len(picks)} ordered deals: {orders - have} orders, {len(tasks)} tasks, "
        f"{items} configuration items"
    )


def _new_token(request: SigningRequest, i: int) -> None:
    request.token_hash = hashlib.sha256(secrets.token_urlsafe(32).encode()).hexdigest()


def _free_customers(rng: random.Random) -> list[dict]:
    """Seeded customers with a billing account, three sites and no contract yet: each copy
    of a deal gets one of its own."""
    legal = (
        Account.objects.filter(
            account_type=AccountType.LEGAL,
            owner__username__startswith="scale-rep-",
            billing_profiles__isnull=False,
            sales_contracts__isnull=True,
        )
        .distinct()
        .order_by("pk")
        .values_list("pk", "owner_id", "team_id")
    )
    customers = {pk: {"pk": pk, "owner": owner, "team": team} for pk, owner, team in legal}
    sites = defaultdict(list)
    for pk, root in (
        Account.objects.filter(root_id__in=customers, account_type=AccountType.CHILD)
        .order_by("pk")
        .values_list("pk", "root_id")
    ):
        sites[root].append(pk)
    locations = dict(
        Location.objects.filter(account__root_id__in=customers, is_primary=True).values_list(
            "account_id", "pk"
        )
    )
    locations |= dict(
        Location.objects.filter(account_id__in=customers, is_primary=True).values_list(
            "account_id", "pk"
        )
    )
    contacts = dict(
        Contact.objects.filter(account_id__in=customers).values_list("account_id", "pk")
    )
    profiles = dict(
        BillingProfile.objects.filter(account_id__in=customers).values_list("account_id", "pk")
    )
    chosen = []
    for pk, customer in customers.items():
        if pk in contacts and pk in locations:
            customer.update(
                sites=sites[pk], locations=locations, contact=contacts[pk], profile=profiles[pk]
            )
            chosen.append(customer)
    rng.shuffle(chosen)
    return chosen


def _swap(template: Template, customer: dict) -> dict[tuple[str, int], int]:
    """What copy of ``template`` on ``customer`` puts in place of the demo customer's
    accounts, addresses, contacts and billing account."""
    accounts = {template.contract.account_id: customer["pk"]} | dict(
        zip(template.sites, customer["sites"], strict=False)
    )
    swap = {("sales.Account", old): new for old, new in accounts.items()}
    for location, account in template.locations:
        swap[("sales.Location", location)] = customer["locations"][accounts[account]]
    for contact in template.contacts:
        swap[("sales.Contact", contact)] = customer["contact"]
    for profile in template.profiles:
        swap[("sales.BillingProfile", profile)] = customer["profile"]
    return swap
