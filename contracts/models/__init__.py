from .contracts import (
    Entitlement,
    EntitlementRule,
    SalesContract,
    SalesContractLine,
    ServiceContract,
    SlaCommitment,
)
from .documents import Document, Signature, SigningRequest

__all__ = [
    "Document",
    "Entitlement",
    "EntitlementRule",
    "SalesContract",
    "SalesContractLine",
    "ServiceContract",
    "Signature",
    "SigningRequest",
    "SlaCommitment",
]
