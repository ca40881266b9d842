"""The statutory clock: pure rules, tested as tables (DOMAIN.md Part A)."""

import csv
from datetime import date
from pathlib import Path

import pytest

from cases.calendar import ClosedDays
from cases.timescales import (
    RULES,
    Convention,
    Status,
    UnknownRule,
    WorkingCalendar,
    add_working_days,
    due_date,
    due_status,
    is_in_time,
    month_end,
    working_days_between,
)

SHARED_CASES = Path(__file__).resolve().parents[3] / "shared" / "timescale-cases.csv"
ENGLAND = WorkingCalendar(closed=ClosedDays())


def _shared_rows():
    with SHARED_CASES.open(newline="") as handle:
        return [
            pytest.param(
                row["rule"],
                date.fromisoformat(row["start"]),
                date.fromisoformat(row["due"]),
                id=f"{row['rule']}-{row['start']}",
            )
            for row in csv.DictReader(handle)
        ]


def test_shared_table_is_present_and_complete():
    """The worked examples file is read, so the table test below cannot pass empty."""
    assert len(_shared_rows()) >= 20


@pytest.mark.parametrize(("rule", "start", "expected"), _shared_rows())
def test_due_date_reproduces_the_shared_worked_examples(rule, start, expected):
    """Every row of shared/timescale-cases.csv is reproduced exactly."""
    assert due_date(rule, start, calendar=ENGLAND).due == expected


def test_every_rule_of_the_contract_is_registered():
    """All rule codes of DOMAIN.md A2 exist, each with a title, source and basis."""
    expected = {
        "cic_review_1",
        "cic_review_2",
        "cic_review_n",
        "cic_short_break_1",
        "cic_short_break_n",
        "cic_reconvene",
        "cic_decisions",
        "cic_record",
        "cp_icpc",
        "cp_transfer_in",
        "cp_core_group_1",
        "cp_rcpc_1",
        "cp_rcpc_n",
        "cp_reports_to_parents",
        "cp_outline_plan",
        "cp_minutes",
        "lado_decision",
        "lado_1_month",
        "lado_3_months",
        "lado_12_months",
        "reg44_visit",
        "reg44_report",
        "reg45_review",
        "drp_formal",
        "pep_initial",
        "pathway_assessment",
    }
    assert expected <= set(RULES)
    assert all(r.title and r.source and r.start_event for r in RULES.values())


@pytest.mark.parametrize(
    ("start", "days", "expected"),
    [
        (date(2026, 3, 6), 1, date(2026, 3, 9)),  # Friday + 1 is Monday
        (date(2026, 3, 7), 1, date(2026, 3, 9)),  # Saturday start: Monday is day 1
        (date(2026, 3, 2), 0, date(2026, 3, 2)),
        (date(2026, 4, 2), 2, date(2026, 4, 8)),  # Good Friday and Easter Monday
    ],
)
def test_add_working_days_counts_from_day_zero(start, days, expected):
    """The start date is day 0; weekends and bank holidays are not counted."""
    assert add_working_days(start, days, calendar=ENGLAND) == expected


def test_local_closure_day_is_skipped_like_a_bank_holiday():
    """A local closure day an administrator added is not a working day."""
    calendar = WorkingCalendar(closed=ClosedDays({date(2026, 3, 9): "Office move"}))
    assert add_working_days(date(2026, 3, 6), 1, calendar=calendar) == date(2026, 3, 10)


def test_working_days_before_counts_back_for_reports_to_parents():
    """Reports go to parents 2 working days before an ICPC, 5 before an RCPC."""
    icpc = due_date("cp_reports_to_parents", date(2026, 4, 7), calendar=ENGLAND)
    rcpc = due_date("cp_reports_to_parents_rcpc", date(2026, 4, 14), calendar=ENGLAND)
    assert icpc.due == date(2026, 4, 1)  # skips Good Friday and Easter Monday
    assert rcpc.due == date(2026, 4, 7)


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (date(2026, 2, 3), 0, date(2026, 2, 28)),
        (date(2026, 2, 3), 1, date(2026, 3, 31)),
        (date(2026, 12, 15), 1, date(2027, 1, 31)),
    ],
)
def test_month_end(day, months, expected):
    """The last day of the month N months on."""
    assert month_end(day, months) == expected


