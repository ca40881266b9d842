"""The dashboard's filters."""

from datetime import date

from django import forms

from accounts.models import Team
from accounts.roles import Role
from accounts.selectors import user_list_with_role

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
    start = forms.DateField(
        label="From", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    end = forms.DateField(
        label="To", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            is_select = name in ("team", "chair")
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
        )
