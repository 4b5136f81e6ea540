"""Network resources (R25): a value captured by a task is allocated to the product it was
captured for, and nobody else can hold it while it is in use. The database decides races
(a partial unique constraint); the loser is told who holds the value."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.db.models import Q

from telcrm.fsm import DomainError

from ..choices import RESOURCE_OUTPUTS, SITE_SCOPED_RESOURCES, AllocationState, ResourceKind
from ..models import ProductInventory, ResourceAllocation


def _in_use_message(kind: str, value: str, holder: ResourceAllocation | None) -> str:
    label = ResourceKind(kind).label
    if holder is None:
        return f"{label} {value} is already in use. Choose another one."
    return (
        f"{label} {value} is already in use by {holder.product.number} "
        f"({holder.holder}). Choose another one."
    )


def resources_allocate(*, actor, product_id: int, outputs: dict, holder: str) -> list[str]:
    """Allocate every resource among ``outputs`` (task output name -> value) to the product.

    Runs inside the caller's transaction: a value held by another product raises
    :class:`DomainError` naming the holder and the caller's work rolls back; the same value
    again for the same product changes nothing; a different value from the same holder
    replaces its earlier one (a task done again). Returns the allocated values."""
    wanted = [
        (RESOURCE_OUTPUTS[name], str(value).strip())
        for name, value in outputs.items()
        if name in RESOURCE_OUTPUTS and value
    ]
    if not wanted:
        return []
    product = ProductInventory.objects.select_related("site").get(pk=product_id)
    errors, allocated = [], []
    for kind, value in wanted:
        scope = product.site.number if kind in SITE_SCOPED_RESOURCES else ""
        # Who holds the value, and what this holder held before: one read.
        found = list(
            ResourceAllocation.objects.filter(kind=kind, scope=scope, state=AllocationState.IN_USE)
            .filter(Q(value=value) | Q(product_id=product_id, holder=holder))
            .select_related("product")
        )
        current = next((a for a in found if a.value == value), None)
        if current is not None:
            if current.product_id != product_id:
                errors.append(_in_use_message(kind, value, current))
            continue
        for earlier in found:
            earlier.release()
            earlier._history_user = actor
            earlier._change_reason = f"replaced by {value} ({holder})"
            earlier.save()
        allocation = ResourceAllocation(
            kind=kind, value=value, scope=scope, product_id=product_id, holder=holder
        )
        allocation._history_user = actor
        allocation._change_reason = f"captured by {holder}"
        try:
            with transaction.atomic():
                allocation.save()
        except IntegrityError:
            # Another order took it between our look and our insert: the database decided.
            errors.append(_in_use_message(kind, value, None))
            continue
        allocated.append(value)
    if errors:
        raise DomainError(" ".join(errors), errors=errors)
    return allocated


def resources_release(*, actor, product_id: int, reason: str) -> int:
    """Free everything a product holds (its line was cancelled: it will never use them)."""
    released = 0
    for allocation in ResourceAllocation.objects.select_for_update().filter(
        product_id=product_id, state=AllocationState.IN_USE
    ):
        allocation.release()
        allocation._history_user = actor
        allocation._change_reason = reason
        allocation.save()
        released += 1
    return released
