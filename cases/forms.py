"""Forms for the child record: validation and layout only, no business writes."""

import re

import django_filters
from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Fieldset, Layout, Row, Submit
from django import forms
from django.db.models import Q
from django.utils import timezone

from accounts.models import Team
from accounts.roles import Role
from accounts.selectors import user_list_with_role

from . import codes
from .models import (
    Allocation,
    CareEpisode,
    Child,
    CPPlanEpisode,
    KeyPerson,
    LocalClosureDay,
)
from .timescales import RULES

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
_LA_CHILD_ID = re.compile(r"^[A-Za-z0-9]{1,10}$")
_UPN = re.compile(r"^[A-Z][0-9]{12}$|^[A-Z][0-9]{11}[A-Z]$")


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


class ChildForm(forms.ModelForm):
    class Meta:
        model = Child
        fields = [
            "la_child_id",
            "upn",
            "first_name",
            "last_name",
            "preferred_name",
            "date_of_birth",
            "gender",
            "ethnicity",
            "first_language",
            "interpreter_needed",
            "interpreter_language",
            "advocacy_needed",
            "advocacy_details",
            "has_disability",
            "disability_details",
        ]
        widgets = {"date_of_birth": DATE_WIDGET}

    def __init__(self, *args, submit_label="Save", **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(
            submit_label,
            Fieldset(
                "Identity",
                Row(Column("la_child_id"), Column("upn")),
                Row(
                    Column("first_name"), Column("last_name"), Column("preferred_name")
                ),
                Row(Column("date_of_birth"), Column("gender"), Column("ethnicity")),
            ),
            Fieldset(
                "Communication and needs",
                Row(
                    Column("first_language"),
                    Column("interpreter_needed"),
                    Column("interpreter_language"),
                ),
                Row(Column("advocacy_needed"), Column("advocacy_details")),
                Row(Column("has_disability"), Column("disability_details")),
            ),
        )

    def clean_la_child_id(self):
        value = self.cleaned_data["la_child_id"].strip()
        if not _LA_CHILD_ID.match(value):
            raise forms.ValidationError(
                "Use up to 10 letters and digits, with no spaces."
            )
        return value

    def clean_upn(self):
        value = self.cleaned_data["upn"].strip().upper()
        if value and not _UPN.match(value):
            raise forms.ValidationError(
                "A unique pupil number is a letter followed by 12 characters "
                "(11 or 12 digits), e.g. A123456789012."
            )
        return value

    def clean_date_of_birth(self):
        value = _not_future(self.cleaned_data["date_of_birth"], "The date of birth")
        if value and (timezone.localdate() - value).days > 366 * 26:
            raise forms.ValidationError(
                "The date of birth makes the child older than 25; check the year."
            )
        return value

    def clean(self):
        data = super().clean()
        if (
            data.get("interpreter_needed")
            and not data.get("interpreter_language", "").strip()
        ):
            self.add_error(
                "interpreter_language", "Say which language the interpreter is for."
            )
        return data


class ChildFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label="Name", method="filter_name")
    la_child_id = django_filters.CharFilter(label="LA child ID", lookup_expr="iexact")
    date_of_birth = django_filters.DateFilter(label="Date of birth", widget=DATE_WIDGET)

    class Meta:
        model = Child
        fields = ["q", "la_child_id", "date_of_birth"]

    def filter_name(self, queryset, name, value):
        for word in value.split()[:4]:
            queryset = queryset.filter(
                Q(first_name__icontains=word)
                | Q(last_name__icontains=word)
                | Q(preferred_name__icontains=word)
            )
        return queryset


