"""Forms of the orders app: only non-commercial details are editable on an order (R16)."""

from django import forms

from sales.forms import CrispyModelForm
from sales.models import BillingProfile, Contact
from telcrm.cleaning import CleanForm
from telcrm.widgets import DateInput

from .models import Order, OrderLine


class OrderCreateForm(CleanForm):
    billing_profile = forms.ModelChoiceField(queryset=BillingProfile.objects.none(),
                                             empty_label="Choose a billing profile")  # fmt: skip
    requested_date = forms.DateField(label="Requested delivery date", widget=DateInput())
    notes = forms.CharField(label="Order notes", required=False, widget=forms.Textarea(
        attrs={"rows": 3}))  # fmt: skip

    def __init__(self, *args, account_id: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["billing_profile"].queryset = BillingProfile.objects.filter(
            account_id=account_id).order_by("pk")  # fmt: skip


class OrderDetailsForm(CrispyModelForm):
    class Meta:
        model = Order
        fields = ["requested_date", "notes"]
        widgets = {"requested_date": DateInput(), "notes": forms.Textarea(attrs={"rows": 3})}


class OrderLineDetailsForm(CrispyModelForm):
    class Meta:
        model = OrderLine
        fields = ["site_contact", "access_notes", "technical_notes", "quantity"]
        help_texts = {"quantity": "Commercial: a different quantity needs a new quote "
                                  "version."}  # fmt: skip

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["site_contact"].queryset = Contact.objects.filter(
            account_id=self.instance.site_id).order_by("last_name")  # fmt: skip
