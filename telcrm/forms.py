"""The base forms every app's forms build on: crispy-rendered, cleaned of bad input (R30),
and guarded against saving over someone else's edit (R31)."""

from crispy_forms.helper import FormHelper
from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError

from .cleaning import CleanModelForm


class CrispyModelForm(CleanModelForm):
    """A model form rendered by crispy with one submit button."""

    submit_label = "Save"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and hasattr(self.instance, "updated_at"):
            # The version this edit starts from: a save on a stale copy is refused (R31).
            self.fields["version"] = forms.CharField(
                widget=forms.HiddenInput, initial=self.instance.updated_at.isoformat()
            )
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        self.helper.render_unmentioned_fields = True
        layout = self.get_layout()
        if layout is not None:
            self.helper.layout = layout

    def get_layout(self):
        return None

    def _update_errors(self, errors):
        """A model rule about a field this form does not show is reported on the form as a
        whole, instead of failing (Django raises for errors on unknown fields)."""
        if hasattr(errors, "error_dict"):
            remapped = {}
            for name, field_errors in errors.error_dict.items():
                key = name if name in self.fields or name == NON_FIELD_ERRORS else NON_FIELD_ERRORS
                remapped.setdefault(key, []).extend(field_errors)
            errors = ValidationError(remapped)
        super()._update_errors(errors)


class UserChoiceField(forms.ModelChoiceField):
    """A choice of users that shows their names rather than their usernames."""

    def label_from_instance(self, obj):
        return obj.get_full_name() or obj.get_username()
