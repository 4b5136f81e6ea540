"""Forms of the orders app: only non-commercial details are editable on an order (R16)."""

from django import forms
from django.urls import reverse
from django.utils.html import format_html

from sales.choices import BillingProfileState
from sales.models import BillingProfile, Contact
from telcrm.cleaning import CleanForm
from telcrm.forms import CrispyModelForm
from telcrm.widgets import DateInput

from .models import Order, OrderLine


class OrderCreateForm(CleanForm):
    billing_profile = forms.ModelChoiceField(
        queryset=BillingProfile.objects.none(),
        empty_label="Choose a billing profile",
        error_messages={"required": "Choose the billing profile that pays for this order."},
    )
    requested_date = forms.DateField(label="Requested delivery date", widget=DateInput())
    notes = forms.CharField(
        label="Order notes", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, contract, **kwargs):
        super().__init__(*args, **kwargs)
        # Only profiles that can bill this order: active, in the contract's currency.
        profiles = BillingProfile.objects.filter(
            account_id=contract.account_id,
            state=BillingProfileState.ACTIVE,
            currency=contract.currency,
        ).order_by("pk")
        field = self.fields["billing_profile"]
        field.queryset = profiles
        add = reverse("sales:billingprofile_create", args=[contract.account_id])
        if not profiles.exists():
            field.help_text = format_html(
                '{} has no active billing profile in {}: <a href="{}">add one</a>, then '
                "come back to order.",
                contract.account.name,
                contract.currency,
                add,
            )
            field.error_messages["required"] = (
                f"An order needs an active billing profile in {contract.currency}; "
                f"{contract.account.name} has none yet."
            )
        else:
            field.help_text = format_html(
                'Active profiles in {}. <a href="{}">Add a billing profile</a>',
                contract.currency,
                add,
            )


class OrderDetailsForm(CrispyModelForm):
    class Meta:
        model = Order
        fields = ["requested_date", "notes"]
        widgets = {"requested_date": DateInput(), "notes": forms.Textarea(attrs={"rows": 3})}


class OrderLineDetailsForm(CrispyModelForm):
    class Meta:
        model = OrderLine
        fields = ["site_contact", "access_notes", "technical_notes", "quantity"]
        help_texts = {"quantity": "Commercial: a different quantity needs a new quote version."}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["site_contact"].queryset = Contact.objects.filter(
            account_id=self.instance.site_id
        ).order_by("last_name")
