"""Booking, holding, adjourning and recording Children in Care reviews."""

from __future__ import annotations

from datetime import date, datetime

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from accounts.roles import Role
from cases import selectors as case_selectors
from cases.errors import DomainError
from cases.models import Child
from cases.timescales import cic_review_rule

from .. import codes, workflow
from ..events import meeting_event
from ..models import (
    Action,
    ChecklistItem,
    ConsultationResponse,
    ExpectedReport,
    Meeting,
    Participant,
    Rebooking,
)
from ..selectors import child_review_due
from ..types import checklist_topics, meeting_type

__all__ = [
    "action_add",
    "action_update",
    "checklist_update",
    "consultation_add",
    "expected_report_update",
    "meeting_adjourn",
    "meeting_cancel",
    "meeting_hold",
    "participant_add",
    "participant_update",
    "review_book",
    "review_rebook",
]


def _set_user(instance, user):
    instance._history_user = user


def _lock_meeting(meeting: Meeting) -> Meeting:
    return (
        Meeting.objects.select_for_update().select_related("child").get(pk=meeting.pk)
    )


def _check_move(meeting: Meeting, new: str) -> None:
    if not workflow.can_move(workflow.MEETING_TRANSITIONS, meeting.status, new):
        raise DomainError(
            f"A meeting that is {meeting.get_status_display().lower()} cannot be "
            f"marked {Meeting.Status(new).label.lower()}."
        )


def _prepare(meeting: Meeting, by: User) -> None:
    """Create the checklist and expected reports the meeting type declares."""
    spec = meeting_type(meeting.kind)
    age = workflow.age_on(meeting.child.date_of_birth, meeting.due_on)
    ChecklistItem.objects.bulk_create(
        [
            ChecklistItem(meeting=meeting, topic=t)
            for t in checklist_topics(meeting.kind, child_age=age)
        ],
        ignore_conflicts=True,
    )
    if not meeting.expected_reports.exists():
        ExpectedReport.objects.bulk_create(
            [
                ExpectedReport(meeting=meeting, kind=kind)
                for kind in spec.expected_reports
            ]
        )


@transaction.atomic
def review_book(
    *,
    child: Child,
    booked_by: User,
    scheduled_for: datetime,
    venue: str = "",
    is_online: bool = False,
    online_details: str = "",
    chair: User | None = None,
    is_early: bool = False,
    early_reason: str = "",
) -> Meeting:
    """Book the child's next Children in Care review; its due date never moves."""
    child = Child.objects.select_for_update().get(pk=child.pk)
    if chair is not None and not chair.has_role(Role.IRO):
        raise DomainError("The chair of a Children in Care review must be an IRO.")
    if is_early and not early_reason:
        raise DomainError("Say why the review is being held early.")
    if not venue.strip() and not is_online:
        raise DomainError("Give a venue, or mark the review as online.")
    due = child_review_due(child=child, clock=case_selectors.clock_get())
    if due is None:
        raise DomainError(
            "The child is not looked after now, or the next review of this period of "
            "care is already held; there is no review to book."
        )
    meeting = due.meeting
    if meeting is not None and meeting.scheduled_for is not None:
        raise DomainError("The next review is already booked: rebook it instead.")
    if meeting is None:
        # A review left open from an earlier period of care is no longer owed.
        for stale in Meeting.objects.filter(
            child=child,
            kind=Meeting.Kind.CIC_REVIEW,
            status__in=[Meeting.Status.SCHEDULED, Meeting.Status.ADJOURNED],
        ).exclude(period_start=due.period_start):
            stale.status = Meeting.Status.CANCELLED
            stale.cancelled_reason = "The period of care it belonged to ended."
            _set_user(stale, booked_by)
            stale.save()
            meeting_event(
                meeting=stale,
                by=booked_by,
                code="cancelled",
                detail=stale.cancelled_reason,
            )
        meeting = Meeting(
            kind=Meeting.Kind.CIC_REVIEW,
            child=child,
            period_start=due.period_start,
            sequence=due.sequence,
            due_rule=due.explanation.rule.code,
            due_start_on=due.explanation.start,
            due_on=due.due_on,
            created_by=booked_by,
        )
    meeting.scheduled_for = scheduled_for
    meeting.venue = venue.strip()
    meeting.is_online = is_online
    meeting.online_details = online_details.strip()
    meeting.chair = chair or meeting.chair or _allocated_iro(child)
    meeting.is_early = is_early
    meeting.early_reason = early_reason
    _set_user(meeting, booked_by)
    meeting.full_clean()
    meeting.save()
    _prepare(meeting, booked_by)
    local = timezone.localtime(scheduled_for)
    meeting_event(
        meeting=meeting,
        by=booked_by,
        code="booked",
        detail=f"Booked for {local:%d/%m/%Y %H:%M}; due by {meeting.due_on:%d/%m/%Y}.",
    )
    return meeting


def _allocated_iro(child: Child) -> User | None:
    allocation = (
        child.allocations.filter(role="iro", ended_on__isnull=True)
        .select_related("worker")
        .first()
    )
    return allocation.worker if allocation else None


