"""Pure rules about meetings: which state may follow which, and DfE code checks."""

from __future__ import annotations

from datetime import date

from cases.timescales import add_months

from .codes import DisputeStage, DisputeStatus, ParticipationCode

# Which status may follow which (a meeting, and a chair's report).
MEETING_TRANSITIONS = {
    "scheduled": {"held", "adjourned", "cancelled"},
    "adjourned": {"held", "cancelled"},
    "held": set(),
    "cancelled": set(),
}

REPORT_TRANSITIONS = {
    "draft": {"submitted"},
    "submitted": {"approved", "draft"},
    "approved": {"superseded"},
    "superseded": set(),
}


def can_move(transitions: dict[str, set[str]], current: str, new: str) -> bool:
    """Return whether `new` may follow `current` in a transition table."""
    return new in transitions.get(current, set())


def participation_code_problem(
    *, code: str, review_on: date, date_of_birth: date
) -> str:
    """Return why a participation code is invalid for the review, or ''.

    SSDA903 rules 166/167/440/441: PN0 only before the fourth birthday, PN1-PN7
    only from it; on the fourth birthday either is accepted.
    """
    fourth_birthday = add_months(date_of_birth, 48)
    if code == ParticipationCode.PN0 and review_on > fourth_birthday:
        return "PN0 is only for a child under 4 at the time of the review."
    if code and code != ParticipationCode.PN0 and review_on < fourth_birthday:
        return "A child under 4 at the time of the review is coded PN0."
    return ""


def age_on(date_of_birth: date, day: date) -> int:
    """Return a person's age in whole years on `day`."""
    years = day.year - date_of_birth.year
    if (day.month, day.day) < (date_of_birth.month, date_of_birth.day):
        years -= 1
    return years


# --- dispute resolution stages (DOMAIN.md 2.5, 3.5) ----------------------------------

FORMAL_STAGES: tuple[str, ...] = (
    DisputeStage.STAGE_1,
    DisputeStage.STAGE_2,
    DisputeStage.STAGE_3,
    DisputeStage.STAGE_4,
)
_STAGE_ORDER = [stage.value for stage in DisputeStage]
# How the IRO may close a dispute themselves; a Cafcass referral is recorded
# separately, with its date and reference (DRP-03).
RESOLUTION_STATUSES: tuple[str, ...] = (
    DisputeStatus.RESOLVED,
    DisputeStatus.PARTLY_RESOLVED,
    DisputeStatus.WITHDRAWN,
)


def is_formal_stage(stage: str) -> bool:
    """Return whether `stage` is one of the formal levels of seniority."""
    return stage in FORMAL_STAGES


def dispute_stages_above(stage: str) -> list[str]:
    """Return the formal stages a dispute at `stage` may move to, lowest first.

    The IRO may bypass any stage, but a dispute never goes back down
    (IRO Handbook para 6.2, DRP-02).
    """
    position = _STAGE_ORDER.index(stage)
    return [s for s in _STAGE_ORDER[position + 1 :] if is_formal_stage(s)]
