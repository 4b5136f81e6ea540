from django.contrib import admin

from telcrm.admin import AuditedAdmin

from .models import (
    Document,
    EntitlementRule,
    SalesContract,
    ServiceContract,
    Signature,
    SigningRequest,
)


@admin.register(Document)
class DocumentAdmin(AuditedAdmin):
    list_display = ["__str__", "kind", "state", "sha256", "rendered_at"]
    list_filter = ["kind", "state"]
    readonly_fields = [
        "kind",
        "quote",
        "source",
        "file",
        "sha256",
        "size",
        "pages",
        "attempts",
        "error",
        "requested_by",
        "rendered_at",
    ]


@admin.register(SigningRequest)
class SigningRequestAdmin(AuditedAdmin):
    list_display = ["__str__", "state", "expires_at", "sent_by"]
    list_filter = ["state"]
    readonly_fields = ["document", "signatory", "expires_at", "sent_by"]


@admin.register(Signature)
class SignatureAdmin(AuditedAdmin):
    """Signatures are evidence: shown, never changed."""

    list_display = ["__str__", "signed_at", "ip_address", "document_sha256"]

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_add_permission(self, request) -> bool:
        return False


@admin.register(EntitlementRule)
class EntitlementRuleAdmin(AuditedAdmin):
    """Which entitlements a site's configuration brings (R14)."""

    list_display = ["__str__", "characteristic", "value", "offering"]
    deletable = True


@admin.register(SalesContract)
class SalesContractAdmin(AuditedAdmin):
    list_display = ["number", "account", "quote", "state", "start_date", "end_date"]
    list_filter = ["state"]
    search_fields = ["number", "account__name", "quote__number"]
    readonly_fields = [
        "quote",
        "account",
        "agreement",
        "signature",
        "owner",
        "team",
        "currency",
        "term_months",
    ]


@admin.register(ServiceContract)
class ServiceContractAdmin(AuditedAdmin):
    list_display = ["number", "site", "sales_contract", "state"]
    list_filter = ["state"]
    search_fields = ["number", "site__name"]
    readonly_fields = ["sales_contract", "site"]
