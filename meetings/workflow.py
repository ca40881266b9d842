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


# --- child protection: minutes, outcomes and who receives what (DOMAIN.md 3.2) ------

# The minutes of a conference: the minute-taker drafts and submits; the chair edits
# a submitted version and approves it, or returns it to the minute-taker.
MINUTES_TRANSITIONS = {
    "draft": {"submitted"},
    "submitted": {"approved", "draft"},
    "approved": {"superseded"},
    "superseded": set(),
}

# Who may change the text of minutes in each status.
MINUTES_EDITORS = {
    "draft": {"minute_taker", "chair"},
    "submitted": {"chair"},
    "approved": set(),
    "superseded": set(),
}

# Participants on the family's side: they receive the family version of the
# minutes (only the parts they attended, nothing the chair marked restricted).
# Everyone else (agencies, professionals) receives the full record.
FAMILY_ROLES = frozenset({"child", "parent", "carer", "advocate", "other"})


def minutes_may_edit_as(*, status: str, as_role: str) -> bool:
    """Return whether someone acting as `as_role` may change minutes in `status`."""
    return as_role in MINUTES_EDITORS.get(status, set())


def is_family_role(role: str) -> bool:
    """Return whether a participant of `role` receives the family version."""
    return role in FAMILY_ROLES


def conference_outcome_problem(
    *,
    allowed: tuple[str, ...],
    outcome: str,
    category: str,
    alternative: str,
    end_reason: str,
) -> tuple[str, str] | None:
    """Return (field, message) for what is missing in one child's outcome, or None.

    A plan (new or continuing) needs its category of abuse (CIN census); no plan
    needs what is offered instead (DOMAIN.md 2.2); ending a plan needs its reason
    and what follows it.
    """
    if outcome not in allowed:
        return "outcome", "Choose the outcome for this child."
    if outcome in ("plan", "continue") and not category:
        return "category", "Choose the category of abuse."
    if outcome == "no_plan" and not alternative:
        return "alternative", "Say what is offered instead of a plan."
    if outcome == "end" and not end_reason:
        return "end_reason", "Give the reason the plan ends."
    if outcome == "end" and not alternative:
        return "alternative", "Say what follows the plan (e.g. a child in need plan)."
    return None


def sections_for_recipient(
    sections: list[dict], *, is_family: bool, participant_id: int | None
) -> list[dict]:
    """Return the sections of approved minutes one recipient receives.

    Agencies receive every section with its restricted details. A family member
    receives only the sections at which they were present (a family member who is
    not a participant was present at none), each without its restricted details.
    Each section is a dict with `present_ids` and `restricted_text`.
    """
    if not is_family:
        return [dict(section) for section in sections]
    return [
        {**section, "restricted_text": ""}
        for section in sections
        if participant_id is not None and participant_id in section["present_ids"]
    ]
