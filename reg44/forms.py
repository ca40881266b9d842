"""Forms for Regulation 44: validation and layout only, no business writes."""

from __future__ import annotations

import re

from crispy_forms.helper import FormHelper
from crispy_forms.layout import HTML, Column, Fieldset, Layout, Row, Submit
from django import forms
from django.utils import timezone

from . import schedule, selectors
from .models import Home, Recommendation, Visit
from .services import HOME_FIELDS

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATETIME_WIDGET = forms.DateTimeInput(
    attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"
)
DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%d/%m/%Y %H:%M"]
_URN = re.compile(r"^(SC)?[0-9]{6,7}$")
_POSTCODE = re.compile(r"^[A-Z]{1,2}[0-9][A-Z0-9]? ?[0-9][A-Z]{2}$")
_INITIALS = re.compile(r"^[A-Z]{1,3}$")
YES_NO = [("", "Not answered yet"), ("yes", "Yes"), ("no", "No")]


def _helper(submit_label: str, *layout) -> FormHelper:
    helper = FormHelper()
    helper.form_tag = False
    if layout:
        helper.layout = Layout(*layout)
    helper.add_input(Submit("submit", submit_label))
    return helper


# --- homes ---------------------------------------------------------------------------


class HomeForm(forms.ModelForm):
    class Meta:
        model = Home
        fields = list(HOME_FIELDS)
        widgets = {
            "registered_on": DATE_WIDGET,
            "closed_on": DATE_WIDGET,
            "address": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, submit_label="Save", **kwargs):
        super().__init__(*args, **kwargs)
        # The service refuses a duplicate URN with a clear message.
        self.fields["urn"].validators = []
        self.helper = _helper(
            submit_label,
            Fieldset(
                "The home",
                Row(Column("name"), Column("urn"), Column("places")),
                Row(Column("address"), Column("postcode")),
                Row(
                    Column("registration_status"),
                    Column("registered_on"),
                    Column("closed_on"),
                ),
            ),
            Fieldset(
                "Who runs it (each receives the reports, reg 44(7))",
                Row(Column("provider_name"), Column("provider_email")),
                Row(
                    Column("registered_manager_name"),
                    Column("registered_manager_email"),
                ),
                Row(
                    Column("responsible_individual_name"),
                    Column("responsible_individual_email"),
                ),
                Row(Column("ofsted_email")),
                Row(
                    Column("is_local_authority_home"),
                    Column("local_authority_name"),
                    Column("local_authority_email"),
                ),
            ),
        )
        self.helper.inputs = []

    def validate_unique(self):
        # Uniqueness is the service's rule (one message, whatever the case).
        pass

    def clean_urn(self):
        value = self.cleaned_data["urn"].strip().upper().replace(" ", "")
        if not _URN.match(value):
            raise forms.ValidationError(
                "An Ofsted URN for a children's home is SC followed by 6 digits "
                "(e.g. SC123456), or 6 or 7 digits."
            )
        return value

    def clean_places(self):
        value = self.cleaned_data["places"]
        if value is not None and not 1 <= value <= 99:
            raise forms.ValidationError("A home has from 1 to 99 places.")
        return value

    def clean_postcode(self):
        value = " ".join(self.cleaned_data["postcode"].upper().split())
        if not _POSTCODE.match(value):
            raise forms.ValidationError("Enter a UK postcode, e.g. LS1 4AB.")
        return value

    def clean(self):
        data = super().clean()
        status = data.get("registration_status")
        closed = status in (
            Home.RegistrationStatus.RESIGNED,
            Home.RegistrationStatus.CANCELLED,
        )
        if (
            data.get("is_local_authority_home")
            and not data.get("local_authority_name", "").strip()
        ):
            self.add_error(
                "local_authority_name", "Name the local authority that runs the home."
            )
        if status and closed and not data.get("closed_on"):
            self.add_error("closed_on", "Give the date the home closed.")
        if status and not closed and data.get("closed_on"):
            self.add_error(
                "closed_on",
                "A registered home has no closing date: clear it or change the status.",
            )
        registered_on, closed_on = data.get("registered_on"), data.get("closed_on")
        if registered_on and closed_on and closed_on < registered_on:
            self.add_error("closed_on", "The home cannot close before it registered.")
        return data


