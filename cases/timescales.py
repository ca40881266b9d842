"""Statutory and local timescale rules, as pure functions.

The one home of the service's date arithmetic. Nothing here touches the database,
the clock or settings: callers pass the start date, a working-day calendar and any
local overrides. Rule codes, counting conventions and sources follow DOMAIN.md
Part A (A1 counting time, A2 rule codes).
"""

from __future__ import annotations

import calendar as _calendar
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import StrEnum

from dateutil.relativedelta import relativedelta


class Method(StrEnum):
    WORKING_DAYS = "working_days"
    WORKING_DAYS_BEFORE = "working_days_before"
    MONTHS = "months"
    MONTH_END = "month_end"


class Basis(StrEnum):
    STATUTE = "S"
    STATUTORY_GUIDANCE = "SG"
    LOCAL = "L"

    @property
    def label(self) -> str:
        return {
            "S": "statute or regulations",
            "SG": "statutory guidance",
            "L": "local practice (an administrator can change it)",
        }[self.value]


class Convention(StrEnum):
    """How "within N working days of D" is counted (DOMAIN.md Part B section 0)."""

    # D is day 0 and not counted: the legal construction, the default.
    EXCLUSIVE = "exclusive"
    # D counts as day 1, as the open-source CIN census validator computes it.
    INCLUSIVE = "inclusive"


@dataclass(frozen=True)
class Rule:
    code: str
    title: str
    start_event: str
    method: Method
    amount: int
    basis: Basis
    source: str

    @property
    def is_local(self) -> bool:
        return self.basis is Basis.LOCAL

    def describe(self, amount: int | None = None) -> str:
        """Return the rule in words, e.g. '20 working days after ...'."""
        n = self.amount if amount is None else amount
        if self.method is Method.WORKING_DAYS:
            unit = "working day" if n == 1 else "working days"
            return f"within {n} {unit} of the {self.start_event}"
        if self.method is Method.WORKING_DAYS_BEFORE:
            unit = "working day" if n == 1 else "working days"
            return f"{n} {unit} before the {self.start_event}"
        if self.method is Method.MONTHS:
            unit = "calendar month" if n == 1 else "calendar months"
            return f"not more than {n} {unit} after the {self.start_event}"
        if n == 0:
            return f"by the last day of the calendar month of the {self.start_event}"
        unit = "month" if n == 1 else "months"
        return f"by the last day of the calendar month {n} {unit} after the {self.start_event}"


_CPR = "Care Planning, Placement and Case Review (England) Regulations 2010"
_WT = "Working Together to Safeguard Children 2023, chapter 3"
_KCSIE = "Keeping Children Safe in Education, Part four (historic targets)"
_CHR = "Children's Homes (England) Regulations 2015"

