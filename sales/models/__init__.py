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
from .leads import Lead, LeadLine, Opportunity, OpportunityLine

__all__ = [
    "Account",
    "BillingProfile",
    "CharacteristicSpecification",
    "Contact",
    "FeasibilityRule",
    "Lead",
    "LeadLine",
    "Location",
    "Opportunity",
    "OpportunityLine",
    "PriceRule",
    "ProductOffering",
    "ProductSpecification",
    "SpecificationRelationship",
]
