"""Customer accounts: hierarchy, locations, contacts and billing profiles."""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Upper
from django.urls import reverse
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from telcrm.models import BadgeMixin, History, NumberedModel, Team

from ..choices import (
    AccountState,
    AccountType,
    BillingProfileState,
    Currency,
    Industry,
    InvoiceDelivery,
    PaymentMethod,
)
from ..querysets import AccountChildQuerySet, AccountQuerySet

country_code = RegexValidator(r"^[A-Z]{2}$", "Use the two-letter ISO 3166 country code, e.g. DE.")


class Account(BadgeMixin, ConcurrentTransitionMixin, NumberedModel):
    """A customer account: a legal (root) entity, or a child site / department below one.

    ``root`` is the legal account at the top of the tree (empty on the root itself), kept
    so a whole hierarchy loads in one query.
    """

    number = models.CharField(max_length=20, unique=True, editable=False, blank=True)
    number_prefix = "ACC-"
    name = models.CharField(max_length=200)
    account_type = models.CharField(
        "type", max_length=10, choices=AccountType.choices, default=AccountType.LEGAL
    )
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, related_name="children", null=True, blank=True
    )
    root = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        related_name="descendants",
        null=True,
        blank=True,
        editable=False,
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="owned_accounts"
    )
    team = models.ForeignKey(
        Team, on_delete=models.PROTECT, related_name="accounts", null=True, blank=True
    )
    industry = models.CharField(max_length=20, choices=Industry.choices, blank=True)
    state = FSMField(
        "status", default=AccountState.PROSPECT, choices=AccountState.choices, protected=True
    )
    credit_limit = models.DecimalField(
        max_digits=14,
        decimal_places=2,
        default=Decimal("0.00"),
        validators=[MinValueValidator(Decimal("0"))],
        help_text="Used by order approval's financial check.",
    )
    credit_currency = models.CharField(max_length=3, choices=Currency.choices, default="EUR")
    vat_number = models.CharField("VAT number", max_length=30, blank=True)
    website = models.URLField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = History()
    objects = AccountQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        permissions = [
            ("close_account", "Can suspend and close accounts"),
            ("set_credit_limit", "Can set an account's credit limit"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=(Q(account_type=AccountType.LEGAL, parent__isnull=True))
                | (Q(account_type=AccountType.CHILD, parent__isnull=False)),
                name="%(app_label)s_%(class)s_legal_is_root",
                violation_error_message="A legal account has no parent; a child account has one.",
            ),
            models.CheckConstraint(
                condition=~Q(parent=models.F("pk")),
                name="%(app_label)s_%(class)s_not_own_parent",
            ),
            models.CheckConstraint(
                condition=Q(credit_limit__gte=0), name="%(app_label)s_%(class)s_credit_limit_gte_0"
            ),
        ]
        # The tree of one legal account, and the list's default sort.
        indexes = [
            models.Index(fields=["root", "name"]),
            models.Index(fields=["name", "id"], name="account_name_idx"),
            models.Index(Upper("name"), name="account_name_upper_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.name}"

    def get_absolute_url(self) -> str:
        return reverse("sales:account_detail", args=[self.pk])

    @property
    def is_legal(self) -> bool:
        return self.account_type == AccountType.LEGAL

    @property
    def tree_root_id(self) -> int | None:
        return self.pk if self.is_legal else self.root_id

    def clean(self) -> None:
        if self.account_type == AccountType.LEGAL and self.parent_id:
            raise ValidationError({"parent": "A legal account is a root: it has no parent."})
        if self.account_type == AccountType.CHILD and not self.parent_id:
            raise ValidationError({"parent": "A child account needs a parent account."})
        if self.parent_id and self.pk:
            ancestor, seen = self.parent, set()
            while ancestor is not None and ancestor.pk not in seen:
                if ancestor.pk == self.pk:
                    raise ValidationError(
                        {
                            "parent": "That parent lies below this account: the hierarchy would "
                            "become a cycle."
                        }
                    )
                seen.add(ancestor.pk)
                ancestor = ancestor.parent

    def save(self, *args, **kwargs) -> None:
        if self.parent_id:
            parent = self.parent
            self.root_id = parent.pk if parent.root_id is None else parent.root_id
        else:
            self.root_id = None
        super().save(*args, **kwargs)

    # Lifecycle -----------------------------------------------------------------------
    @transition(
        field=state,
        source=[AccountState.PROSPECT, AccountState.SUSPENDED],
        target=AccountState.ACTIVE,
        permission="sales.change_account",
        custom={"label": "Activate", "style": "success"},
    )
    def activate(self) -> None:
        """The customer is live: orders may be placed for it."""

    @transition(
        field=state,
        source=AccountState.ACTIVE,
        target=AccountState.SUSPENDED,
        permission="sales.close_account",
        custom={
            "label": "Suspend",
            "style": "warning",
            "confirm": "Suspend this account? New orders will be held.",
        },
    )
    def suspend(self) -> None:
        """Put the customer on hold (e.g. unpaid invoices)."""

    @transition(
        field=state,
        source=[AccountState.PROSPECT, AccountState.ACTIVE, AccountState.SUSPENDED],
        target=AccountState.CLOSED,
        permission="sales.close_account",
        custom={
            "label": "Close",
            "style": "danger",
            "confirm": "Close this account for good? This cannot be undone.",
        },
    )
    def close(self) -> None:
        """End the relationship; the record stays for the audit trail."""


class Location(models.Model):
    """A postal address of an account; at most one is the account's primary location."""

    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="locations")
    name = models.CharField(max_length=100, blank=True, help_text="e.g. Head office, Plant 2")
    site_code = models.CharField(max_length=30, blank=True)
    address_line1 = models.CharField("address line 1", max_length=200)
    address_line2 = models.CharField("address line 2", max_length=200, blank=True)
    city = models.CharField(max_length=100)
    postcode = models.CharField(max_length=20)
    country = models.CharField(
        max_length=2, validators=[country_code], help_text="ISO code, e.g. DE"
    )
    latitude = models.DecimalField(
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal(-90)), MaxValueValidator(Decimal(90))],
    )
    longitude = models.DecimalField(
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal(-180)), MaxValueValidator(Decimal(180))],
    )
    is_primary = models.BooleanField("primary location", default=False)

    updated_at = models.DateTimeField(auto_now=True)

    history = History()
    objects = AccountChildQuerySet.as_manager()

    class Meta:
        ordering = ["-is_primary", "city", "address_line1"]
        constraints = [
            models.UniqueConstraint(
                fields=["account"],
                condition=Q(is_primary=True),
                name="%(app_label)s_%(class)s_one_primary_per_account",
                violation_error_message="This account already has a primary location.",
            ),
            models.CheckConstraint(
                condition=Q(latitude__isnull=True, longitude__isnull=True)
                | Q(latitude__isnull=False, longitude__isnull=False),
                name="%(app_label)s_%(class)s_coordinates_pair",
                violation_error_message="Give both latitude and longitude, or neither.",
            ),
        ]

    def get_absolute_url(self) -> str:
        return reverse("sales:account_detail", args=[self.account_id]) + "#locations"

    def __str__(self) -> str:
        return self.one_line

    @property
    def one_line(self) -> str:
        parts = [
            self.address_line1,
            self.address_line2,
            f"{self.postcode} {self.city}",
            self.country,
        ]
        return ", ".join(p for p in parts if p)


