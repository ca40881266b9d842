"""Reads for the chair's report (the review record), its PDFs and its distribution.

Record scope comes from meeting_list_visible_to; the rules below add who may read,
write, approve and distribute a meeting's record (DOMAIN.md A3).
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from dataclasses import dataclass
from datetime import date

from django.db.models import QuerySet
from django.utils import timezone

from accounts.models import User
from accounts.roles import Role

from .. import codes
from ..models import (
    Action,
    ChairReport,
    ChecklistItem,
    Distribution,
    Meeting,
    Participant,
)
from ..types import meeting_type
from .scheduling import meeting_list_visible_to, meeting_may_chair

__all__ = [
    "CONTENT_FIELDS",
    "RecordPanel",
    "StepTimeliness",
    "chair_report_content",
    "chair_report_content_current",
    "chair_report_content_hash",
    "chair_report_list_for_meeting",
    "chair_report_may_approve",
    "chair_report_may_distribute",
    "chair_report_may_read",
    "chair_report_may_write",
    "chair_report_pdf_context",
    "distribution_list_for_meeting",
    "distribution_recipient_choices",
    "record_meeting_get",
    "record_panel_context",
    "record_step_timeliness",
]

# The fields of a version that the chair writes; the content hash covers them.
CONTENT_FIELDS = (
    "summary",
    "child_views",
    "family_views",
    "discussion",
    "chair_view",
    "letter_to_child",
)

# How the letter to the child names the person who will do something.
_PLAIN_ROLE = {
    codes.ParticipantRole.CHILD: "you",
    codes.ParticipantRole.PARENT: "your parent",
    codes.ParticipantRole.CARER: "your carer",
    codes.ParticipantRole.SOCIAL_WORKER: "your social worker",
    codes.ParticipantRole.TEAM_MANAGER: "your social worker's manager",
    codes.ParticipantRole.SCHOOL: "your school",
    codes.ParticipantRole.HEALTH: "your nurse or doctor",
    codes.ParticipantRole.ADVOCATE: "your advocate",
    codes.ParticipantRole.INTERPRETER: "your interpreter",
    codes.ParticipantRole.INDEPENDENT_VISITOR: "your independent visitor",
}


# --- pure rules -----------------------------------------------------------------------


@dataclass(frozen=True)
class StepTimeliness:
    """Whether one step of the record (decisions, full record) is in time."""

    due_on: date | None
    done_on: date | None
    is_done: bool
    is_late: bool
    days_late: int
    text: str


def _days(n: int) -> str:
    return f"{n} day" if n == 1 else f"{n} days"


def record_step_timeliness(
    *, due_on: date | None, done_on: date | None, today: date, done_word: str = "Done"
) -> StepTimeliness:
    """Return how a record step stands against its due date (cic_decisions, cic_record).

    A step done on its due date is in time (DOMAIN.md A1); lateness is counted in
    calendar days after the due date.
    """
    if done_on is not None:
        days_late = max((done_on - due_on).days, 0) if due_on else 0
        when = f"{done_word} {done_on:%d/%m/%Y}"
        if due_on is None:
            return StepTimeliness(due_on, done_on, True, False, 0, when)
        if days_late:
            text = f"{when}: late by {_days(days_late)} (due by {due_on:%d/%m/%Y})"
        else:
            text = f"{when}: in time (due by {due_on:%d/%m/%Y})"
        return StepTimeliness(due_on, done_on, True, days_late > 0, days_late, text)
    if due_on is None:
        return StepTimeliness(None, None, False, False, 0, "No due date recorded")
    days_late = max((today - due_on).days, 0)
    if days_late:
        text = f"Late by {_days(days_late)} (was due by {due_on:%d/%m/%Y})"
    else:
        text = f"Due by {due_on:%d/%m/%Y}"
    return StepTimeliness(due_on, None, False, days_late > 0, days_late, text)


def chair_report_content(
    *, fields: dict[str, str], actions: list[dict[str, str]]
) -> dict:
    """Return the canonical content of a version: its written fields and decisions."""
    return {
        "fields": {name: fields.get(name, "") or "" for name in CONTENT_FIELDS},
        "decisions": [
            {
                "text": a["text"],
                "owner_name": a["owner_name"],
                "owner_role": a["owner_role"],
                "due_on": a["due_on"],
            }
            for a in actions
        ],
    }


def chair_report_content_hash(content: dict) -> str:
    """Return the SHA-256 (hex) of the canonical JSON of a version's content.

    Canonical: keys sorted, no insignificant whitespace, UTF-8, so the same content
    always gives the same hash whatever the order fields were typed in.
    """
    canonical = json.dumps(
        content, sort_keys=True, separators=(",", ":"), ensure_ascii=False
    )
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _action_rows(actions) -> list[dict[str, str]]:
    return [
        {
            "text": a.text,
            "owner_name": a.owner_name,
            "owner_role": a.owner_role,
            "due_on": a.due_on.isoformat(),
        }
        for a in actions
    ]


def chair_report_content_current(*, report: ChairReport) -> dict:
    """Return a version's canonical content with the meeting's decisions as they are now."""
    actions = Action.objects.filter(meeting_id=report.meeting_id).order_by(
        "due_on", "id"
    )
    fields = {name: getattr(report, name) for name in CONTENT_FIELDS}
    return chair_report_content(fields=fields, actions=_action_rows(actions))


# --- who may do what ---------------------------------------------------------------


def chair_report_may_read(*, user: User, meeting: Meeting) -> bool:
    """IROs and managers read records of meetings in scope; minute-takers do not."""
    return user.has_perm("meetings.chair_meeting") or user.has_perm(
        "meetings.approve_record"
    )


def chair_report_may_write(*, user: User, meeting: Meeting) -> bool:
    """Only the chair of the meeting writes, submits and amends its record."""
    return meeting_may_chair(user=user, meeting=meeting)


def chair_report_may_approve(*, user: User, meeting: Meeting) -> bool:
    """The chair of the meeting or a manager approves a submitted version."""
    return user.has_perm("meetings.approve_record") and (
        meeting.chair_id == user.pk or user.has_role(Role.MANAGER)
    )


def chair_report_may_distribute(*, user: User, meeting: Meeting) -> bool:
    """The chair of the meeting or a manager sends the approved record."""
    return user.has_perm("meetings.distribute_record") and (
        meeting.chair_id == user.pk or user.has_role(Role.MANAGER)
    )


# --- reads ----------------------------------------------------------------------------


def record_meeting_get(*, user: User, pk: int) -> Meeting:
    """Return one visible meeting with its child and chair, or raise DoesNotExist."""
    return (
        meeting_list_visible_to(user=user).select_related("child", "chair").get(pk=pk)
    )


def chair_report_list_for_meeting(*, meeting: Meeting) -> QuerySet[ChairReport]:
    """Return every version of a meeting's record, newest first, with its people."""
    return (
        ChairReport.objects.filter(meeting=meeting)
        .select_related("created_by", "submitted_by", "approved_by", "amends")
        .order_by("-version")
    )


