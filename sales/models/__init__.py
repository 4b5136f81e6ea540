"""Models of the sales app, a module per aggregate."""

from .accounts import Account, BillingProfile, Contact, Location
from .catalog import (
    CharacteristicSpecification,
    FeasibilityRule,
    PriceRule,
    ProductOffering,
    ProductSpecification,
    SpecificationRelationship,
)

__all__ = [
    "Account",
    "BillingProfile",
    "CharacteristicSpecification",
    "Contact",
    "FeasibilityRule",
    "Location",
    "PriceRule",
    "ProductOffering",
    "ProductSpecification",
    "SpecificationRelationship",
]