RULES: dict[str, Rule] = {
    r.code: r
    for r in (
        Rule(
            "cic_review_1",
            "First Children in Care review",
            "date the child became looked after (start of a period of care)",
            Method.WORKING_DAYS,
            20,
            Basis.STATUTE,
            f"{_CPR}, reg 33(1)",
        ),
        Rule(
            "cic_review_2",
            "Second Children in Care review",
            "date the first review was held",
            Method.MONTHS,
            3,
            Basis.STATUTE,
            f"{_CPR}, reg 33(2)",
        ),
        Rule(
            "cic_review_n",
            "Subsequent Children in Care review",
            "date the previous review was held",
            Method.MONTHS,
            6,
            Basis.STATUTE,
            f"{_CPR}, reg 33(2)-(3)",
        ),
        Rule(
            "cic_short_break_1",
            "First short-break review",
            "start of the first short-break placement",
            Method.MONTHS,
            3,
            Basis.STATUTE,
            f"{_CPR}, reg 48",
        ),
        Rule(
            "cic_short_break_n",
            "Subsequent short-break review",
            "date the previous review was held",
            Method.MONTHS,
            6,
            Basis.STATUTE,
            f"{_CPR}, reg 48",
        ),
        Rule(
            "cic_reconvene",
            "Reconvened (adjourned) review",
            "date of the adjourned review",
            Method.WORKING_DAYS,
            20,
            Basis.STATUTE,
            f"{_CPR}, reg 36(2)",
        ),
        Rule(
            "cic_decisions",
            "Review decisions circulated",
            "date the review was held",
            Method.WORKING_DAYS,
            5,
            Basis.LOCAL,
            "IRO Handbook ch.3; local practice",
        ),
        Rule(
            "cic_record",
            "Review record distributed",
            "date the review was held",
            Method.WORKING_DAYS,
            20,
            Basis.LOCAL,
            "IRO Handbook ch.3; local practice",
        ),
        Rule(
            "cp_icpc",
            "Initial child protection conference",
            "strategy discussion at which section 47 enquiries were initiated",
            Method.WORKING_DAYS,
            15,
            Basis.STATUTORY_GUIDANCE,
            _WT,
        ),
        Rule(
            "cp_transfer_in",
            "Transfer-in child protection conference",
            "date the receiving authority was notified of the move",
            Method.WORKING_DAYS,
            15,
            Basis.STATUTORY_GUIDANCE,
            _WT,
        ),
        Rule(
            "cp_core_group_1",
            "First core group meeting",
            "initial (or transfer-in) conference held",
            Method.WORKING_DAYS,
            10,
            Basis.STATUTORY_GUIDANCE,
            _WT,
        ),
        Rule(
            "cp_core_group_n",
            "Subsequent core group meeting",
            "date the previous core group was held",
            Method.WORKING_DAYS,
            20,
            Basis.LOCAL,
            f"{_WT}; local practice (commonly every 4 to 6 weeks)",
        ),
        Rule(
            "cp_rcpc_1",
            "First review child protection conference",
            "initial (or transfer-in) conference held",
            Method.MONTHS,
            3,
            Basis.STATUTORY_GUIDANCE,
            _WT,
        ),
        Rule(
            "cp_rcpc_n",
            "Subsequent review child protection conference",
            "previous review conference held",
            Method.MONTHS,
            6,
            Basis.STATUTORY_GUIDANCE,
            _WT,
        ),
        Rule(
            "cp_reports_to_parents",
            "Social worker's report shared with parents (ICPC)",
            "initial conference date",
            Method.WORKING_DAYS_BEFORE,
            2,
            Basis.LOCAL,
            f"{_WT}; local practice",
        ),
        Rule(
            "cp_reports_to_parents_rcpc",
            "Social worker's report shared with parents (review conference)",
            "review conference date",
            Method.WORKING_DAYS_BEFORE,
            5,
            Basis.LOCAL,
            f"{_WT}; local practice",
        ),
        Rule(
            "cp_outline_plan",
            "Decisions and outline plan distributed",
            "conference held",
            Method.WORKING_DAYS,
            1,
            Basis.LOCAL,
            "local practice",
        ),
        Rule(
            "cp_minutes",
            "Conference minutes distributed",
            "conference held",
            Method.WORKING_DAYS,
            15,
            Basis.LOCAL,
            "local practice",
        ),
        Rule(
            "lado_decision",
            "LADO initial consideration (threshold decision)",
            "referral received by the LADO",
            Method.WORKING_DAYS,
            1,
            Basis.LOCAL,
            "local practice; employers must refer within 1 working day "
            "(Working Together 2023, chapter 4)",
        ),
        Rule(
            "lado_1_month",
            "Allegation resolved: 1-month mark",
            "referral received",
            Method.MONTHS,
            1,
            Basis.STATUTORY_GUIDANCE,
            f"{_KCSIE}: 80% target",
        ),
        Rule(
            "lado_3_months",
            "Allegation resolved: 3-month mark",
            "referral received",
            Method.MONTHS,
            3,
            Basis.STATUTORY_GUIDANCE,
            f"{_KCSIE}: 90% target",
        ),
        Rule(
            "lado_12_months",
            "Allegation resolved: 12-month mark",
            "referral received",
            Method.MONTHS,
            12,
            Basis.STATUTORY_GUIDANCE,
            f"{_KCSIE}: all but the most exceptional",
        ),
        Rule(
            "reg44_visit",
            "Regulation 44 monthly visit",
            "month to be visited",
            Method.MONTH_END,
            0,
            Basis.STATUTE,
            f"{_CHR}, reg 44(1)",
        ),
        Rule(
            "reg44_report",
            "Regulation 44 report sent",
            "visit date",
            Method.MONTH_END,
            1,
            Basis.LOCAL,
            f"{_CHR}, reg 44(7) names the recipients; the deadline is local practice",
        ),
        Rule(
            "reg45_review",
            "Regulation 45 quality of care review",
            "previous quality-of-care review",
            Method.MONTHS,
            6,
            Basis.STATUTE,
            f"{_CHR}, reg 45",
        ),
        Rule(
            "drp_formal",
            "Formal dispute resolution completed",
            "date the formal dispute was raised",
            Method.WORKING_DAYS,
            20,
            Basis.STATUTORY_GUIDANCE,
            "IRO Handbook, chapter 6",
        ),
        Rule(
            "drp_stage_response",
            "Response to a dispute resolution stage",
            "date the stage was raised with the manager",
            Method.WORKING_DAYS,
            5,
            Basis.LOCAL,
            "IRO Handbook, chapter 6; local dispute resolution protocol",
        ),
        Rule(
            "practice_alert_response",
            "Response to a practice alert",
            "date the alert was raised with the team manager",
            Method.WORKING_DAYS,
            5,
            Basis.LOCAL,
            "IRO Handbook, chapter 6 (informal resolution); local quality "
            "assurance protocol",
        ),
        Rule(
            "pep_initial",
            "Personal Education Plan initiated",
            "date the child became looked after",
            Method.WORKING_DAYS,
            10,
            Basis.STATUTORY_GUIDANCE,
            "Promoting the education of looked-after children (2018)",
        ),
        Rule(
            "pathway_assessment",
            "Needs assessment for the pathway plan",
            "16th birthday or date of becoming eligible",
            Method.MONTHS,
            3,
            Basis.STATUTE,
            f"{_CPR}, reg 42",
        ),
    )
}


