"""Reads for the reporting pages. Reporting only reads, through other apps' selectors."""

from __future__ import annotations

import calendar
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from itertools import islice

from django.db.models import Max, Q, Sum
from django.utils import timezone

from accounts.models import User
from cases import sweep
from cases.selectors import clock_get
from lado import selectors as lado_selectors
from meetings import selectors as meetings_selectors
from reg44 import selectors as reg44_selectors

from .models import IndicatorMonth, ReturnCheck, ReviewMonth

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
    lado_officer_id: int | None = None
    visitor_id: int | None = None
    # The day the figures are for (Reg 44 months count once ended); the form
    # sets it, and None means the local date now.
    today: date | None = None

    def query(self) -> dict:
        """Return the filters as query-string values, for links and exports."""
        values = {"start": self.start.isoformat(), "end": self.end.isoformat()}
        for name, value in (
            ("team", self.team_id),
            ("chair", self.chair_id),
            ("lado_officer", self.lado_officer_id),
            ("visitor", self.visitor_id),
        ):
            if value:
                values[name] = value
        return values

    def officer_for(self, area: str) -> int | None:
        """Return the person chosen for `area`'s indicators, or None."""
        return getattr(self, AREA_OFFICER[area])

    @property
    def day(self) -> date:
        return self.today or timezone.localdate()


# area -> (heading on the dashboard, Filters field that chooses its person)
AREAS = {
    "meetings": "Children in Care and child protection",
    "lado": "LADO (allegations against adults who work with children)",
    "reg44": "Regulation 44 visits to children's homes",
}
AREA_OFFICER = {
    "meetings": "chair_id",
    "lado": "lado_officer_id",
    "reg44": "visitor_id",
}


@dataclass(frozen=True)
class Indicator:
    code: str
    area: str
    title: str
    definition: str


def indicators() -> dict[str, Indicator]:
    """Return every dashboard indicator by code, meetings first, then LADO, then
    Regulation 44."""
    found = {}
    for area, declared in (
        ("meetings", meetings_selectors.MEETING_INDICATORS),
        ("lado", lado_selectors.LADO_INDICATORS),
        ("reg44", reg44_selectors.REG44_INDICATORS),
    ):
        for code, i in declared.items():
            found[code] = Indicator(code, area, i.title, i.definition)
    return found


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
    area: str = "meetings"

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


def _live_totals(
    indicator: Indicator, *, filters: Filters, start: date, end: date, clock=None
) -> tuple[int, int]:
    """Return (in time, all) computed now from the area's own records."""
    person, team = filters.officer_for(indicator.area), filters.team_id
    if indicator.area == "lado":
        return lado_selectors.lado_indicator_totals(
            indicator.code, start=start, end=end, officer_id=person, team_id=team
        )
    if indicator.area == "reg44":
        return reg44_selectors.reg44_indicator_totals(
            indicator.code,
            start=start,
            end=end,
            clock=clock or clock_get(),
            today=filters.day,
            visitor_id=person,
            team_id=team,
        )
    return meetings_selectors.meeting_indicator_totals(
        indicator.code, start=start, end=end, chair_id=person, team_id=team
    )


def _live_trend(
    indicator: Indicator, *, filters: Filters, start: date, end: date, clock=None
) -> dict[date, tuple[int, int]]:
    """Return {month: (in time, all)} computed now from the area's own records."""
    person, team = filters.officer_for(indicator.area), filters.team_id
    if indicator.area == "lado":
        return lado_selectors.lado_indicator_trend(
            indicator.code, start=start, end=end, officer_id=person, team_id=team
        )
    if indicator.area == "reg44":
        return reg44_selectors.reg44_indicator_trend(
            indicator.code,
            start=start,
            end=end,
            clock=clock or clock_get(),
            today=filters.day,
            visitor_id=person,
            team_id=team,
        )
    return meetings_selectors.meeting_indicator_trend(
        indicator.code, start=start, end=end, chair_id=person, team_id=team
    )


def _summary_by_month(*, filters: Filters, first: date, last: date) -> dict:
    """Return {(code, month): (in time, all)} from the nightly summary, in one query."""
    rows = IndicatorMonth.objects.filter(month__range=(first, last))
    chosen = {area: filters.officer_for(area) for area in AREAS}
    if any(chosen.values()):
        by_area = {area: [] for area in AREAS}
        for code, indicator in indicators().items():
            by_area[indicator.area].append(code)
        condition = Q()
        for area, person in chosen.items():
            area_rows = Q(code__in=by_area[area])
            condition |= area_rows & Q(chair_id=person) if person else area_rows
        rows = rows.filter(condition)
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


