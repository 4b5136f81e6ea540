"""Forms of the sales app (crispy, Bootstrap 5)."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Div, Layout, Row
from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db.models import Q, prefetch_related_objects
from django.template.defaultfilters import filesizeformat
from django.urls import reverse

from telcrm.cleaning import CleanForm
from telcrm.forms import CrispyModelForm, UserChoiceField
from telcrm.models import Team
from telcrm.people import assignable_owners, assignable_teams
from telcrm.widgets import DateInput

from . import catalog
from .choices import OPEN_STAGES, AccountType, ValueType
from .models import (
    Account,
    AgreementLine,
    AgreementSla,
    BillingProfile,
    Contact,
    Lead,
    LeadLine,
    Location,
    Opportunity,
    OpportunityLine,
    PartnerTerm,
    ProductOffering,
    Quote,
    QuoteLine,
    SalesAgreement,
)
from .models.catalog import as_text, humanize_value
from .querysets import (
    account_people_problems,
    account_viewers,
    owner_in_team_problem,
)

User = get_user_model()


class AccountForm(CrispyModelForm):
    """Create or edit an account. ``version`` guards against overwriting a concurrent edit."""

    owner = UserChoiceField(
        queryset=User.objects.none(),
        required=False,
        help_text="Defaults to you (or the parent's owner for a child).",
    )

    class Meta:
        model = Account
        fields = [
            "name",
            "parent",
            "industry",
            "owner",
            "team",
            "credit_limit",
            "credit_currency",
            "vat_number",
            "website",
        ]

    def __init__(self, *args, user, fixed_parent: Account | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = assignable_owners(user)
        self.fields["team"].queryset = assignable_teams(user)
        visible = Account.objects.visible_to(user).exclude(state="closed")
        if self.instance.pk:
            self.fields["owner"].required = True
            self.fields["owner"].help_text = ""
            # The current owner, team and parent stay choosable even where the user could
            # not pick them today (another team's parent, a closed parent).
            current = self.instance
            self.fields["owner"].queryset = User.objects.filter(
                Q(pk__in=assignable_owners(user).values("pk")) | Q(pk=current.owner_id)
            ).order_by("first_name", "last_name", "username")
            self.fields["team"].queryset = Team.objects.filter(
                Q(pk__in=assignable_teams(user).values("pk")) | Q(pk=current.team_id)
            )
            if self.instance.is_legal:
                del self.fields["parent"]
            else:
                self.fields["parent"].required = True
                self.fields["parent"].queryset = (
                    visible | Account.objects.filter(pk=current.parent_id)
                ).exclude(pk=current.pk)
        elif fixed_parent is not None:
            del self.fields["parent"]
            self.instance.parent = fixed_parent
            self.instance.account_type = AccountType.CHILD
        else:
            del self.fields["parent"]
        if "parent" in self.fields:
            self.fields["parent"].help_text = "Moving a child moves everything below it too."
        self.fields["owner"].help_text = " ".join(
            filter(None, [self.fields["owner"].help_text, "A member or the manager of the team."])
        )
        if not user.has_perm("sales.set_credit_limit"):
            # Finance sets credit limits: shown, not editable (a posted value is ignored).
            for name in ("credit_limit", "credit_currency"):
                self.fields[name].disabled = True
            self.fields["credit_limit"].help_text = "Set by finance."
        self.helper.layout = self.get_layout()

    def clean(self):
        data = super().clean()
        owner, team = data.get("owner"), data.get("team")
        changed = not self.instance.pk or {"owner", "team"} & set(self.changed_data)
        problem = changed and owner_in_team_problem(owner, team)
        if problem:
            self.add_error("owner", problem)
        return data

    def get_layout(self):
        names = list(self.fields)
        return Layout(
            "name",
            *(["parent"] if "parent" in names else []),
            Row(Column("industry"), Column("owner"), Column("team")),
            Row(Column("credit_limit"), Column("credit_currency")),
            Row(Column("vat_number"), Column("website")),
        )


class CreditLimitForm(CrispyModelForm):
    """Finance sets an account's credit limit and its currency."""

    class Meta:
        model = Account
        fields = ["credit_limit", "credit_currency"]

    def get_layout(self):
        return Layout(Row(Column("credit_limit"), Column("credit_currency")))


