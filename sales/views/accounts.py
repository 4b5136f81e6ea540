"""Pages of the sales app. Thin: fetch through ``visible_to``, call one service, report."""

from django.db.models import Q
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.views.generic import DetailView, FormView

from telcrm.audit import history_entries
from telcrm.views import FormPageMixin, RecordFormView, RecordListView, RolePermissionMixin

from .. import services
from ..filters import AccountFilterSet
from ..forms import (
    AccountForm,
    AccountImportForm,
    BillingProfileForm,
    ContactForm,
    CreditLimitForm,
    LocationForm,
)
from ..models import Account, AccountImport, BillingProfile, Contact, Location


def account_history(account: Account, visible_ids: set[int], limit: int = 30):
    """The account's own changes, its visible direct children's, and its locations',
    contacts' and billing profiles' — what a user expects to see on the account page."""
    return history_entries(
        [
            Account.history.filter(Q(id=account.pk) | Q(parent_id=account.pk, id__in=visible_ids)),
            Location.history.filter(account_id=account.pk),
            Contact.history.filter(account_id=account.pk),
            BillingProfile.history.filter(account_id=account.pk),
        ],
        limit=limit,
    )


class AccountListView(RecordListView):
    model = Account
    filterset_class = AccountFilterSet
    template_name = "sales/account_list.html"
    ordering = ("name", "pk")
    title = "Accounts"
    filter_layout = (
        ("q", "col-md-4 col-lg-3"),
        "account_type",
        "owner",
        "team",
        ("state", "col-6 col-md-2 col-lg-1"),
    )
    filter_buttons = "col-md-12 col-lg-2"
    filter_testid = "account-filters"

    def visible(self):
        return super().visible().with_list_columns()


def tree_rows(accounts: list[Account], root_id: int) -> list[tuple[Account, int]]:
    """The hierarchy in depth-first order with each account's depth, for an indented tree."""
    children: dict[int | None, list[Account]] = {}
    for acc in accounts:
        children.setdefault(acc.parent_id, []).append(acc)
    for kids in children.values():
        kids.sort(key=lambda a: a.name.lower())
    rows, stack = [], [(a, 0) for a in children.get(None, []) if a.pk == root_id]
    while stack:
        acc, depth = stack.pop()
        rows.append((acc, depth))
        stack.extend((c, depth + 1) for c in reversed(children.get(acc.pk, [])))
    return rows


class AccountDetailView(RolePermissionMixin, DetailView):
    permission_required = "sales.view_account"
    template_name = "sales/account_detail.html"
    context_object_name = "account"

    def get_queryset(self):
        return Account.objects.visible_to(self.request.user).select_related(
            "owner", "team", "parent", "root"
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        account = self.object
        user = self.request.user
        check = services.hierarchy_check(account)
        visible_ids = set(
            Account.objects.visible_to(user)
            .in_tree(account.tree_root_id)
            .values_list("pk", flat=True)
        )
        context.update(
            hierarchy=check,
            tree=tree_rows(check.accounts, account.tree_root_id),
            visible_ids=visible_ids,
            locations=list(account.locations.all()),
            contacts=list(account.contacts.all()),
            billing_profiles=list(account.billing_profiles.all()),
            history=account_history(account, visible_ids),
            can_change=user.has_perm("sales.change_account"),
            can_add_child=user.has_perm("sales.add_account"),
            can_location=user.has_perm("sales.add_location"),
            can_contact=user.has_perm("sales.add_contact"),
            can_billing=user.has_perm("sales.add_billingprofile"),
            can_credit_limit=user.has_perm("sales.set_credit_limit"),
            breadcrumbs=[("Accounts", reverse("sales:account_list")), (account.number, "")],
        )
        return context


class AccountFormPageMixin(FormPageMixin):
    """The form pages of an account and its parts sit under the account list."""

    def get_cancel_url(self):
        return reverse("sales:account_list")

    def get_breadcrumbs(self):
        return [("Accounts", reverse("sales:account_list")), (self.get_title(), "")]


class AccountCreateView(RolePermissionMixin, AccountFormPageMixin, FormView):
    """A new legal (root) account."""

    permission_required = "sales.add_account"
    form_class = AccountForm
    title = "New legal account"
    submit_label = "Create account"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user, "instance": Account()}

    def save(self, form):
        return services.account_create(actor=self.request.user, account=form.instance)

    def success_message(self, obj):
        return f"Created {obj}. Add its sites (child accounts), locations and contacts next."


class AccountScopedMixin:
    """Views under /accounts/<account_pk>/...: the account must be visible to the user."""

    def load(self, request, *args, **kwargs):
        self.account = get_object_or_404(
            Account.objects.visible_to(request.user), pk=kwargs["account_pk"]
        )

    def get_cancel_url(self):
        return self.account.get_absolute_url()

    def get_breadcrumbs(self):
        return [
            ("Accounts", reverse("sales:account_list")),
            (self.account.number, self.account.get_absolute_url()),
            (self.get_title(), ""),
        ]


