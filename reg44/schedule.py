"""Pure rules of the monthly visit schedule (reg 44(1)): which months need a visit
and how each month stands. Due dates come from cases.timescales only."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from cases import timescales


class MonthState(StrEnum):
    ON_TIME = "on_time"
    LATE = "late"
    MISSED = "missed"
    BOOKED = "booked"
    DUE = "due"
    DUE_SOON = "due_soon"
    NOT_REQUIRED = "not_required"


# Words shown in each heat-map cell and schedule row, so that no state is told
# by colour alone.
STATE_LABELS = {
    MonthState.ON_TIME: "Visited on time",
    MonthState.LATE: "Visited late",
    MonthState.MISSED: "Missed",
    MonthState.BOOKED: "Booked",
    MonthState.DUE: "Due",
    MonthState.DUE_SOON: "Due soon: not yet visited",
    MonthState.NOT_REQUIRED: "Not required",
}


def month_start(day: date) -> date:
    """Return the first day of `day`'s calendar month."""
    return day.replace(day=1)


def months_ending(today: date, count: int = 12) -> list[date]:
    """Return the first days of the `count` calendar months up to `today`'s, oldest first."""
    current = month_start(today)
    return [timescales.add_months(current, -n) for n in range(count - 1, -1, -1)]


def month_required(
    *, month: date, month_end: date, registered_on: date | None, closed_on: date | None
) -> bool:
    """Return whether a home needs a visit in `month`: only whole months of registration."""
    if registered_on is not None and registered_on > month:
        return False
    return closed_on is None or closed_on >= month_end


@dataclass(frozen=True)
class MonthStanding:
    month: date
    due_on: date
    state: MonthState
    visited_on: date | None = None
    booked_for: date | None = None

    @property
    def label(self) -> str:
        return STATE_LABELS[self.state]

    @property
    def is_problem(self) -> bool:
        return self.state in (MonthState.MISSED, MonthState.LATE, MonthState.DUE_SOON)


def month_standing(
    *,
    month: date,
    due_on: date,
    today: date,
    calendar: timescales.WorkingCalendar,
    lead_working_days: int,
    required: bool,
    first_visited_on: date | None,
    first_booked_for: date | None,
) -> MonthStanding:
    """Return how a home's visit for `month` stands on `today`.

    A visit counted for the month and held by its last day is on time; one held
    after it is late; a month ended with no visit is missed (DOMAIN.md 0: each
    calendar month must contain a visit).
    """
    if not required:
        return MonthStanding(month, due_on, MonthState.NOT_REQUIRED, first_visited_on)
    status = timescales.due_status(
        due_on=due_on,
        today=today,
        calendar=calendar,
        lead_working_days=lead_working_days,
        done_on=first_visited_on,
    )
    if status is timescales.Status.MET:
        state = MonthState.ON_TIME
    elif status is timescales.Status.MET_LATE:
        state = MonthState.LATE
    elif status is timescales.Status.OVERDUE:
        state = MonthState.MISSED
    elif first_booked_for is not None and first_booked_for <= due_on:
        state = MonthState.BOOKED
    elif status is timescales.Status.DUE_SOON:
        state = MonthState.DUE_SOON
    else:
        state = MonthState.DUE
    return MonthStanding(month, due_on, state, first_visited_on, first_booked_for)
