"""The themes page's filters: a period and a team."""

from datetime import date

from django import forms

from accounts.models import Team

from .selectors import trend_months
from .themes import SERVICES, ThemeFilters


class ThemesFilterForm(forms.Form):
    date_from = forms.DateField(
        label="From", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label="To", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    team = forms.ModelChoiceField(
        queryset=Team.objects.order_by("name"), required=False, empty_label="All teams"
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            field.widget.attrs["class"] = (
                "form-select" if name == "team" else ("form-control")
            )

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and start > end:
            raise forms.ValidationError("The start date must be on or before the end.")
        return cleaned

    def filters(self, *, today: date) -> ThemeFilters:
        """Return the chosen period and team; by default the 12 months to today."""
        data = self.cleaned_data if self.is_valid() else {}
        end = data.get("date_to") or today
        start = data.get("date_from") or trend_months(end)[0]
        team = data.get("team")
        return ThemeFilters(
            date_from=start,
            date_to=end,
            team_id=team.pk if team else None,
            team_name=team.name if team else "",
        )


def service_from(value: str | None) -> str | None:
    """Return the annual report asked for (?service=iro|lado), or None."""
    return value if value in SERVICES else None
