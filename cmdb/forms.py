"""Forms of the CMDB pages. They check what the user typed; the services check the rules."""

from crispy_forms.layout import Column, Layout, Row
from django import forms

from telcrm.cleaning import CleanForm
from telcrm.forms import CrispyModelForm
from telcrm.widgets import DateTimeInput

from .choices import OperationalStatus
from .models import ChangeRequest, ConfigurationItem, Incident


def _items_for(user, field: forms.ModelChoiceField) -> None:
    """Only items the user can see, labelled with what tells them apart."""
    field.queryset = (
        ConfigurationItem.objects.visible_to(user)
        .select_related("account", "site")
        .order_by("number")
    )
    field.label_from_instance = lambda item: " · ".join(
        part
        for part in (
            f"{item.number} {item.name}",
            item.identifier,
            item.site.name if item.site else "",
            item.account.name if item.account else "",
        )
        if part
    )


class ChangeRequestForm(CrispyModelForm):
    """A new change request, or the plan of one still drafted or in assessment (its item and
    title stay as raised)."""

    class Meta:
        model = ChangeRequest
        fields = ["item", "title", "description", "risk", "planned_start", "planned_end"]
        labels = {
            "item": "Configuration item",
            "planned_start": "Window from",
            "planned_end": "Window until",
        }
        widgets = {
            "description": forms.Textarea(attrs={"rows": 5}),
            "planned_start": DateTimeInput(),
            "planned_end": DateTimeInput(),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        _items_for(user, self.fields["item"])
        if self.instance.pk:
            for name in ("item", "title"):
                self.fields[name].disabled = True
            self.fields["item"].queryset = ConfigurationItem.objects.filter(
                pk=self.instance.item_id
            )
        self.helper.layout = Layout(
            "item",
            "title",
            "description",
            "risk",
            Row(Column("planned_start"), Column("planned_end")),
        )

    def clean(self):
        data = super().clean()
        start, end = data.get("planned_start"), data.get("planned_end")
        typed_wrong = self.has_error("planned_start") or self.has_error("planned_end")
        if bool(start) != bool(end) and not typed_wrong:
            raise forms.ValidationError(
                "Give both the start and the end of the planned window, or neither."
            )
        if start and end and start >= end:
            self.add_error("planned_end", "The planned window must end after it starts.")
        return data


class IncidentForm(CrispyModelForm):
    """Report an incident on an item; its due time comes from the SLA, not from the form."""

    class Meta:
        model = Incident
        fields = ["item", "priority", "title", "description"]
        labels = {"item": "Configuration item"}
        widgets = {"description": forms.Textarea(attrs={"rows": 5})}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        _items_for(user, self.fields["item"])
        self.helper.layout = Layout("item", Row(Column("priority"), Column("title")), "description")


class ItemStatusForm(CleanForm):
    """An item's operational status, set by hand with an optional note (R26)."""

    status = forms.ChoiceField(choices=OperationalStatus.choices)
    note = forms.CharField(max_length=300, required=False)
