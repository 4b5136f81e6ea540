from django.contrib import admin
from django.core.exceptions import PermissionDenied
from simple_history.admin import SimpleHistoryAdmin

from .models import NumberSequence, Team
from .security import AdminSignInForm

# The admin sign-in says so when signing in is blocked after too many failures (R40).
admin.site.login_form = AdminSignInForm


class AuditedAdmin(SimpleHistoryAdmin):
    """Admin base for business models: history view (read-only: reverting is disabled in
    settings), lifecycle states shown but never edited, records with a lifecycle never
    deleted (they end in a terminal state instead)."""

    readonly_state_fields = ("state",)
    deletable = False

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        model_fields = {f.name for f in self.model._meta.fields}
        return fields + [f for f in self.readonly_state_fields if f in model_fields]

    def has_delete_permission(self, request, obj=None):
        return self.deletable and super().has_delete_permission(request, obj)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        """Past versions can be looked at, never posted back (R27: history is read-only)."""
        if request.method != "GET":
            raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)


@admin.register(Team)
class TeamAdmin(AuditedAdmin):
    list_display = ["name", "manager"]
    search_fields = ["name", "manager__username", "members__username"]
    list_filter = ["manager"]
    filter_horizontal = ["members"]


@admin.register(NumberSequence)
class NumberSequenceAdmin(admin.ModelAdmin):
    """Shown for reference only: numbers are handed out by code and never reused."""

    list_display = ["prefix", "last_value"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