class LocationForm(CrispyModelForm):
    class Meta:
        model = Location
        fields = [
            "name",
            "site_code",
            "address_line1",
            "address_line2",
            "postcode",
            "city",
            "country",
            "latitude",
            "longitude",
            "is_primary",
        ]

    def clean_country(self):
        return self.cleaned_data["country"].upper()

    def get_layout(self):
        return Layout(
            Row(Column("name"), Column("site_code")),
            "address_line1",
            "address_line2",
            Row(Column("postcode"), Column("city"), Column("country")),
            Row(Column("latitude"), Column("longitude")),
            "is_primary",
        )


class ContactForm(CrispyModelForm):
    class Meta:
        model = Contact
        fields = ["first_name", "last_name", "email", "phone", "job_role", "signing_authority"]

    def get_layout(self):
        return Layout(
            Row(Column("first_name"), Column("last_name")),
            Row(Column("email"), Column("phone")),
            "job_role",
            "signing_authority",
        )


class BillingProfileForm(CrispyModelForm):
    class Meta:
        model = BillingProfile
        fields = [
            "billing_account_number",
            "currency",
            "payment_method",
            "bill_cycle_day",
            "invoice_delivery",
            "invoice_email",
        ]
        help_texts = {"billing_account_number": "Leave empty to generate one (BA-…)."}

    def get_layout(self):
        return Layout(
            Row(Column("billing_account_number"), Column("currency")),
            Row(Column("payment_method"), Column("bill_cycle_day")),
            Row(Column("invoice_delivery"), Column("invoice_email")),
        )


class AccountImportForm(CleanForm):
    file = forms.FileField(
        label="CSV file",
        help_text="UTF-8, one account per row; see the column list below.",
    )

    def clean_file(self):
        f = self.cleaned_data["file"]
        limit = settings.TELCRM_MAX_UPLOAD_BYTES
        if f.size > limit:
            raise forms.ValidationError(
                f"The file is larger than {filesizeformat(limit)}: split it into several files."
            )
        return f


# Characteristics ---------------------------------------------------------------------------


def characteristic_field(char, value=None) -> forms.CharField:
    """The input for one characteristic: a select of its allowed values (or yes / no), a
    number within its range, or a text box; the value given, else the catalog's default.

    It accepts any text: the catalog's own validation (``catalog.validate_configuration``)
    judges the values, so its rules and messages live in one place. Empty means "the
    default" (or nothing, for free text)."""
    initial = char.default if value in (None, "") else as_text(value)
    if char.value_type in (ValueType.CHOICE, ValueType.BOOLEAN):
        values = char.allowed_values if char.value_type == ValueType.CHOICE else ["yes", "no"]
        choices = [(v, humanize_value(v)) for v in values]
        if initial and initial not in values:  # kept visible, so the refusal names it
            choices.insert(0, (initial, f"{initial} (not offered)"))
        if not char.default:
            choices.insert(0, ("", "—"))
        widget = forms.Select(choices=choices)
    elif char.value_type == ValueType.INTEGER:
        attrs = {"min": char.min_value, "max": char.max_value, "step": 1}
        widget = forms.NumberInput(attrs={k: v for k, v in attrs.items() if v is not None})
    else:
        widget = forms.TextInput()
    return forms.CharField(
        label=f"{char.name}{f' ({char.unit})' if char.unit else ''}",
        required=False,
        initial=initial,
        widget=widget,
        help_text=char.description,
        max_length=200,
    )


def characteristic_layout(names) -> Row:
    return Row(*(Column(name, css_class="col-sm-6 col-lg-4") for name in names))


