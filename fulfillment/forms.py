from django import forms

from telcrm.cleaning import CleanForm
from telcrm.widgets import DateInput, DateTimeInput

from .choices import FalloutCategory, StartMode


class TaskCompleteForm(CleanForm):
    """The outputs the task's template asks for (R20), each required."""

    def __init__(self, *args, outputs: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        for name in outputs:
            self.fields[name] = forms.CharField(
                label=name.replace("_", " ").capitalize(), max_length=200
            )


class TaskRejectForm(CleanForm):
    """R22/R23: the agent cannot do the task; the reason goes to the fall-out queue."""

    category = forms.ChoiceField(
        label="What is wrong",
        choices=[c for c in FalloutCategory.choices if c[0] != FalloutCategory.TIMEOUT],
    )
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        help_text="What you found and what would unblock it.",
    )


class FalloutNoteForm(CleanForm):
    note = forms.CharField(
        label="Note", required=False, max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, note_required: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["note"].required = note_required
        if note_required:
            self.fields["note"].label = "Reason"


class FalloutCompleteForm(TaskCompleteForm, FalloutNoteForm):
    """Manual completion: the task's outputs, found by hand, and an optional note."""


class WorkOrderDispatchForm(CleanForm):
    """R20: a technician of the task's group and the window agreed with the site contact."""

    technician = forms.ModelChoiceField(queryset=None, empty_label=None)
    window_start = forms.DateTimeField(label="From", widget=DateTimeInput())
    window_end = forms.DateTimeField(label="Until", widget=DateTimeInput())

    def __init__(self, *args, technicians, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["technician"].queryset = technicians
        self.fields["technician"].label_from_instance = lambda u: u.get_full_name() or u.username

    def clean(self):
        data = super().clean()
        if (
            data.get("window_start")
            and data.get("window_end")
            and (data["window_end"] <= data["window_start"])
        ):
            raise forms.ValidationError("“Until” must be after “From”.")
        return data


class StartFulfillmentForm(CleanForm):
    """R20, staggered: all sites at once, a number of sites at a time, or each site from its
    own start date (one date field per site, ``site_<id>``)."""

    mode = forms.ChoiceField(
        label="Release the sites",
        choices=StartMode.choices,
        required=False,
        widget=forms.RadioSelect,
    )
    per_wave = forms.IntegerField(
        label="Sites at a time", min_value=1, max_value=500, required=False, initial=1
    )

    def __init__(self, *args, sites, **kwargs):
        super().__init__(*args, **kwargs)
        self.sites = list(sites)
        for site in self.sites:
            self.fields[f"site_{site.pk}"] = forms.DateField(
                label=site.name, required=False, widget=DateInput()
            )

    def site_fields(self):
        return [self[f"site_{site.pk}"] for site in self.sites]

    def clean(self):
        data = super().clean()
        data["mode"] = data.get("mode") or StartMode.ALL
        if data["mode"] == StartMode.WAVES and not data.get("per_wave"):
            self.add_error("per_wave", "Say how many sites start at a time.")
        if data["mode"] == StartMode.DATES:
            for site in self.sites:
                if not data.get(f"site_{site.pk}") and f"site_{site.pk}" not in self.errors:
                    self.add_error(f"site_{site.pk}", f"Give {site.name} a start date.")
        data["dates"] = {
            site.pk: data[f"site_{site.pk}"] for site in self.sites if data.get(f"site_{site.pk}")
        }
        return data
