from django import forms


class TaskCompleteForm(forms.Form):
    """The outputs the task's template asks for (R20), each required."""

    def __init__(self, *args, outputs: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        for name in outputs:
            self.fields[name] = forms.CharField(label=name.replace("_", " ").capitalize(),
                                                max_length=200)  # fmt: skip
