"""Forms for emergency (break-glass) access: validation and layout only."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms

from .breakglass import REASON_MIN_LENGTH
from .models import BreakGlassGrant


class BreakGlassRequestForm(forms.Form):
    reason = forms.CharField(
        label="Why do you need this record now?",
        min_length=REASON_MIN_LENGTH,
        max_length=2000,
        strip=True,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=(
            "Your reason is shown to the child's workers and to the managers, "
            "who review every emergency access."
        ),
        error_messages={
            "required": "Give your reason for needing this record.",
            "min_length": (
                f"Say why you need this record now, in at least "
                f"{REASON_MIN_LENGTH} characters."
            ),
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.add_input(
            Submit("submit", "Open the record now", css_class="btn-warning")
        )


class BreakGlassReviewForm(forms.Form):
    outcome = forms.ChoiceField(
        label="Was this access appropriate?",
        choices=BreakGlassGrant.Outcome.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose whether the access was appropriate."},
    )
    note = forms.CharField(
        label="Note",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Required when the access was not appropriate.",
    )

    def clean(self):
        data = super().clean()
        if (
            data.get("outcome") == BreakGlassGrant.Outcome.NOT_APPROPRIATE
            and not (data.get("note") or "").strip()
        ):
            self.add_error("note", "Say why the access was not appropriate.")
        return data

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.add_input(Submit("submit", "Record review"))
