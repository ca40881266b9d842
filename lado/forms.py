"""Forms for LADO allegations: validation and layout only, no business writes."""

from __future__ import annotations

import re

from crispy_forms.helper import FormHelper
from crispy_forms.layout import HTML, Column, Fieldset, Layout, Row, Submit
from django import forms
from django.core.validators import validate_email
from django.utils import timezone
from django.utils.html import format_html

from accounts.roles import Role
from accounts.selectors import user_list_with_role
from cases.codes import Gender

from . import codes
from .models import Allegation, Attendee
from .services import MANAGEMENT_FIELDS, REFERRAL_FIELDS, AttendeeEntry, ChildEntry

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATETIME = forms.DateTimeInput(
    attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"
)
DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%d/%m/%Y %H:%M"]
_INITIALS = re.compile(r"^[A-Za-z]{1,5}$")


def _helper(submit_label: str, *layout) -> FormHelper:
    helper = FormHelper()
    helper.form_tag = False
    if layout:
        helper.layout = Layout(*layout)
    helper.add_input(Submit("submit", submit_label))
    return helper


def _not_future(value, label="The date"):
    if value and value > timezone.localdate():
        raise forms.ValidationError(f"{label} cannot be in the future.")
    return value


def _text(required=True, rows=4, **kwargs):
    return forms.CharField(
        required=required, widget=forms.Textarea(attrs={"rows": rows}), **kwargs
    )


class ReferralForm(forms.ModelForm):
    """The contact as the LADO logs it; the first child involved is optional."""

    lado_officer = forms.ModelChoiceField(
        label="LADO managing it",
        queryset=None,
        required=False,
        empty_label="Me",
        help_text="The LADO who will manage the allegation.",
    )
    child_la_child_id = forms.CharField(
        label="LA child ID",
        max_length=10,
        required=False,
        help_text="If the child is known to the authority.",
    )
    child_initials = forms.CharField(
        label="Initials", max_length=5, required=False, help_text="Otherwise."
    )
    child_age = forms.IntegerField(
        label="Age", min_value=0, max_value=25, required=False
    )
    child_gender = forms.ChoiceField(
        label="Gender", choices=[("", "—")] + Gender.choices, required=False
    )

    class Meta:
        model = Allegation
        fields = list(REFERRAL_FIELDS)
        widgets = {
            "received_at": DATETIME,
            "came_to_employer_attention_on": DATE,
            "subject_date_of_birth": DATE,
            "details": forms.Textarea(attrs={"rows": 5}),
        }

    def __init__(
        self, *args, with_child=True, submit_label="Log the referral", **kwargs
    ):
        super().__init__(*args, **kwargs)
        self.fields["received_at"].input_formats = DATETIME_FORMATS
        self.fields["received_at"].help_text = "Date and time the LADO received it."
        self.fields["lado_officer"].queryset = user_list_with_role(role=Role.LADO)
        if self.instance.pk:
            self.fields["lado_officer"].empty_label = None
            self.fields["lado_officer"].required = True
            self.initial.setdefault("lado_officer", self.instance.lado_officer_id)
        if not self.is_bound and not self.instance.pk:
            self.initial.setdefault(
                "received_at", timezone.localtime().replace(second=0, microsecond=0)
            )
        child_fields = ()
        if with_child:
            child_fields = (
                Fieldset(
                    "A child involved (more can be added later)",
                    Row(
                        Column("child_la_child_id"),
                        Column("child_initials"),
                        Column("child_age"),
                        Column("child_gender"),
                    ),
                ),
            )
        else:
            for name in (
                "child_la_child_id",
                "child_initials",
                "child_age",
                "child_gender",
            ):
                del self.fields[name]
        self.helper = _helper(
            submit_label,
            Fieldset(
                "The referral",
                Row(
                    Column("received_at"),
                    Column("referral_source"),
                    Column("lado_officer"),
                ),
                Row(
                    Column("referrer_name"),
                    Column("referrer_organisation"),
                    Column("referrer_role"),
                    Column("referrer_contact"),
                ),
            ),
            Fieldset(
                "The employer or setting",
                Row(
                    Column("setting_name"),
                    Column("sector"),
                    Column("came_to_employer_attention_on"),
                ),
            ),
            Fieldset(
                "The adult the allegation is about",
                Row(
                    Column("subject_first_name"),
                    Column("subject_last_name"),
                    Column("subject_date_of_birth"),
                ),
                Row(
                    Column("subject_role"),
                    Column("subject_employer"),
                    Column("subject_registration"),
                ),
            ),
            *child_fields,
            Fieldset("What is alleged", "category", "details"),
        )

    def clean_received_at(self):
        value = self.cleaned_data["received_at"]
        if value and value > timezone.now():
            raise forms.ValidationError(
                "The referral cannot be received in the future."
            )
        return value

    def clean_came_to_employer_attention_on(self):
        return _not_future(
            self.cleaned_data["came_to_employer_attention_on"], "That date"
        )

    def clean_subject_date_of_birth(self):
        value = _not_future(
            self.cleaned_data["subject_date_of_birth"], "The date of birth"
        )
        if value and (timezone.localdate() - value).days < 14 * 365:
            raise forms.ValidationError(
                "The date of birth makes the adult younger than 14; check the year."
            )
        return value

    def clean_child_initials(self):
        value = self.cleaned_data.get("child_initials", "").strip()
        if value and not _INITIALS.match(value):
            raise forms.ValidationError("Use up to 5 letters, e.g. JS.")
        return value

    def clean(self):
        data = super().clean()
        received = data.get("received_at")
        came = data.get("came_to_employer_attention_on")
        if received and came and came > timezone.localtime(received).date():
            self.add_error(
                "came_to_employer_attention_on",
                "This is after the LADO received the referral.",
            )
        if data.get("child_la_child_id") and data.get("child_initials"):
            self.add_error(
                "child_initials",
                "Give the LA child ID of a known child, or initials: not both.",
            )
        return data

    def service_kwargs(self) -> dict:
        data = dict(self.cleaned_data)
        kwargs = {name: data[name] for name in REFERRAL_FIELDS}
        kwargs["lado_officer"] = data.get("lado_officer")
        if "child_initials" in self.fields:
            kwargs["child"] = ChildEntry(
                la_child_id=data.get("child_la_child_id", ""),
                initials=data.get("child_initials", ""),
                age=data.get("child_age"),
                gender=data.get("child_gender", ""),
            )
        return kwargs


