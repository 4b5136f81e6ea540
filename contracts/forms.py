"""Forms of the contracts app."""

from django import forms
from django.conf import settings

from sales.models import Contact
from telcrm.cleaning import CleanForm, CleanModelForm

from .choices import SignatureMethod
from .models import SlaCommitment


class SigningRequestForm(CleanForm):
    signatory = forms.ModelChoiceField(
        queryset=Contact.objects.none(), empty_label="Choose the signatory"
    )
    days = forms.IntegerField(
        label="Link valid for (days)", min_value=1, max_value=60, initial=settings.SIGNING_LINK_DAYS
    )

    def __init__(self, *args, account_id: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["signatory"].queryset = Contact.objects.filter(
            account_id=account_id, signing_authority=True
        ).order_by("last_name")
        self.fields["signatory"].label_from_instance = lambda c: (
            f"{c.full_name}{f', {c.job_role}' if c.job_role else ''} <{c.email}>"
        )


class SignForm(CleanForm):
    """What the signatory enters on the public signing page."""

    signer_name = forms.CharField(label="Your full name", max_length=120)
    method = forms.ChoiceField(
        label="Signature",
        choices=SignatureMethod.choices,
        widget=forms.RadioSelect,
        initial=SignatureMethod.DRAWN,
    )
    image = forms.CharField(required=False, widget=forms.HiddenInput, max_length=300_000)
    consent = forms.BooleanField(
        label="I have authority to sign for the company named in the document, and I agree to "
        "sign it electronically.",
    )


class SlaCommitmentForm(CleanModelForm):
    class Meta:
        model = SlaCommitment
        fields = ["metric", "target", "service_credit_percent"]
