"""Extension points of the UI shell. Apps register their navigation entries and home-page
panels from ``AppConfig.ready()``, so the shell (lowest layer) never imports an app."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    icon: str
    permission: str  # shown to users holding this model permission
    order: int = 100


@dataclass(frozen=True)
class HomePanel:
    """A block of the home page: ``context(request)`` returns the template's context, or
    ``None`` when the panel has nothing to say to this user."""

    template: str
    context: Callable[[HttpRequest], dict[str, Any] | None]
    order: int = 100


@dataclass(frozen=True)
class RecordPanel:
    """A block a higher app adds to a lower app's record page (fulfillment's work on the
    order page): ``context(request, obj)`` returns the template's context, or ``None``."""

    model: str  # "app_label.modelname"
    template: str
    context: Callable[[HttpRequest, Any], dict[str, Any] | None]
    order: int = 100


NAV_ITEMS: list[NavItem] = []
HOME_PANELS: list[HomePanel] = []
RECORD_PANELS: list[RecordPanel] = []


def register_nav(item: NavItem) -> None:
    if item not in NAV_ITEMS:
        NAV_ITEMS.append(item)
        NAV_ITEMS.sort(key=lambda i: i.order)


def register_home_panel(panel: HomePanel) -> None:
    if panel not in HOME_PANELS:
        HOME_PANELS.append(panel)
        HOME_PANELS.sort(key=lambda p: p.order)


def register_record_panel(panel: RecordPanel) -> None:
    if panel not in RECORD_PANELS:
        RECORD_PANELS.append(panel)
        RECORD_PANELS.sort(key=lambda p: p.order)


def record_panels(request: HttpRequest, obj) -> list[tuple[str, dict[str, Any]]]:
    """The registered panels of ``obj``'s page that have something to show this user."""
    label = obj._meta.label_lower
    found = []
    for panel in RECORD_PANELS:
        if panel.model == label:
            context = panel.context(request, obj)
            if context is not None:
                found.append((panel.template, context))
    return found