def review_counts_from_summary(*, start: date, end: date) -> tuple[list, date] | None:
    """Return (rows as meetings.selectors.review_counts_by_month gives them for the
    whole months from `start` to `end`, the day they were computed) from the
    nightly summary, or None before the first nightly sweep."""
    as_of = ReviewMonth.objects.aggregate(day=Max("computed_on"))["day"]
    if as_of is None:
        return None
    rows = ReviewMonth.objects.filter(
        month__range=(start.replace(day=1), end)
    ).values_list(
        "month",
        "due_rule",
        "participation_code",
        "held",
        "in_time",
        "seen",
        "advocate",
        "interpreter",
    )
    return list(rows), as_of


def summary_totals(
    *, codes: list[str], start: date, end: date
) -> tuple[dict[str, tuple[int, int]], date] | None:
    """Return ({code: (in time, all)} over the whole months from `start` to `end`,
    the day the summary was computed) from the nightly summary in one query, or
    None before the first nightly sweep."""
    as_of = summary_as_of()
    if as_of is None:
        return None
    rows = (
        IndicatorMonth.objects.filter(
            code__in=codes, month__range=(start.replace(day=1), end)
        )
        .order_by()
        .values("code")
        .annotate(met=Sum("met"), total=Sum("total"))
        .values_list("code", "met", "total")
    )
    totals = {code: (0, 0) for code in codes}
    totals.update({code: (met, total) for code, met, total in rows})
    return totals, as_of


def indicator_cards(*, filters: Filters) -> list[IndicatorCard]:
    """Return each indicator over the period and its 12-month trend ending with
    the period. Read from the nightly summary (reporting/sweep.py) in two
    queries; a period that does not start and end on month boundaries adds one
    live query per meetings or LADO indicator for its headline (Regulation 44
    indicators count whole months); with no summary yet, all is live."""
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
    for code, indicator in indicators().items():
        if whole_months or indicator.area == "reg44":
            since = filters.start.replace(day=1)
            period = [
                v
                for (c, month), v in summary.items()
                if c == code and since <= month <= filters.end
            ]
            met, total = sum(m for m, _ in period), sum(t for _, t in period)
        else:
            met, total = _live_totals(
                indicator, filters=filters, start=filters.start, end=filters.end
            )
        trend = [TrendPoint(m, *summary.get((code, m), (0, 0))) for m in months]
        cards.append(
            IndicatorCard(
                code,
                indicator.title,
                indicator.definition,
                met,
                total,
                trend,
                as_of,
                indicator.area,
            )
        )
    return cards


def _indicator_cards_live(*, filters: Filters) -> list[IndicatorCard]:
    """Return the cards computed from the records: one or two aggregate queries
    per indicator (used until the first nightly sweep has run)."""
    months = trend_months(filters.end)
    clock = clock_get()
    cards = []
    for code, indicator in indicators().items():
        by_month = _live_trend(
            indicator, filters=filters, start=months[0], end=filters.end, clock=clock
        )
        if filters.start == months[0]:
            # The period is the trend's 12 months: its totals are the trend's sum.
            met = sum(m for m, _ in by_month.values())
            total = sum(t for _, t in by_month.values())
        else:
            met, total = _live_totals(
                indicator,
                filters=filters,
                start=filters.start,
                end=filters.end,
                clock=clock,
            )
        cards.append(
            IndicatorCard(
                code=code,
                title=indicator.title,
                definition=indicator.definition,
                met=met,
                total=total,
                trend=[TrendPoint(m, *by_month.get(m, (0, 0))) for m in months],
                area=indicator.area,
            )
        )
    return cards


def card_groups(cards: list[IndicatorCard]) -> list[tuple[str, str, list]]:
    """Return (area, heading, cards) in the dashboard's order."""
    return [
        (area, heading, [c for c in cards if c.area == area])
        for area, heading in AREAS.items()
    ]


def indicator_get(code: str) -> Indicator | None:
    """Return the declared indicator `code`, or None."""
    return indicators().get(code)


def indicator_rows(code: str, *, filters: Filters):
    """Return the meetings behind a meetings indicator, as the drill-down lists them."""
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
LADO_DECISION_COLUMNS = (
    "Reference",
    "Received",
    "Sector",
    "Decision due",
    "First response",
    "In time",
    "LADO",
)
LADO_RESOLUTION_COLUMNS = (
    "Reference",
    "Received",
    "Sector",
    "Closed",
    "Mark",
    "Days from referral",
    "In time",
    "LADO",
)
LADO_MARK_FIELD = {
    "lado_1_month": "one_month_due_on",
    "lado_3_months": "three_months_due_on",
    "lado_12_months": "twelve_months_due_on",
}
REG44_VISIT_COLUMNS = (
    "Home",
    "URN",
    "Month",
    "Visit due by",
    "First visit",
    "In time",
    "Visitor",
)
REG44_REPORT_COLUMNS = (
    "Home",
    "URN",
    "Month",
    "Visited on",
    "Report due",
    "Report sent",
    "In time",
    "Visitor",
)


