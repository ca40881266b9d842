"""Forms for practice alerts and good practice: validation and layout only."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Layout, Row, Submit
from django import forms
from django.utils import timezone

from accounts.models import Team
from accounts.roles import Role
from accounts.selectors import user_list_with_role
from cases.forms import DATE_WIDGET

from ..models import PracticeAlert
from ..services.alerts import ESCALATION_STAGES


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


def _text(label, rows=4, **kwargs):
    return forms.CharField(
        label=label, widget=forms.Textarea(attrs={"rows": rows}), **kwargs
    )


class _PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        name = obj.get_full_name() or obj.get_username()
        return f"{name} ({obj.team})" if obj.team_id else name


class _MeetingChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        when = obj.held_on or obj.due_on
        return f"{obj.get_kind_display()} {obj.sequence} ({when:%d/%m/%Y})"


class PracticeAlertForm(forms.Form):
    category = forms.ChoiceField(
        label="What is wrong", choices=PracticeAlert.Category.choices
    )
    concern = _text("Describe the concern", help_text="What is wrong for the child.")
    asked = _text(
        "What you are asking for", help_text="What should happen, and by whom."
    )
    addressed_to = _PersonChoiceField(
        queryset=user_list_with_role(role=Role.MANAGER).select_related("team"),
        label="Team manager to respond",
        empty_label="Choose the manager",
        help_text="The manager of the child's social work team is chosen when "
        "known; change it if another manager is responsible.",
    )
    meeting = _MeetingChoiceField(
        queryset=None,
        required=False,
        label="From a meeting (optional)",
        empty_label="Not from a meeting",
    )
    raised_on = forms.DateField(
        label="Raised on",
        widget=DATE_WIDGET,
        help_text="The response is due 5 working days later unless an "
        "administrator has changed the local rule.",
    )

    def __init__(self, *args, meetings=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["meeting"].queryset = meetings
        self.helper = _helper(
            "Raise practice alert",
            Row(Column("category"), Column("raised_on")),
            "concern",
            "asked",
            Row(Column("addressed_to"), Column("meeting")),
        )

    def clean_raised_on(self):
        return _not_future(self.cleaned_data["raised_on"], "The date raised")


class AlertResponseForm(forms.Form):
    response = _text("Response", rows=5)
    action_agreed = _text(
        "Action agreed", rows=3, help_text="What will be done, by whom and when."
    )
    responded_on = forms.DateField(label="Responded on", widget=DATE_WIDGET)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(
            "Send response", "response", "action_agreed", "responded_on"
        )

    def clean_responded_on(self):
        return _not_future(self.cleaned_data["responded_on"], "The response date")


class AlertCommentForm(forms.Form):
    text = _text(
        "Comment", help_text="Comments are added; nothing already written changes."
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper("Add comment", "text")


class AlertChaseForm(forms.Form):
    """A confirmation only: chasing takes no input."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper("Chase now")


class AlertEscalateForm(forms.Form):
    stage = forms.ChoiceField(
        label="Start at",
        choices=[(s.value, s.label) for s in ESCALATION_STAGES],
        initial=ESCALATION_STAGES[-1].value,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper("Escalate to dispute resolution", "stage")


class AlertFilterForm(forms.Form):
    box = forms.ChoiceField(
        label="Show",
        required=False,
        choices=[
            ("", "All I can see"),
            ("raised", "Raised by me"),
            ("to_me", "Addressed to me"),
            ("team", "About teams I manage"),
        ],
    )
    status = forms.ChoiceField(
        required=False, choices=[("", "Any status"), *PracticeAlert.Status.choices]
    )
    category = forms.ChoiceField(
        required=False,
        choices=[("", "Any category"), *PracticeAlert.Category.choices],
    )
    child = forms.IntegerField(required=False, widget=forms.HiddenInput)


class GoodPracticeForm(forms.Form):
    what = _text(
        "What was good",
        help_text="What the worker or team did, and the difference it made.",
    )
    worker = _PersonChoiceField(
        queryset=None,
        required=False,
        label="Worker (a user of this system)",
        empty_label="Not a user here",
    )
    worker_name = forms.CharField(
        label="Or their name and role",
        max_length=150,
        required=False,
        help_text="For a social worker or partner without an account here.",
    )
    team = forms.ModelChoiceField(
        queryset=Team.objects.order_by("name"),
        required=False,
        label="Team",
        empty_label="Their own team (if a user) or none",
    )
    meeting = _MeetingChoiceField(
        queryset=None,
        required=False,
        label="At a meeting (optional)",
        empty_label="Not about a meeting",
    )
    recorded_on = forms.DateField(label="Date", widget=DATE_WIDGET)

    def __init__(self, *args, meetings=None, workers=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["meeting"].queryset = meetings
        self.fields["worker"].queryset = workers
        self.helper = _helper(
            "Record good practice",
            "what",
            Row(Column("worker"), Column("worker_name")),
            Row(Column("team"), Column("meeting")),
            "recorded_on",
        )

    def clean_recorded_on(self):
        return _not_future(self.cleaned_data["recorded_on"], "The date")

    def clean(self):
        data = super().clean()
        named = data.get("worker") or (data.get("worker_name") or "").strip()
        if not named and not data.get("team"):
            raise forms.ValidationError(
                "Choose the worker, type their name, or choose the team."
            )
        return data
