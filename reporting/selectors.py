"""Reads for the reporting pages. Reporting only reads, through other apps' selectors."""

from __future__ import annotations

import calendar
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

from django.db.models import Max, Sum

from accounts.models import User
from cases import sweep
from lado import selectors as lado_selectors
from meetings import selectors as meetings_selectors

from .models import IndicatorMonth

MY_WORK_LIMIT = 200

# (state, heading, Bootstrap badge colour)
STATE_ORDER = (
    ("overdue", "Overdue", "danger"),
    ("due_soon", "Due soon", "warning"),
    ("on_track", "On track", "secondary"),
)


@dataclass(frozen=True)
class WorkGroup:
    state: str
    label: str
    badge: str
    count: int
    marks: list
    is_truncated: bool


@dataclass(frozen=True)
class MyWork:
    groups: list[WorkGroup]
    notifications: list
    total: int


def my_work(*, user: User, today: date, limit: int = MY_WORK_LIMIT) -> MyWork:
    """Return the user's marks grouped by state (at most `limit` shown per state,
    soonest due first) and today's notifications, in a fixed number of queries."""
    counts = sweep.mark_counts_for(user=user)
    marks = sweep.mark_list_for(user=user)
    groups = []
    for state, label, badge in STATE_ORDER:
        shown = list(marks.filter(state=state)[:limit]) if counts[state] else []
        groups.append(
            WorkGroup(
                state, label, badge, counts[state], shown, counts[state] > len(shown)
            )
        )
    return MyWork(
        groups=groups,
        notifications=list(sweep.notification_list_for(user=user, day=today)),
        total=sum(counts.values()),
    )


# --- managers' dashboard (DOMAIN.md 4.1) --------------------------------------------


@dataclass(frozen=True)
class Filters:
    start: date
    end: date
    team_id: int | None = None
    chair_id: int | None = None

    def query(self) -> dict:
        """Return the filters as query-string values, for links and exports."""
        values = {"start": self.start.isoformat(), "end": self.end.isoformat()}
        if self.team_id:
            values["team"] = self.team_id
        if self.chair_id:
            values["chair"] = self.chair_id
        return values


@dataclass(frozen=True)
class TrendPoint:
    month: date
    met: int
    total: int

    @property
    def percent(self) -> float | None:
        return _percent(self.met, self.total)


@dataclass(frozen=True)
class IndicatorCard:
    code: str
    title: str
    definition: str
    met: int
    total: int
    trend: list[TrendPoint]
    as_of: date | None = None  # the nightly summary's day; None when computed live

    @property
    def percent(self) -> float | None:
        return _percent(self.met, self.total)


