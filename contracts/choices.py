"""States and kinds of the contracts app, each state with its badge colour."""

from django.db import models

BADGES: dict[str, str] = {}


class DocumentKind(models.TextChoices):
    QUOTE_SUMMARY = "quote_summary", "Quote summary"
    AGREEMENT = "agreement", "Sales agreement"
    SIGNED_COPY = "signed_copy", "Signed copy"


class DocumentState(models.TextChoices):
    QUEUED = "queued", "Being prepared"
    READY = "ready", "Ready"
    FAILED = "failed", "Failed"


class SigningState(models.TextChoices):
    SENT = "sent", "Waiting for signature"
    SIGNED = "signed", "Signed"
    WITHDRAWN = "withdrawn", "Withdrawn"


class SignatureMethod(models.TextChoices):
    DRAWN = "drawn", "Drawn"
    TYPED = "typed", "Typed"


class ContractState(models.TextChoices):
    DRAFT = "draft", "Draft"
    ACTIVE = "active", "Active"
    EXPIRED = "expired", "Expired"
    TERMINATED = "terminated", "Terminated"


BADGES.update(
    {
        ContractState.DRAFT: "secondary",
        ContractState.ACTIVE: "success",
        ContractState.EXPIRED: "dark",
        ContractState.TERMINATED: "danger",
        DocumentState.QUEUED: "info",
        DocumentState.READY: "success",
        DocumentState.FAILED: "danger",
        SigningState.SENT: "warning",
        SigningState.SIGNED: "success",
        SigningState.WITHDRAWN: "secondary",
    }
)
