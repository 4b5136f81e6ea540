"""Models of the sales app, a module per aggregate."""

from .accounts import Account, BillingProfile, Contact, Location
from .agreements import AgreementLine, AgreementSla, PartnerTerm, SalesAgreement
from .catalog import (
    CharacteristicSpecification,
    FeasibilityRule,
    OfferingCompatibility,
    OfferingEligibility,
    PriceRule,
    ProductOffering,
    ProductSpecification,
    SpecificationRelationship,
)
from .imports import AccountImport
from .leads import Lead, LeadLine, Opportunity, OpportunityLine
from .quotes import DiscountThreshold, Quote, QuoteLine

__all__ = [
    "Account",
    "AccountImport",
    "AgreementLine",
    "AgreementSla",
    "BillingProfile",
    "CharacteristicSpecification",
    "Contact",
    "DiscountThreshold",
    "FeasibilityRule",
    "Lead",
    "LeadLine",
    "Location",
    "OfferingCompatibility",
    "OfferingEligibility",
    "Opportunity",
    "OpportunityLine",
    "PartnerTerm",
    "PriceRule",
    "ProductOffering",
    "ProductSpecification",
    "Quote",
    "QuoteLine",
    "SalesAgreement",
    "SpecificationRelationship",
]