def _percent(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


def trend_months(end: date, count: int = 12) -> list[date]:
    """Return the first days of the `count` calendar months up to `end`'s."""
    months = []
    year, month = end.year, end.month
    for _ in range(count):
        months.append(date(year, month, 1))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return months[::-1]


def _month_end(day: date) -> date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def _summary_by_month(*, filters: Filters, first: date, last: date) -> dict:
    """Return {(code, month): (in time, all)} from the nightly summary, in one query."""
    rows = IndicatorMonth.objects.filter(month__range=(first, last))
    if filters.chair_id:
        rows = rows.filter(chair_id=filters.chair_id)
    if filters.team_id:
        rows = rows.filter(chair__team_id=filters.team_id)
    rows = (
        rows.order_by()
        .values("code", "month")
        .annotate(met=Sum("met"), total=Sum("total"))
        .values_list("code", "month", "met", "total")
    )
    return {(code, month): (met, total) for code, month, met, total in rows}


def summary_as_of() -> date | None:
    """Return the day the nightly sweep last computed the summary, or None."""
    return IndicatorMonth.objects.aggregate(day=Max("computed_on"))["day"]


def indicator_cards(*, filters: Filters) -> list[IndicatorCard]:
    """Return each meetings indicator over the period and its 12-month trend ending
    with the period. Read from the nightly summary (reporting/sweep.py) in two
    queries; a period that does not start and end on month boundaries adds one
    live query per indicator for its headline; with no summary yet, all is live."""
    as_of = summary_as_of()
    if as_of is None:
        return _indicator_cards_live(filters=filters)
    months = trend_months(filters.end)
    whole_months = filters.start.day == 1 and (
        filters.end == _month_end(filters.end) or filters.end >= as_of
    )
    first = min(months[0], filters.start.replace(day=1))
    summary = _summary_by_month(filters=filters, first=first, last=months[-1])
    cards = []
    for code, indicator in meetings_selectors.MEETING_INDICATORS.items():
        if whole_months:
            period = [
                v
                for (c, month), v in summary.items()
                if c == code and filters.start <= month <= filters.end
            ]
            met, total = sum(m for m, _ in period), sum(t for _, t in period)
        else:
            met, total = meetings_selectors.meeting_indicator_totals(
                code,
                start=filters.start,
                end=filters.end,
                chair_id=filters.chair_id,
                team_id=filters.team_id,
            )
        trend = [TrendPoint(m, *summary.get((code, m), (0, 0))) for m in months]
        cards.append(
            IndicatorCard(
                code, indicator.title, indicator.definition, met, total, trend, as_of
            )
        )
    return cards


def _indicator_cards_live(*, filters: Filters) -> list[IndicatorCard]:
    """Return the cards computed from the meetings: one or two aggregate queries
    per indicator (used until the first nightly sweep has run)."""
    months = trend_months(filters.end)
    cards = []
    for code, indicator in meetings_selectors.MEETING_INDICATORS.items():
        scope = {"chair_id": filters.chair_id, "team_id": filters.team_id}
        by_month = meetings_selectors.meeting_indicator_trend(
            code, start=months[0], end=filters.end, **scope
        )
        if filters.start == months[0]:
            # The period is the trend's 12 months: its totals are the trend's sum.
            met = sum(m for m, _ in by_month.values())
            total = sum(t for _, t in by_month.values())
        else:
            met, total = meetings_selectors.meeting_indicator_totals(
                code, start=filters.start, end=filters.end, **scope
            )
        cards.append(
            IndicatorCard(
                code=code,
                title=indicator.title,
                definition=indicator.definition,
                met=met,
                total=total,
                trend=[TrendPoint(m, *by_month.get(m, (0, 0))) for m in months],
            )
        )
    return cards


def indicator_get(code: str):
    """Return the declared meetings indicator `code`, or None."""
    return meetings_selectors.MEETING_INDICATORS.get(code)


def indicator_rows(code: str, *, filters: Filters):
    """Return the meetings behind an indicator, as the drill-down list shows them."""
    return meetings_selectors.meeting_indicator_rows(
        code,
        start=filters.start,
        end=filters.end,
        chair_id=filters.chair_id,
        team_id=filters.team_id,
    )


INDICATOR_COLUMNS = (
    "LA child ID",
    "Child",
    "Meeting",
    "Sequence",
    "Due date",
    "Held on",
    "Record due",
    "Record distributed",
    "In time",
    "Chair",
)


def indicator_table(
    code: str, *, filters: Filters, limit: int | None = None, offset: int = 0
) -> Iterator[list]:
    """Yield the drill-down rows as plain values: `limit` rows from `offset` for a
    page (one LIMIT query), or all of them streamed for the exports."""
    meetings = indicator_rows(code, filters=filters)
    if limit:
        rows = meetings[offset : offset + limit]
    else:
        rows = meetings.iterator(chunk_size=2000)
    for m in rows:
        yield [
            m.child.la_child_id,
            m.child.full_name,
            m.get_kind_display(),
            m.sequence,
            m.due_on,
            m.held_on,
            m.record_due_on,
            m.record_distributed_on,
            "yes" if m.is_in_time else "no",
            str(m.chair) if m.chair_id else "",
        ]


def disputes_by_stage():
    """Return (stage, label, count) of open disputes."""
    return meetings_selectors.dispute_open_by_stage()


CASELOAD_COLUMNS = ("IRO", "Team", "Children in care", "Children on a CP plan")


def caseload_table(*, filters: Filters) -> list[list]:
    """Return per-IRO caseload rows: name, team, in care, on a plan."""
    return [
        [str(u), str(u.team) if u.team_id else "", u.in_care, u.on_plan]
        for u in meetings_selectors.iro_caseload_rows(
            team_id=filters.team_id
        ).select_related("team")
    ]


def lado_card(*, filters: Filters):
    """Return the LADO figures for the period (lado.selectors.lado_figures)."""
    return lado_selectors.lado_figures(start=filters.start, end=filters.end)


def chart_data(cards: list[IndicatorCard]) -> dict:
    """Return the trend series the charts draw (the tables show the same numbers)."""
    return {
        card.code: {
            "title": card.title,
            "labels": [f"{p.month:%b %Y}" for p in card.trend],
            "percents": [p.percent for p in card.trend],
        }
        for card in cards
    }


# --- statutory returns: problems to fix before the extract --------------------------


@dataclass(frozen=True)
class ReturnProblem:
    la_child_id: str
    on: date
    what: str
    problem: str
    url: str


RETURN_PROBLEMS_LIMIT = 500


def collection_year_for(today: date) -> int:
    """Return the collection year (ending 31 March) that `today` falls in."""
    return today.year + 1 if today.month >= 4 else today.year


def return_problems(*, year: int, limit: int = RETURN_PROBLEMS_LIMIT):
    """Return (problems, total) the DfE rules on reviews and conferences would
    raise for the collection year ending 31 March `year`, each at its record."""
    start, end = date(year - 1, 4, 1), date(year, 3, 31)
    sources = (
        ("SSDA903 review", meetings_selectors.returns_review_problems),
        (
            "CIN census initial conference",
            meetings_selectors.returns_conference_problems,
        ),
    )
    problems, total = [], 0
    for what, source in sources:
        queryset = source(start=start, end=end)
        total += queryset.count()
        for meeting in queryset[: max(limit - len(problems), 0)]:
            problems.append(
                ReturnProblem(
                    meeting.child.la_child_id,
                    meeting.held_on,
                    what,
                    meeting.problem,
                    meeting.get_absolute_url(),
                )
            )
    return problems, total
