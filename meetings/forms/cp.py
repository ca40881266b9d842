"""Forms for child protection and the other chaired meetings: validation and layout
only; every write is a service call made by the view."""

from __future__ import annotations

import re

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Fieldset, Layout, Row, Submit
from django import forms
from django.db.models import QuerySet

from accounts.roles import Role
from accounts.selectors import user_list_with_role
from cases.codes import CategoryOfAbuse, CPPlanEndReason
from cases.models import Child

from .. import codes, workflow
from ..models import ConferenceChild, ConferenceSending, Participant, StrategyDiscussion
from ..services.cp import ConferenceRecipient
from ..types import meeting_types_in
from .scheduling import DATE, DATETIME, DATETIME_FORMATS, _not_future, helper

_IDS = re.compile(r"[\s,;]+")


def _children_field() -> forms.CharField:
    return forms.CharField(
        label="Brothers and sisters it also concerns",
        required=False,
        max_length=300,
        help_text="Their LA child IDs, separated by commas. They share the "
        "conference and its minutes; each has their own outcome.",
    )


def _clean_children(value: str, *, visible: QuerySet[Child], child: Child) -> list:
    wanted = [v for v in _IDS.split(value.strip()) if v]
    found = {c.la_child_id.upper(): c for c in visible.filter(la_child_id__in=wanted)}
    found.update(
        {
            c.la_child_id.upper(): c
            for c in visible.filter(la_child_id__in=[w.upper() for w in wanted])
        }
    )
    missing = [w for w in wanted if w.upper() not in found]
    if missing:
        raise forms.ValidationError(
            f"No child you can see has the LA child ID {', '.join(missing)}."
        )
    return [found[w.upper()] for w in wanted if found[w.upper()].pk != child.pk]