class PlacingAuthorityForm(forms.Form):
    id = forms.IntegerField(required=False, widget=forms.HiddenInput)
    name = forms.CharField(label="Placing authority", max_length=150, required=False)
    email = forms.EmailField(label="Its email for reports", required=False)

    def clean(self):
        data = super().clean()
        if data.get("email") and not data.get("name", "").strip():
            self.add_error("name", "Name the authority this address belongs to.")
        return data


PlacingAuthorityFormSet = forms.formset_factory(
    PlacingAuthorityForm, extra=2, can_delete=True
)


class AssignmentForm(forms.Form):
    visitor = forms.ModelChoiceField(
        queryset=None, label="Independent visitor", empty_label="Choose a visitor"
    )
    started_on = forms.DateField(label="From", widget=DATE_WIDGET)
    ended_on = forms.DateField(label="To", required=False, widget=DATE_WIDGET)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["visitor"].queryset = selectors.visitor_choices()
        self.fields[
            "visitor"
        ].help_text = "Users who hold the Regulation 44 visitor role."
        self.helper = _helper(
            "Assign visitor",
            Row(Column("visitor"), Column("started_on"), Column("ended_on")),
        )

    def clean(self):
        data = super().clean()
        if (
            data.get("started_on")
            and data.get("ended_on")
            and data["ended_on"] < data["started_on"]
        ):
            self.add_error("ended_on", "The assignment cannot end before it starts.")
        return data


class AssignmentEndForm(forms.Form):
    ended_on = forms.DateField(label="Last day of the assignment", widget=DATE_WIDGET)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper("End assignment", "ended_on")


# --- visits --------------------------------------------------------------------------


# Visits are recorded from the regulations' start to a year or two ahead; a date
# outside that is a typing mistake (and year 1 cannot be converted to local time).
_VISIT_YEARS = (2000, 2100)


def _visit_at_checked(form, data):
    """Add an error and return None for a visit date outside _VISIT_YEARS."""
    visit_at = data.get("visit_at")
    if visit_at and not _VISIT_YEARS[0] <= visit_at.year <= _VISIT_YEARS[1]:
        form.add_error(
            "visit_at",
            f"Enter a visit date between {_VISIT_YEARS[0]} and {_VISIT_YEARS[1]}.",
        )
        return None
    return visit_at


def _for_month(visit_at, late: bool):
    months = schedule.months_ending(timezone.localdate(visit_at), 2)
    return months[0] if late else months[1]