@transaction.atomic
def review_rebook(
    *, meeting: Meeting, rebooked_by: User, scheduled_for: datetime, reason: str
) -> Meeting:
    """Move a booked meeting to a new time, keeping its due date (DOMAIN.md A1)."""
    meeting = _lock_meeting(meeting)
    if not meeting.is_open:
        raise DomainError("Only a scheduled or adjourned meeting can be rebooked.")
    if not reason.strip():
        raise DomainError("Give the reason for rebooking.")
    Rebooking.objects.create(
        meeting=meeting,
        from_datetime=meeting.scheduled_for,
        to_datetime=scheduled_for,
        reason=reason.strip(),
        by=rebooked_by,
    )
    meeting.scheduled_for = scheduled_for
    _set_user(meeting, rebooked_by)
    meeting.save()
    local = timezone.localtime(scheduled_for)
    meeting_event(
        meeting=meeting,
        by=rebooked_by,
        code="rebooked",
        detail=f"Rebooked to {local:%d/%m/%Y %H:%M}: {reason.strip()}",
    )
    return meeting


@transaction.atomic
def meeting_hold(
    *,
    meeting: Meeting,
    held_by: User,
    held_on: date,
    participation_code: str,
    child_seen_by_chair: bool | None = None,
    advocate_offered: bool | None = None,
    interpreter_used: bool | None = None,
    care_plan_view: str = "",
) -> Meeting:
    """Record that a review was held; start the record clocks and owe the next review.

    An adjourned review keeps its first sitting as the review date (DOMAIN.md
    CIC-07 default) and records `held_on` as the date it reconvened.
    """
    meeting = _lock_meeting(meeting)
    if meeting.kind != Meeting.Kind.CIC_REVIEW:
        raise DomainError("Record this meeting on its own page.")
    _check_move(meeting, Meeting.Status.HELD)
    if held_on > timezone.localdate():
        raise DomainError("A review cannot be recorded as held on a future date.")
    child = meeting.child
    if meeting.status == Meeting.Status.ADJOURNED:
        if held_on < meeting.adjourned_on:
            raise DomainError("The review cannot reconvene before it was adjourned.")
        meeting.reconvened_on = held_on
        review_on = meeting.adjourned_on
    else:
        review_on = held_on
    problem = workflow.participation_code_problem(
        code=participation_code, review_on=review_on, date_of_birth=child.date_of_birth
    )
    if problem:
        raise DomainError(problem)
    clock = case_selectors.clock_get()
    spec = meeting_type(meeting.kind)
    meeting.status = Meeting.Status.HELD
    meeting.held_on = review_on
    meeting.participation_code = participation_code
    meeting.child_seen_by_chair = child_seen_by_chair
    meeting.advocate_offered = advocate_offered
    meeting.interpreter_used = interpreter_used
    meeting.care_plan_view = care_plan_view
    meeting.decisions_due_on = clock.due(spec.decisions_rule, held_on).due
    meeting.record_due_on = clock.due(spec.record_rule, held_on).due
    _set_user(meeting, held_by)
    meeting.full_clean()
    meeting.save()
    meeting_event(
        meeting=meeting,
        by=held_by,
        code="held",
        detail=f"Held on {review_on:%d/%m/%Y} ({participation_code}).",
    )
    if meeting.period_start and meeting.period_start.ended_on is None:
        sequence = meeting.sequence + 1
        code = cic_review_rule(
            sequence=sequence, is_short_break=meeting.period_start.is_short_break
        )
        following = Meeting.objects.create(
            kind=meeting.kind,
            child=child,
            period_start=meeting.period_start,
            sequence=sequence,
            due_rule=code,
            due_start_on=review_on,
            due_on=clock.due(code, review_on).due,
            chair=meeting.chair,
            created_by=held_by,
        )
        meeting_event(
            meeting=following,
            by=held_by,
            code="due",
            detail=f"Owed after review {meeting.sequence} held on {review_on:%d/%m/%Y}.",
        )
    return meeting


@transaction.atomic
def meeting_adjourn(
    *, meeting: Meeting, adjourned_by: User, sitting_on: date, reason: str
) -> Meeting:
    """Adjourn a review once, for at most 20 working days (reg 36(2))."""
    meeting = _lock_meeting(meeting)
    if meeting.kind != Meeting.Kind.CIC_REVIEW:
        raise DomainError("Record this meeting on its own page.")
    _check_move(meeting, Meeting.Status.ADJOURNED)
    if meeting.adjourned_on is not None:
        raise DomainError("A review may be adjourned only once.")
    if sitting_on > timezone.localdate():
        raise DomainError("The sitting being adjourned cannot be in the future.")
    if not reason.strip():
        raise DomainError("Say what information is missing.")
    spec = meeting_type(meeting.kind)
    meeting.status = Meeting.Status.ADJOURNED
    meeting.adjourned_on = sitting_on
    meeting.reconvene_due_on = (
        case_selectors.clock_get().due(spec.reconvene_rule, sitting_on).due
    )
    _set_user(meeting, adjourned_by)
    meeting.save()
    meeting_event(
        meeting=meeting,
        by=adjourned_by,
        code="adjourned",
        detail=f"Adjourned on {sitting_on:%d/%m/%Y}: {reason.strip()}; reconvene by "
        f"{meeting.reconvene_due_on:%d/%m/%Y}.",
    )
    return meeting