class Contact(models.Model):
    """A person at a customer account; signing authority matters for legal signatures (R12)."""

    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="contacts")
    first_name = models.CharField(max_length=100)
    last_name = models.CharField(max_length=100)
    email = models.EmailField("e-mail")
    phone = models.CharField(max_length=40, blank=True)
    job_role = models.CharField(max_length=100, blank=True)
    signing_authority = models.BooleanField(
        default=False, help_text="May sign quotes and contracts for the legal entity."
    )

    updated_at = models.DateTimeField(auto_now=True)

    history = History()
    objects = AccountChildQuerySet.as_manager()

    class Meta:
        ordering = ["last_name", "first_name"]
        indexes = [models.Index(Upper("email"), name="contact_email_upper_idx")]

    def get_absolute_url(self) -> str:
        return reverse("sales:account_detail", args=[self.account_id]) + "#contacts"

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()


class BillingProfile(BadgeMixin, ConcurrentTransitionMixin, NumberedModel):
    """How an account is billed; an active one is mandatory for orders (R15)."""

    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="billing_profiles")
    billing_account_number = models.CharField(max_length=30, unique=True, blank=True)
    number_prefix, number_width, number_field = "BA-", 7, "billing_account_number"
    currency = models.CharField(max_length=3, choices=Currency.choices, default=Currency.EUR)
    payment_method = models.CharField(
        max_length=20, choices=PaymentMethod.choices, default=PaymentMethod.DIRECT_DEBIT
    )
    bill_cycle_day = models.PositiveSmallIntegerField(
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(28)],
        help_text="Day of the month the bill run takes this account (1–28).",
    )
    invoice_delivery = models.CharField(
        max_length=10, choices=InvoiceDelivery.choices, default=InvoiceDelivery.EMAIL
    )
    invoice_email = models.EmailField("invoice e-mail", blank=True)
    state = FSMField(
        "status",
        default=BillingProfileState.ACTIVE,
        choices=BillingProfileState.choices,
        protected=True,
    )

    updated_at = models.DateTimeField(auto_now=True)

    history = History()
    objects = AccountChildQuerySet.as_manager()

    class Meta:
        ordering = ["billing_account_number"]
        permissions = [("activate_billingprofile", "Can activate and deactivate billing profiles")]
        constraints = [
            models.CheckConstraint(
                condition=Q(bill_cycle_day__gte=1, bill_cycle_day__lte=28),
                name="%(app_label)s_%(class)s_bill_cycle_day_1_28",
            ),
        ]

    def get_absolute_url(self) -> str:
        return reverse("sales:account_detail", args=[self.account_id]) + "#billing"

    def __str__(self) -> str:
        return f"{self.billing_account_number} ({self.currency})"

    def clean(self) -> None:
        if self.invoice_delivery == InvoiceDelivery.EMAIL and not self.invoice_email:
            raise ValidationError({"invoice_email": "E-mail delivery needs an invoice e-mail."})

    @transition(
        field=state,
        source=BillingProfileState.ACTIVE,
        target=BillingProfileState.INACTIVE,
        permission="sales.activate_billingprofile",
        custom={"label": "Deactivate", "style": "outline-secondary"},
    )
    def deactivate(self) -> None:
        """Stop billing through this profile."""

    @transition(
        field=state,
        source=BillingProfileState.INACTIVE,
        target=BillingProfileState.ACTIVE,
        permission="sales.activate_billingprofile",
        custom={"label": "Activate", "style": "outline-success"},
    )
    def activate(self) -> None:
        """Bill through this profile again."""