class VisitBookForm(forms.Form):
    visit_at = forms.DateTimeField(
        label="Date and time of the visit",
        widget=DATETIME_WIDGET,
        input_formats=DATETIME_FORMATS,
        help_text="A future date books the visit; today or a past date records it.",
    )
    is_late_for_previous_month = forms.BooleanField(
        label="This is a late visit for the previous month",
        required=False,
        help_text="Leave unticked for the month the visit falls in.",
    )
    is_unannounced = forms.BooleanField(label="Unannounced visit", required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(
            "Save visit",
            Row(Column("visit_at"), Column("is_unannounced")),
            "is_late_for_previous_month",
        )

    def clean(self):
        data = super().clean()
        if _visit_at_checked(self, data):
            data["for_month"] = _for_month(
                data["visit_at"], data.get("is_late_for_previous_month", False)
            )
        return data


class VisitRecordForm(forms.ModelForm):
    is_late_for_previous_month = forms.BooleanField(
        label="This is a late visit for the previous month", required=False
    )
    records_examined = forms.MultipleChoiceField(
        label="Records examined",
        choices=Visit.RecordKind.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    safeguarding_opinion = forms.ChoiceField(
        label=Visit._meta.get_field("safeguarding_opinion").verbose_name,
        choices=[("", "Not given yet"), *Visit.Opinion.choices],
        required=False,
        widget=forms.RadioSelect,
    )
    wellbeing_opinion = forms.ChoiceField(
        label=Visit._meta.get_field("wellbeing_opinion").verbose_name,
        choices=[("", "Not given yet"), *Visit.Opinion.choices],
        required=False,
        widget=forms.RadioSelect,
    )
    has_conflict_of_interest = forms.TypedChoiceField(
        label="Do you have a conflict of interest in relation to this home?",
        choices=YES_NO,
        coerce=lambda v: {"yes": True, "no": False}.get(v),
        empty_value=None,
        required=False,
        widget=forms.RadioSelect,
    )

    class Meta:
        model = Visit
        fields = [
            "visit_at",
            "is_unannounced",
            "children_spoken_to",
            "children_consented",
            "children_views",
            "staff_spoken_to",
            "others_consulted",
            "records_examined",
            "records_notes",
            "premises_inspected",
            "premises_notes",
            "safeguarding_opinion",
            "safeguarding_evidence",
            "wellbeing_opinion",
            "wellbeing_evidence",
            "findings",
            "has_conflict_of_interest",
            "conflict_details",
            "conflict_not_notified_reason",
        ]
        widgets = {
            "visit_at": DATETIME_WIDGET,
            "children_views": forms.Textarea(attrs={"rows": 3}),
            "staff_spoken_to": forms.Textarea(attrs={"rows": 2}),
            "others_consulted": forms.Textarea(attrs={"rows": 2}),
            "records_notes": forms.Textarea(attrs={"rows": 3}),
            "premises_notes": forms.Textarea(attrs={"rows": 2}),
            "safeguarding_evidence": forms.Textarea(attrs={"rows": 4}),
            "wellbeing_evidence": forms.Textarea(attrs={"rows": 4}),
            "findings": forms.Textarea(attrs={"rows": 4}),
            "conflict_details": forms.Textarea(attrs={"rows": 2}),
            "conflict_not_notified_reason": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["visit_at"].input_formats = DATETIME_FORMATS
        visit = self.instance
        if visit.pk and not self.is_bound:
            visit_month = schedule.month_start(visit.visit_on)
            self.initial["is_late_for_previous_month"] = visit.for_month != visit_month
            self.initial["has_conflict_of_interest"] = {True: "yes", False: "no"}.get(
                visit.has_conflict_of_interest, ""
            )
        self.helper = _helper(
            "Save the record",
            Fieldset(
                "The visit",
                Row(Column("visit_at"), Column("is_unannounced")),
                "is_late_for_previous_month",
            ),
            Fieldset(
                "Children spoken to (with their consent, in private)",
                Row(Column("children_spoken_to"), Column("children_consented")),
                "children_views",
            ),
            Fieldset(
                "Staff and others spoken to",
                Row(Column("staff_spoken_to"), Column("others_consulted")),
            ),
            Fieldset(
                "Records and premises",
                "records_examined",
                "records_notes",
                Row(Column("premises_inspected"), Column("premises_notes")),
            ),
            Fieldset(
                "Opinions (reg 44(4))",
                HTML(
                    '<p class="small text-muted">The report must give your opinion '
                    "on both questions, each with the evidence for it.</p>"
                ),
                Row(
                    Column("safeguarding_opinion", css_class="col-md-4"),
                    Column("safeguarding_evidence"),
                ),
                Row(
                    Column("wellbeing_opinion", css_class="col-md-4"),
                    Column("wellbeing_evidence"),
                ),
                "findings",
            ),
            Fieldset(
                "Conflict of interest (reg 44(6))",
                "has_conflict_of_interest",
                Row(Column("conflict_details"), Column("conflict_not_notified_reason")),
            ),
        )

    def clean_children_spoken_to(self):
        raw = self.cleaned_data["children_spoken_to"]
        parts = [p.replace(".", "").strip().upper() for p in re.split(r"[,;]", raw)]
        parts = [p.replace(" ", "") for p in parts if p]
        bad = [p for p in parts if not _INITIALS.match(p)]
        if bad:
            raise forms.ValidationError(
                "Use initials only (up to 3 letters each, separated by commas, e.g. "
                "AB, CD), never a child's name."
            )
        return ", ".join(parts)

    def clean(self):
        data = super().clean()
        if data.get("children_spoken_to") and not data.get("children_consented"):
            self.add_error(
                "children_consented",
                "Children are spoken to only with their consent: confirm each child "
                "agreed, or remove their initials.",
            )
        if (
            data.get("has_conflict_of_interest")
            and not data.get("conflict_details", "").strip()
        ):
            self.add_error("conflict_details", "Describe the conflict of interest.")
        if _visit_at_checked(self, data):
            data["for_month"] = _for_month(
                data["visit_at"], data.get("is_late_for_previous_month", False)
            )
        return data

    def service_values(self) -> dict:
        """Return the cleaned values the visit_update service takes."""
        data = dict(self.cleaned_data)
        data.pop("is_late_for_previous_month", None)
        return data


class RecommendationForm(forms.ModelForm):
    class Meta:
        model = Recommendation
        fields = ["text", "consider_by"]
        widgets = {
            "text": forms.Textarea(attrs={"rows": 3}),
            "consider_by": DATE_WIDGET,
        }

    def __init__(self, *args, submit_label="Save recommendation", **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(submit_label, "text", "consider_by")


class RecommendationResponseForm(forms.ModelForm):
    class Meta:
        model = Recommendation
        fields = ["response_status", "response_text", "response_received_on"]
        widgets = {
            "response_text": forms.Textarea(attrs={"rows": 3}),
            "response_received_on": DATE_WIDGET,
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(
            "Save response",
            Row(Column("response_status"), Column("response_received_on")),
            "response_text",
        )

    def clean(self):
        data = super().clean()
        if (
            data.get("response_status")
            and data["response_status"] != Recommendation.Response.AWAITING
            and not data.get("response_received_on")
        ):
            self.add_error(
                "response_received_on", "Give the date the response was received."
            )
        return data


class FollowUpForm(forms.Form):
    """One outcome and note per open recommendation of an earlier visit."""

    def __init__(self, *args, recommendations, **kwargs):
        super().__init__(*args, **kwargs)
        self.recommendations = recommendations
        for recommendation in recommendations:
            existing = recommendation.this_follow_up
            self.fields[f"outcome_{recommendation.pk}"] = forms.ChoiceField(
                label=f"Recommendation {recommendation.number} of "
                f"{recommendation.visit.visit_on:%d/%m/%Y}: how far is it met?",
                choices=[("", "Not followed up yet"), *Recommendation.Outcome.choices],
                required=False,
                initial=existing.outcome if existing else "",
                widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
            )
            self.fields[f"notes_{recommendation.pk}"] = forms.CharField(
                label="What you found",
                required=False,
                initial=existing.notes if existing else "",
                widget=forms.Textarea(attrs={"rows": 2}),
            )

    def rows(self):
        for recommendation in self.recommendations:
            yield (
                recommendation,
                self[f"outcome_{recommendation.pk}"],
                self[f"notes_{recommendation.pk}"],
            )

    def outcomes(self) -> dict[int, tuple[str, str]]:
        return {
            r.pk: (
                self.cleaned_data[f"outcome_{r.pk}"],
                self.cleaned_data[f"notes_{r.pk}"],
            )
            for r in self.recommendations
        }


class ApproveForm(forms.Form):
    confirm = forms.BooleanField(
        label="I approve this report: it is my independent opinion and it is ready "
        "to send to the recipients listed."
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper("Approve and send", "confirm")


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label="Why is the report being amended?",
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, submit_label="Amend report", **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(submit_label, "reason")


# --- lists -------------------------------------------------------------------------------


def _visitor_filter_choices():
    return [("", "All visitors"), ("0", "No visitor assigned")] + [
        (str(u.pk), str(u)) for u in selectors.visitor_choices()
    ]


class HomeFilterForm(forms.Form):
    q = forms.CharField(label="Name, URN or postcode", required=False)
    visitor = forms.ChoiceField(label="Visitor", required=False)
    not_visited = forms.BooleanField(
        label="Only homes not yet visited this month", required=False
    )

    def __init__(self, *args, show_visitor=True, **kwargs):
        super().__init__(*args, **kwargs)
        if show_visitor:
            self.fields["visitor"].choices = _visitor_filter_choices()
        else:
            del self.fields["visitor"]

    def visitor_id(self) -> int | None:
        value = self.cleaned_data.get("visitor") if self.is_valid() else ""
        return int(value) if value not in (None, "") else None


class OverviewFilterForm(forms.Form):
    visitor = forms.ChoiceField(label="Visitor", required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["visitor"].choices = _visitor_filter_choices()

    def visitor_id(self) -> int | None:
        value = self.cleaned_data.get("visitor") if self.is_valid() else ""
        return int(value) if value not in (None, "") else None
