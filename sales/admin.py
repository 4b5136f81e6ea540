from django import forms
from django.contrib import admin, messages

from telcrm.admin import AuditedAdmin
from telcrm.cleaning import CleanModelForm
from telcrm.fsm import DomainError

from . import services
from .catalog_io import RULE_FIELDS
from .choices import AccountState
from .models import (
    Account,
    BillingProfile,
    CharacteristicSpecification,
    Contact,
    FeasibilityRule,
    Location,
    OfferingCompatibility,
    OfferingEligibility,
    PriceRule,
    ProductOffering,
    ProductSpecification,
    SpecificationRelationship,
)


class LocationInline(admin.TabularInline):
    model = Location
    extra = 0
    fields = ["name", "address_line1", "postcode", "city", "country", "is_primary"]


class ContactInline(admin.TabularInline):
    model = Contact
    extra = 0
    fields = ["first_name", "last_name", "email", "phone", "job_role", "signing_authority"]


class AccountAdminForm(CleanModelForm):
    class Meta:
        model = Account
        fields = [
            "name",
            "account_type",
            "parent",
            "owner",
            "team",
            "industry",
            "credit_limit",
            "credit_currency",
            "vat_number",
            "website",
        ]

    def clean(self):
        data = super().clean()
        parent = data.get("parent")
        moved = parent is not None and parent.pk != self.instance.parent_id
        if moved and parent.state == AccountState.CLOSED:
            raise forms.ValidationError({"parent": f"{parent} is closed."})
        return data


@admin.register(Account)
class AccountAdmin(AuditedAdmin):
    form = AccountAdminForm
    list_display = ["number", "name", "account_type", "parent", "owner", "team", "state"]
    list_filter = ["account_type", "state", "team", "industry"]
    search_fields = ["number", "name", "vat_number"]
    list_select_related = ["parent", "owner", "team"]
    raw_id_fields = ["parent"]
    readonly_fields = ["number", "root", "created_at", "updated_at"]
    inlines = [LocationInline, ContactInline]

    def save_model(self, request, obj, form, change):
        """Through the services, so that a move re-roots the subtree like in the app."""
        if change:
            services.account_update(actor=request.user, account=obj)
        else:
            services.account_create(actor=request.user, account=obj)


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


# Catalog ---------------------------------------------------------------------------------


@admin.register(CharacteristicSpecification)
class CharacteristicAdmin(AuditedAdmin):
    list_display = ["code", "name", "value_type", "choices_display", "unit", "price_affecting"]
    list_filter = ["value_type", "price_affecting"]
    search_fields = ["code", "name", "description"]


class RelationshipInline(admin.TabularInline):
    model = SpecificationRelationship
    fk_name = "source"
    extra = 0
    autocomplete_fields = ["target"]


@admin.register(ProductSpecification)
class SpecificationAdmin(AuditedAdmin):
    list_display = ["code", "name", "domain"]
    list_filter = ["domain"]
    search_fields = ["code", "name", "description"]
    filter_horizontal = ["characteristics"]
    inlines = [RelationshipInline]


class PriceRuleInline(admin.TabularInline):
    model = PriceRule
    extra = 0
    fields = RULE_FIELDS  # as in the catalog file


class EligibilityInline(admin.TabularInline):
    """Who may buy it: one row per customer segment or country; none of a kind means all."""

    model = OfferingEligibility
    extra = 0
    fields = ["segment", "country"]


class CompatibilityInline(admin.TabularInline):
    """What it needs, or cannot be combined with, at the same site."""

    model = OfferingCompatibility
    fk_name = "offering"
    extra = 0
    fields = ["kind", "other"]
    autocomplete_fields = ["other"]


@admin.action(description="Publish the selected offerings (draft → active)")
def publish_offerings(modeladmin, request, queryset):
    _offering_action(modeladmin, request, queryset, "publish")


@admin.action(description="Retire the selected offerings (active → retired)")
def retire_offerings(modeladmin, request, queryset):
    _offering_action(modeladmin, request, queryset, "retire")


def _offering_action(modeladmin, request, queryset, name: str) -> None:
    done, refused = [], []
    for offering in queryset:
        try:
            services.offering_transition(actor=request.user, offering_id=offering.pk, name=name)
            done.append(offering.code)
        except DomainError as exc:
            refused.append(f"{offering.code}: {exc.message}")
    if done:
        past = {"publish": "Published", "retire": "Retired"}[name]
        modeladmin.message_user(request, f"{past}: {', '.join(done)}.")
    for message in refused:
        modeladmin.message_user(request, message, level=messages.ERROR)


@admin.register(ProductOffering)
class OfferingAdmin(AuditedAdmin):
    list_display = [
        "code",
        "name",
        "kind",
        "state",
        "recurring_price",
        "one_time_price",
        "sellable_from",
        "sellable_to",
        "requires_project",
    ]
    list_filter = ["state", "kind", "requires_project", "specifications__domain"]
    search_fields = ["code", "name", "description", "partner_name"]
    filter_horizontal = ["specifications"]
    inlines = [PriceRuleInline, EligibilityInline, CompatibilityInline]
    actions = [publish_offerings, retire_offerings]


@admin.register(FeasibilityRule)
class FeasibilityRuleAdmin(AuditedAdmin):
    list_display = ["name", "country", "postcode_prefix", "dual_pop_available", "build_surcharge"]
    list_filter = ["country", "dual_pop_available"]
    search_fields = ["name", "postcode_prefix", "condition_note"]
    deletable = True
