from django.contrib import admin

from telcrm.admin import AuditedAdmin

from .models import Account, BillingProfile, Contact, Location


class LocationInline(admin.TabularInline):
    model = Location
    extra = 0
    fields = ["name", "address_line1", "postcode", "city", "country", "is_primary"]


class ContactInline(admin.TabularInline):
    model = Contact
    extra = 0
    fields = ["first_name", "last_name", "email", "phone", "job_role", "signing_authority"]


@admin.register(Account)
class AccountAdmin(AuditedAdmin):
    list_display = ["number", "name", "account_type", "parent", "owner", "team", "state"]
    list_filter = ["account_type", "state", "team", "industry"]
    search_fields = ["number", "name", "vat_number"]
    list_select_related = ["parent", "owner", "team"]
    raw_id_fields = ["parent"]
    readonly_fields = ["number", "root", "created_at", "updated_at"]
    inlines = [LocationInline, ContactInline]


@admin.register(Location)
class LocationAdmin(AuditedAdmin):
    list_display = ["account", "name", "address_line1", "postcode", "city", "country", "is_primary"]
    list_filter = ["country", "is_primary"]
    search_fields = ["account__name", "account__number", "city", "postcode", "site_code"]
    list_select_related = ["account"]
    raw_id_fields = ["account"]
    deletable = True


@admin.register(Contact)
class ContactAdmin(AuditedAdmin):
    list_display = ["last_name", "first_name", "email", "account", "job_role", "signing_authority"]
    list_filter = ["signing_authority"]
    search_fields = ["first_name", "last_name", "email", "account__name", "account__number"]
    list_select_related = ["account"]
    raw_id_fields = ["account"]
    deletable = True


@admin.register(BillingProfile)
class BillingProfileAdmin(AuditedAdmin):
    list_display = ["billing_account_number", "account", "currency", "payment_method", "state"]
    list_filter = ["state", "currency", "payment_method", "invoice_delivery"]
    search_fields = ["billing_account_number", "account__name", "account__number"]
    list_select_related = ["account"]
    raw_id_fields = ["account"]
