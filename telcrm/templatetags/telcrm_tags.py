"""Template tags of the UI shell: record header, state badges, money."""

from decimal import ROUND_HALF_UP, Decimal

from django import template
from django.forms import Select
from django.forms.utils import flatatt
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html, format_html_join

from telcrm.fsm import transition_options

register = template.Library()

MINOR_UNITS = {"JPY": 0, "KRW": 0, "BHD": 3, "KWD": 3}


@register.inclusion_tag("partials/record_header.html", takes_context=True)
def record_header(context, obj, title: str = "", field: str = "state"):
    """Number, name, state badge and the transitions the user may take now, as buttons.

    A transition posts to the URL named ``<app>:<model>_<transition>``."""
    request = context["request"]
    meta = obj._meta
    buttons = []
    read_only = getattr(obj, "read_only", False)
    options = [] if read_only else transition_options(obj, request.user, field)
    for option in options:
        name = option.page or f"{meta.app_label}:{meta.model_name}_{option.name}"
        try:
            url = reverse(name, args=[obj.pk])
        except NoReverseMatch:
            continue
        buttons.append((option, url))
    return {
        "obj": obj,
        "title": title or str(obj),
        "state_label": getattr(obj, f"get_{field}_display")(),
        "badge": getattr(obj, "badge", "secondary"),
        "buttons": buttons,
        "kind": meta.verbose_name,
        "request": request,
        "csrf_token": context.get("csrf_token"),
    }


@register.inclusion_tag("partials/badge.html")
def state_badge(obj, field: str = "state", tmf: str = ""):
    """The state's label once; a TM Forum API state (``tmf``) only as the badge's tooltip,
    for the integrator who looks for it (it mostly repeats the label in other case)."""
    return {
        "label": getattr(obj, f"get_{field}_display")(),
        "badge": getattr(obj, "badge", "secondary"),
        "tmf": tmf,
    }


@register.inclusion_tag("partials/table_head.html")
def table_head(*labels: str):
    """A list table's header row, a cell a label; a label ending in ``|end`` is a figure's
    column, aligned right."""
    return {"columns": [(label.removesuffix("|end"), label.endswith("|end")) for label in labels]}


@register.inclusion_tag("partials/empty_row.html")
def empty_row(colspan: int, message: str):
    """The row a list table shows when nothing matches its filters."""
    return {"colspan": colspan, "message": message}


@register.filter
def money(value, currency: str = "EUR"):
    """1234.5|money:"EUR" -> "EUR 1,234.50" (half-up to the currency's minor unit)."""
    if value in (None, ""):
        return "—"
    places = MINOR_UNITS.get(currency, 2)
    quantum = Decimal(1).scaleb(-places)
    amount = Decimal(value).quantize(quantum, rounding=ROUND_HALF_UP)
    return f"{currency} {amount:,.{places}f}"


@register.filter
def filter_input(field):
    """A filter bar field's input with Bootstrap's classes, marked invalid with its errors:
    what crispy-forms renders there, without its dozen templates per field (a list page
    spent a third of its time on them)."""
    widget = field.field.widget
    css = ["form-select" if isinstance(widget, Select) else "form-control"]
    if widget.attrs.get("class"):
        css.insert(0, widget.attrs["class"])
    attrs = {}
    if field.errors:
        css.append("is-invalid")
        attrs = {"aria-invalid": "true", "aria-describedby": f"{field.auto_id}_error"}
    attrs = {"class": " ".join(css), **attrs}
    if isinstance(widget, Select):
        return _select(field, widget, attrs)
    return field.as_widget(attrs=attrs)


def _select(field, widget: Select, attrs: dict) -> str:
    """A select's HTML as Django's widget templates write it, without a template per
    option: a filter bar's owner or team list has dozens of them on every list page."""
    attrs = field.build_widget_attrs(attrs, widget)
    if field.auto_id and "id" not in widget.attrs:
        attrs.setdefault("id", field.auto_id)
    context = widget.get_context(field.html_name, field.value(), attrs)["widget"]
    options = format_html_join(
        "",
        '<option value="{}"{}>{}</option>',
        (
            (
                "" if option["value"] is None else option["value"],
                " selected" if option["selected"] else "",  # plain text: escaping keeps it
                option["label"],
            )
            for _group, group_options, _index in context["optgroups"]
            for option in group_options
        ),
    )
    return format_html(
        '<select name="{}"{}>{}</select>', context["name"], flatatt(context["attrs"]), options
    )