@transaction.atomic
def meeting_cancel(*, meeting: Meeting, cancelled_by: User, reason: str) -> Meeting:
    """Cancel a booking. The review stays owed: a new booking keeps the due date."""
    meeting = _lock_meeting(meeting)
    _check_move(meeting, Meeting.Status.CANCELLED)
    if not reason.strip():
        raise DomainError("Give the reason for cancelling.")
    meeting.scheduled_for = None
    meeting.venue = ""
    _set_user(meeting, cancelled_by)
    meeting.save()
    Rebooking.objects.create(
        meeting=meeting,
        to_datetime=timezone.now(),
        reason=f"Cancelled: {reason.strip()}",
        by=cancelled_by,
    )
    meeting_event(
        meeting=meeting,
        by=cancelled_by,
        code="booking_cancelled",
        detail=reason.strip(),
    )
    return meeting


# --- before and at the review --------------------------------------------------------

PARTICIPANT_FIELDS = (
    "name",
    "role",
    "organisation",
    "email",
    "invited_on",
    "attendance",
    "exclusion_reason",
    "receives_record",
    "key_person",
)


@transaction.atomic
def participant_add(*, meeting: Meeting, added_by: User, **data) -> Participant:
    """Invite someone to the meeting."""
    participant = Participant(
        meeting=meeting, **{k: v for k, v in data.items() if k in PARTICIPANT_FIELDS}
    )
    if participant.invited_on is None:
        participant.invited_on = timezone.localdate()
    _set_user(participant, added_by)
    participant.full_clean()
    participant.save()
    meeting_event(meeting=meeting, by=added_by, code="invited", detail=str(participant))
    return participant


@transaction.atomic
def participant_update(
    *, participant: Participant, updated_by: User, **data
) -> Participant:
    """Change an invitation or record attendance."""
    for key, value in data.items():
        if key in PARTICIPANT_FIELDS:
            setattr(participant, key, value)
    if (
        participant.attendance == codes.Attendance.EXCLUDED_PART
        and not participant.exclusion_reason.strip()
    ):
        raise DomainError(
            "Record why the person was excluded from part of the meeting."
        )
    _set_user(participant, updated_by)
    participant.full_clean()
    participant.save()
    return participant


@transaction.atomic
def expected_report_update(
    *, report: ExpectedReport, updated_by: User, **data
) -> ExpectedReport:
    """Record who writes a report and when it was requested, received or shared."""
    for key in ("author", "requested_on", "received_on", "shared_with_parents_on"):
        if key in data:
            setattr(report, key, data[key])
    _set_user(report, updated_by)
    report.save()
    return report


@transaction.atomic
def consultation_add(
    *, meeting: Meeting, recorded_by: User, **data
) -> ConsultationResponse:
    """Record the views of the child, a parent or a carer gathered before the review."""
    response = ConsultationResponse(meeting=meeting, recorded_by=recorded_by, **data)
    _set_user(response, recorded_by)
    response.full_clean()
    response.save()
    meeting_event(
        meeting=meeting,
        by=recorded_by,
        code="consulted",
        detail=f"Views of {response.name} ({response.get_from_role_display()})",
    )
    return response


@transaction.atomic
def checklist_update(
    *, meeting: Meeting, updated_by: User, items: dict[int, dict]
) -> None:
    """Record, per topic, whether the review considered it and what it said."""
    for item in meeting.checklist.select_for_update():
        if item.pk in items:
            item.considered = bool(items[item.pk].get("considered"))
            item.notes = items[item.pk].get("notes", "")
            _set_user(item, updated_by)
            item.save()


@transaction.atomic
def action_add(*, meeting: Meeting, added_by: User, **data) -> Action:
    """Record a decision or action with its owner and due date."""
    action = Action(meeting=meeting, child_id=meeting.child_id, **data)
    _set_user(action, added_by)
    action.full_clean()
    action.save()
    return action


@transaction.atomic
def action_update(*, action: Action, updated_by: User, **data) -> Action:
    """Change an action, or mark it done (with the date) or no longer needed."""
    for key in (
        "text",
        "owner_name",
        "owner_role",
        "owner_email",
        "due_on",
        "status",
        "completed_on",
        "completion_note",
    ):
        if key in data:
            setattr(action, key, data[key])
    if action.status == Action.Status.DONE and action.completed_on is None:
        action.completed_on = timezone.localdate()
    if action.status != Action.Status.DONE:
        action.completed_on = None
    _set_user(action, updated_by)
    action.full_clean()
    action.save()
    return action