def distribution_list_for_meeting(*, meeting: Meeting) -> QuerySet[Distribution]:
    """Return the distribution ledger of a meeting: every sending of every version."""
    return (
        Distribution.objects.filter(report__meeting=meeting)
        .select_related("report", "participant", "requested_by")
        .order_by("-report__version", "document", "recipient_name", "id")
    )


def distribution_recipient_choices(*, meeting: Meeting) -> list[Participant]:
    """Return the meeting's participants who receive the record, by role and name."""
    return list(
        Participant.objects.filter(meeting=meeting, receives_record=True).order_by(
            "role", "name"
        )
    )


@dataclass(frozen=True)
class RecordPanel:
    """What the record panel of a meeting shows and offers to one user."""

    meeting: Meeting
    is_held: bool
    latest: ChairReport | None
    working: ChairReport | None
    current: ChairReport | None
    versions_count: int
    may_read: bool
    can_start: bool
    can_edit: bool
    can_submit: bool
    can_approve: bool
    can_amend: bool
    can_render: bool
    can_distribute: bool
    is_rendered: bool
    decisions: StepTimeliness
    record: StepTimeliness
    sent: int
    pending: int
    failed: int


def record_panel_context(*, meeting: Meeting, user: User) -> dict:
    """Return the context of the record panel on the meeting page.

    Keys: `record_panel` (a RecordPanel) and `record` (the latest version or None).
    """
    reports = list(
        ChairReport.objects.filter(meeting=meeting)
        .select_related("submitted_by", "approved_by", "amends")
        .order_by("-version")
    )
    latest = reports[0] if reports else None
    working = next((r for r in reports if r.status in ("draft", "submitted")), None)
    current = next((r for r in reports if r.status == "approved"), None)
    may_read = chair_report_may_read(user=user, meeting=meeting)
    may_write = chair_report_may_write(user=user, meeting=meeting)
    may_approve = chair_report_may_approve(user=user, meeting=meeting)
    may_distribute = chair_report_may_distribute(user=user, meeting=meeting)
    status_counts: Counter[str] = Counter()
    if may_read and reports:
        status_counts.update(
            Distribution.objects.filter(report__meeting=meeting).values_list(
                "status", flat=True
            )
        )
    is_held = meeting.status == Meeting.Status.HELD
    today = timezone.localdate()
    panel = RecordPanel(
        meeting=meeting,
        is_held=is_held,
        latest=latest if may_read else None,
        working=working if may_read else None,
        current=current if may_read else None,
        versions_count=len(reports) if may_read else 0,
        may_read=may_read,
        can_start=may_write and is_held and not reports,
        can_edit=may_write and working is not None and working.status == "draft",
        can_submit=may_write and working is not None and working.status == "draft",
        can_approve=may_approve
        and working is not None
        and working.status == "submitted",
        can_amend=may_write and working is None and current is not None,
        can_render=may_approve and current is not None and current.rendered_at is None,
        can_distribute=may_distribute and current is not None,
        is_rendered=current is not None and current.rendered_at is not None,
        decisions=record_step_timeliness(
            due_on=meeting.decisions_due_on,
            done_on=meeting.decisions_circulated_on,
            today=today,
            done_word="Circulated",
        ),
        record=record_step_timeliness(
            due_on=meeting.record_due_on,
            done_on=meeting.record_distributed_on,
            today=today,
            done_word="Distributed",
        ),
        sent=status_counts[Distribution.Status.SENT],
        pending=status_counts[Distribution.Status.PENDING],
        failed=status_counts[Distribution.Status.FAILED],
    )
    return {"record_panel": panel, "record": panel.latest}


