"""Choices of the sales app. A state's label is a :class:`~telcrm.choices.Badge` that carries its
Bootstrap badge colour."""

from django.db import models

from telcrm.choices import Badge, StateChoices


class AccountType(models.TextChoices):
    LEGAL = "legal", "Legal (root)"
    CHILD = "child", "Child (site / department)"


class AccountState(StateChoices):
    PROSPECT = "prospect", Badge("Prospect", "info")
    ACTIVE = "active", Badge("Active", "success")
    SUSPENDED = "suspended", Badge("Suspended", "warning")
    CLOSED = "closed", Badge("Closed", "secondary")


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


class BillingProfileState(StateChoices):
    ACTIVE = "active", Badge("Active", "success")
    INACTIVE = "inactive", Badge("Inactive", "secondary")


class Currency(models.TextChoices):
    EUR = "EUR", "EUR – Euro"
    USD = "USD", "USD – US dollar"
    GBP = "GBP", "GBP – Pound sterling"
    CHF = "CHF", "CHF – Swiss franc"
    SEK = "SEK", "SEK – Swedish krona"
    PLN = "PLN", "PLN – Polish złoty"


class ImportState(StateChoices):
    UPLOADED = "uploaded", Badge("Uploaded", "secondary")
    CHECKING = "checking", Badge("Checking rows", "info")
    WRITING = "writing", Badge("Writing accounts", "primary")
    DONE = "done", Badge("Imported", "success")
    FAILED = "failed", Badge("Not imported", "danger")


# Catalog ---------------------------------------------------------------------------------


class OfferingKind(models.TextChoices):
    CONNECTIVITY = "connectivity", "Connectivity"
    MANAGED_SERVICE = "managed_service", "Managed service"
    VOICE = "voice", "Voice"
    EQUIPMENT = "equipment", "Equipment"
    ENTITLEMENT = "entitlement", "Entitlement"
    PARTNER_SERVICE = "partner_service", "Partner service"


class OfferingState(StateChoices):
    """TMF620 lifecycleStatus values."""

    DRAFT = "draft", Badge("Draft", "secondary")
    ACTIVE = "active", Badge("Active", "success")
    RETIRED = "retired", Badge("Retired", "dark")


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


class FeasibilityStatus(StateChoices):
    FEASIBLE = "feasible", Badge("Feasible", "success")
    CONDITIONAL = "conditional", Badge("Feasible with conditions", "warning")
    NOT_FEASIBLE = "not_feasible", Badge("Not feasible", "danger")


# Leads and opportunities -----------------------------------------------------------------


class LeadState(StateChoices):
    NEW = "new", Badge("New", "info")
    WORKING = "working", Badge("Working", "primary")
    QUALIFIED = "qualified", Badge("Qualified", "success")
    DISQUALIFIED = "disqualified", Badge("Disqualified", "secondary")
    CONVERTED = "converted", Badge("Converted", "dark")


class LeadSource(models.TextChoices):
    WEB = "web", "Web form"
    REFERRAL = "referral", "Referral"
    EVENT = "event", "Event / trade fair"
    PARTNER = "partner", "Partner"
    CAMPAIGN = "campaign", "Campaign"
    COLD_CALL = "cold_call", "Outbound call"
    EXISTING = "existing", "Existing customer"


class Stage(StateChoices):
    QUALIFICATION = "qualification", Badge("Qualification", "info")
    PROPOSAL = "proposal", Badge("Proposal", "primary")
    NEGOTIATION = "negotiation", Badge("Negotiation", "warning")
    CLOSED_WON = "closed_won", Badge("Closed won", "success")
    CLOSED_LOST = "closed_lost", Badge("Closed lost", "secondary")


# Default win probability (%) per stage; editable on each opportunity.
STAGE_PROBABILITY = {
    Stage.QUALIFICATION: 10,
    Stage.PROPOSAL: 40,
    Stage.NEGOTIATION: 70,
    Stage.CLOSED_WON: 100,
    Stage.CLOSED_LOST: 0,
}
OPEN_STAGES = [Stage.QUALIFICATION, Stage.PROPOSAL, Stage.NEGOTIATION]


# Sales agreements ------------------------------------------------------------------------


class AgreementState(StateChoices):
    DRAFT = "draft", Badge("Draft", "secondary")
    NEGOTIATION = "negotiation", Badge("Negotiation", "warning")
    ACTIVE = "active", Badge("Active", "success")
    EXPIRED = "expired", Badge("Expired", "secondary")
    TERMINATED = "terminated", Badge("Terminated", "dark")


class SlaMetric(models.TextChoices):
    AVAILABILITY = "availability", "Availability (%)"
    TIME_TO_RESTORE = "time_to_restore", "Time to restore (hours)"
    RESPONSE_TIME = "response_time", "Response time (hours)"


# For availability a higher target is stronger; for the time metrics a lower one (R14).
SLA_HIGHER_IS_STRONGER = {SlaMetric.AVAILABILITY}


# Quotes ----------------------------------------------------------------------------------


class QuoteState(StateChoices):
    """Our states; ``TMF648_STATE`` gives the TM Forum name where it differs."""

    DRAFT = "draft", Badge("Draft", "secondary")
    PENDING = "pending", Badge("Pending approval", "warning")
    APPROVED = "approved", Badge("Approved", "primary")
    ACCEPTED = "accepted", Badge("Accepted by customer", "success")
    REJECTED = "rejected", Badge("Rejected", "danger")
    CANCELLED = "cancelled", Badge("Cancelled", "secondary")
    EXPIRED = "expired", Badge("Expired", "secondary")


TMF648_STATE = {QuoteState.DRAFT: "inProgress", QuoteState.EXPIRED: "cancelled"}
QUOTE_EDITABLE = (QuoteState.DRAFT,)
