"""The monthly visit and report deadlines, through the clock, and the month rules."""

import csv
from datetime import date
from pathlib import Path

import pytest

from cases.calendar import ClosedDays
from cases.models import LocalClosureDay, TimescaleSetting
from cases.selectors import clock_get
from cases.timescales import WorkingCalendar
from reg44 import schedule
from reg44.schedule import MonthState

SHARED_CASES = Path(__file__).resolve().parents[3] / "shared" / "timescale-cases.csv"
ENGLAND = WorkingCalendar(closed=ClosedDays())


def _reg44_rows():
    with SHARED_CASES.open(newline="") as handle:
        return [
            pytest.param(
                row["rule"],
                date.fromisoformat(row["start"]),
                date.fromisoformat(row["due"]),
                id=f"{row['rule']}-{row['start']}",
            )
            for row in csv.DictReader(handle)
            if row["rule"].startswith("reg44_")
        ]


def test_shared_table_has_reg44_rows():
    """The worked examples are read, so the table test below cannot pass empty."""
    assert len(_reg44_rows()) >= 2


@pytest.mark.django_db
@pytest.mark.parametrize(("rule", "start", "expected"), _reg44_rows())
def test_clock_reproduces_the_shared_reg44_rows(rule, start, expected):
    """Every reg44_* row of shared/timescale-cases.csv comes out of the clock."""
    assert clock_get().due(rule, start).due == expected


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("visited_on", "expected"),
    [
        (date(2026, 1, 15), date(2026, 2, 28)),  # end of the following month
        (date(2026, 1, 31), date(2026, 2, 28)),  # month end to month end
        (date(2027, 12, 3), date(2028, 1, 31)),  # across the year
        (date(2028, 1, 20), date(2028, 2, 29)),  # leap-year February
    ],
)
def test_report_is_due_by_the_end_of_the_month_after_the_visit(visited_on, expected):
    """reg44_report (local): sent by the last day of the month after the visit."""
    assert clock_get().due("reg44_report", visited_on).due == expected


@pytest.mark.django_db
def test_report_deadline_follows_the_administrators_setting():
    """A local rule's amount can be changed: two months after the visit's month."""
    TimescaleSetting.objects.create(code="reg44_report", amount=2)
    due = clock_get().due("reg44_report", date(2026, 1, 15))
    assert due.due == date(2026, 3, 31)
    assert due.rule.is_local


@pytest.mark.django_db
def test_monthly_visit_is_not_moved_by_a_closure_day():
    """The visit is due by the month's last day even when that day is a holiday."""
    LocalClosureDay.objects.create(day=date(2026, 3, 31), name="Office move")
    assert clock_get().due("reg44_visit", date(2026, 3, 2)).due == date(2026, 3, 31)


def test_months_ending_counts_back_calendar_months():
    """Twelve months up to today's, oldest first, each the first of its month."""
    months = schedule.months_ending(date(2026, 3, 31), 12)
    assert (months[0], months[-1], len(months)) == (
        date(2025, 4, 1),
        date(2026, 3, 1),
        12,
    )


@pytest.mark.parametrize(
    ("registered_on", "closed_on", "expected"),
    [
        (None, None, True),
        (date(2026, 3, 1), None, True),  # registered on the first: whole month
        (date(2026, 3, 2), None, False),  # registered during the month
        (date(2025, 1, 1), date(2026, 3, 31), True),  # closed on the last day
        (date(2025, 1, 1), date(2026, 3, 30), False),  # closed during the month
    ],
)
def test_month_required_only_for_whole_months_of_registration(
    registered_on, closed_on, expected
):
    """A home needs a visit in each month it is registered for the whole of."""
    assert (
        schedule.month_required(
            month=date(2026, 3, 1),
            month_end=date(2026, 3, 31),
            registered_on=registered_on,
            closed_on=closed_on,
        )
        is expected
    )


MARCH, MARCH_END = date(2026, 3, 1), date(2026, 3, 31)


@pytest.mark.parametrize(
    ("today", "visited", "booked", "expected"),
    [
        (date(2026, 3, 10), date(2026, 3, 9), None, MonthState.ON_TIME),
        (date(2026, 4, 10), date(2026, 3, 31), None, MonthState.ON_TIME),
        (date(2026, 4, 10), date(2026, 4, 2), None, MonthState.LATE),
        (date(2026, 4, 1), None, None, MonthState.MISSED),
        (date(2026, 3, 10), None, None, MonthState.DUE),
        # 24 March 2026 (Tuesday): 31 March is 5 working days away.
        (date(2026, 3, 24), None, None, MonthState.DUE_SOON),
        (date(2026, 3, 23), None, None, MonthState.DUE),
        (date(2026, 3, 24), None, date(2026, 3, 27), MonthState.BOOKED),
        # A booking after the month ends does not meet it.
        (date(2026, 3, 24), None, date(2026, 4, 2), MonthState.DUE_SOON),
    ],
)
def test_month_standing(today, visited, booked, expected):
    """How a month stands: on time, late, missed, booked, due or due soon."""
    standing = schedule.month_standing(
        month=MARCH,
        due_on=MARCH_END,
        today=today,
        calendar=ENGLAND,
        lead_working_days=5,
        required=True,
        first_visited_on=visited,
        first_booked_for=booked,
    )
    assert standing.state is expected
    assert standing.label


def test_due_soon_counts_working_days_not_calendar_days():
    """On Friday 22 March 2024, nine calendar days before the month ends, the
    month is due soon: weekends and Good Friday do not count towards the lead."""
    standing = schedule.month_standing(
        month=date(2024, 3, 1),
        due_on=date(2024, 3, 31),
        today=date(2024, 3, 22),
        calendar=ENGLAND,
        lead_working_days=5,
        required=True,
        first_visited_on=None,
        first_booked_for=None,
    )
    assert standing.state is MonthState.DUE_SOON