@dataclass(frozen=True)
class DecisionLine:
    text: str
    owner_name: str
    owner_role: str
    owner_plain: str
    due_on: date


def chair_report_pdf_context(*, report_id: int) -> dict:
    """Return everything the record and letter templates show, so they run no queries.

    `computed_hash` is the hash of the content as it will be printed, for the
    renderer to compare with the hash fixed at approval.
    """
    report = ChairReport.objects.select_related(
        "meeting__child", "meeting__chair", "approved_by", "submitted_by"
    ).get(pk=report_id)
    meeting = report.meeting
    child = meeting.child
    spec = meeting_type(meeting.kind)
    actions = list(Action.objects.filter(meeting=meeting).order_by("due_on", "id"))
    participants = list(
        Participant.objects.filter(meeting=meeting).order_by("role", "name")
    )
    checklist = list(ChecklistItem.objects.filter(meeting=meeting).order_by("id"))
    fields = {name: getattr(report, name) for name in CONTENT_FIELDS}
    content = chair_report_content(fields=fields, actions=_action_rows(actions))
    decisions = [
        DecisionLine(
            text=a.text,
            owner_name=a.owner_name,
            owner_role=a.get_owner_role_display() if a.owner_role else "",
            owner_plain=_PLAIN_ROLE.get(a.owner_role, ""),
            due_on=a.due_on,
        )
        for a in actions
    ]
    approved_by = report.approved_by
    chair = meeting.chair
    return {
        "title": spec.record_title,
        "chair_title": spec.chair_title,
        "report": {
            "version": report.version,
            "status": report.get_status_display(),
            "amendment_reason": report.amendment_reason,
            "approved_at": report.approved_at,
            "approved_by": str(approved_by) if approved_by else "",
            "submitted_at": report.submitted_at,
            "content_hash": report.content_hash,
            **fields,
        },
        "meeting": {
            "label": spec.label,
            "sequence": meeting.sequence,
            "held_on": meeting.held_on,
            "due_on": meeting.due_on,
            "venue": meeting.venue,
            "is_online": meeting.is_online,
            "chair": str(chair) if chair else "",
            "participation": meeting.get_participation_code_display(),
            "care_plan_view": meeting.get_care_plan_view_display(),
        },
        "child": {
            "full_name": child.full_name,
            "known_as": child.known_as,
            "la_child_id": child.la_child_id,
            "date_of_birth": child.date_of_birth,
        },
        "participants": [
            {
                "name": p.name,
                "role": p.get_role_display(),
                "organisation": p.organisation,
                "attendance": p.get_attendance_display(),
            }
            for p in participants
        ],
        "checklist": [
            {
                "topic": c.get_topic_display(),
                "considered": c.considered,
                "notes": c.notes,
            }
            for c in checklist
        ],
        "sections": [
            (ChairReport._meta.get_field(name).verbose_name, fields[name])
            for name in CONTENT_FIELDS
            if name != "letter_to_child"
        ],
        "decisions": decisions,
        "has_written_letter": bool(report.letter_to_child.strip()),
        "computed_hash": chair_report_content_hash(content),
    }
