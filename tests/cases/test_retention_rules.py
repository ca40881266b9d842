"""The retention schedule's pure rules, tested as tables."""

from datetime import date

import pytest

from cases.retention import (
    RETENTION_RULES,
    Schedule,
    UnknownRetentionRule,
    allegation_retention_due,
    child_retention_due,
    earliest_start_due_by,
    visit_retention_due,
    years_after,
)
from cases.timescales import Basis

DEFAULTS = Schedule()


def test_every_rule_states_its_basis_and_source():
    """Each rule has a title, start event and source; the local ones are marked L."""
    assert all(r.title and r.start_event and r.source for r in RETENTION_RULES.values())
    local = {c for c, r in RETENTION_RULES.items() if r.basis is Basis.LOCAL}
    assert local == {"ret_child_protection", "ret_child_other", "ret_reg44_visit"}
    assert RETENTION_RULES["ret_child_looked_after"].basis is Basis.STATUTE
    assert "reg 50" in RETENTION_RULES["ret_child_looked_after"].source
    assert "LA-08" in RETENTION_RULES["ret_lado_allegation"].source


@pytest.mark.parametrize(
    ("looked_after", "on_plan", "last_contact", "rule", "due"),
    [
        # Looked after: the 75th anniversary of birth, whatever the contact.
        (True, True, date(2030, 1, 1), "ret_child_looked_after", date(2085, 2, 28)),
        # On a plan only: 35 years after the last contact.
        (False, True, date(2026, 6, 30), "ret_child_protection", date(2061, 6, 30)),
        # Neither: 3 years after the later of the 18th birthday and last contact.
        (False, False, date(2020, 1, 1), "ret_child_other", date(2031, 2, 28)),
        (False, False, date(2030, 5, 1), "ret_child_other", date(2033, 5, 1)),
        (False, False, None, "ret_child_other", date(2031, 2, 28)),
    ],
)
def test_child_retention_due(looked_after, on_plan, last_contact, rule, due):
    """A child born on 28 February 2010 is kept under the rule their history picks."""
    result = child_retention_due(
        date_of_birth=date(2010, 2, 28),
        was_looked_after=looked_after,
        was_on_plan=on_plan,
        last_contact_on=last_contact,
        schedule=DEFAULTS,
    )
    assert (result.rule_code, result.due_on) == (rule, due)
    assert f"{due:%d/%m/%Y}" in result.explanation


def test_local_values_change_local_rules_only():
    """An administrator's value replaces a local rule's years, never a statutory one."""
    schedule = Schedule(
        overrides={"ret_child_protection": 25, "ret_child_looked_after": 10}
    )
    assert schedule.years("ret_child_protection") == 25
    assert schedule.years("ret_child_looked_after") == 75


def test_unknown_rule_is_refused_with_the_known_codes():
    with pytest.raises(UnknownRetentionRule, match="ret_reg44_visit"):
        Schedule().years("ret_nothing")


@pytest.mark.parametrize(
    ("dob", "expected", "limb"),
    [
        (date(1985, 5, 14), date(2052, 5, 14), "pension_age"),
        (date(1950, 5, 14), date(2036, 2, 27), "ten_years"),
        (None, date(2036, 2, 27), "ten_years"),
    ],
)
def test_allegation_retention_is_the_longer_of_pension_age_and_ten_years(
    dob, expected, limb
):
    due = allegation_retention_due(
        allegation_on=date(2026, 2, 27), subject_date_of_birth=dob, pension_age_years=67
    )
    assert (due.review_on, due.decided_by) == (expected, limb)


def test_visit_retention_is_local_years_after_the_visit():
    due = visit_retention_due(
        visited_on=date(2026, 3, 10), schedule=Schedule({"ret_reg44_visit": 6})
    )
    assert (due.rule_code, due.due_on) == ("ret_reg44_visit", date(2032, 3, 10))


@pytest.mark.parametrize(
    ("start", "years"),
    [
        (date(2000, 2, 29), 75),
        (date(2001, 3, 1), 20),
        (date(1999, 12, 31), 1),
    ],
)
def test_cutoff_never_leaves_out_a_record_due_that_day(start, years):
    """The database prefilter keeps every start whose due date is `today`."""
    today = years_after(start, years)
    assert start <= earliest_start_due_by(today, years)
