"""Business actions on the product catalog (its import and export: ``sales.catalog_io``)."""

from telcrm.services import run_transition

from ..models import ProductOffering


def offering_transition(*, actor, offering_id: int, name: str) -> ProductOffering:
    """Publish (draft -> active) or retire (active -> retired) a product offering."""
    return run_transition(
        ProductOffering, pk=offering_id, name=name, actor=actor, allowed={"publish", "retire"}
    )
