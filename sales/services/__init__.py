"""Business actions of the sales app: one function per action, atomic, locked, audited.
A module per area; everything is importable from ``sales.services``."""

from .accounts import (
    CSV_COLUMNS,
    HierarchyCheck,
    ImportResult,
    account_create,
    account_transition,
    account_update,
    accounts_import_csv,
    billing_profile_save,
    billing_profile_transition,
    contact_save,
    hierarchy_check,
    location_save,
)
from .agreements import (
    agreement_activate,
    agreement_part_delete,
    agreement_part_save,
    agreement_save,
    agreement_transition,
)
from .catalog import offering_transition
from .leads import (
    lead_convert,
    lead_save,
    lead_transition,
    opportunity_line_delete,
    opportunity_line_save,
    opportunity_save,
    opportunity_transition,
)
from .quotes import (
    agreement_for,
    quote_create,
    quote_line_delete,
    quote_lines_save,
    quote_transition,
)

__all__ = [
    "CSV_COLUMNS",
    "HierarchyCheck",
    "ImportResult",
    "account_create",
    "account_transition",
    "account_update",
    "agreement_activate",
    "agreement_for",
    "agreement_part_delete",
    "agreement_part_save",
    "agreement_save",
    "agreement_transition",
    "accounts_import_csv",
    "billing_profile_save",
    "billing_profile_transition",
    "contact_save",
    "hierarchy_check",
    "lead_convert",
    "lead_save",
    "lead_transition",
    "location_save",
    "offering_transition",
    "opportunity_line_delete",
    "opportunity_line_save",
    "opportunity_save",
    "opportunity_transition",
    "quote_create",
    "quote_line_delete",
    "quote_lines_save",
    "quote_transition",
]
