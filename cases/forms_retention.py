"""Forms for the retention schedule, legal holds and disposal."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms

from .retention import MAX_LOCAL_YEARS, RETENTION_RULES


def _helper(label: str, css: str = "btn-primary") -> FormHelper:
    helper = FormHelper()
    # The server's messages, not the browser's, explain what is missing.
    helper.attrs = {"novalidate": ""}
    helper.add_input(Submit("submit", label, css_class=css))
    return helper


class RetentionSettingForm(forms.Form):
    code = forms.ChoiceField(
        choices=[(c, c) for c, r in RETENTION_RULES.items() if r.is_local],
        widget=forms.HiddenInput,
    )
    years = forms.IntegerField(
        min_value=0,
        max_value=MAX_LOCAL_YEARS,
        error_messages={
            "required": "Enter a number of years.",
            "invalid": "Enter a whole number of years.",
        },
    )


class LegalHoldPlaceForm(forms.Form):
    reason = forms.CharField(
        label="Why must this record be kept?",
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="For example the litigation, inquiry or request that needs it.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper("Place legal hold")


class LegalHoldLiftForm(forms.Form):
    reason = forms.CharField(
        label="Why is the hold lifted?",
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper("Lift legal hold")


class DisposeForm(forms.Form):
    confirm = forms.BooleanField(
        label="I have checked this record is due and not needed: dispose of it "
        "permanently, with its history and files.",
        error_messages={"required": "Tick the box to confirm the disposal."},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper("Dispose of the record", "btn-danger")
