"""Demo: a deal that went all the way. Nordwind's Hamburg voice order is approved and
delivered, so its SIP trunk is live in the CMDB (R25); Hansa's signed quote becomes its
contracts and an order waiting for the order manager's approval."""

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.utils import timezone

from contracts import services as contract_services
from contracts.models import SalesContract
from orders import services as order_services
from orders.models import Order
from sales.models import Quote

from . import services
from .models import AssignmentGroup, Task


def _deliver(order: Order, people) -> None:
    """Every task of the order done by its group's people, as the weeks went by."""
    outputs = {"number_block": "+49 40 4711 2000-2099", "trunk_id": "SIP-HH-20417"}
    while True:
        ready = list(Task.objects.filter(sub_flow__domain_order__order=order, state="ready")
                     .select_related("template", "group"))  # fmt: skip
        if not ready:
            return
        for task in ready:
            member = task.group.members.first() or people["fiona"]
            values = {name: outputs.get(name, f"{name.upper()}-{task.number}")
                      for name in task.required_outputs}  # fmt: skip
            services.task_complete(actor=None if task.kind == "api" else member,
                                   task_id=task.pk, outputs=values)  # fmt: skip


def load(log) -> None:
    people = {u.username: u for u in get_user_model().objects.all()}
    voice = Order.objects.filter(state="pending", lines__offering__code="SIP").first()
    if voice is not None and AssignmentGroup.objects.exists():
        order_services.order_approve(actor=people["omar"], order_id=voice.pk)
        services.order_fulfillment_start(actor=people["omar"], order_id=voice.pk)
        _deliver(voice, people)
        voice.refresh_from_db()
        log(f"{voice} delivered: {voice.get_state_display().lower()}")
    hansa = Quote.objects.filter(account__name="Hansa Media Group", state="accepted").first()
    if hansa is not None and not SalesContract.objects.filter(quote=hansa).exists():
        contract = contract_services.contract_create(actor=people["clara"], quote_id=hansa.pk)
        contract_services.service_contracts_create(actor=people["clara"], contract_id=contract.pk)
        contract_services.contract_transition(actor=people["clara"], contract_id=contract.pk,
                                              name="activate")  # fmt: skip
        for service in contract.service_contracts.all():
            contract_services.contract_transition(actor=people["clara"], contract_id=service.pk,
                                                  name="activate", model=type(service))  # fmt: skip
        profile = contract.account.billing_profiles.filter(state="active").first()
        order = order_services.order_create(
            actor=hansa.owner, contract_id=contract.pk, billing_profile=profile,
            requested_date=timezone.localdate() + timedelta(days=49),
        )  # fmt: skip
        order_services.order_submit(actor=hansa.owner, order_id=order.pk)
        log(f"{order} ordered, waiting for approval")
