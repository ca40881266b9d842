"""Writes for quality assurance: the chair's quality check, QA meetings, panel
referrals and training themes. Each runs in one transaction; simple-history
keeps every version, and the meeting's log records the check."""

from __future__ import annotations

import re
from datetime import date

from django.db import transaction

from accounts.models import Team, User
from cases.errors import DomainError
from cases.models import Child

from ..events import meeting_event
from ..models import (
    Dispute,
    Meeting,
    PanelReferral,
    QAMeeting,
    QualityCheck,
    QualityReportRow,
    TrainingTheme,
)
from ..selectors.quality import QUALITY_CHECK_KINDS

__all__ = [
    "panel_referral_make",
    "panel_referral_outcome_record",
    "qa_meeting_record",
    "quality_check_save",
    "training_theme_tag",
]

_ANSWERS = (
    "child_seen_before",
    "child_views_heard",
    "parents_participated",
    "partners_attended",
    "is_quorate",
    "plan_smart",
    "comment",
)


@transaction.atomic
def quality_check_save(
    *,
    meeting: Meeting,
    by: User,
    rows: list[dict],
    child_seen_before: bool,
    child_views_heard: bool,
    parents_participated: str,
    partners_attended: bool,
    is_quorate: bool,
    plan_smart: str,
    comment: str = "",
) -> QualityCheck:
    """Create or update the meeting's quality check and its agency rows.

    Only the answers and rows that change are written, so the history shows
    each change. The record of the meeting is never touched or held up.
    """
    if meeting.kind not in QUALITY_CHECK_KINDS:
        raise DomainError("This kind of meeting has no quality check.")
    if meeting.status != Meeting.Status.HELD:
        raise DomainError("The quality check is answered once the meeting is held.")
    agencies = [row["agency"] for row in rows]
    if len(agencies) != len(set(agencies)):
        raise DomainError("Each agency can be listed once; merge the repeated rows.")
    answers = {
        "child_seen_before": child_seen_before,
        "child_views_heard": child_views_heard,
        "parents_participated": parents_participated,
        "partners_attended": partners_attended,
        "is_quorate": is_quorate,
        "plan_smart": plan_smart,
        "comment": comment.strip(),
    }
    check = QualityCheck.objects.select_for_update().filter(meeting=meeting).first()
    created, changed = check is None, []
    if created:
        chair_team_id = meeting.chair.team_id if meeting.chair_id else None
        check = QualityCheck.objects.create(
            meeting=meeting,
            completed_by=by,
            held_on=meeting.held_on,
            meeting_kind=meeting.kind,
            team_id=chair_team_id,
            **answers,
        )
    else:
        changed = [name for name in _ANSWERS if getattr(check, name) != answers[name]]
        for name in changed:
            setattr(check, name, answers[name])
        if changed:
            check.save(update_fields=[*changed, "updated_at"])
    rows_changed = _rows_replace(check=check, rows=rows)
    if created or changed or rows_changed:
        meeting_event(
            meeting=meeting,
            by=by,
            code="quality_check_completed" if created else "quality_check_updated",
            detail=f"{len(rows)} agency report(s) rated",
        )
    return check


def _rows_replace(*, check: QualityCheck, rows: list[dict]) -> bool:
    existing = {row.agency: row for row in check.report_rows.all()}
    changed = False
    for row in rows:
        current = existing.pop(row["agency"], None)
        if current is None:
            QualityReportRow.objects.create(
                quality_check=check,
                agency=row["agency"],
                on_time=row["on_time"],
                quality=row["quality"],
                held_on=check.held_on,
                team_id=check.team_id,
            )
            changed = True
        elif (current.on_time, current.quality) != (row["on_time"], row["quality"]):
            current.on_time, current.quality = row["on_time"], row["quality"]
            current.save(update_fields=["on_time", "quality"])
            changed = True
    for stale in existing.values():
        # Deleted one by one so that simple-history records each removal.
        stale.delete()
        changed = True
    return changed


@transaction.atomic
def qa_meeting_record(
    *,
    by: User,
    held_on: date,
    concerns: str,
    team: Team | None = None,
    attendees: list[User] | None = None,
    other_attendees: str = "",
    decisions: str = "",
    escalations: str = "",
    escalated_dispute: Dispute | None = None,
    escalated_alert_id: int | None = None,
    today: date | None = None,
) -> QAMeeting:
    """Record a QA meeting with team managers; the recorder is an attendee."""
    if today is not None and held_on > today:
        raise DomainError("A QA meeting is recorded once it has been held.")
    if not concerns.strip():
        raise DomainError("Say which concerns were discussed.")
    qa_meeting = QAMeeting.objects.create(
        held_on=held_on,
        team=team,
        other_attendees=other_attendees.strip(),
        concerns=concerns.strip(),
        decisions=decisions.strip(),
        escalations=escalations.strip(),
        escalated_dispute=escalated_dispute,
        escalated_alert_id=escalated_alert_id,
        created_by=by,
    )
    qa_meeting.attendees.set({*(attendees or []), by})
    return qa_meeting


@transaction.atomic
def panel_referral_make(
    *,
    child: Child,
    by: User,
    panel: str,
    referred_on: date,
    reason: str,
    qa_meeting: QAMeeting | None = None,
    today: date | None = None,
) -> PanelReferral:
    """Record that the child's case was referred to a review panel."""
    if today is not None and referred_on > today:
        raise DomainError("The referral date cannot be in the future.")
    if not reason.strip():
        raise DomainError("Give the reason for the referral.")
    return PanelReferral.objects.create(
        child=child,
        panel=panel,
        referred_on=referred_on,
        reason=reason.strip(),
        qa_meeting=qa_meeting,
        referred_by=by,
    )


@transaction.atomic
def panel_referral_outcome_record(
    *, referral: PanelReferral, by: User, outcome: str, outcome_on: date
) -> PanelReferral:
    """Record (or correct) the panel's outcome; history keeps the earlier one."""
    if outcome_on < referral.referred_on:
        raise DomainError(
            "The outcome date cannot be before the referral "
            f"({referral.referred_on:%d/%m/%Y})."
        )
    if not outcome.strip():
        raise DomainError("Describe the panel's outcome.")
    referral = PanelReferral.objects.select_for_update().get(pk=referral.pk)
    referral.outcome, referral.outcome_on = outcome.strip(), outcome_on
    referral._change_reason = f"outcome recorded by {by}"
    referral.save(update_fields=["outcome", "outcome_on"])
    return referral


def _normalise_tag(tag: str) -> str:
    return re.sub(r"\s+", " ", tag).strip()


@transaction.atomic
def training_theme_tag(
    *,
    by: User,
    tag: str,
    noted_on: date,
    detail: str = "",
    team: Team | None = None,
) -> TrainingTheme:
    """Tag a training need drawn from the themes (free text, e.g. 'SMART plans')."""
    tag = _normalise_tag(tag)
    if not tag:
        raise DomainError("Give the training need a short tag.")
    return TrainingTheme.objects.create(
        tag=tag, detail=detail.strip(), team=team, noted_on=noted_on, tagged_by=by
    )