class UnknownRule(ValueError):
    pass


@dataclass(frozen=True)
class WorkingCalendar:
    """Days that are not working days besides weekends, with their names."""

    closed: Mapping[date, str] = field(default_factory=dict)

    def is_working_day(self, day: date) -> bool:
        return day.weekday() < 5 and day not in self.closed

    def reason_closed(self, day: date) -> str | None:
        if day in self.closed:
            return self.closed[day]
        if day.weekday() >= 5:
            return "Saturday" if day.weekday() == 5 else "Sunday"
        return None


def add_working_days(start: date, days: int, *, calendar: WorkingCalendar) -> date:
    """Return the date `days` working days after `start` (start is day 0)."""
    current = start
    remaining = days
    while remaining > 0:
        current += timedelta(days=1)
        if calendar.is_working_day(current):
            remaining -= 1
    return current


def subtract_working_days(end: date, days: int, *, calendar: WorkingCalendar) -> date:
    """Return the date `days` working days before `end` (end is day 0)."""
    current = end
    remaining = days
    while remaining > 0:
        current -= timedelta(days=1)
        if calendar.is_working_day(current):
            remaining -= 1
    return current


def working_days_between(start: date, end: date, *, calendar: WorkingCalendar) -> int:
    """Return how many working days fall after `start` up to and including `end`."""
    if end <= start:
        return 0
    count = 0
    current = start
    while current < end:
        current += timedelta(days=1)
        if calendar.is_working_day(current):
            count += 1
    return count


def add_months(start: date, months: int) -> date:
    """Return the same day-of-month `months` later, or that month's last day."""
    return start + relativedelta(months=months)


def month_end(day: date, months_after: int = 0) -> date:
    """Return the last day of the calendar month `months_after` months after `day`."""
    first = day.replace(day=1) + relativedelta(months=months_after)
    return first.replace(day=_calendar.monthrange(first.year, first.month)[1])


@dataclass(frozen=True)
class DueDate:
    """A due date with everything needed to explain it to a person."""

    rule: Rule
    start: date
    due: date
    amount: int
    skipped: tuple[tuple[date, str], ...] = ()
    other_convention_due: date | None = None

    @property
    def rule_text(self) -> str:
        return self.rule.describe(self.amount)

    @property
    def arithmetic(self) -> str:
        rule, n = self.rule, self.amount
        start = _fmt(self.start)
        if rule.method is Method.WORKING_DAYS:
            text = (
                f"{start} is day 0 and is not counted; counting {n} working "
                f"day{'s' if n != 1 else ''} forward lands on {_fmt(self.due)}."
            )
        elif rule.method is Method.WORKING_DAYS_BEFORE:
            text = (
                f"Counting {n} working day{'s' if n != 1 else ''} back from "
                f"{start} lands on {_fmt(self.due)}."
            )
        elif rule.method is Method.MONTHS:
            plain = self.due.day == self.start.day
            text = f"{start} plus {n} calendar month{'s' if n != 1 else ''} is "
            text += (
                f"{_fmt(self.due)}."
                if plain
                else f"{_fmt(self.due)}: that month has no day {self.start.day}, "
                "so the last day of the month applies."
            )
        else:
            text = f"The calendar month in question ends on {_fmt(self.due)}."
        return text

    @property
    def skipped_text(self) -> str:
        if not self.skipped:
            return "No weekends or holidays were skipped."
        weekend = [d for d, why in self.skipped if why in ("Saturday", "Sunday")]
        holidays = [
            (d, why) for d, why in self.skipped if why not in ("Saturday", "Sunday")
        ]
        parts = []
        if weekend:
            parts.append(
                f"{len(weekend)} weekend day{'s' if len(weekend) != 1 else ''}"
            )
        parts.extend(f"{why} ({_fmt(d)})" for d, why in holidays)
        return "Skipped: " + "; ".join(parts) + "."

    def explain(self) -> str:
        """Return the whole explanation as lines of plain text."""
        lines = [
            f"{self.rule.title} ({self.rule.code}): due {self.due.isoformat()}.",
            f"Rule: {self.rule_text}.",
            f"Start: {self.rule.start_event}, {self.start.isoformat()}.",
            f"Arithmetic: {self.arithmetic}",
        ]
        if self.rule.method in (Method.WORKING_DAYS, Method.WORKING_DAYS_BEFORE):
            lines.append(self.skipped_text)
        if self.other_convention_due and self.other_convention_due != self.due:
            lines.append(
                "Counting the start date as day 1 instead (the CIN census "
                f"validator's convention) would give {self.other_convention_due.isoformat()}."
            )
        lines.append(f"Basis: {self.rule.basis.label}; source: {self.rule.source}.")
        return "\n".join(lines)