def test_later_core_groups_follow_the_local_frequency():
    """After the first, core groups are due 20 working days after the last (local)."""
    due = due_date("cp_core_group_n", date(2026, 9, 7), calendar=ENGLAND)
    assert due.due == date(2026, 10, 5)
    assert due.rule.is_local


def test_reg44_report_due_at_end_of_following_month():
    """A report on a visit is due by the end of the following month by default."""
    assert due_date("reg44_report", date(2026, 1, 20), calendar=ENGLAND).due == date(
        2026, 2, 28
    )


def test_overrides_change_local_rules_only():
    """An administrator may change local-practice rules but never statutory ones."""
    overrides = {"cp_minutes": 10, "cic_review_1": 5}
    minutes = due_date(
        "cp_minutes", date(2026, 3, 2), calendar=ENGLAND, overrides=overrides
    )
    review = due_date(
        "cic_review_1", date(2026, 3, 2), calendar=ENGLAND, overrides=overrides
    )
    assert minutes.due == date(2026, 3, 16)
    assert review.due == date(2026, 3, 30)


def test_inclusive_convention_is_one_working_day_earlier():
    """The CIN validator's convention counts the start as day 1."""
    legal = due_date("cp_icpc", date(2026, 3, 2), calendar=ENGLAND)
    inclusive = due_date(
        "cp_icpc", date(2026, 3, 2), calendar=ENGLAND, convention=Convention.INCLUSIVE
    )
    assert legal.due == date(2026, 3, 23)
    assert inclusive.due == date(2026, 3, 20)
    assert legal.other_convention_due == date(2026, 3, 20)


def test_explanation_names_the_rule_start_arithmetic_holidays_and_source():
    """A due date explains itself: rule, start event, arithmetic, skipped days, source."""
    text = due_date("cp_icpc", date(2026, 12, 21), calendar=ENGLAND).explain()
    assert "cp_icpc" in text
    assert "2026-12-21" in text and "2027-01-14" in text
    assert "Christmas Day" in text and "Boxing Day (observed)" in text
    assert "New Year's Day" in text
    assert "Working Together" in text


def test_explanation_of_month_end_clamping():
    """The explanation says when a month has no such day."""
    text = due_date("cic_review_n", date(2026, 8, 31), calendar=ENGLAND).explain()
    assert "no day 31" in text


def test_unknown_rule_is_refused_with_the_known_codes():
    with pytest.raises(UnknownRule, match="cic_review_1"):
        due_date("cic_review_9", date(2026, 1, 1), calendar=ENGLAND)


def test_meeting_on_the_due_date_is_in_time():
    assert is_in_time(held_on=date(2026, 3, 30), due_on=date(2026, 3, 30))
    assert not is_in_time(held_on=date(2026, 3, 31), due_on=date(2026, 3, 30))


@pytest.mark.parametrize(
    ("today", "done_on", "expected"),
    [
        (date(2026, 3, 2), None, Status.ON_TRACK),
        (date(2026, 3, 24), None, Status.DUE_SOON),
        (date(2026, 3, 31), None, Status.OVERDUE),
        (date(2026, 3, 31), date(2026, 3, 30), Status.MET),
        (date(2026, 4, 1), date(2026, 3, 31), Status.MET_LATE),
    ],
)
def test_due_status(today, done_on, expected):
    """On track, due soon (within 5 working days), overdue, met or met late."""
    assert (
        due_status(
            due_on=date(2026, 3, 30),
            today=today,
            calendar=ENGLAND,
            lead_working_days=5,
            done_on=done_on,
        )
        == expected
    )


def test_working_days_between():
    assert (
        working_days_between(date(2026, 3, 27), date(2026, 4, 21), calendar=ENGLAND)
        == 15
    )