class CharacteristicInputs:
    """One input per characteristic of an offering (fields ``c_<code>``): shared by the
    catalog's "try a configuration" panel and every line form."""

    characteristics: list = []

    def add_characteristic_fields(self, characteristics, values: dict | None = None) -> None:
        self.characteristics = list(characteristics)
        values = values or {}
        for char in self.characteristics:
            self.fields[f"c_{char.code}"] = characteristic_field(char, values.get(char.code))

    @property
    def characteristic_names(self) -> list[str]:
        return [f"c_{char.code}" for char in self.characteristics]

    def characteristic_values(self) -> dict[str, str]:
        """The values as entered (only after ``is_valid``)."""
        return {
            char.code: self.cleaned_data.get(f"c_{char.code}", "") for char in self.characteristics
        }

    def checked_characteristics(self, offering: ProductOffering) -> dict[str, str]:
        """The values as entered; the catalog's refusals go on the fields they are about."""
        values = self.characteristic_values()
        _config, errors = catalog.validate_configuration(offering, values)
        for error in errors:
            name = f"c_{error.code}"
            self.add_error(name if name in self.fields else None, error.message)
        return values


def offering_with_characteristics(field, value) -> ProductOffering | None:
    """The offering ``value`` (a pk or an offering) names among the field's choices, with
    its characteristics loaded; None for no or a bad choice."""
    if value in (None, ""):
        return None
    try:
        offering = field.to_python(value)
    except ValidationError:
        return None
    if offering is not None:
        prefetch_related_objects([offering], "specifications__characteristics")
    return offering


class OfferingCharacteristicsMixin(CharacteristicInputs):
    """A line form whose offering can be chosen: the characteristic inputs follow the chosen
    offering, and changing the offering swaps them (htmx, from ``sales:offering_inputs``)."""

    def setup_characteristics(self, values: dict | None) -> None:
        field = self.fields["offering"]
        chosen = (
            self.data.get(self.add_prefix("offering"))
            if self.is_bound
            else (self.initial.get("offering", field.initial))
        )
        self.offering = offering_with_characteristics(field, chosen)
        chars = catalog.offering_characteristics(self.offering) if self.offering else []
        self.add_characteristic_fields(chars, values)
        field.widget.attrs.update(
            {
                "hx-get": f"{reverse('sales:offering_inputs')}?prefix={self.prefix or ''}",
                "hx-target": f"#{self.characteristics_id}",
                "hx-swap": "innerHTML",
                "hx-include": "closest form",
            }
        )

    @property
    def characteristics_id(self) -> str:
        return f"{self.prefix or 'line'}-characteristics"

    def characteristics_block(self) -> Div:
        return Div(characteristic_layout(self.characteristic_names), css_id=self.characteristics_id)

    def clean_characteristics_of(self, data: dict) -> None:
        """``cleaned_data["characteristics"]``: the chosen offering's values, checked."""
        offering = data.get("offering")
        if offering is None or self.offering is None or offering.pk != self.offering.pk:
            data["characteristics"] = {}
        else:
            data["characteristics"] = self.checked_characteristics(self.offering)


class CharacteristicInputsForm(CharacteristicInputs, CleanForm):
    """Just the characteristic inputs of one offering: what a line form swaps in when its
    offering changes."""

    def __init__(self, *args, offering, values: dict, **kwargs):
        super().__init__(*args, **kwargs)
        chars = catalog.offering_characteristics(offering) if offering else []
        self.add_characteristic_fields(chars, values)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        self.helper.layout = Layout(characteristic_layout(self.characteristic_names))