class InvolvedChildForm(forms.Form):
    la_child_id = forms.CharField(
        label="LA child ID",
        max_length=10,
        required=False,
        help_text="For a child known to the authority.",
    )
    initials = forms.CharField(max_length=5, required=False)
    age = forms.IntegerField(min_value=0, max_value=25, required=False)
    gender = forms.ChoiceField(choices=[("", "—")] + Gender.choices, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(
            "Add the child",
            "la_child_id",
            HTML('<p class="text-muted">Otherwise, recorded minimally:</p>'),
            Row(Column("initials"), Column("age"), Column("gender")),
        )

    def clean_initials(self):
        value = self.cleaned_data["initials"].strip()
        if value and not _INITIALS.match(value):
            raise forms.ValidationError("Use up to 5 letters, e.g. JS.")
        return value

    def clean(self):
        data = super().clean()
        if not data.get("la_child_id", "").strip() and not data.get("initials"):
            raise forms.ValidationError(
                "Give the LA child ID of a known child, or the child's initials."
            )
        return data

    def entry(self) -> ChildEntry:
        return ChildEntry(**self.cleaned_data)


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        choices=codes.Decision.choices, widget=forms.RadioSelect
    )
    harm_criteria = forms.MultipleChoiceField(
        label="Harm-test criteria met (any that apply)",
        choices=codes.HarmCriterion.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    decided_on = forms.DateField(label="Decided on", widget=DATE)
    rationale = _text(label="Reasons for the decision")
    delay_reason = _text(
        required=False,
        rows=2,
        label="Why it took longer than a month",
        help_text="Needed only when the contact closes after the 1-month mark.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial.setdefault("decided_on", timezone.localdate())
        self.helper = _helper("Record the decision")

    def clean_decided_on(self):
        return _not_future(self.cleaned_data["decided_on"])

    def clean(self):
        data = super().clean()
        criteria = data.get("harm_criteria") or []
        if data.get("decision") == codes.Decision.THRESHOLD_MET and not criteria:
            self.add_error("harm_criteria", "Tick the criteria the allegation meets.")
        elif criteria and data.get("decision") != codes.Decision.THRESHOLD_MET:
            self.add_error(
                "harm_criteria", "Criteria are ticked only when the harm test is met."
            )
        return data


class ManagementForm(forms.ModelForm):
    class Meta:
        model = Allegation
        fields = list(MANAGEMENT_FIELDS)
        widgets = {
            "interim_measure_on": DATE,
            "subject_informed_on": DATE,
            "employer_investigation_notes": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(
            "Save",
            Fieldset(
                "Police",
                Row(
                    Column("police_involved"),
                    Column("police_reference"),
                    Column("police_outcome"),
                ),
            ),
            Fieldset(
                "Children's social care",
                Row(Column("section47_involved"), Column("section47_reference")),
            ),
            Fieldset(
                "The employer",
                "employer_investigation",
                "employer_investigation_notes",
                Row(
                    Column("interim_measure"),
                    Column("interim_measure_on"),
                    Column("interim_measure_notes"),
                ),
                "subject_informed_on",
            ),
        )

    def clean(self):
        data = super().clean()
        if not data.get("police_involved") and (
            data.get("police_reference") or data.get("police_outcome")
        ):
            self.add_error("police_involved", "Tick this to record a police reference.")
        measure = data.get("interim_measure")
        if measure and measure != codes.InterimMeasure.NONE:
            if not data.get("interim_measure_on"):
                self.add_error("interim_measure_on", "Give the date it started.")
        elif data.get("interim_measure_on"):
            self.add_error("interim_measure", "Choose the measure that started then.")
        for name in ("interim_measure_on", "subject_informed_on"):
            if data.get(name) and data[name] > timezone.localdate():
                self.add_error(name, "This date cannot be in the future.")
        return data


def _parse_attendees(text: str) -> list[AttendeeEntry]:
    entries = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        parts = [p.strip() for p in line.split(";")]
        if len(parts) > 3:
            raise forms.ValidationError(
                f"Line {number}: use at most name; role or agency; email."
            )
        name, role, email = (parts + ["", ""])[:3]
        if not name:
            raise forms.ValidationError(f"Line {number}: give the attendee's name.")
        if email:
            try:
                validate_email(email)
            except forms.ValidationError:
                raise forms.ValidationError(
                    f"Line {number}: {email} is not an email address."
                ) from None
        entries.append(AttendeeEntry(name=name[:150], role=role[:150], email=email))
    return entries


class MeetingForm(forms.Form):
    kind = forms.ChoiceField(label="Meeting", choices=codes.MeetingKind.choices)
    held_on = forms.DateField(label="Held on", widget=DATE)
    venue = forms.CharField(label="Where or how", max_length=150, required=False)
    attendees = _text(
        required=False,
        rows=4,
        label="Attendees",
        help_text="One per line: name; role or agency; email (for the minutes).",
    )
    discussion = _text(
        required=False, rows=6, label="Minutes: information and discussion"
    )
    decisions = _text(required=False, rows=4, label="Decisions")

    def __init__(
        self, *args, with_attendees=True, submit_label="Record the meeting", **kwargs
    ):
        super().__init__(*args, **kwargs)
        self.initial.setdefault("held_on", timezone.localdate())
        if not with_attendees:
            del self.fields["attendees"]
        self.helper = _helper(submit_label)

    def clean_held_on(self):
        return _not_future(self.cleaned_data["held_on"], "The meeting date")

    def clean_attendees(self):
        return _parse_attendees(self.cleaned_data.get("attendees", ""))


class AttendeeForm(forms.ModelForm):
    class Meta:
        model = Attendee
        fields = ["name", "role", "email", "attended", "receives_minutes"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper("Add the attendee")

    def entry(self) -> AttendeeEntry:
        return AttendeeEntry(**self.cleaned_data)


class ActionForm(forms.Form):
    text = _text(rows=3, label="Action")
    owner_name = forms.CharField(label="Who will do it", max_length=150)
    owner_email = forms.EmailField(
        label="Their email",
        required=False,
        help_text="The owner is emailed once a day while the action is overdue.",
    )
    due_on = forms.DateField(label="Due by", widget=DATE)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper("Add the action")


class ActionCompleteForm(forms.Form):
    completed_on = forms.DateField(widget=DATE)

    def clean_completed_on(self):
        return _not_future(self.cleaned_data["completed_on"])


class DistributeForm(forms.Form):
    attendees = forms.ModelMultipleChoiceField(
        label="Send to",
        queryset=Attendee.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text="Restricted circulation: only attendees who may receive the "
        "minutes and have an email address are listed.",
    )

    def __init__(self, *args, meeting, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["attendees"].queryset = (
            Attendee.objects.filter(meeting=meeting, receives_minutes=True)
            .exclude(email="")
            .order_by("name")
        )
        self.helper = _helper("Send the minutes")


def _outcome_choices():
    return [
        (
            value,
            format_html(
                "<strong>{}</strong>: {}", label, codes.OUTCOME_DEFINITIONS[value]
            ),
        )
        for value, label in codes.Outcome.choices
    ]


class OutcomeForm(forms.Form):
    outcome = forms.ChoiceField(
        label="Outcome (KCSIE Part four definitions)",
        choices=_outcome_choices,
        widget=forms.RadioSelect,
    )
    outcome_on = forms.DateField(label="Outcome agreed on", widget=DATE)
    employer_actions = forms.MultipleChoiceField(
        label="What the employer did",
        choices=codes.EmployerAction.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    dbs_referred = forms.BooleanField(label="Referred to the DBS", required=False)
    dbs_referred_on = forms.DateField(
        label="DBS referral made on", widget=DATE, required=False
    )
    regulator_referrals = forms.MultipleChoiceField(
        label="Referred to regulators",
        choices=codes.Regulator.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    outcome_notes = _text(required=False, rows=3, label="Notes and lessons learned")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial.setdefault("outcome_on", timezone.localdate())
        self.helper = _helper("Record the outcome")

    def clean_outcome_on(self):
        return _not_future(self.cleaned_data["outcome_on"])

    def clean_dbs_referred_on(self):
        return _not_future(self.cleaned_data["dbs_referred_on"])

    def clean(self):
        data = super().clean()
        if data.get("dbs_referred_on") and not data.get("dbs_referred"):
            self.add_error("dbs_referred", "Tick this to record the DBS referral date.")
        actions = data.get("employer_actions") or []
        if codes.EmployerAction.NO_ACTION in actions and len(actions) > 1:
            self.add_error(
                "employer_actions", "'No action' cannot be combined with another."
            )
        return data


class CloseForm(forms.Form):
    closed_on = forms.DateField(label="Closed on", widget=DATE)
    delay_reason = _text(
        required=False,
        rows=3,
        label="Why it took longer than a month",
    )

    def __init__(self, *args, one_month_due_on, **kwargs):
        super().__init__(*args, **kwargs)
        self.one_month_due_on = one_month_due_on
        self.initial.setdefault("closed_on", timezone.localdate())
        self.fields["delay_reason"].help_text = (
            f"Required when closing after the 1-month mark "
            f"({one_month_due_on:%d/%m/%Y})."
        )
        self.helper = _helper("Close the case")

    def clean_closed_on(self):
        return _not_future(self.cleaned_data["closed_on"])

    def clean(self):
        data = super().clean()
        closed_on = data.get("closed_on")
        if (
            closed_on
            and closed_on > self.one_month_due_on
            and not data.get("delay_reason", "").strip()
        ):
            self.add_error("delay_reason", "Say why the case took longer than a month.")
        return data


class ReasonForm(forms.Form):
    reason = _text(rows=3, label="Reason", max_length=500)

    def __init__(self, *args, submit_label="Save", **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(submit_label)


class AllegationFilterForm(forms.Form):
    q = forms.CharField(label="Adult's name", required=False, max_length=100)
    status = forms.ChoiceField(
        choices=[("", "Any status")] + codes.Status.choices,
        required=False,
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    sector = forms.ChoiceField(
        choices=[("", "Any sector")] + codes.Sector.choices,
        required=False,
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    overdue = forms.BooleanField(label="Decision overdue", required=False)
    setting = forms.CharField(required=False, max_length=200, widget=forms.HiddenInput)


class PeriodForm(forms.Form):
    start = forms.DateField(label="From", widget=DATE)
    end = forms.DateField(label="To", widget=DATE)

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end:
            if end < start:
                self.add_error("end", "The end of the period is before its start.")
            elif (end - start).days > 5 * 366:
                self.add_error("end", "Choose a period of five years or less.")
        return data