class AccountChildCreateView(
    AccountScopedMixin, RolePermissionMixin, AccountFormPageMixin, FormView
):
    """A child account (site, department) below an existing account."""

    permission_required = "sales.add_account"
    form_class = AccountForm
    submit_label = "Add child account"

    def get_title(self):
        return f"New child account of {self.account.name}"

    def get_form_kwargs(self):
        return {
            **super().get_form_kwargs(),
            "user": self.request.user,
            "instance": Account(),
            "fixed_parent": self.account,
        }

    def get_initial(self):
        return {
            "owner": self.account.owner_id,
            "team": self.account.team_id,
            "industry": self.account.industry,
        }

    def save(self, form):
        return services.account_create(actor=self.request.user, account=form.instance)


class AccountCreditLimitView(RolePermissionMixin, AccountFormPageMixin, FormView):
    """Finance sets the credit limit that order approval checks orders against."""

    permission_required = "sales.set_credit_limit"
    form_class = CreditLimitForm
    submit_label = "Set credit limit"

    def load(self, request, *args, **kwargs):
        self.account = get_object_or_404(Account.objects.visible_to(request.user), pk=kwargs["pk"])

    def get_title(self):
        return f"Credit limit of {self.account}"

    def get_cancel_url(self):
        return self.account.get_absolute_url()

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.account}

    def save(self, form):
        return services.account_set_credit_limit(
            actor=self.request.user,
            account_id=self.account.pk,
            credit_limit=form.cleaned_data["credit_limit"],
            credit_currency=form.cleaned_data["credit_currency"],
            version=form.cleaned_data.get("version", ""),
        )

    def success_message(self, obj):
        return f"Credit limit of {obj} set."


class AccountUpdateView(RecordFormView):
    model = Account
    form_class = AccountForm
    service = staticmethod(services.account_update)
    record_arg = "account"
    list_title, list_url = "Accounts", "sales:account_list"


class AccountPartMixin(AccountScopedMixin, RolePermissionMixin, AccountFormPageMixin):
    """Add or edit a location, contact or billing profile of an account."""

    part_model = None
    anchor = ""

    def get_object(self):
        pk = self.kwargs.get("pk")
        if pk is None:
            return self.part_model(account=self.account)
        return get_object_or_404(self.part_model.objects.filter(account=self.account), pk=pk)

    def get_permission_required(self):
        action = "change" if "pk" in self.kwargs else "add"
        return [f"sales.{action}_{self.part_model._meta.model_name}"]

    def get_title(self):
        name = self.part_model._meta.verbose_name
        if "pk" in self.kwargs:
            return f"Edit {name} of {self.account.name}"
        return f"Add {name} to {self.account.name}"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.get_object()}

    def get_success_url_for(self, obj):
        return f"{self.account.get_absolute_url()}#{self.anchor}"


class LocationFormView(AccountPartMixin, FormView):
    part_model = Location
    form_class = LocationForm
    anchor = "locations"

    def save(self, form):
        return services.location_save(
            actor=self.request.user,
            location=form.instance,
            version=form.cleaned_data.get("version", ""),
        )


class ContactFormView(AccountPartMixin, FormView):
    part_model = Contact
    form_class = ContactForm
    anchor = "contacts"

    def save(self, form):
        return services.contact_save(
            actor=self.request.user,
            contact=form.instance,
            version=form.cleaned_data.get("version", ""),
        )


class BillingProfileFormView(AccountPartMixin, FormView):
    part_model = BillingProfile
    form_class = BillingProfileForm
    anchor = "billing"

    def save(self, form):
        return services.billing_profile_save(
            actor=self.request.user,
            profile=form.instance,
            version=form.cleaned_data.get("version", ""),
        )


class AccountImportView(RolePermissionMixin, FormView):
    """Upload a CSV of accounts: a background job checks and imports it, and the import's
    page shows its progress and, if any row is bad, the report (nothing imported then)."""

    permission_required = "sales.add_account"
    template_name = "sales/account_import.html"
    form_class = AccountImportForm

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["columns"] = services.CSV_COLUMNS
        context["recent"] = AccountImport.objects.visible_to(self.request.user).select_related(
            "created_by"
        )[:5]
        context["breadcrumbs"] = [("Accounts", reverse("sales:account_list")), ("Import", "")]
        return context

    def form_valid(self, form):
        record = services.account_import_upload(
            actor=self.request.user, upload=form.cleaned_data["file"]
        )
        return HttpResponseRedirect(record.get_absolute_url())


class AccountImportDetailView(RolePermissionMixin, DetailView):
    """An import's progress (rows checked, rows written), then its result or its report of
    bad rows. While the job runs, htmx reloads the status part every second."""

    permission_required = "sales.add_account"
    template_name = "sales/account_import_detail.html"
    context_object_name = "record"

    def get_queryset(self):
        return AccountImport.objects.visible_to(self.request.user).select_related("created_by")

    def get_template_names(self):
        if self.request.htmx and self.request.GET.get("part") == "status":
            return ["sales/partials/account_import_status.html"]
        return [self.template_name]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["breadcrumbs"] = [
            ("Accounts", reverse("sales:account_list")),
            ("Import", reverse("sales:account_import")),
            (self.object.filename, ""),
        ]
        return context
