from django.contrib import admin

from telcrm.admin import AuditedAdmin

from .models import ProductInventory


@admin.register(ProductInventory)
class ProductInventoryAdmin(AuditedAdmin):
    list_display = ["number", "account", "site", "offering", "status", "order_date", "start_date"]
    list_filter = ["status"]
    search_fields = ["number", "account__name", "site__name"]
    readonly_fields = ["account", "site", "location", "offering", "sales_contract"]