class ConfigurationForm(CharacteristicInputs, CleanForm):
    """One input per characteristic of an offering, plus the site to check feasibility at."""

    location = forms.ModelChoiceField(
        queryset=Location.objects.none(),
        required=False,
        label="Site for feasibility",
        empty_label="(no site: price only)",
    )

    def __init__(self, *args, characteristics, locations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["location"].queryset = locations
        self.fields["location"].label_from_instance = lambda loc: (
            f"{loc.account.name} · {loc.postcode} {loc.city} ({loc.country})"
        )
        self.add_characteristic_fields(characteristics)


# Leads and opportunities -----------------------------------------------------------------


def sellable_offerings():
    return ProductOffering.objects.sellable().order_by("name")


class LineForm(OfferingCharacteristicsMixin, CrispyModelForm):
    """A line: pick a catalog offering (priced by the catalog) and set its characteristics,
    or describe it in words with a manual estimate (R1, R4)."""

    class Meta:
        fields = ["offering", "description", "quantity", "manual_estimate"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        offerings = sellable_offerings()
        if self.instance.offering_id:  # keep a line's offering even after it was retired
            offerings = ProductOffering.objects.filter(
                Q(pk__in=offerings.values("pk")) | Q(pk=self.instance.offering_id)
            ).order_by("name")
        self.fields["offering"].queryset = offerings
        self.fields["offering"].empty_label = "(free text)"
        self.fields["description"].help_text = "For a free-text line: what the customer wants."
        self.setup_characteristics(self.instance.characteristics)
        self.helper.layout = self.get_layout()

    def clean(self):
        data = super().clean()
        if not data.get("offering") and not (data.get("description") or "").strip():
            raise ValidationError("Pick a catalog offering or describe the line.")
        if data.get("offering") and data.get("manual_estimate") is not None:
            self.add_error("manual_estimate", "Catalog lines are priced by the catalog.")
        self.clean_characteristics_of(data)
        return data

    def get_layout(self):
        if not hasattr(self, "offering"):  # the base form asks before the inputs exist
            return None
        return Layout(
            Row(
                Column("offering", css_class="col-md-4"),
                Column("description", css_class="col-md-5"),
                Column("quantity", css_class="col-md-3"),
            ),
            self.characteristics_block(),
            Row(Column("manual_estimate", css_class="col-md-4")),
        )


class LeadLineForm(LineForm):
    class Meta(LineForm.Meta):
        model = LeadLine


LeadLineFormSet = forms.inlineformset_factory(
    Lead,
    LeadLine,
    form=LeadLineForm,
    extra=2,
    can_delete=True,
    can_delete_extra=False,
    max_num=50,
)


class LeadForm(CrispyModelForm):
    owner = UserChoiceField(
        queryset=User.objects.none(), required=False, help_text="Defaults to you."
    )
    confirm_duplicate = forms.BooleanField(
        required=False, widget=forms.HiddenInput, label="Create it anyway"
    )

    class Meta:
        model = Lead
        fields = [
            "company_name",
            "contact_name",
            "contact_email",
            "contact_phone",
            "source",
            "description",
            "estimated_value",
            "currency",
            "owner",
            "team",
        ]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = assignable_owners(user)
        self.fields["team"].queryset = assignable_teams(user)
        if self.instance.pk:
            self.fields["owner"].required = True
            self.fields["owner"].help_text = ""
        else:
            self.fields["team"].initial = user.sales_teams.order_by("name").first()
        self.helper.layout = self.get_layout()

    def get_layout(self):
        return Layout(
            "company_name",
            Row(Column("contact_name"), Column("contact_email"), Column("contact_phone")),
            Row(Column("source"), Column("estimated_value"), Column("currency")),
            "description",
            Row(Column("owner"), Column("team")),
        )


class ConvertLeadForm(CleanForm):
    """R3: an existing account, or a new legal account with its first site, in one step."""

    MODE_CHOICES = [("existing", "An existing account"), ("new", "A new account")]
    mode = forms.ChoiceField(
        choices=MODE_CHOICES, widget=forms.RadioSelect, initial="new", label="Convert onto"
    )
    account = forms.ModelChoiceField(
        queryset=Account.objects.none(), required=False, label="Existing legal account"
    )
    name = forms.CharField(max_length=200, required=False, label="New account name")
    site_name = forms.CharField(
        max_length=200, required=False, label="First site", initial="Head office"
    )
    address_line1 = forms.CharField(max_length=200, required=False, label="Address")
    postcode = forms.CharField(max_length=20, required=False)
    city = forms.CharField(max_length=100, required=False)
    country = forms.CharField(
        max_length=2, required=False, initial="DE", help_text="ISO code, e.g. DE"
    )
    opportunity_name = forms.CharField(
        max_length=200, required=False, help_text="Defaults to account and lead description."
    )
    expected_close_date = forms.DateField(widget=DateInput())

    NEW_FIELDS = ["name", "site_name", "address_line1", "postcode", "city", "country"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["account"].queryset = (
            Account.objects.visible_to(user)
            .filter(account_type=AccountType.LEGAL)
            .exclude(state="closed")
            .order_by("name")
        )
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True

    def clean(self):
        data = super().clean()
        if data.get("mode") == "existing":
            if not data.get("account"):
                self.add_error("account", "Choose the account (no account, no conversion).")
        else:
            for name in self.NEW_FIELDS:
                if not (data.get(name) or "").strip():
                    self.add_error(name, "Needed for the new account.")
            country = (data.get("country") or "").strip().upper()
            if country and (len(country) != 2 or not country.isalpha()):
                self.add_error("country", "Use the two-letter ISO 3166 country code, e.g. DE.")
        return data


class OpportunityForm(CrispyModelForm):
    owner = UserChoiceField(
        queryset=User.objects.none(), required=False, help_text="Defaults to you."
    )

    class Meta:
        model = Opportunity
        fields = [
            "name",
            "account",
            "owner",
            "team",
            "expected_close_date",
            "probability",
            "currency",
        ]
        widgets = {"expected_close_date": DateInput()}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        # R29: the account decides who sees the opportunity, so only people who see the
        # account can own it, and it carries the account's team.
        self.fields["owner"].queryset = assignable_owners(user)
        self.fields["team"].queryset = assignable_teams(user)
        self.fields["team"].help_text = "The account's team; defaults to it."
        legal = Account.objects.visible_to(user).filter(account_type=AccountType.LEGAL)
        self.fields["account"].queryset = legal.exclude(state="closed").order_by("name")
        if self.instance.pk:
            account = self.instance.account
            self.fields["account"].disabled = True
            self.fields["account"].queryset = Account.objects.filter(pk=account.pk)
            self.fields["owner"].required = True
            self.fields["owner"].help_text = "Someone who sees the account."
            self.fields["owner"].queryset = assignable_owners(user).filter(
                pk__in=account_viewers(account).values("pk")
            )
            self.fields["team"].queryset = Team.objects.filter(pk=account.team_id)
        else:
            self.fields["owner"].help_text = "Defaults to you; someone who sees the account."
            del self.fields["probability"]
        self.helper.layout = self.get_layout()

    def clean(self):
        data = super().clean()
        account = data.get("account") or (self.instance.account if self.instance.pk else None)
        if account is not None:
            problems = account_people_problems(account, data.get("owner"), data.get("team"))
            for name, message in problems.items():
                self.add_error(name, message)
        return data

    def get_layout(self):
        return Layout(
            "name",
            "account",
            Row(Column("owner"), Column("team")),
            Row(
                Column("expected_close_date"),
                *([Column("probability")] if "probability" in self.fields else []),
                Column("currency"),
            ),
        )


class OpportunityLineForm(LineForm):
    class Meta(LineForm.Meta):
        model = OpportunityLine
        fields = LineForm.Meta.fields + ["site"]

    def __init__(self, *args, opportunity, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["site"].queryset = Account.objects.filter(
            root_id=opportunity.account_id
        ).order_by("name")
        self.fields["site"].empty_label = "(no site yet)"

    def get_layout(self):
        if not hasattr(self, "offering"):
            return None
        return Layout(
            Row(Column("offering"), Column("quantity", css_class="col-md-2")),
            self.characteristics_block(),
            "description",
            Row(Column("manual_estimate"), Column("site")),
        )


# Sales agreements ------------------------------------------------------------------------


class AgreementForm(CrispyModelForm):
    class Meta:
        model = SalesAgreement
        fields = ["name", "account", "valid_from", "valid_to", "currency", "terms"]
        widgets = {
            "valid_from": DateInput(),
            "valid_to": DateInput(),
            "terms": forms.Textarea(attrs={"rows": 6}),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        legal = Account.objects.visible_to(user).filter(account_type=AccountType.LEGAL)
        self.fields["account"].queryset = legal.exclude(state="closed").order_by("name")
        if self.instance.pk:
            self.fields["account"].disabled = True
            self.fields["account"].queryset = Account.objects.filter(pk=self.instance.account_id)
        self.helper.layout = Layout(
            "name",
            "account",
            Row(Column("valid_from"), Column("valid_to"), Column("currency")),
            "terms",
        )


class AgreementLineForm(CrispyModelForm):
    class Meta:
        model = AgreementLine
        fields = ["offering", "recurring_price", "one_time_price", "discount_percent"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        offerings = sellable_offerings()
        if self.instance.offering_id:
            offerings = ProductOffering.objects.filter(
                Q(pk__in=offerings.values("pk")) | Q(pk=self.instance.offering_id)
            ).order_by("name")
        self.fields["offering"].queryset = offerings
        self.helper.layout = Layout(
            "offering",
            Row(Column("recurring_price"), Column("one_time_price"), Column("discount_percent")),
        )


class AgreementSlaForm(CrispyModelForm):
    class Meta:
        model = AgreementSla
        fields = ["metric", "target", "service_credit_percent"]

    def get_layout(self):
        return Layout(Row(Column("metric"), Column("target"), Column("service_credit_percent")))


class PartnerTermForm(CrispyModelForm):
    class Meta:
        model = PartnerTerm
        fields = ["partner", "offering", "terms"]
        widgets = {"terms": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["offering"].queryset = ProductOffering.objects.filter(
            kind="partner_service"
        ).order_by("name")


class QuoteForm(CrispyModelForm):
    class Meta:
        model = Quote
        fields = ["account", "opportunity", "term_months", "valid_until", "currency"]
        widgets = {"valid_until": DateInput()}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        legal = Account.objects.visible_to(user).filter(account_type=AccountType.LEGAL)
        self.fields["account"].queryset = legal.exclude(state="closed").order_by("name")
        self.fields["opportunity"].queryset = (
            Opportunity.objects.visible_to(user)
            .filter(stage__in=OPEN_STAGES)
            .select_related("account")
            .order_by("account__name", "name")
        )
        self.fields["opportunity"].help_text = "Optional: it moves to proposal."
        self.helper.layout = Layout(
            "account",
            "opportunity",
            Row(Column("term_months"), Column("valid_until"), Column("currency")),
        )


class SiteChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return obj.name


class QuoteLineForm(OfferingCharacteristicsMixin, CleanForm):
    """Configure an offering once and place it at one or many sites (R9)."""

    sites = SiteChoiceField(queryset=Account.objects.none(), widget=forms.CheckboxSelectMultiple)
    offering = forms.ModelChoiceField(queryset=ProductOffering.objects.none())
    quantity = forms.IntegerField(min_value=1, max_value=10000, initial=1)
    discount_percent = forms.DecimalField(
        label="Discount %", min_value=0, max_value=100, decimal_places=2, initial=0
    )

    def __init__(self, *args, quote, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sites"].queryset = Account.objects.filter(root_id=quote.account_id).order_by(
            "name"
        )
        self.fields["offering"].queryset = (
            sellable_offerings()
            .exclude(kind="entitlement")
            .for_segment(quote.account.industry)
            .filter(currency=quote.currency)
        )
        self.setup_characteristics(self.initial.get("characteristics"))
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        self.helper.layout = Layout(
            "sites",
            Row(
                Column("offering", css_class="col-md-6"),
                Column("quantity", css_class="col-md-3"),
                Column("discount_percent", css_class="col-md-3"),
            ),
            self.characteristics_block(),
        )

    def clean(self):
        data = super().clean()
        self.clean_characteristics_of(data)
        return data


class QuoteLineEditForm(CharacteristicInputs, CrispyModelForm):
    """Change a line's characteristics, quantity and discount (its offering and site stay)."""

    class Meta:
        model = QuoteLine
        fields = ["quantity", "discount_percent"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        offering = self.instance.offering
        prefetch_related_objects([offering], "specifications__characteristics")
        self.add_characteristic_fields(
            catalog.offering_characteristics(offering), self.instance.characteristics
        )
        self.helper.layout = Layout(
            characteristic_layout(self.characteristic_names),
            Row(Column("quantity"), Column("discount_percent")),
        )

    def clean(self):
        data = super().clean()
        data["characteristics"] = self.checked_characteristics(self.instance.offering)
        return data
