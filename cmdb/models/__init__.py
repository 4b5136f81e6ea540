from .inventory import ProductInventory, ServiceInventory
from .items import (
    ConfigurationItem,
    MonitoringIntegration,
    Relationship,
    ResourceAllocation,
    StatusChange,
)
from .operations import ChangeRequest, Incident

__all__ = [
    "ChangeRequest",
    "ConfigurationItem",
    "Incident",
    "MonitoringIntegration",
    "ProductInventory",
    "Relationship",
    "ResourceAllocation",
    "ServiceInventory",
    "StatusChange",
]
