"""Forms for booking and recording meetings: validation and layout, no writes."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.utils import timezone

from accounts.roles import Role
from accounts.selectors import user_list_with_role

from .. import codes
from ..models import Action, ConsultationResponse, ExpectedReport, Participant

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATETIME = forms.DateTimeInput(
    attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"
)
DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%d/%m/%Y %H:%M"]


def helper(label: str) -> FormHelper:
    form_helper = FormHelper()
    form_helper.form_tag = False
    form_helper.add_input(Submit("submit", label))
    return form_helper


def _not_future(value, label):
    if value and value > timezone.localdate():
        raise forms.ValidationError(f"{label} cannot be in the future.")
    return value


class BookReviewForm(forms.Form):
    scheduled_for = forms.DateTimeField(
        label="Date and time", widget=DATETIME, input_formats=DATETIME_FORMATS
    )
    venue = forms.CharField(max_length=200, required=False)
    is_online = forms.BooleanField(label="Online meeting", required=False)
    online_details = forms.CharField(
        label="Joining details", max_length=300, required=False
    )
    chair = forms.ModelChoiceField(
        queryset=None, required=False, help_text="Defaults to the allocated IRO."
    )
    is_early = forms.BooleanField(label="Early review", required=False)
    early_reason = forms.ChoiceField(
        label="Why early",
        choices=[("", "—")] + codes.EarlyReviewReason.choices,
        required=False,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["chair"].queryset = user_list_with_role(role=Role.IRO)
        self.helper = helper("Book review")

    def clean(self):
        data = super().clean()
        if not data.get("venue", "").strip() and not data.get("is_online"):
            self.add_error("venue", "Give a venue, or tick online meeting.")
        if data.get("is_early") and not data.get("early_reason"):
            self.add_error("early_reason", "Say why the review is early.")
        return data


class RebookForm(forms.Form):
    scheduled_for = forms.DateTimeField(
        label="New date and time", widget=DATETIME, input_formats=DATETIME_FORMATS
    )
    reason = forms.CharField(label="Reason for rebooking", max_length=300)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = helper("Rebook")


class CancelBookingForm(forms.Form):
    reason = forms.CharField(label="Reason for cancelling the booking", max_length=300)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = helper("Cancel booking")


class HoldForm(forms.Form):
    held_on = forms.DateField(label="Date held", widget=DATE)
    participation_code = forms.ChoiceField(
        label="Child's participation", choices=codes.ParticipationCode.choices
    )
    child_seen_by_chair = forms.NullBooleanField(
        label="Did you see or speak to the child before the review?",
        widget=forms.Select(
            choices=[("unknown", "—"), ("true", "Yes"), ("false", "No")]
        ),
    )
    advocate_offered = forms.NullBooleanField(
        label="Advocate offered",
        widget=forms.Select(
            choices=[("unknown", "—"), ("true", "Yes"), ("false", "No")]
        ),
    )
    interpreter_used = forms.NullBooleanField(
        label="Interpreter used",
        widget=forms.Select(
            choices=[("unknown", "—"), ("true", "Yes"), ("false", "No")]
        ),
    )
    care_plan_view = forms.ChoiceField(
        label="Your view of the care plan",
        choices=[("", "—")] + codes.CarePlanView.choices,
        required=False,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = helper("Record as held")

    def clean_held_on(self):
        return _not_future(self.cleaned_data["held_on"], "The date held")


class AdjournForm(forms.Form):
    sitting_on = forms.DateField(
        label="Date of the sitting being adjourned", widget=DATE
    )
    reason = forms.CharField(
        label="What information is missing",
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = helper("Adjourn")

    def clean_sitting_on(self):
        return _not_future(self.cleaned_data["sitting_on"], "The sitting")


class ParticipantForm(forms.ModelForm):
    class Meta:
        model = Participant
        fields = [
            "name",
            "role",
            "organisation",
            "email",
            "invited_on",
            "attendance",
            "exclusion_reason",
            "receives_record",
        ]
        widgets = {"invited_on": DATE}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = helper("Save")

    def clean(self):
        data = super().clean()
        if (
            data.get("attendance") == codes.Attendance.EXCLUDED_PART
            and not data.get("exclusion_reason", "").strip()
        ):
            self.add_error(
                "exclusion_reason", "Record why the person was excluded from part."
            )
        return data


class ExpectedReportForm(forms.ModelForm):
    class Meta:
        model = ExpectedReport
        fields = ["author", "requested_on", "received_on", "shared_with_parents_on"]
        widgets = {
            "requested_on": DATE,
            "received_on": DATE,
            "shared_with_parents_on": DATE,
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = helper("Save")

    def clean(self):
        data = super().clean()
        for name in ("received_on", "shared_with_parents_on"):
            try:
                _not_future(data.get(name), "The date")
            except forms.ValidationError as exc:
                self.add_error(name, exc)
        return data


class ConsultationForm(forms.ModelForm):
    class Meta:
        model = ConsultationResponse
        fields = [
            "from_role",
            "name",
            "views",
            "how_child_takes_part",
            "advocate_needed",
            "interpreter_needed",
            "interpreter_language",
            "received_on",
        ]
        widgets = {"received_on": DATE, "views": forms.Textarea(attrs={"rows": 6})}
        labels = {"views": "Wishes, feelings and views (in their own words)"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = helper("Save views")

    def clean_received_on(self):
        return _not_future(self.cleaned_data["received_on"], "The date received")

    def clean(self):
        data = super().clean()
        if (
            data.get("interpreter_needed")
            and not data.get("interpreter_language", "").strip()
        ):
            self.add_error("interpreter_language", "Say which language.")
        if data.get("from_role") != codes.ConsulteeRole.CHILD and data.get(
            "how_child_takes_part"
        ):
            self.add_error(
                "how_child_takes_part", "Only the child says how they take part."
            )
        return data


class ActionForm(forms.ModelForm):
    class Meta:
        model = Action
        fields = ["text", "owner_name", "owner_role", "owner_email", "due_on"]
        widgets = {"due_on": DATE, "text": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = helper("Save decision")


class ActionStatusForm(forms.Form):
    status = forms.ChoiceField(choices=Action.Status.choices)
    completed_on = forms.DateField(label="Done on", widget=DATE, required=False)
    completion_note = forms.CharField(max_length=300, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = helper("Update")

    def clean_completed_on(self):
        return _not_future(self.cleaned_data["completed_on"], "The date done")


class ChecklistForm(forms.Form):
    """One 'considered' box and a notes field per topic of the meeting's checklist."""

    def __init__(self, *args, items, **kwargs):
        super().__init__(*args, **kwargs)
        self.items = list(items)
        for item in self.items:
            self.fields[f"considered_{item.pk}"] = forms.BooleanField(
                label=f"{item.get_topic_display()}: considered",
                required=False,
                initial=item.considered,
            )
            self.fields[f"notes_{item.pk}"] = forms.CharField(
                label=f"{item.get_topic_display()}: notes",
                required=False,
                initial=item.notes,
                widget=forms.Textarea(attrs={"rows": 2}),
                max_length=5000,
            )
        self.helper = helper("Save checklist")

    def items_data(self) -> dict[int, dict]:
        return {
            item.pk: {
                "considered": self.cleaned_data[f"considered_{item.pk}"],
                "notes": self.cleaned_data[f"notes_{item.pk}"],
            }
            for item in self.items
        }
