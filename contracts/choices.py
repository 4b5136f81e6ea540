"""States and kinds of the contracts app, each state with its badge colour."""

from django.db import models

from telcrm.choices import Badge, StateChoices


class DocumentKind(models.TextChoices):
    QUOTE_SUMMARY = "quote_summary", "Quote summary"
    AGREEMENT = "agreement", "Sales agreement"
    SIGNED_COPY = "signed_copy", "Signed copy"


class DocumentState(StateChoices):
    QUEUED = "queued", Badge("Being prepared", "info")
    READY = "ready", Badge("Ready", "success")
    FAILED = "failed", Badge("Failed", "danger")


class SigningState(StateChoices):
    SENT = "sent", Badge("Waiting for signature", "warning")
    SIGNED = "signed", Badge("Signed", "success")
    WITHDRAWN = "withdrawn", Badge("Withdrawn", "secondary")


class SignatureMethod(models.TextChoices):
    DRAWN = "drawn", "Drawn"
    TYPED = "typed", "Typed"


class ContractState(StateChoices):
    DRAFT = "draft", Badge("Draft", "secondary")
    ACTIVE = "active", Badge("Active", "success")
    EXPIRED = "expired", Badge("Expired", "dark")
    TERMINATED = "terminated", Badge("Terminated", "danger")
