"""Forms for quality assurance: validation and layout only."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Layout, Row, Submit
from django import forms
from django.utils import timezone

from accounts.models import Team, User
from accounts.roles import Role
from cases.forms import DATE_WIDGET

from ..models import Dispute, PanelReferral
from ..models.quality import Agency, ParentParticipation, PlanSmart, ReportQuality

_YES_NO = [("", "Choose…"), ("yes", "Yes"), ("no", "No")]


def _yes_no(label: str, help_text: str = "") -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        label=label,
        choices=_YES_NO,
        coerce=lambda value: value == "yes",
        empty_value=None,
        help_text=help_text,
    )


def _yes_no_initial(value):
    return {True: "yes", False: "no"}.get(value, "")


def _helper(submit_label: str | None, *layout) -> FormHelper:
    helper = FormHelper()
    helper.form_tag = False
    if layout:
        helper.layout = Layout(*layout)
    if submit_label:
        helper.add_input(Submit("submit", submit_label))
    return helper


def _text(label, rows=4, **kwargs):
    return forms.CharField(
        label=label, widget=forms.Textarea(attrs={"rows": rows}), **kwargs
    )


def _not_future(value, label):
    if value and value > timezone.localdate():
        raise forms.ValidationError(f"{label} cannot be in the future.")
    return value


class QualityCheckForm(forms.Form):
    """The chair's answers; the agency rows are a formset beside it."""

    child_seen_before = _yes_no("Did you see or speak to the child before the meeting?")
    child_views_heard = _yes_no("Were the child's views heard?")
    parents_participated = forms.ChoiceField(
        label="Did the parents take part?",
        choices=[("", "Choose…"), *ParentParticipation.choices],
    )
    partners_attended = _yes_no("Did the partner agencies attend or contribute?")
    is_quorate = _yes_no(
        "Was the meeting quorate?",
        "For a child protection conference: the chair, children's social care and "
        "at least two other agencies.",
    )
    plan_smart = forms.ChoiceField(
        label="Is the plan SMART (specific, measurable, achievable, realistic, timed)?",
        choices=[("", "Choose…"), *PlanSmart.choices],
    )
    comment = _text("Comment", required=False)

    _YES_NO_FIELDS = (
        "child_seen_before",
        "child_views_heard",
        "partners_attended",
        "is_quorate",
    )

    def __init__(self, *args, initial=None, **kwargs):
        initial = dict(initial or {})
        for name in self._YES_NO_FIELDS:
            if name in initial:
                initial[name] = _yes_no_initial(initial[name])
        super().__init__(*args, initial=initial, **kwargs)
        self.helper = _helper(
            None,
            Row(Column("child_seen_before"), Column("child_views_heard")),
            Row(Column("parents_participated"), Column("partners_attended")),
            Row(Column("is_quorate"), Column("plan_smart")),
            "comment",
        )


class QualityReportRowForm(forms.Form):
    agency = forms.ChoiceField(
        choices=[("", "Choose…"), *Agency.choices], required=False
    )
    on_time = forms.TypedChoiceField(
        label="On time",
        choices=_YES_NO,
        coerce=lambda value: value == "yes",
        empty_value=None,
        required=False,
    )
    quality = forms.ChoiceField(
        choices=[("", "Choose…"), *ReportQuality.choices], required=False
    )

    def __init__(self, *args, initial=None, **kwargs):
        initial = dict(initial or {})
        if "on_time" in initial:
            initial["on_time"] = _yes_no_initial(initial["on_time"])
        super().__init__(*args, initial=initial, **kwargs)
        for field in self.fields.values():
            field.widget.attrs["class"] = "form-select"

    def clean(self):
        cleaned = super().clean()
        given = [
            cleaned.get("agency"),
            cleaned.get("on_time") is not None,
            cleaned.get("quality"),
        ]
        if any(given) and not all(given):
            raise forms.ValidationError(
                "Give the agency, whether its report was on time and its quality "
                "(or leave the whole row blank)."
            )
        return cleaned


