"""Orders: list, create from an active contract (R15), the order page, and its
non-commercial details (R16)."""

from collections import Counter
from datetime import timedelta

from django.shortcuts import get_object_or_404
from django.template.defaultfilters import pluralize
from django.urls import reverse
from django.utils import timezone
from django.views.generic import FormView

from contracts.models import SalesContract
from telcrm.views import (
    SCOPED_FILTERS,
    FormPageMixin,
    RecordActionView,
    RecordDetailView,
    RecordListView,
    RolePermissionMixin,
)

from . import services
from .approval import approval_checks
from .choices import OrderState
from .decomposition import plan_order, stored_domain_orders
from .filters import OrderFilterSet
from .forms import OrderCreateForm, OrderDetailsForm, OrderLineDetailsForm
from .models import Order, OrderLine


def orders_for(user):
    return Order.objects.visible_to(user).select_related(
        "account", "owner", "quote", "sales_contract", "billing_profile"
    )


class OrderListView(RecordListView):
    model = Order
    filterset_class = OrderFilterSet
    template_name = "orders/order_list.html"
    ordering = ("-created_at", "-pk")
    title = "Orders"
    filter_layout = SCOPED_FILTERS
    records_for = staticmethod(orders_for)


class OrderDetailView(RecordDetailView):
    model = Order
    template_name = "orders/order_detail.html"
    list_title, list_url = "Orders", "orders:order_list"
    panels = True
    records_for = staticmethod(orders_for)

    def history_querysets(self, order):
        return [Order.history.filter(id=order.pk), OrderLine.history.filter(order_id=order.pk)]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        order = self.object
        lines = list(
            order.lines.select_related(
                "site", "location", "offering", "site_contact", "product"
            ).prefetch_related("offering__specifications")
        )
        context.update(decomposition_context(order, lines))
        if order.state == OrderState.PENDING and self.request.user.has_perm("orders.approve_order"):
            # What the approver decides on, as it stands now (approval re-checks).
            context["approval"] = [
                c.as_dict() for c in approval_checks(order, lines, context["plan"])
            ]
            order.approval = context["approval"]  # in memory: the Approve button's condition
        else:
            context["approval"] = order.approval
        if order.state == OrderState.HELD:
            context["revision_quote"], context["revision_contract"], context["revision_missing"] = (
                services.revision_source(order)
            )
        context.update(
            may_reopen_quote=may_reopen_quote(self.request.user, order),
            lines=lines,
            products=products_summary(lines),
            may_edit=order.editable and self.request.user.has_perm("orders.change_order_details"),
        )
        return context


def products_summary(lines: list[OrderLine]) -> str:
    """The order's products as they are now, e.g. "2 active, 1 cancelled" (the lines'
    products are already loaded)."""
    counts = Counter(line.product.get_status_display().lower() for line in lines if line.product_id)
    total = sum(counts.values())
    if not total:
        return ""
    states = ", ".join(f"{count} {label}" for label, count in counts.most_common())
    return f"{total} product{pluralize(total)}: {states}"


def decomposition_context(order: Order, lines: list[OrderLine]) -> dict:
    """The tree order -> lines -> child lines -> domain orders (R19): stored once the order
    is approved, otherwise the preview the catalog gives now."""
    if order.decomposed_at:
        domain_orders = stored_domain_orders(order)
        line_by_id = {line.pk: line for line in lines}
        children: dict[int, list] = {}
        for domain_order in domain_orders:
            for child in domain_order.child_lines.all():
                children.setdefault(child.order_line_id, []).append(child)
        for line in lines:
            line.tree = [
                {"spec": c.specification, "via": c.via, "domain_order": c.domain_order}
                for c in sorted(children.get(line.pk, []), key=lambda c: c.pk)
            ]
        nodes = [
            {
                "number": d.number,
                "label": f"{d.get_domain_display()} at {d.site.name}",
                "stage": d.stage,
                "state": d.get_state_display(),
                "badge": d.badge,
                "waits_for": [
                    {
                        "label": f"{x.depends_on.number} {x.depends_on.get_domain_display()}",
                        "why": x.reason,
                    }
                    for x in d.dependencies.all()
                ],
                "children": [
                    f"{c.specification.name} ({line_by_id[c.order_line_id].offering.name})"
                    for c in d.child_lines.all()
                ],
            }
            for d in domain_orders
        ]
        return {"plan": None, "domain_orders": nodes, "decomposition_problems": []}
    plan = plan_order(order, lines)
    for line in lines:
        line.tree = [
            {
                "spec": c.item.specification,
                "via": c.item.via,
                "domain_order": plan.domain_orders[c.key],
            }
            for c in plan.children.get(line.pk, [])
        ]
    nodes = [
        {
            "number": "",
            "label": f"{d.domain_label} at {d.site.name}",
            "stage": d.stage,
            "state": "Preview",
            "badge": "light",
            "waits_for": [
                {"label": plan.domain_orders[k].domain_label, "why": why}
                for k, why in d.waits_for.items()
            ],
            "children": [
                f"{c.item.specification.name} ({c.line.offering.name})" for c in d.children
            ],
        }
        for d in sorted(plan.domain_orders.values(), key=lambda d: (d.stage, d.site.name, d.domain))
    ]
    return {"plan": plan, "domain_orders": nodes, "decomposition_problems": plan.problems}


