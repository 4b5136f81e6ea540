from django.contrib import admin

from telcrm.admin import AuditedAdmin

from .models import Order


@admin.register(Order)
class OrderAdmin(AuditedAdmin):
    list_display = ["number", "account", "sales_contract", "requested_date", "state"]
    list_filter = ["state"]
    search_fields = ["number", "account__name"]
    readonly_fields = ["sales_contract", "quote", "account", "billing_profile", "owner", "team"]