class BaseQualityReportRowFormSet(forms.BaseFormSet):
    def rows(self) -> list[dict]:
        """Return the filled rows; blank rows are left out."""
        return [
            {
                "agency": form.cleaned_data["agency"],
                "on_time": form.cleaned_data["on_time"],
                "quality": form.cleaned_data["quality"],
            }
            for form in self.forms
            if form.cleaned_data.get("agency")
        ]


QualityReportRowFormSet = forms.formset_factory(
    QualityReportRowForm, formset=BaseQualityReportRowFormSet, extra=2, max_num=20
)


class _UserChoices(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return obj.get_full_name() or obj.get_username()


class QAMeetingForm(forms.Form):
    held_on = forms.DateField(label="Held on", widget=DATE_WIDGET)
    team = forms.ModelChoiceField(
        queryset=Team.objects.order_by("name"),
        required=False,
        empty_label="No one team",
    )
    attendees = _UserChoices(
        queryset=User.objects.filter(
            is_active=True, groups__name__in=[Role.IRO, Role.MANAGER, Role.LADO]
        )
        .distinct()
        .order_by("last_name", "first_name"),
        required=False,
        help_text="You are added as an attendee.",
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )
    other_attendees = _text(
        "Other attendees",
        rows=3,
        required=False,
        help_text="Team managers and others without an account here, one a line.",
    )
    concerns = _text("Concerns discussed")
    decisions = _text("Decisions", required=False)
    escalations = _text("Escalations", required=False)
    escalated_dispute = forms.ModelChoiceField(
        queryset=Dispute.objects.none(),
        required=False,
        label="Escalated to a dispute",
        empty_label="None",
    )
    escalated_alert_id = forms.IntegerField(
        label="Practice alert number escalated",
        required=False,
        min_value=1,
    )

    def __init__(self, *args, disputes=None, alerts=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.alerts = alerts
        if disputes is not None:
            self.fields["escalated_dispute"].queryset = disputes
        self.helper = _helper(
            "Save QA meeting",
            Row(Column("held_on"), Column("team")),
            Row(Column("attendees"), Column("other_attendees")),
            "concerns",
            "decisions",
            "escalations",
            Row(Column("escalated_dispute"), Column("escalated_alert_id")),
        )

    def clean_held_on(self):
        return _not_future(self.cleaned_data["held_on"], "The meeting date")

    def clean_escalated_alert_id(self):
        value = self.cleaned_data["escalated_alert_id"]
        if (
            value
            and self.alerts is not None
            and not self.alerts.filter(pk=value).exists()
        ):
            raise forms.ValidationError(
                f"There is no practice alert number {value} that you can see."
            )
        return value


class PanelReferralForm(forms.Form):
    panel = forms.ChoiceField(choices=PanelReferral.Panel.choices)
    referred_on = forms.DateField(label="Referred on", widget=DATE_WIDGET)
    reason = _text("Reason for the referral")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(
            "Save referral", Row(Column("panel"), Column("referred_on")), "reason"
        )

    def clean_referred_on(self):
        return _not_future(self.cleaned_data["referred_on"], "The referral date")


class PanelOutcomeForm(forms.Form):
    outcome = _text("Outcome")
    outcome_on = forms.DateField(label="Outcome date", widget=DATE_WIDGET)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper("Save outcome", "outcome_on", "outcome")

    def clean_outcome_on(self):
        return _not_future(self.cleaned_data["outcome_on"], "The outcome date")


class TrainingThemeForm(forms.Form):
    tag = forms.CharField(
        label="Training need (tag)",
        max_length=60,
        help_text="A short tag, e.g. SMART plans, report quality, child's voice.",
    )
    detail = _text("What the themes show", rows=3, required=False)
    team = forms.ModelChoiceField(
        queryset=Team.objects.order_by("name"), required=False, empty_label="All teams"
    )
    noted_on = forms.DateField(label="Noted on", widget=DATE_WIDGET)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(
            "Tag training need",
            Row(Column("tag"), Column("team"), Column("noted_on")),
            "detail",
        )

    def clean_noted_on(self):
        return _not_future(self.cleaned_data["noted_on"], "The date")