class OrderCreateView(RolePermissionMixin, FormPageMixin, FormView):
    """R15: order an active sales contract."""

    permission_required = "orders.add_order"
    form_class = OrderCreateForm
    submit_label = "Create order"

    def load(self, request, *args, **kwargs):
        self.contract = get_object_or_404(
            SalesContract.objects.visible_to(request.user).select_related("account"),
            pk=kwargs["pk"],
        )

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "contract": self.contract}

    def get_initial(self):
        return {"requested_date": timezone.localdate() + timedelta(days=42)}

    def get_title(self):
        return f"Order {self.contract.number} for {self.contract.account.name}"

    def get_cancel_url(self):
        return self.contract.get_absolute_url()

    def get_breadcrumbs(self):
        return [
            ("Contracts", reverse("contracts:contract_list")),
            (self.contract.number, self.contract.get_absolute_url()),
            ("New order", ""),
        ]

    def save(self, form):
        data = form.cleaned_data
        return services.order_create(
            actor=self.request.user,
            contract_id=self.contract.pk,
            billing_profile=data["billing_profile"],
            requested_date=data["requested_date"],
            notes=data["notes"],
        )

    def success_message(self, obj):
        return f"Created {obj.number} with {obj.lines.count()} line(s)."


class OrderDetailsUpdateView(RolePermissionMixin, FormPageMixin, FormView):
    """R16: requested date and notes, on the order itself: by the order manager, or by the
    sales people who see the order's account."""

    permission_required = "orders.change_order_details"
    form_class = OrderDetailsForm

    def load(self, request, *args, **kwargs):
        self.order = get_object_or_404(orders_for(request.user), pk=kwargs["pk"])

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.order}

    def get_title(self):
        return f"Change {self.order.number}"

    def get_cancel_url(self):
        return self.order.get_absolute_url()

    def get_breadcrumbs(self):
        return [
            ("Orders", reverse("orders:order_list")),
            (self.order.number, self.order.get_absolute_url()),
            ("Change", ""),
        ]

    def save(self, form):
        return services.order_details_save(
            actor=self.request.user,
            order=form.instance,
            version=form.cleaned_data.get("version", ""),
        )


class OrderLineUpdateView(OrderDetailsUpdateView):
    """R16: a line's site contact and notes."""

    form_class = OrderLineDetailsForm

    def load(self, request, *args, **kwargs):
        super().load(request, *args, **kwargs)
        self.line = get_object_or_404(
            self.order.lines.select_related("site", "offering"), pk=kwargs["line_pk"]
        )

    def get_form_kwargs(self):
        return {**FormView.get_form_kwargs(self), "instance": self.line}

    def get_title(self):
        return f"{self.line} on {self.order.number}"

    def save(self, form):
        services.order_line_details_save(actor=self.request.user, line=form.instance)
        return self.order

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if may_reopen_quote(self.request.user, self.order):
            context["side_action"] = {
                "url": reverse("orders:order_reopen_quote", args=[self.order.pk]),
                "label": f"Reopen quote {self.order.quote.number}",
                "icon": "bi-arrow-counterclockwise",
            }
        return context


def may_reopen_quote(user, order: Order) -> bool:
    return order.state == OrderState.ACKNOWLEDGED and user.has_perm("sales.change_quote")


class OrderActionView(RecordActionView):
    """A POST action on one order the user may see; refusals go back to the order page."""

    records_for = staticmethod(orders_for)
    record_name = "order"


class OrderReopenQuoteView(OrderActionView):
    """R16: a commercial change goes through the quote's next version; the order is held."""

    permission_required = "sales.change_quote"

    def act(self, request):
        quote = services.order_reopen_quote(actor=request.user, order_id=self.order.pk)
        return (
            f"{quote} is a draft copy of the signed version: make the change, have it "
            f"accepted and signed. {self.order.number} is held until then.",
            quote.get_absolute_url(),
        )


class OrderReviseView(OrderActionView):
    """R16: revise a held order from its accepted, signed and contracted quote version."""

    permission_required = "orders.add_order"

    def act(self, request):
        order = services.order_revise(actor=request.user, order_id=self.order.pk)
        return (
            f"Revised {order.number} from {order.quote}: {len(order.revision)} line "
            "change(s). Validate and submit it again.",
            order.get_absolute_url() + "#revision",
        )


class OrderValidateView(OrderActionView):
    """R17: run the named checks now and show each result."""

    permission_required = "orders.add_order"
    fallback_anchor = "#validation"

    def act(self, request):
        checks = services.order_validate(actor=request.user, order_id=self.order.pk)
        passed = sum(check.passed for check in checks)
        return f"{passed} of {len(checks)} checks passed.", self.fallback_url()
