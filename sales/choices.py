"""Choices of the sales app. States carry a Bootstrap badge colour in ``BADGES``."""

from django.db import models


class AccountType(models.TextChoices):
    LEGAL = "legal", "Legal (root)"
    CHILD = "child", "Child (site / department)"


class AccountState(models.TextChoices):
    PROSPECT = "prospect", "Prospect"
    ACTIVE = "active", "Active"
    SUSPENDED = "suspended", "Suspended"
    CLOSED = "closed", "Closed"


class Industry(models.TextChoices):
    FINANCE = "finance", "Banking & finance"
    RETAIL = "retail", "Retail"
    MANUFACTURING = "manufacturing", "Manufacturing"
    HEALTHCARE = "healthcare", "Healthcare"
    PUBLIC = "public", "Public sector"
    EDUCATION = "education", "Education"
    LOGISTICS = "logistics", "Transport & logistics"
    ENERGY = "energy", "Energy & utilities"
    MEDIA = "media", "Media"
    TECHNOLOGY = "technology", "Technology"
    HOSPITALITY = "hospitality", "Hospitality"
    OTHER = "other", "Other"


class PaymentMethod(models.TextChoices):
    DIRECT_DEBIT = "direct_debit", "Direct debit"
    BANK_TRANSFER = "bank_transfer", "Bank transfer"
    CREDIT_CARD = "credit_card", "Credit card"


class InvoiceDelivery(models.TextChoices):
    EMAIL = "email", "E-mail"
    PORTAL = "portal", "Customer portal"
    POST = "post", "Post"
    EDI = "edi", "EDI"


class BillingProfileState(models.TextChoices):
    ACTIVE = "active", "Active"
    INACTIVE = "inactive", "Inactive"


class Currency(models.TextChoices):
    EUR = "EUR", "EUR – Euro"
    USD = "USD", "USD – US dollar"
    GBP = "GBP", "GBP – Pound sterling"
    CHF = "CHF", "CHF – Swiss franc"
    SEK = "SEK", "SEK – Swedish krona"
    PLN = "PLN", "PLN – Polish złoty"


class ImportState(models.TextChoices):
    UPLOADED = "uploaded", "Uploaded"
    CHECKING = "checking", "Checking rows"
    WRITING = "writing", "Writing accounts"
    DONE = "done", "Imported"
    FAILED = "failed", "Not imported"


BADGES: dict[str, str] = {
    AccountState.PROSPECT: "info",
    AccountState.ACTIVE: "success",
    AccountState.SUSPENDED: "warning",
    AccountState.CLOSED: "secondary",
    BillingProfileState.INACTIVE: "secondary",
    ImportState.UPLOADED: "secondary",
    ImportState.CHECKING: "info",
    ImportState.WRITING: "primary",
    ImportState.DONE: "success",
    ImportState.FAILED: "danger",
}


# Catalog ---------------------------------------------------------------------------------


class OfferingKind(models.TextChoices):
    CONNECTIVITY = "connectivity", "Connectivity"
    MANAGED_SERVICE = "managed_service", "Managed service"
    VOICE = "voice", "Voice"
    EQUIPMENT = "equipment", "Equipment"
    ENTITLEMENT = "entitlement", "Entitlement"
    PARTNER_SERVICE = "partner_service", "Partner service"


class OfferingState(models.TextChoices):
    """TMF620 lifecycleStatus values."""

    DRAFT = "draft", "Draft"
    ACTIVE = "active", "Active"
    RETIRED = "retired", "Retired"


class Domain(models.TextChoices):
    """Fulfillment domains: each gets its own domain order at decomposition (R19)."""

    ACCESS = "access", "Access"
    IP_CORE = "ip_core", "IP core"
    CPE = "cpe", "CPE"
    SECURITY = "security", "Security"
    VOICE = "voice", "Voice"
    WIFI = "wifi", "Wi-Fi / LAN"
    SERVICE_MGMT = "service_mgmt", "Service management"
    PARTNER = "partner", "Partner"


class ValueType(models.TextChoices):
    CHOICE = "choice", "Choice"
    INTEGER = "integer", "Integer"
    BOOLEAN = "boolean", "Yes / no"
    TEXT = "text", "Text"


class RelationshipKind(models.TextChoices):
    BUNDLES = "bundles", "Bundles"
    REQUIRES = "requires", "Requires"
    REALIZED_AS = "realized_as", "Realized as"


