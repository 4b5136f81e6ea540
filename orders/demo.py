"""Demo orders of Nordwind's three contracts, one in each step of R15-R19: the Wi-Fi order
rejected by the order manager and ordered again (to validate), the Hamburg voice order
waiting for approval, and the Hannover depot order approved: inventory pending, decomposed
into domain orders."""

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.utils import timezone

from contracts.models import SalesContract

from . import services
from .models import Order

NOTES = "Warehouse opens 06:00; announce technicians a day ahead."
REJECTION = (
    "The Bremen site contact is the gate guard: name the facility manager, who can "
    "open the server room."
)


def load(log) -> None:
    if Order.objects.exists():
        return
    users = {u.username: u for u in get_user_model().objects.filter(username__in=["sara", "omar"])}
    sara, omar = users["sara"], users["omar"]
    contracts = {
        contract.lines.values_list("offering__code", flat=True).first(): contract
        for contract in SalesContract.objects.filter(
            state="active", account__name="Nordwind Logistik GmbH"
        ).order_by("pk")
    }

    def order(contract, days=42, notes=""):
        profile = contract.account.billing_profiles.filter(state="active").first()
        made = services.order_create(
            actor=sara,
            contract_id=contract.pk,
            billing_profile=profile,
            requested_date=timezone.localdate() + timedelta(days=days),
            notes=notes,
        )
        log(f"order {made}")
        return made

    if "WIFI" in contracts:
        first = order(contracts["WIFI"], notes=NOTES)
        services.order_submit(actor=sara, order_id=first.pk)
        services.order_transition(actor=omar, order_id=first.pk, name="reject", reason=REJECTION)
        order(contracts["WIFI"], notes=NOTES)
    if "DIA" in contracts:
        depot = order(contracts["DIA"], days=56)
        services.order_submit(actor=sara, order_id=depot.pk)
        services.order_approve(actor=omar, order_id=depot.pk)
    if "SIP" in contracts:
        voice = order(contracts["SIP"], days=35, notes="Port the existing numbers on the day.")
        services.order_submit(actor=sara, order_id=voice.pk)
