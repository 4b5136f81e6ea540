"""Business actions on the CMDB. Higher layers (orders, fulfillment) call these plain
functions; the CMDB never imports them (DESIGN.md section 2). A module per area; everything
is importable from ``cmdb.services``."""

from .inventory import (
    DeliveredService,
    PendingProduct,
    product_inventories_create_pending,
    product_inventories_start_activation,
    product_inventory_activate,
    product_inventory_cancel,
)
from .items import integration_for_token, item_set_status, items_build
from .operations import (
    change_request_create,
    change_request_transition,
    change_request_update,
    incident_create,
    incident_transition,
)
from .resources import resources_allocate, resources_release

__all__ = [
    "DeliveredService",
    "PendingProduct",
    "change_request_create",
    "change_request_transition",
    "change_request_update",
    "incident_create",
    "incident_transition",
    "integration_for_token",
    "item_set_status",
    "items_build",
    "product_inventory_activate",
    "product_inventory_cancel",
    "product_inventories_create_pending",
    "product_inventories_start_activation",
    "resources_allocate",
    "resources_release",
]
