"""Forms for monitoring notes, disputes and complaints: validation and layout only."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Layout, Row, Submit
from django import forms
from django.utils import timezone

from accounts.roles import Role
from accounts.selectors import user_list_with_role
from cases.forms import DATE_WIDGET

from .. import codes, selectors
from ..models import Meeting

FORM_TEMPLATE = "meetings/oversight/form_page.html"

# --- forms: validation and layout only -----------------------------------------------


def _helper(submit_label: str, *layout) -> FormHelper:
    helper = FormHelper()
    helper.form_tag = False
    if layout:
        helper.layout = Layout(*layout)
    helper.add_input(Submit("submit", submit_label))
    return helper


def _not_future(value, label):
    if value and value > timezone.localdate():
        raise forms.ValidationError(f"{label} cannot be in the future.")
    return value


def _text(label, rows=5, **kwargs):
    return forms.CharField(
        label=label, widget=forms.Textarea(attrs={"rows": rows}), **kwargs
    )


class ManagerChoiceField(forms.ModelChoiceField):
    def __init__(self, **kwargs):
        super().__init__(
            queryset=user_list_with_role(role=Role.MANAGER),
            required=False,
            label="Manager (a user of this system)",
            **kwargs,
        )

    def label_from_instance(self, obj):
        return obj.get_full_name() or obj.get_username()


_NAME_HELP = (
    "Or type the name and role of someone who does not use this system; "
    "a manager chosen above is used if this is left blank."
)


class MonitoringNoteForm(forms.Form):
    noted_on = forms.DateField(label="Date", widget=DATE_WIDGET)
    kind = forms.ChoiceField(label="What it was", choices=codes.NoteKind.choices)
    text = _text("Note", rows=6)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(
            "Save note", Row(Column("noted_on"), Column("kind")), "text"
        )

    def clean_noted_on(self):
        return _not_future(self.cleaned_data["noted_on"], "The date")


class DisputeRaiseForm(forms.Form):
    raised_on = forms.DateField(label="Raised on", widget=DATE_WIDGET)
    category = forms.ChoiceField(choices=codes.DisputeCategory.choices)
    summary = _text("What is wrong and what the child needs")
    stage = forms.ChoiceField(
        choices=codes.DisputeStage.choices,
        help_text="Try informal resolution first, or go straight to the formal "
        "stage you judge right: any stage may be bypassed.",
    )
    escalated_to = ManagerChoiceField()
    escalated_to_name = forms.CharField(
        label="Raised with", max_length=150, required=False, help_text=_NAME_HELP
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(
            "Raise dispute",
            Row(Column("raised_on"), Column("category")),
            "summary",
            "stage",
            Row(Column("escalated_to"), Column("escalated_to_name")),
        )

    def clean_raised_on(self):
        return _not_future(self.cleaned_data["raised_on"], "The date raised")


class DisputeEscalateForm(forms.Form):
    stage = forms.ChoiceField(label="Escalate to")
    escalated_on = forms.DateField(label="Escalated on", widget=DATE_WIDGET)
    escalated_to = ManagerChoiceField()
    escalated_to_name = forms.CharField(
        label="Raised with", max_length=150, required=False, help_text=_NAME_HELP
    )

    def __init__(self, *args, stages=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["stage"].choices = [
            (s, codes.DisputeStage(s).label) for s in stages
        ]
        self.has_stages = bool(stages)
        self.helper = _helper(
            "Escalate",
            Row(Column("stage"), Column("escalated_on")),
            Row(Column("escalated_to"), Column("escalated_to_name")),
        )

    def clean(self):
        if not self.has_stages:
            raise forms.ValidationError(
                "The dispute is already at the highest formal stage: resolve it or "
                "refer it to Cafcass."
            )
        return super().clean()

    def clean_escalated_on(self):
        return _not_future(self.cleaned_data["escalated_on"], "The escalation date")


class DisputeResponseForm(forms.Form):
    responded_on = forms.DateField(label="Responded on", widget=DATE_WIDGET)
    response = _text("Response", rows=6)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper("Record response", "responded_on", "response")

    def clean_responded_on(self):
        return _not_future(self.cleaned_data["responded_on"], "The response date")


class DisputeResolveForm(forms.Form):
    status = forms.ChoiceField(
        label="Outcome",
        choices=[
            (s, codes.DisputeStatus(s).label) for s in selectors.RESOLUTION_STATUSES
        ],
    )
    closed_on = forms.DateField(label="Date", widget=DATE_WIDGET)
    outcome = _text("What was agreed, or why the dispute ends")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(
            "Close dispute", Row(Column("status"), Column("closed_on")), "outcome"
        )

    def clean_closed_on(self):
        return _not_future(self.cleaned_data["closed_on"], "The date")


class DisputeCafcassForm(forms.Form):
    referred_on = forms.DateField(label="Referred on", widget=DATE_WIDGET)
    reference = forms.CharField(label="Cafcass reference", max_length=60)
    child_told_of_rights = forms.BooleanField(
        required=False,
        label="The child has been told of their rights to advocacy, to complain and "
        "to legal advice",
    )
    rights_note = _text(
        "Notes",
        rows=3,
        required=False,
        help_text="If the child has not been told, say why (for example their age "
        "or understanding) and who will help them obtain legal advice.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(
            "Record referral",
            Row(Column("referred_on"), Column("reference")),
            "child_told_of_rights",
            "rights_note",
        )

    def clean_referred_on(self):
        return _not_future(self.cleaned_data["referred_on"], "The referral date")


class ComplaintForm(forms.Form):
    received_on = forms.DateField(label="Received on", widget=DATE_WIDGET)
    meeting = forms.ModelChoiceField(
        queryset=Meeting.objects.none(),
        required=False,
        label="Review or conference complained about",
    )
    complainant_name = forms.CharField(label="Complainant", max_length=150)
    complainant_relationship = forms.CharField(
        label="Relationship to the child", max_length=100
    )
    summary = _text("What the complaint is about")

    def __init__(self, *args, meetings=None, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["meeting"]
        field.queryset = meetings if meetings is not None else Meeting.objects.none()
        field.label_from_instance = lambda m: (
            f"{m.get_kind_display()} {m.sequence}, "
            f"{'held' if m.held_on else 'due'} {(m.held_on or m.due_on):%d/%m/%Y}"
        )
        self.helper = _helper(
            "Log complaint",
            Row(Column("received_on"), Column("meeting")),
            Row(Column("complainant_name"), Column("complainant_relationship")),
            "summary",
        )

    def clean_received_on(self):
        return _not_future(self.cleaned_data["received_on"], "The date received")


class ComplaintOutcomeForm(forms.Form):
    outcome = forms.ChoiceField(choices=codes.ComplaintOutcome.choices)
    outcome_on = forms.DateField(label="Outcome date", widget=DATE_WIDGET)
    outcome_summary = _text("Summary of the outcome")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(
            "Record outcome",
            Row(Column("outcome"), Column("outcome_on")),
            "outcome_summary",
        )

    def clean_outcome_on(self):
        return _not_future(self.cleaned_data["outcome_on"], "The outcome date")
