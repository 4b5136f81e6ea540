"""Demo: a deal that went all the way. Nordwind's Hamburg voice order is approved and
delivered, so its SIP trunk is live in the CMDB (R25); Hansa's signed quote becomes its
contracts and an order waiting for the order manager's approval."""

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.utils import timezone

from cmdb import services as cmdb
from cmdb.models import ConfigurationItem, MonitoringIntegration
from contracts import services as contract_services
from contracts.models import SalesContract
from orders import services as order_services
from orders.models import Order
from sales.models import Quote

from .. import services
from ..models import AssignmentGroup, Task


def _deliver(order: Order, people) -> None:
    """Every task of the order done by its group's people, as the weeks went by."""
    outputs = {"number_block": "+49 40 4711 2000-2099", "trunk_id": "SIP-HH-20417"}
    while True:
        ready = list(
            Task.objects.filter(sub_flow__domain_order__order=order, state="ready").select_related(
                "template", "group"
            )
        )
        if not ready:
            return
        for task in ready:
            member = task.group.members.first() or people["fiona"]
            values = {
                name: outputs.get(name, f"{name.upper()}-{task.number}")
                for name in task.required_outputs
            }
            services.task_complete(
                actor=None if task.kind == "api" else member, task_id=task.pk, outputs=values
            )


def _operate(order: Order, people, log) -> None:
    """The trunk's first weeks in service: the NOC's monitoring reports it degraded, Sven
    works an incident under the site's time-to-restore SLA, and Nadia has raised a capacity
    change that waits for someone else's approval (Sven's home shows it)."""
    trunk = ConfigurationItem.objects.filter(
        product__order_line__order=order, kind="voice_trunk"
    ).first()
    if trunk is None:
        return
    noc = MonitoringIntegration(name="NOC monitoring (Zabbix)")
    token = noc.issue_token()
    noc.save()
    log(f"monitoring integration {noc.name}: token {token}")
    cmdb.item_set_status(
        item_id=trunk.pk,
        status="degraded",
        integration=noc,
        note="MOS below 3.5 on 4 of 30 channels since 08:40",
    )
    incident = cmdb.incident_create(
        actor=people["sven"],
        item_id=trunk.pk,
        priority="p2",
        title="One-way audio on outbound calls",
        description="Reception in Hamburg reports callers cannot hear them on about one call "
        "in five since this morning. Inbound calls are fine.",
    )
    cmdb.incident_transition(actor=people["sven"], incident_id=incident.pk, name="start")
    log(
        f"{incident} in progress, due {incident.due_at:%d %b %H:%M}"
        if incident.due_at
        else f"{incident} in progress"
    )
    start = timezone.localtime().replace(hour=22, minute=0, second=0, microsecond=0)
    change = cmdb.change_request_create(
        actor=people["nadia"],
        item_id=trunk.pk,
        risk="medium",
        title="Raise the trunk from 30 to 40 channels",
        description="Nordwind's new call centre team starts next month: 10 more concurrent "
        "channels on the SBC, no change to the number block.",
        planned_start=start + timedelta(days=7),
        planned_end=start + timedelta(days=7, hours=2),
    )
    cmdb.change_request_transition(actor=people["nadia"], change_id=change.pk, name="submit")
    log(f"{change} waiting for approval")


def load(log) -> None:
    people = {u.username: u for u in get_user_model().objects.all()}
    voice = Order.objects.filter(state="pending", lines__offering__code="SIP").first()
    if voice is not None and AssignmentGroup.objects.exists():
        order_services.order_approve(actor=people["omar"], order_id=voice.pk)
        services.order_fulfillment_start(actor=people["omar"], order_id=voice.pk)
        _deliver(voice, people)
        voice.refresh_from_db()
        log(f"{voice} delivered: {voice.get_state_display().lower()}")
        _operate(voice, people, log)
    hansa = Quote.objects.filter(account__name="Hansa Media Group", state="accepted").first()
    if hansa is not None and not SalesContract.objects.filter(quote=hansa).exists():
        contract = contract_services.contract_create(actor=people["clara"], quote_id=hansa.pk)
        contract_services.service_contracts_create(actor=people["clara"], contract_id=contract.pk)
        contract_services.contract_transition(
            actor=people["clara"], contract_id=contract.pk, name="activate"
        )
        for service in contract.service_contracts.all():
            contract_services.contract_transition(
                actor=people["clara"], contract_id=service.pk, name="activate", model=type(service)
            )
        profile = contract.account.billing_profiles.filter(state="active").first()
        order = order_services.order_create(
            actor=hansa.owner,
            contract_id=contract.pk,
            billing_profile=profile,
            requested_date=timezone.localdate() + timedelta(days=49),
        )
        order_services.order_submit(actor=hansa.owner, order_id=order.pk)
        log(f"{order} ordered, waiting for approval")