class CompatibilityKind(models.TextChoices):
    """How one offering relates to another at the same site."""

    REQUIRES = "requires", "Needs at the same site"
    EXCLUDES = "excludes", "Cannot be combined at the same site with"


class FeasibilityStatus(models.TextChoices):
    FEASIBLE = "feasible", "Feasible"
    CONDITIONAL = "conditional", "Feasible with conditions"
    NOT_FEASIBLE = "not_feasible", "Not feasible"


BADGES.update(
    {
        OfferingState.DRAFT: "secondary",
        OfferingState.RETIRED: "dark",
        FeasibilityStatus.FEASIBLE: "success",
        FeasibilityStatus.CONDITIONAL: "warning",
        FeasibilityStatus.NOT_FEASIBLE: "danger",
    }
)


# Leads and opportunities -----------------------------------------------------------------


class LeadState(models.TextChoices):
    NEW = "new", "New"
    WORKING = "working", "Working"
    QUALIFIED = "qualified", "Qualified"
    DISQUALIFIED = "disqualified", "Disqualified"
    CONVERTED = "converted", "Converted"


class LeadSource(models.TextChoices):
    WEB = "web", "Web form"
    REFERRAL = "referral", "Referral"
    EVENT = "event", "Event / trade fair"
    PARTNER = "partner", "Partner"
    CAMPAIGN = "campaign", "Campaign"
    COLD_CALL = "cold_call", "Outbound call"
    EXISTING = "existing", "Existing customer"


class Stage(models.TextChoices):
    QUALIFICATION = "qualification", "Qualification"
    PROPOSAL = "proposal", "Proposal"
    NEGOTIATION = "negotiation", "Negotiation"
    CLOSED_WON = "closed_won", "Closed won"
    CLOSED_LOST = "closed_lost", "Closed lost"


# Default win probability (%) per stage; editable on each opportunity.
STAGE_PROBABILITY = {
    Stage.QUALIFICATION: 10,
    Stage.PROPOSAL: 40,
    Stage.NEGOTIATION: 70,
    Stage.CLOSED_WON: 100,
    Stage.CLOSED_LOST: 0,
}
OPEN_STAGES = [Stage.QUALIFICATION, Stage.PROPOSAL, Stage.NEGOTIATION]

BADGES.update(
    {
        LeadState.NEW: "info",
        LeadState.WORKING: "primary",
        LeadState.QUALIFIED: "success",
        LeadState.DISQUALIFIED: "secondary",
        LeadState.CONVERTED: "dark",
        Stage.QUALIFICATION: "info",
        Stage.PROPOSAL: "primary",
        Stage.NEGOTIATION: "warning",
        Stage.CLOSED_WON: "success",
        Stage.CLOSED_LOST: "secondary",
    }
)


# Sales agreements ------------------------------------------------------------------------


class AgreementState(models.TextChoices):
    DRAFT = "draft", "Draft"
    NEGOTIATION = "negotiation", "Negotiation"
    ACTIVE = "active", "Active"
    EXPIRED = "expired", "Expired"
    TERMINATED = "terminated", "Terminated"


class SlaMetric(models.TextChoices):
    AVAILABILITY = "availability", "Availability (%)"
    TIME_TO_RESTORE = "time_to_restore", "Time to restore (hours)"
    RESPONSE_TIME = "response_time", "Response time (hours)"


# For availability a higher target is stronger; for the time metrics a lower one (R14).
SLA_HIGHER_IS_STRONGER = {SlaMetric.AVAILABILITY}

BADGES.update({AgreementState.EXPIRED: "secondary", AgreementState.TERMINATED: "dark"})


# Quotes ----------------------------------------------------------------------------------


class QuoteState(models.TextChoices):
    """Our states; ``TMF648_STATE`` gives the TM Forum name where it differs."""

    DRAFT = "draft", "Draft"
    PENDING = "pending", "Pending approval"
    APPROVED = "approved", "Approved"
    ACCEPTED = "accepted", "Accepted by customer"
    REJECTED = "rejected", "Rejected"
    CANCELLED = "cancelled", "Cancelled"
    EXPIRED = "expired", "Expired"


TMF648_STATE = {QuoteState.DRAFT: "inProgress", QuoteState.EXPIRED: "cancelled"}
QUOTE_EDITABLE = (QuoteState.DRAFT,)

BADGES.update(
    {
        QuoteState.PENDING: "warning",
        QuoteState.APPROVED: "primary",
        QuoteState.ACCEPTED: "success",
        QuoteState.REJECTED: "danger",
        QuoteState.CANCELLED: "secondary",
    }
)