class StrategyForm(forms.Form):
    held_on = forms.DateField(label="Date of the strategy discussion", widget=DATE)
    chaired_by = forms.CharField(
        label="Chaired by", max_length=150, help_text="Name and role."
    )
    agencies_present = forms.MultipleChoiceField(
        label="Agencies that took part",
        choices=StrategyDiscussion.Agency.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    other_agencies = forms.CharField(
        label="Other agencies that took part", max_length=300, required=False
    )
    decision = forms.ChoiceField(
        label="Decision", choices=StrategyDiscussion.Decision.choices
    )
    immediate_protection = forms.BooleanField(
        label="Immediate protective action was taken (EPO or police protection)",
        required=False,
    )
    reasons = forms.CharField(
        label="Concerns and reasons for the decision",
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    other_children = _children_field()

    def __init__(self, *args, visible_children: QuerySet[Child], child: Child, **kw):
        super().__init__(*args, **kw)
        self.visible_children = visible_children
        self.child = child
        self.helper = helper("Record the strategy discussion")

    def clean_held_on(self):
        return _not_future(self.cleaned_data["held_on"], "The date")

    def clean_other_children(self):
        return _clean_children(
            self.cleaned_data["other_children"],
            visible=self.visible_children,
            child=self.child,
        )

    def clean(self):
        data = super().clean()
        if not data.get("agencies_present") and not data.get("other_agencies"):
            self.add_error("agencies_present", "Tick the agencies that took part.")
        return data


class TransferInForm(forms.Form):
    notified_on = forms.DateField(
        label="Date this authority was notified of the move", widget=DATE
    )
    transferred_from = forms.CharField(
        label="Authority the children moved from", max_length=150
    )
    other_children = _children_field()

    def __init__(self, *args, visible_children: QuerySet[Child], child: Child, **kw):
        super().__init__(*args, **kw)
        self.visible_children = visible_children
        self.child = child
        self.helper = helper("Record the transfer-in")

    def clean_notified_on(self):
        return _not_future(self.cleaned_data["notified_on"], "The date")

    def clean_other_children(self):
        return _clean_children(
            self.cleaned_data["other_children"],
            visible=self.visible_children,
            child=self.child,
        )


class _BookingFields(forms.Form):
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
    minute_taker = forms.ModelChoiceField(
        label="Minute-taker",
        queryset=None,
        required=False,
        help_text="Only the minute-taker assigned sees the meeting and its minutes.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["chair"].queryset = user_list_with_role(role=Role.IRO)
        self.fields["minute_taker"].queryset = user_list_with_role(
            role=Role.MINUTE_TAKER
        )

    def clean(self):
        data = super().clean()
        if not data.get("venue", "").strip() and not data.get("is_online"):
            self.add_error("venue", "Give a venue, or tick online meeting.")
        return data


class BookForm(_BookingFields):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = helper("Book")


class ArrangeForm(_BookingFields):
    kind = forms.ChoiceField(label="Meeting")
    clock_start_on = forms.DateField(
        label="Start of the clock",
        widget=DATE,
        required=False,
        help_text="Only for a meeting with a timescale: the short break care review "
        "counts from the start of the first short-break placement.",
    )
    field_order = ["kind", "clock_start_on"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.specs = {spec.kind: spec for spec in meeting_types_in("other")}
        self.fields["kind"].choices = [
            (kind, spec.label) for kind, spec in self.specs.items()
        ]
        self.helper = helper("Arrange the meeting")

    def clean_clock_start_on(self):
        return _not_future(self.cleaned_data["clock_start_on"], "The date")

    def clean(self):
        data = super().clean()
        spec = self.specs.get(data.get("kind"))
        if spec and spec.first_rule and not data.get("clock_start_on"):
            self.add_error("clock_start_on", f"Give the {spec.start_label.lower()}.")
        return data


class MinuteTakerForm(forms.Form):
    minute_taker = forms.ModelChoiceField(
        label="Minute-taker", queryset=None, required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["minute_taker"].queryset = user_list_with_role(
            role=Role.MINUTE_TAKER
        )
        self.helper = helper("Save")


class HeldForm(forms.Form):
    held_on = forms.DateField(label="Date held", widget=DATE)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = helper("Record as held")

    def clean_held_on(self):
        return _not_future(self.cleaned_data["held_on"], "The date held")


_OUTCOME_LABELS = dict(ConferenceChild.Outcome.choices)


class ConferenceHoldForm(forms.Form):
    """The date held and, for each child, the conference's outcome."""

    held_on = forms.DateField(label="Date held", widget=DATE)

    def __init__(self, *args, rows: list[ConferenceChild], outcomes: tuple, **kw):
        super().__init__(*args, **kw)
        self.rows = rows
        fieldsets = []
        for row in rows:
            pk = row.child_id
            self.fields[f"outcome_{pk}"] = forms.ChoiceField(
                label="Outcome",
                choices=[(o, _OUTCOME_LABELS[o]) for o in outcomes],
                widget=forms.RadioSelect,
                required=False,
            )
            self.fields[f"category_{pk}"] = forms.ChoiceField(
                label="Category of abuse",
                choices=[("", "—")] + CategoryOfAbuse.choices,
                required=False,
                initial=row.plan.latest_category if row.plan else "",
            )
            self.fields[f"alternative_{pk}"] = forms.ChoiceField(
                label="Instead of (or after) a plan",
                choices=[("", "—")] + ConferenceChild.Alternative.choices,
                required=False,
            )
            names = [f"outcome_{pk}", f"category_{pk}", f"alternative_{pk}"]
            if "end" in outcomes:
                self.fields[f"end_reason_{pk}"] = forms.ChoiceField(
                    label="Why the plan ends",
                    choices=[("", "—")] + CPPlanEndReason.choices,
                    required=False,
                )
                names.append(f"end_reason_{pk}")
            self.fields[f"dissent_{pk}"] = forms.CharField(
                label="Dissent",
                required=False,
                widget=forms.Textarea(attrs={"rows": 2}),
                help_text="Who disagreed with the decision, and why.",
            )
            names.append(f"dissent_{pk}")
            fieldsets.append(
                Fieldset(f"{row.child.full_name} ({row.child.la_child_id})", *names)
            )
        self.outcomes = outcomes
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout("held_on", *fieldsets)
        self.helper.add_input(Submit("submit", "Record the conference as held"))

    def clean_held_on(self):
        return _not_future(self.cleaned_data["held_on"], "The date held")

    def clean(self):
        data = super().clean()
        for row in self.rows:
            pk = row.child_id
            problem = workflow.conference_outcome_problem(
                allowed=self.outcomes,
                outcome=data.get(f"outcome_{pk}", ""),
                category=data.get(f"category_{pk}", ""),
                alternative=data.get(f"alternative_{pk}", ""),
                end_reason=data.get(f"end_reason_{pk}", ""),
            )
            if problem:
                self.add_error(f"{problem[0]}_{pk}", problem[1])
        return data

    def outcomes_data(self) -> dict[int, dict]:
        data = self.cleaned_data
        return {
            row.child_id: {
                "outcome": data[f"outcome_{row.child_id}"],
                "category": data[f"category_{row.child_id}"],
                "alternative": data[f"alternative_{row.child_id}"],
                "end_reason": data.get(f"end_reason_{row.child_id}", ""),
                "dissent": data[f"dissent_{row.child_id}"],
            }
            for row in self.rows
        }


class ReasonForm(forms.Form):
    reason = forms.CharField(
        max_length=300, widget=forms.Textarea(attrs={"rows": 3}), label="Reason"
    )

    def __init__(self, *args, submit_label: str = "Save", **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = helper(submit_label)


class ExclusionForm(forms.Form):
    participant = forms.ModelChoiceField(label="Who", queryset=None)
    whole_meeting = forms.BooleanField(
        label="Excluded from the whole meeting", required=False
    )
    part = forms.CharField(
        label="Part of the meeting",
        max_length=200,
        required=False,
        help_text="e.g. while the police shared intelligence",
    )
    reason = forms.CharField(
        label="Reason", max_length=300, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, participants: QuerySet[Participant], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["participant"].queryset = participants
        self.helper = helper("Record the exclusion")

    def clean(self):
        data = super().clean()
        if not data.get("whole_meeting") and not data.get("part", "").strip():
            self.add_error("part", "Say which part, or tick the whole meeting.")
        return data


class ReportRequestForm(forms.Form):
    kind = forms.ChoiceField(label="Report", choices=codes.ReportKind.choices)
    author = forms.CharField(
        label="From", max_length=150, help_text="Name and agency, e.g. Ms Shah, school"
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = helper("Request the report")


class MinutesForm(forms.Form):
    """The text of each section, its restricted details and who was present,
    with the lock version the page was read at. Rendered field by field by the
    editor template (the autosave script reads the same fields)."""

    lock_version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    new_section = forms.CharField(
        label="Add a section",
        max_length=150,
        required=False,
        help_text="A heading, e.g. 'Private session with the police'.",
    )

    def __init__(self, *args, sections, participants, **kwargs):
        super().__init__(*args, **kwargs)
        self.sections = list(sections)
        choices = [
            (str(p.pk), f"{p.name} ({p.get_role_display()})") for p in participants
        ]
        self.rows = []
        for section in self.sections:
            pk = section.pk
            self.fields[f"text_{pk}"] = forms.CharField(
                label=section.heading,
                required=False,
                initial=section.text,
                widget=forms.Textarea(attrs={"rows": 6, "data-field": "text"}),
            )
            self.fields[f"restricted_{pk}"] = forms.CharField(
                label="Restricted details (never sent to the family)",
                required=False,
                initial=section.restricted_text,
                widget=forms.Textarea(
                    attrs={"rows": 2, "data-field": "restricted_text"}
                ),
            )
            self.fields[f"present_{pk}"] = forms.MultipleChoiceField(
                label="Present for this section",
                choices=choices,
                required=False,
                initial=[str(p.pk) for p in section.present.all()],
                widget=forms.CheckboxSelectMultiple(attrs={"data-field": "present"}),
            )
            self.rows.append(
                (
                    section,
                    self[f"text_{pk}"],
                    self[f"restricted_{pk}"],
                    self[f"present_{pk}"],
                )
            )

    def sections_data(self) -> dict[int, dict]:
        data = self.cleaned_data
        return {
            s.pk: {
                "text": data[f"text_{s.pk}"],
                "restricted_text": data[f"restricted_{s.pk}"],
                "present": [int(v) for v in data[f"present_{s.pk}"]],
            }
            for s in self.sections
        }


class ApproveForm(forms.Form):
    confirm = forms.BooleanField(
        label="I have read these minutes and approve them as the record of the "
        "conference."
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = helper("Approve these minutes")


def _copy_for(person: Participant) -> str:
    if workflow.is_family_role(person.role):
        return ConferenceSending.Audience.FAMILY
    return ConferenceSending.Audience.FULL


def _recipient_label(person: Participant, *, show_copy: bool) -> str:
    how = person.email or "no email: by post"
    label = f"{person.name} ({person.get_role_display()}), {how}"
    if show_copy:
        copy = ConferenceSending.Audience(_copy_for(person)).label
        label += f" — {copy}"
    return label


class ConferenceSendForm(forms.Form):
    """Who receives the outline plan or the minutes; plus one other recipient.

    Family members receive the family copy of the minutes, agencies the full
    record; the copy follows each participant's role.
    """

    send_to = forms.MultipleChoiceField(
        label="Send to", required=False, widget=forms.CheckboxSelectMultiple
    )
    other_name = forms.CharField(label="Name", max_length=150, required=False)
    other_email = forms.EmailField(label="Email address", required=False)
    other_channel = forms.ChoiceField(
        label="How", choices=ConferenceSending.Channel.choices, initial="email"
    )
    other_audience = forms.ChoiceField(
        label="Copy",
        choices=ConferenceSending.Audience.choices,
        initial=ConferenceSending.Audience.FAMILY,
        help_text="Someone who is not a participant and is sent the family copy "
        "receives no section of the minutes, only the decisions.",
    )

    def __init__(
        self, *args, participants: list[Participant], is_minutes: bool, **kwargs
    ):
        super().__init__(*args, **kwargs)
        self.participants = {str(p.pk): p for p in participants}
        self.fields["send_to"].choices = [
            (pk, _recipient_label(p, show_copy=is_minutes))
            for pk, p in self.participants.items()
        ]
        other = [
            Row(Column("other_name"), Column("other_email")),
            Row(Column("other_channel")),
        ]
        if is_minutes:
            other.append(Row(Column("other_audience")))
        else:
            del self.fields["other_audience"]
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            "send_to", Fieldset("Someone else (optional)", *other)
        )
        self.helper.add_input(Submit("submit", "Send"))

    def clean(self):
        data = super().clean()
        name, email = data.get("other_name", ""), data.get("other_email", "")
        if email and not name:
            self.add_error("other_name", "Give the name of the person to send it to.")
        if name and data.get("other_channel") == "email" and not email:
            self.add_error("other_email", "Give an email address, or choose post.")
        if not (data.get("send_to") or name):
            raise forms.ValidationError("Choose at least one recipient.")
        return data

    def recipients(self) -> list[ConferenceRecipient]:
        """Return the chosen recipients with the copy each receives."""
        chosen = []
        for pk in self.cleaned_data["send_to"]:
            person = self.participants[pk]
            chosen.append(
                ConferenceRecipient(
                    name=person.name,
                    email=person.email,
                    channel="email" if person.email else "post",
                    participant=person,
                    audience=_copy_for(person),
                )
            )
        if self.cleaned_data["other_name"]:
            chosen.append(
                ConferenceRecipient(
                    name=self.cleaned_data["other_name"],
                    email=self.cleaned_data["other_email"],
                    channel=self.cleaned_data["other_channel"],
                    audience=self.cleaned_data.get(
                        "other_audience", ConferenceSending.Audience.FULL
                    ),
                )
            )
        return chosen
