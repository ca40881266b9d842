"""The dashboard's filters."""

from datetime import date

from django import forms

from accounts.models import Team
from accounts.roles import Role
from accounts.selectors import user_list_with_role

from .annual import (
    ReportYear,
    report_year,
    report_year_choices,
    report_year_default,
)
from .selectors import Filters, trend_months


class DashboardFilterForm(forms.Form):
    team = forms.ModelChoiceField(
        queryset=Team.objects.order_by("name"), required=False, empty_label="All teams"
    )
    chair = forms.ModelChoiceField(
        label="IRO / chair",
        queryset=user_list_with_role(role=Role.IRO),
        required=False,
        empty_label="Everyone",
    )
    lado_officer = forms.ModelChoiceField(
        label="LADO",
        queryset=user_list_with_role(role=Role.LADO),
        required=False,
        empty_label="Every LADO",
    )
    visitor = forms.ModelChoiceField(
        label="Reg 44 visitor",
        queryset=user_list_with_role(role=Role.REG44_VISITOR),
        required=False,
        empty_label="Every visitor",
    )
    start = forms.DateField(
        label="From", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    end = forms.DateField(
        label="To", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            is_select = name in ("team", "chair", "lado_officer", "visitor")
            field.widget.attrs["class"] = "form-select" if is_select else "form-control"

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end and start > end:
            raise forms.ValidationError("The start date must be on or before the end.")
        return cleaned

    def filters(self, *, today: date) -> Filters:
        """Return the chosen filters; by default the 12 months up to today."""
        data = self.cleaned_data if self.is_valid() else {}
        end = data.get("end") or today
        start = data.get("start") or trend_months(end)[0]
        return Filters(
            start=start,
            end=end,
            team_id=data["team"].pk if data.get("team") else None,
            chair_id=data["chair"].pk if data.get("chair") else None,
            lado_officer_id=(
                data["lado_officer"].pk if data.get("lado_officer") else None
            ),
            visitor_id=data["visitor"].pk if data.get("visitor") else None,
            today=today,
        )


class AnnualReportForm(forms.Form):
    year = forms.ChoiceField(label="Year")

    def __init__(self, *args, today: date, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = report_year_choices(today)
        self.fields["year"].widget.attrs["class"] = "form-select"
        self.default = report_year_default(today)

    def report_year(self) -> ReportYear:
        """Return the chosen year, or the last ended financial year."""
        if self.is_bound and self.is_valid():
            return report_year(self.cleaned_data["year"])
        return self.default
