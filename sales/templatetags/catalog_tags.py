"""Characteristics as users read them: names and value labels, never ``code=value``.

Every page that shows a configuration (lead, opportunity, quote, contract, order, inventory,
configuration item, documents) renders it with these tags. The catalog's characteristics
are read once per rendering, however many lines the page shows."""

from django import template

from sales.catalog import characteristic_specs, characteristics_text, labelled_characteristics
from sales.models.catalog import humanize_code

register = template.Library()


def _specs(context) -> dict:
    specs = getattr(context, "_characteristic_specs", None)
    if specs is None:
        specs = context._characteristic_specs = characteristic_specs()
    return specs


@register.simple_tag(takes_context=True)
def characteristics(context, values) -> str:
    """``{% characteristics line.characteristics %}`` -> "Bandwidth: 100 Mbit/s · ..."."""
    if not any(value not in ("", None) for value in (values or {}).values()):
        return ""
    return characteristics_text(values, _specs(context))


@register.simple_tag(takes_context=True)
def characteristic_pairs(context, values) -> list[tuple[str, str]]:
    """``{% characteristic_pairs item.attributes as pairs %}``: (name, value label) pairs."""
    if not any(value not in ("", None) for value in (values or {}).values()):
        return []
    return labelled_characteristics(values, _specs(context))


@register.simple_tag
def output_names(codes) -> str:
    """``{% output_names task.required_outputs %}`` -> "NTU serial, Trunk ID": what a task
    captures is named by fulfillment, not the catalog, so its codes are put in words."""
    return ", ".join(humanize_code(code) for code in codes or [])
