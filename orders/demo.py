"""Demo orders: the Nordwind Wi-Fi contract ordered, waiting for validation and approval."""

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.utils import timezone

from contracts.models import SalesContract

from . import services
from .models import Order


def load(log) -> None:
    if Order.objects.exists():
        return
    sara = get_user_model().objects.get(username="sara")
    for contract in SalesContract.objects.filter(state="active").select_related("account"):
        profile = contract.account.billing_profiles.filter(state="active").first()
        if profile is None:
            continue
        order = services.order_create(
            actor=sara, contract_id=contract.pk, billing_profile=profile,
            requested_date=timezone.localdate() + timedelta(days=42),
            notes="Warehouse opens 06:00; announce technicians a day ahead.",
        )  # fmt: skip
        log(f"order {order}")
