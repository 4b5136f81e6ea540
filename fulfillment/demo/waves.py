"""A multi-site deal released in waves (R20): Alpenbank's internet breakout for its head
office, its Innsbruck branch and its Frankfurt data centre, signed, ordered and approved,
and started one site at a time by date: the head office now (its automated work has run),
the branch in two weeks, the data centre in four; the order page shows the waves."""

from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils import timezone

from contracts import demo as contract_demo
from contracts import services as contract_services
from orders import services as order_services
from sales import services as sales_services
from sales.models import Account, ProductOffering, QuoteLine

from .. import automation, staggering
from ..choices import StartMode
from ..models import Task, Wave

# site, bandwidth (Mbit/s), start in days: the head office first, as the bank asked.
SITES = [
    ("Alpenbank Head Office München", "1000", 0),
    ("Alpenbank Branch Innsbruck", "100", 14),
    ("Alpenbank Data Centre Frankfurt", "1000", 28),
]
NOTES = "Head office first; the branch and the data centre follow once it is live."


def load(log) -> None:
    account = Account.objects.filter(name="Alpenbank AG", parent=None).first()
    if account is None or Wave.objects.exists():
        return
    people = {u.username: u for u in get_user_model().objects.all()}
    sara, clara, omar = people["sara"], people["clara"], people["omar"]
    quote = sales_services.quote_create(
        actor=sara,
        account=account,
        opportunity=None,
        term_months=36,
        valid_until=timezone.localdate() + timedelta(days=30),
    )
    offering = ProductOffering.objects.get(code="DIA")
    for site_name, bandwidth, _ in SITES:
        sales_services.quote_lines_save(
            actor=sara,
            quote=quote,
            lines=[
                QuoteLine(
                    site=Account.objects.get(name=site_name, root=account),
                    offering=offering,
                    characteristics={"bandwidth": bandwidth},
                    quantity=1,
                    discount_percent=Decimal("0"),
                )
            ],
        )
    sales_services.quote_transition(actor=sara, quote_id=quote.pk, name="finalise")
    signatory = account.contacts.filter(signing_authority=True).first()
    document = contract_demo.render(contract_services.quote_accept(actor=sara, quote_id=quote.pk))
    contract_demo.sign(document, sara, signatory, "198.51.100.61")
    contract = contract_services.contract_create(actor=clara, quote_id=quote.pk)
    contract_services.service_contracts_create(actor=clara, contract_id=contract.pk)
    contract_demo.activate(people, contract, log)
    order = order_services.order_create(
        actor=sara,
        contract_id=contract.pk,
        billing_profile=account.billing_profiles.filter(state="active").first(),
        requested_date=timezone.localdate() + timedelta(days=63),
        notes=NOTES,
    )
    order_services.order_submit(actor=sara, order_id=order.pk)
    order_services.order_approve(actor=omar, order_id=order.pk)
    today = timezone.localdate()
    staggering.order_fulfillment_start_staggered(
        actor=omar,
        order_id=order.pk,
        mode=StartMode.DATES,
        dates={
            Account.objects.get(name=name, root=account).pk: today + timedelta(days=days)
            for name, _, days in SITES
        },
    )
    ready = Task.objects.filter(sub_flow__domain_order__order=order, kind="api", state="ready")
    for task_id in ready.values_list("pk", flat=True):
        for _ in range(settings.FULFILLMENT_API_MAX_ATTEMPTS):
            if automation.run_api_task(task_id) != "in_progress":
                break
    log(f"{order} started in {Wave.objects.filter(order=order).count()} waves")
