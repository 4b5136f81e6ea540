"""The URLs of a record type, declared once: ``record_urls`` emits its list and page, and
one POST-only URL per transition and per action (healthchecks-style, no shared URL with an
``action`` field); ``form_urls`` the new and edit pages of a form view."""

from collections.abc import Iterable, Mapping

from django.urls import URLPattern, path

from .generic import TransitionView

RECORD = "<int:pk>/"


def segment(name: str) -> str:
    """A transition's or an action's name as a path segment: ``send_back`` -> ``send-back``."""
    return name.replace("_", "-")


class Transitions:
    """The transitions ``names`` of one model, each answered by the one ``TransitionView``
    configured with ``config`` (``model``, ``service`` or ``services``, ``id_arg``,
    ``reason_arg``, ``field``, ``permission_required``; see its docstring).

    Each gets ``<prefix><pk>/<name>/``, named ``<model>_<name>``: the record header finds its
    buttons' URLs by that name.
    """

    def __init__(self, names: Iterable[str], *, view=TransitionView, **config):
        self.names = tuple(names)
        self.view = view
        self.config = config

    def urls(self, prefix: str) -> list[URLPattern]:
        model_name = self.config["model"]._meta.model_name
        return [
            path(
                f"{prefix}{RECORD}{segment(name)}/",
                self.view.as_view(transition_name=name, **self.config),
                name=f"{model_name}_{name}",
            )
            for name in self.names
        ]


def record_urls(
    prefix: str,
    basename: str,
    *,
    list_view=None,
    detail_view=None,
    transitions: Iterable[Transitions] | Transitions = (),
    actions: Mapping[str, object] | None = None,
) -> list[URLPattern]:
    """The URLs of one record type under ``prefix`` (e.g. ``"quotes/"``):

    - ``list_view`` at ``<prefix>``, named ``<basename>_list``;
    - ``detail_view`` at ``<prefix><pk>/``, named ``<basename>_detail``;
    - per transition, ``<prefix><pk>/<name>/`` named ``<model>_<name>`` (``Transitions``);
    - per action ``{name: view}``, ``<prefix><pk>/<name>/`` named ``<basename>_<name>``, POST
      only; a ``(path, view)`` value puts the action at ``<prefix><pk>/<path>/`` instead.
    """
    urls = []
    if list_view is not None:
        urls.append(path(prefix, list_view.as_view(), name=f"{basename}_list"))
    if detail_view is not None:
        urls.append(path(f"{prefix}{RECORD}", detail_view.as_view(), name=f"{basename}_detail"))
    if isinstance(transitions, Transitions):
        transitions = [transitions]
    for group in transitions:
        urls += group.urls(prefix)
    for name, view in (actions or {}).items():
        where, view = view if isinstance(view, tuple) else (segment(name), view)
        if view.http_method_names != ["post"]:
            raise ValueError(f"The action {basename}_{name} must answer POST only.")
        urls.append(path(f"{prefix}{RECORD}{where}/", view.as_view(), name=f"{basename}_{name}"))
    return urls


def form_urls(prefix: str, basename: str, view, *, delete_view=None) -> list[URLPattern]:
    """The pages of one form view that both creates and edits (``pk`` absent or given):
    ``<prefix>new/`` named ``<basename>_create`` and ``<prefix><pk>/edit/`` named
    ``<basename>_update``; with ``delete_view``, ``<prefix><pk>/delete/`` named
    ``<basename>_delete``."""
    urls = [
        path(f"{prefix}new/", view.as_view(), name=f"{basename}_create"),
        path(f"{prefix}{RECORD}edit/", view.as_view(), name=f"{basename}_update"),
    ]
    if delete_view is not None:
        urls.append(
            path(f"{prefix}{RECORD}delete/", delete_view.as_view(), name=f"{basename}_delete")
        )
    return urls