def _fmt(day: date) -> str:
    return f"{day:%a} {day.day} {day:%b %Y}"


def _skipped_between(a: date, b: date, calendar: WorkingCalendar) -> tuple:
    low, high = (a, b) if a <= b else (b, a)
    out = []
    current = low + timedelta(days=1)
    while current < high:
        reason = calendar.reason_closed(current)
        if reason:
            out.append((current, reason))
        current += timedelta(days=1)
    return tuple(out)


def due_date(
    code: str,
    start: date,
    *,
    calendar: WorkingCalendar,
    overrides: Mapping[str, int] | None = None,
    convention: Convention = Convention.EXCLUSIVE,
) -> DueDate:
    """Return the due date under rule `code` for a clock started on `start`.

    Counting follows DOMAIN.md Part A1; `overrides` replaces the amount of local
    rules (basis L) only, as an administrator has set them.
    """
    try:
        rule = RULES[code]
    except KeyError:
        raise UnknownRule(
            f"Unknown rule {code!r}. Known rules: {', '.join(sorted(RULES))}."
        ) from None
    amount = rule.amount
    if overrides and rule.is_local and code in overrides:
        amount = int(overrides[code])
    if rule.method is Method.WORKING_DAYS:
        legal = add_working_days(start, amount, calendar=calendar)
        inclusive = add_working_days(start, max(amount - 1, 0), calendar=calendar)
        if calendar.is_working_day(start) is False:
            inclusive = legal
        due, other = (legal, inclusive)
        if convention is Convention.INCLUSIVE:
            due, other = inclusive, legal
        return DueDate(
            rule, start, due, amount, _skipped_between(start, due, calendar), other
        )
    if rule.method is Method.WORKING_DAYS_BEFORE:
        due = subtract_working_days(start, amount, calendar=calendar)
        return DueDate(rule, start, due, amount, _skipped_between(due, start, calendar))
    if rule.method is Method.MONTHS:
        return DueDate(rule, start, add_months(start, amount), amount)
    return DueDate(rule, start, month_end(start, amount), amount)


def is_in_time(*, held_on: date, due_on: date) -> bool:
    """An event on the due date is in time (DOMAIN.md A1)."""
    return held_on <= due_on


class Status(StrEnum):
    ON_TRACK = "on_track"
    DUE_SOON = "due_soon"
    OVERDUE = "overdue"
    MET = "met"
    MET_LATE = "met_late"


def due_status(
    *,
    due_on: date,
    today: date,
    calendar: WorkingCalendar,
    lead_working_days: int,
    done_on: date | None = None,
) -> Status:
    """Return whether an item is met, overdue, due soon or on track on `today`."""
    if done_on is not None:
        return Status.MET if done_on <= due_on else Status.MET_LATE
    if today > due_on:
        return Status.OVERDUE
    if due_on <= add_working_days(today, lead_working_days, calendar=calendar):
        return Status.DUE_SOON
    return Status.ON_TRACK


def cic_review_rule(*, sequence: int, is_short_break: bool) -> str:
    """Return the rule code for the `sequence`-th review of a period of care.

    Reviews are counted within a period of care (CIC-02 to CIC-04, CIC-08);
    short-break children follow reg 48 (CIC-09).
    """
    if sequence < 1:
        raise ValueError("Reviews are numbered from 1.")
    if is_short_break:
        return "cic_short_break_1" if sequence == 1 else "cic_short_break_n"
    return {1: "cic_review_1", 2: "cic_review_2"}.get(sequence, "cic_review_n")