def indicator_columns(code: str) -> tuple[str, ...]:
    """Return the drill-down list's column headings for indicator `code`."""
    if code == "lado_decision":
        return LADO_DECISION_COLUMNS
    if code in LADO_MARK_FIELD:
        return LADO_RESOLUTION_COLUMNS
    if code == "reg44_visits":
        return REG44_VISIT_COLUMNS
    if code == "reg44_reports":
        return REG44_REPORT_COLUMNS
    return INDICATOR_COLUMNS


def _yes_no(value: bool) -> str:
    return "yes" if value else "no"


def _page(rows, limit, offset):
    return rows[offset : offset + limit] if limit else rows


def indicator_table(
    code: str, *, filters: Filters, limit: int | None = None, offset: int = 0
) -> Iterator[list]:
    """Yield the drill-down rows as plain values: `limit` rows from `offset` for a
    page (one LIMIT query), or all of them streamed for the exports."""
    area = indicators()[code].area
    if area == "lado":
        yield from _lado_table(code, filters=filters, limit=limit, offset=offset)
        return
    if area == "reg44":
        yield from _reg44_table(code, filters=filters, limit=limit, offset=offset)
        return
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
            _yes_no(m.is_in_time),
            str(m.chair) if m.chair_id else "",
        ]


def _lado_table(code, *, filters, limit, offset):
    allegations = lado_selectors.lado_indicator_rows(
        code,
        start=filters.start,
        end=filters.end,
        officer_id=filters.lado_officer_id,
        team_id=filters.team_id,
    )
    rows = _page(allegations, limit, offset) if limit else allegations.iterator(2000)
    for a in rows:
        if code == "lado_decision":
            yield [
                a.reference,
                a.received_on,
                a.get_sector_display(),
                a.decision_due_on,
                a.first_response_on,
                _yes_no(a.is_in_time),
                str(a.lado_officer),
            ]
        else:
            yield [
                a.reference,
                a.received_on,
                a.get_sector_display(),
                a.closed_on,
                getattr(a, LADO_MARK_FIELD[code]),
                (a.closed_on - a.received_on).days,
                _yes_no(a.is_in_time),
                str(a.lado_officer),
            ]


def _reg44_table(code, *, filters, limit, offset):
    scope = {
        "start": filters.start,
        "end": filters.end,
        "today": filters.day,
        "visitor_id": filters.visitor_id,
        "team_id": filters.team_id,
    }
    if code == "reg44_visits":
        months = reg44_selectors.home_months_required(clock=clock_get(), **scope)
        for row in islice(months, offset, offset + limit) if limit else months:
            yield [
                row.home_name,
                row.urn,
                f"{row.month:%b %Y}",
                row.due_on,
                row.visited_on,
                _yes_no(row.is_in_time),
                row.visitor_name,
            ]
        return
    visits = reg44_selectors.reg44_report_rows(**scope)
    for v in _page(visits, limit, offset) if limit else visits.iterator(2000):
        yield [
            v.home.name,
            v.home.urn,
            f"{v.for_month:%b %Y}",
            v.visit_on,
            v.report_due_on,
            v.report_sent_on,
            _yes_no(v.is_in_time),
            str(v.visitor),
        ]


def disputes_by_stage():
    """Return (stage, label, count) of open disputes."""
    return meetings_selectors.dispute_open_by_stage()


CASELOAD_COLUMNS = ("IRO", "Team", "Children in care", "Children on a CP plan")


def caseload_table(*, filters: Filters) -> list[list]:
    """Return per-IRO caseload rows: name, team, in care, on a plan."""
    return [
        [str(u), str(u.team) if u.team_id else "", u.in_care, u.on_plan]
        for u in meetings_selectors.iro_caseload_rows(team_id=filters.team_id)
    ]


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
    raise for the collection year ending 31 March `year`, each at its record,
    computed now over the whole year (seconds at national scale: the page reads
    the stored result of this, see return_check_get and reporting/sweep.py)."""
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


def return_check_get(*, year: int) -> ReturnCheck | None:
    """Return the stored check of a collection year with its problems (first
    RETURN_PROBLEMS_LIMIT, in order), or None if it was never checked."""
    return ReturnCheck.objects.filter(year=year).prefetch_related("problems").first()
