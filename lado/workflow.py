"""Pure rules about allegations: which status may follow which, and what a decision
or a closing date implies. No database, clock or settings."""

from __future__ import annotations

from datetime import date

from cases.timescales import is_in_time

from .codes import Decision, EmployerAction, Status

TRANSITIONS: dict[str, set[str]] = {
    Status.AWAITING_DECISION: {
        Status.AWAITING_DECISION,
        Status.IN_MANAGEMENT,
        Status.CLOSED,
    },
    Status.IN_MANAGEMENT: {Status.OUTCOME_RECORDED},
    Status.OUTCOME_RECORDED: {Status.OUTCOME_RECORDED, Status.CLOSED},
    Status.CLOSED: set(),
}

# Statuses in which meetings, actions and the management record may change.
MANAGED_STATUSES = frozenset({Status.IN_MANAGEMENT, Status.OUTCOME_RECORDED})

# Employers and police inform the LADO within one working day of an allegation
# coming to their attention (Working Together 2023, ch.4; DOMAIN.md LA-02).
EMPLOYER_REFERRAL_WORKING_DAYS = 1


def can_move(current: str, new: str) -> bool:
    """Return whether an allegation may go from status `current` to `new`."""
    return new in TRANSITIONS.get(current, set())


def status_after_decision(decision: str) -> str:
    """Return the status an initial consideration leads to.

    The harm test met: the LADO manages the allegation. Not met, or advice only:
    the contact closes. More information needed: the decision is still to make.
    """
    if decision == Decision.THRESHOLD_MET:
        return Status.IN_MANAGEMENT
    if decision == Decision.MORE_INFORMATION:
        return Status.AWAITING_DECISION
    return Status.CLOSED


def employer_referred_in_time(working_days: int | None) -> bool | None:
    """Return whether the employer told the LADO within one working day (LA-02).

    None when the date the allegation came to the employer's attention is unknown.
    """
    if working_days is None:
        return None
    return working_days <= EMPLOYER_REFERRAL_WORKING_DAYS


def needs_delay_reason(*, closed_on: date, one_month_due_on: date) -> bool:
    """A case closed after the 1-month mark must say why it ran long (LA-04)."""
    return not is_in_time(held_on=closed_on, due_on=one_month_due_on)


def employer_actions_problem(actions: list[str]) -> str:
    """Return why a set of employer actions is contradictory, or ''."""
    if EmployerAction.NO_ACTION in actions and len(set(actions)) > 1:
        return "'No action' cannot be combined with another employer action."
    if EmployerAction.DISMISSAL in actions and EmployerAction.RESIGNATION in actions:
        return "Choose either dismissal or resignation, not both."
    return ""


def last_financial_year(today: date) -> tuple[date, date]:
    """Return the last complete financial year (1 April to 31 March) before `today`."""
    end_year = today.year if today.month >= 4 else today.year - 1
    return date(end_year - 1, 4, 1), date(end_year, 3, 31)