class CareEpisodeStartForm(forms.ModelForm):
    class Meta:
        model = CareEpisode
        fields = [
            "started_on",
            "reason_new_episode",
            "legal_status",
            "placement_type",
            "category_of_need",
            "placement_postcode",
        ]
        widgets = {"started_on": DATE_WIDGET}

    def __init__(self, *args, submit_label="Save episode", **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(submit_label)

    def clean_started_on(self):
        return _not_future(self.cleaned_data["started_on"], "The start date")

    def clean_placement_postcode(self):
        return self.cleaned_data["placement_postcode"].strip().upper()


class CareEpisodeEditForm(CareEpisodeStartForm):
    class Meta(CareEpisodeStartForm.Meta):
        fields = [
            "started_on",
            "legal_status",
            "placement_type",
            "category_of_need",
            "placement_postcode",
        ]


class CareEpisodeEndForm(forms.Form):
    ended_on = forms.DateField(label="End date", widget=DATE_WIDGET)
    reason_ended = forms.ChoiceField(
        label="Reason the episode ceased",
        choices=[c for c in codes.ReasonEpisodeCeased.choices if c[0] != "X1"],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper("End episode")

    def clean_ended_on(self):
        return _not_future(self.cleaned_data["ended_on"], "The end date")


class CPPlanStartForm(forms.Form):
    started_on = forms.DateField(
        label="Plan start date (conference date)", widget=DATE_WIDGET
    )
    category = forms.ChoiceField(
        label="Category of abuse", choices=codes.CategoryOfAbuse.choices
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper("Start plan")

    def clean_started_on(self):
        return _not_future(self.cleaned_data["started_on"], "The start date")


class CPPlanEditForm(forms.ModelForm):
    class Meta:
        model = CPPlanEpisode
        fields = ["started_on", "initial_category", "latest_category"]
        widgets = {"started_on": DATE_WIDGET}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper("Save plan")

    def clean_started_on(self):
        return _not_future(self.cleaned_data["started_on"], "The start date")


class CPPlanEndForm(forms.Form):
    ended_on = forms.DateField(label="Plan end date", widget=DATE_WIDGET)
    end_reason = forms.ChoiceField(choices=codes.CPPlanEndReason.choices)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper("End plan")

    def clean_ended_on(self):
        return _not_future(self.cleaned_data["ended_on"], "The end date")


class AllocationForm(forms.Form):
    role = forms.ChoiceField(choices=Allocation.Role.choices)
    worker = forms.ModelChoiceField(
        label="IRO",
        queryset=None,
        required=False,
        help_text="For an IRO allocation: choose the officer.",
    )
    worker_name = forms.CharField(
        label="Social worker's name",
        max_length=150,
        required=False,
        help_text="For a social worker allocation.",
    )
    worker_email = forms.EmailField(label="Social worker's email", required=False)
    team = forms.ModelChoiceField(queryset=Team.objects.all(), required=False)
    started_on = forms.DateField(label="From", widget=DATE_WIDGET)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["worker"].queryset = user_list_with_role(role=Role.IRO)
        self.helper = _helper("Allocate")

    def clean(self):
        data = super().clean()
        if data.get("role") == Allocation.Role.IRO and not data.get("worker"):
            self.add_error("worker", "Choose the IRO to allocate.")
        if (
            data.get("role") == Allocation.Role.SOCIAL_WORKER
            and not data.get("worker_name", "").strip()
        ):
            self.add_error("worker_name", "Give the social worker's name.")
        if data.get("role") == Allocation.Role.SOCIAL_WORKER:
            data["worker"] = None
        return data


class KeyPersonForm(forms.ModelForm):
    class Meta:
        model = KeyPerson
        fields = [
            "name",
            "relationship",
            "organisation",
            "has_parental_responsibility",
            "phone",
            "email",
            "address",
            "is_address_restricted",
            "notes",
        ]
        widgets = {"address": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper("Save")

    def clean_phone(self):
        value = self.cleaned_data["phone"].strip()
        if value and not re.fullmatch(r"[0-9 +()\-]{6,40}", value):
            raise forms.ValidationError("Use digits, spaces and + ( ) - only.")
        return value


class TimescaleCalculatorForm(forms.Form):
    rule = forms.ChoiceField(choices=[(c, f"{c}: {r.title}") for c, r in RULES.items()])
    start = forms.DateField(label="Start date", widget=DATE_WIDGET)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_method = "get"
        self.helper.add_input(Submit("submit", "Work out the due date"))


class ClosureDayForm(forms.ModelForm):
    class Meta:
        model = LocalClosureDay
        fields = ["day", "name"]
        widgets = {"day": DATE_WIDGET}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper("Add closure day")


class TimescaleSettingForm(forms.Form):
    code = forms.ChoiceField(
        choices=[(c, c) for c, r in RULES.items() if r.is_local],
        widget=forms.HiddenInput,
    )
    amount = forms.IntegerField(min_value=0, max_value=120)
