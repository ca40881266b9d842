"""The managers' themes: alerts, good practice, report quality, participation,
quoracy, QA meetings, panel referrals and training needs for a period and team.

Reads only other apps' selectors. Every figure is an aggregate, so the page,
the CSV and the PDF run a fixed number of queries whatever the volume.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

from lado import selectors as lado_selectors
from meetings.selectors import alerts as alert_selectors
from meetings.selectors import quality as quality_selectors

__all__ = [
    "SERVICES",
    "THEMES_CSV_HEADER",
    "ThemeFilters",
    "lado_rows",
    "participation_rows",
    "themes_csv_rows",
    "themes_get",
    "themes_pdf_context",
]

# The annual reports the PDF section is written for.
SERVICES = {
    "iro": "Independent Reviewing Officer service annual report",
    "lado": "LADO annual report",
}


@dataclass(frozen=True)
class ThemeFilters:
    date_from: date
    date_to: date
    team_id: int | None = None
    team_name: str = ""

    def query(self) -> dict:
        """Return the filters as GET parameters (for links and downloads)."""
        values = {
            "date_from": self.date_from.isoformat(),
            "date_to": self.date_to.isoformat(),
        }
        if self.team_id is not None:
            values["team"] = str(self.team_id)
        return values


def _percent(part: int, whole: int) -> int | None:
    return round(100 * part / whole) if whole else None


def themes_get(*, filters: ThemeFilters) -> dict:
    """Return every table of the themes page for the period and team."""
    window = {"date_from": filters.date_from, "date_to": filters.date_to}
    alerts = alert_selectors.alert_theme_counts(**window, team=filters.team_id)
    alerts["responded_in_time_rate"] = _percent(
        alerts.get("responded_in_time", 0), alerts.get("responded", 0)
    )
    themes = {
        "alerts": alerts,
        "good_practice": alert_selectors.good_practice_counts(
            **window, team=filters.team_id
        ),
        "quality": quality_selectors.quality_theme_tables(
            **window, team_id=filters.team_id
        ),
        "qa": quality_selectors.qa_theme_counts(**window, team_id=filters.team_id),
        "training": quality_selectors.training_theme_counts(
            **window, team_id=filters.team_id
        ),
        # LADO figures belong to the whole service, not to a team.
        "lado": (
            lado_selectors.lado_figures(start=filters.date_from, end=filters.date_to)
            if filters.team_id is None
            else None
        ),
    }
    return themes


THEMES_CSV_HEADER = ["Section", "Item", "Measure", "Value"]


def _pct(value) -> str:
    return "" if value is None else f"{value}%"


def themes_csv_rows(*, themes: dict) -> Iterator[list]:
    """Return the themes tables as rows of (section, item, measure, value)."""
    alerts = themes["alerts"]
    for measure in (
        "total",
        "open",
        "overdue",
        "responded",
        "responded_in_time",
        "responded_late",
        "chased",
        "escalated",
        "average_response_days",
    ):
        yield ["Practice alerts", "All", measure.replace("_", " "), alerts.get(measure)]
    for row in alerts.get("by_category", []):
        yield ["Practice alerts by category", row["label"], "raised", row["count"]]
        yield [
            "Practice alerts by category",
            row["label"],
            "responded late",
            row.get("responded_late", 0),
        ]
        yield [
            "Practice alerts by category",
            row["label"],
            "escalated",
            row.get("escalated", 0),
        ]
    good = themes["good_practice"]
    yield ["Good practice", "All", "recorded", good.get("total", 0)]
    yield ["Good practice", "All", "workers recognised", good.get("workers", 0)]
    for row in good.get("by_team", []):
        yield ["Good practice by team", row["team"], "recorded", row["count"]]
    for row in themes["quality"]["agencies"]:
        yield ["Reports by agency", row["label"], "reports rated", row["reports"]]
        yield ["Reports by agency", row["label"], "on time", row["on_time"]]
        yield [
            "Reports by agency",
            row["label"],
            "on time rate",
            _pct(row["on_time_rate"]),
        ]
        for quality in ("good", "adequate", "poor", "missing"):
            yield ["Reports by agency", row["label"], quality, row[quality]]
    participation = themes["quality"]["participation"]
    for measure, label in PARTICIPATION_MEASURES:
        yield [
            "Participation and quoracy",
            label,
            "value",
            _cell(participation, measure),
        ]
    qa = themes["qa"]
    yield ["QA meetings", "All", "held", qa["qa_meetings"]]
    yield ["QA meetings", "All", "with escalations", qa["qa_escalations"]]
    for row in qa["referrals"]:
        yield ["Panel referrals", row["label"], "referred", row["referred"]]
        yield ["Panel referrals", row["label"], "with outcome", row["with_outcome"]]
    for row in themes["training"]["tags"]:
        yield ["Training needs", row["tag"], "tagged", row["count"]]
    lado = themes["lado"]
    if lado is not None:
        for label, value in _lado_rows(lado):
            yield ["LADO", label, "value", value]


# (key in the participation totals, label); "_rate" keys are percentages.
PARTICIPATION_MEASURES = (
    ("checks", "Quality checks answered"),
    ("child_seen_rate", "Child seen before the meeting"),
    ("views_heard_rate", "Child's views heard"),
    ("parents_fully_rate", "Parents took part fully"),
    ("parents_partly", "Parents took part partly (number)"),
    ("parents_not", "Parents did not take part (number)"),
    ("partners_attended_rate", "Partner agencies attended"),
    ("conferences", "Child protection conferences checked"),
    ("quorate_rate", "Conferences quorate"),
    ("smart_yes_rate", "Plans SMART"),
    ("smart_partly", "Plans partly SMART (number)"),
    ("smart_no", "Plans not SMART (number)"),
)


def _cell(totals: dict, key: str):
    value = totals.get(key)
    return _pct(value) if key.endswith("_rate") else value


def participation_rows(*, themes: dict) -> list[tuple[str, object]]:
    """Return (label, value) rows of the participation and quoracy table."""
    totals = themes["quality"]["participation"]
    return [(label, _cell(totals, key)) for key, label in PARTICIPATION_MEASURES]


def _lado_rows(lado) -> list[tuple[str, object]]:
    rows = [
        ("Contacts received", lado.contacts),
        ("Referrals (harm test considered)", lado.referrals),
        ("Harm test met", lado.threshold_met),
    ]
    if lado.response is not None:
        rows.append(
            (
                "Initial consideration within timescale",
                f"{lado.response.within} of {lado.response.of}"
                + (f" ({lado.response.percent:.0f}%)" if lado.response.of else ""),
            )
        )
    if lado.employer_referral is not None:
        rows.append(
            (
                "Employer referred within one working day",
                f"{lado.employer_referral.within} of {lado.employer_referral.of}"
                + (
                    f" ({lado.employer_referral.percent:.0f}%)"
                    if lado.employer_referral.of
                    else ""
                ),
            )
        )
    return rows


def lado_rows(*, themes: dict) -> list[tuple[str, object]]:
    """Return (label, value) rows of the LADO response times, or []."""
    return _lado_rows(themes["lado"]) if themes["lado"] is not None else []


def themes_pdf_context(
    *, themes: dict, filters: ThemeFilters, service: str, generated_on: date
) -> dict:
    """Return the prepared context of the PDF section (the template runs no
    queries): the IRO report has every table; the LADO report the tables that
    apply to allegations (no quality checks are answered for LADO meetings)."""
    return {
        "title": f"Quality assurance themes: {SERVICES[service]}",
        "service": service,
        "filters": filters,
        "generated_on": generated_on,
        "themes": themes,
        "participation": participation_rows(themes=themes),
        "lado_rows": lado_rows(themes=themes),
        "include_meetings": service == "iro",
    }
