"""Pure LADO rules: retention, workflow and reporting periods, tested as tables."""

from datetime import date

import pytest

from lado import codes, workflow
from lado.retention import retention_review_due


@pytest.mark.parametrize(
    ("allegation_on", "born", "pension_age", "expected", "decided_by"),
    [
        # Pension age far off: it is the longer limb.
        (date(2026, 3, 2), date(1990, 7, 15), 67, date(2057, 7, 15), "pension_age"),
        # Close to pension age: 10 years from the allegation is longer.
        (date(2026, 3, 2), date(1962, 1, 10), 67, date(2036, 3, 2), "ten_years"),
        # Both limbs on the same day: either way the same date.
        (date(2026, 3, 2), date(1969, 3, 2), 67, date(2036, 3, 2), "ten_years"),
        # 29 February + 10 years falls on 28 February (add_months).
        (date(2028, 2, 29), date(1960, 1, 1), 67, date(2038, 2, 28), "ten_years"),
        # Born on 29 February: pension age is the last day of February.
        (date(2026, 3, 2), date(1992, 2, 29), 67, date(2059, 2, 28), "pension_age"),
        # A different pension age setting moves the date.
        (date(2026, 3, 2), date(1990, 7, 15), 68, date(2058, 7, 15), "pension_age"),
        # No date of birth: only the 10-year limb can be counted.
        (date(2026, 3, 2), None, 67, date(2036, 3, 2), "ten_years"),
    ],
)
def test_retention_review_due_is_the_longer_of_pension_age_and_ten_years(
    allegation_on, born, pension_age, expected, decided_by
):
    """KCSIE: until normal pension age or 10 years from the allegation, if longer."""
    due = retention_review_due(
        allegation_on=allegation_on,
        subject_date_of_birth=born,
        pension_age_years=pension_age,
    )
    assert (due.review_on, due.decided_by) == (expected, decided_by)


def test_retention_explanation_names_both_limbs():
    due = retention_review_due(
        allegation_on=date(2026, 3, 2),
        subject_date_of_birth=date(1990, 7, 15),
        pension_age_years=67,
    )
    assert "15/07/2057" in due.explanation and "02/03/2036" in due.explanation


def test_retention_without_date_of_birth_says_so():
    due = retention_review_due(
        allegation_on=date(2026, 3, 2), subject_date_of_birth=None, pension_age_years=67
    )
    assert "date of birth is not recorded" in due.explanation


def test_retention_refuses_a_negative_pension_age():
    with pytest.raises(ValueError):
        retention_review_due(
            allegation_on=date(2026, 3, 2),
            subject_date_of_birth=None,
            pension_age_years=-1,
        )


@pytest.mark.parametrize(
    ("decision", "status"),
    [
        (codes.Decision.THRESHOLD_MET, codes.Status.IN_MANAGEMENT),
        (codes.Decision.THRESHOLD_NOT_MET, codes.Status.CLOSED),
        (codes.Decision.CONSULTATION, codes.Status.CLOSED),
        (codes.Decision.MORE_INFORMATION, codes.Status.AWAITING_DECISION),
    ],
)
def test_status_after_decision(decision, status):
    assert workflow.status_after_decision(decision) == status


@pytest.mark.parametrize(
    ("current", "new", "allowed"),
    [
        ("awaiting_decision", "in_management", True),
        ("awaiting_decision", "closed", True),
        ("awaiting_decision", "outcome_recorded", False),
        ("in_management", "closed", False),
        ("in_management", "outcome_recorded", True),
        ("outcome_recorded", "closed", True),
        ("closed", "in_management", False),
    ],
)
def test_can_move(current, new, allowed):
    assert workflow.can_move(current, new) is allowed


@pytest.mark.parametrize(
    ("working_days", "expected"), [(None, None), (0, True), (1, True), (2, False)]
)
def test_employer_referred_in_time_within_one_working_day(working_days, expected):
    assert workflow.employer_referred_in_time(working_days) is expected


@pytest.mark.parametrize(
    ("closed_on", "needs"),
    [(date(2026, 4, 1), False), (date(2026, 4, 2), False), (date(2026, 4, 3), True)],
)
def test_delay_reason_needed_only_after_the_one_month_mark(closed_on, needs):
    """Closing on the 1-month date is in time (DOMAIN.md A1)."""
    assert (
        workflow.needs_delay_reason(
            closed_on=closed_on, one_month_due_on=date(2026, 4, 2)
        )
        is needs
    )


@pytest.mark.parametrize(
    ("actions", "problem"),
    [
        (["dismissal"], ""),
        (["disciplinary", "training"], ""),
        (["no_action", "training"], "'No action' cannot be combined"),
        (["dismissal", "resignation"], "either dismissal or resignation"),
    ],
)
def test_employer_actions_problem(actions, problem):
    result = workflow.employer_actions_problem(actions)
    assert (problem in result) if problem else result == ""


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (date(2026, 11, 23), (date(2025, 4, 1), date(2026, 3, 31))),
        (date(2026, 4, 1), (date(2025, 4, 1), date(2026, 3, 31))),
        (date(2026, 3, 31), (date(2024, 4, 1), date(2025, 3, 31))),
        (date(2027, 1, 5), (date(2025, 4, 1), date(2026, 3, 31))),
    ],
)
def test_last_financial_year_is_the_last_complete_one(today, expected):
    assert workflow.last_financial_year(today) == expected
