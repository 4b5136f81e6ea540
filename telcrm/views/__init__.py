"""The UI shell's pages (``shell``), the generic record pages every app builds on
(``generic``) and the helper that declares a record type's URLs (``routes``)."""

from .account import PasswordChangeView
from .generic import (
    SCOPED_FILTERS,
    ActionFormPostView,
    ActionFormsMixin,
    ActionView,
    FilterBar,
    FormPageMixin,
    RecordActionView,
    RecordDetailView,
    RecordFormView,
    RecordListView,
    RecordMixin,
    RolePermissionMixin,
    TransitionView,
    model_permission,
    safe_next,
)
from .routes import Transitions, form_urls, record_urls
from .shell import AuditLogForm, AuditLogView, HomeView, audited_models, has_number

__all__ = [
    "SCOPED_FILTERS",
    "ActionFormPostView",
    "ActionFormsMixin",
    "ActionView",
    "AuditLogForm",
    "AuditLogView",
    "FilterBar",
    "FormPageMixin",
    "HomeView",
    "PasswordChangeView",
    "RecordActionView",
    "RecordDetailView",
    "RecordFormView",
    "RecordListView",
    "RecordMixin",
    "RolePermissionMixin",
    "TransitionView",
    "Transitions",
    "audited_models",
    "form_urls",
    "has_number",
    "model_permission",
    "record_urls",
    "safe_next",
]
