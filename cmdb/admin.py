from django.contrib import admin, messages

from telcrm.admin import AuditedAdmin

from .models import (
    ChangeRequest,
    ConfigurationItem,
    Incident,
    MonitoringIntegration,
    ProductInventory,
    ResourceAllocation,
)


@admin.register(ProductInventory)
class ProductInventoryAdmin(AuditedAdmin):
    list_display = ["number", "account", "site", "offering", "status", "order_date", "start_date"]
    list_filter = ["status"]
    search_fields = ["number", "account__name", "site__name"]
    readonly_fields = ["account", "site", "location", "offering", "sales_contract"]


@admin.register(ConfigurationItem)
class ConfigurationItemAdmin(AuditedAdmin):
    """Items are built by activation and kept current through their page and monitoring."""

    list_display = ["number", "kind", "name", "identifier", "account", "site", "operational_status"]
    list_filter = ["kind", "operational_status"]
    search_fields = ["number", "name", "identifier", "account__name", "site__name"]
    readonly_fields = [
        "account",
        "site",
        "location",
        "product",
        "service",
        "operational_status",
        "status_changed_at",
    ]


@admin.register(ResourceAllocation)
class ResourceAllocationAdmin(AuditedAdmin):
    list_display = ["kind", "value", "scope", "state", "product", "item", "holder", "allocated_at"]
    list_filter = ["kind", "state"]
    search_fields = ["value", "product__number", "item__number", "holder"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(ChangeRequest)
class ChangeRequestAdmin(AuditedAdmin):
    list_display = ["number", "title", "item", "risk", "state", "planned_start"]
    list_filter = ["state", "risk"]
    search_fields = ["number", "title", "item__number"]
    readonly_fields = ["item"]


@admin.register(Incident)
class IncidentAdmin(AuditedAdmin):
    list_display = ["number", "title", "item", "priority", "state", "due_at"]
    list_filter = ["state", "priority"]
    search_fields = ["number", "title", "item__number"]
    readonly_fields = ["item", "reported_at"]


@admin.register(MonitoringIntegration)
class MonitoringIntegrationAdmin(AuditedAdmin):
    """A monitoring system's access to the status endpoint. Its token is shown once, when
    the integration is created (or when "issue a new token" is ticked); only a hash is kept."""

    list_display = ["name", "token_prefix", "active", "last_used_at"]
    readonly_fields = ["token_prefix", "last_used_at"]
    actions = ["reissue"]
    deletable = True

    def save_model(self, request, obj, form, change):
        token = obj.issue_token() if not change else None
        super().save_model(request, obj, form, change)
        if token:
            self._show(request, obj, token)

    @admin.action(description="Issue a new token (the old one stops working)")
    def reissue(self, request, queryset):
        for integration in queryset:
            token = integration.issue_token()
            integration._history_user = request.user
            integration.save()
            self._show(request, integration, token)

    def _show(self, request, integration, token: str) -> None:
        self.message_user(
            request,
            f"Token for {integration.name} (shown only now): {token} — send it as "
            "'Authorization: Bearer <token>' to /cmdb/api/monitoring/status/.",
            messages.WARNING,
        )
