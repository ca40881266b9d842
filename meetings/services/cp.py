"""Child protection and the other chaired meetings: strategy discussions, owed and
arranged meetings, conference outcomes, exclusions, the minute-taker's minutes,
and the sendings of the outline plan and minutes.

Workflow of the minutes (meetings.workflow.MINUTES_TRANSITIONS): the minute-taker
drafts and submits; the chair edits, then approves or returns; an approved version
is superseded when an amended one is approved. Every step logs a meeting event in
the same transaction. Due dates come only from cases.selectors.clock_get().
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import partial

from django.core.files.base import ContentFile
from django.core.mail import EmailMessage
from django.db import OperationalError, transaction
from django.db.models import Max
from django.utils import timezone

from accounts.models import User
from accounts.roles import Role
from cases import selectors as case_selectors
from cases import services as case_services
from cases.errors import DomainError
from cases.models import Child, CPPlanEpisode

from .. import codes, tasks, workflow
from ..events import meeting_event
from ..models import (
    ConferenceChild,
    ConferenceSending,
    Exclusion,
    ExpectedReport,
    Meeting,
    Minutes,
    MinutesSection,
    Participant,
    StrategyDiscussion,
)
from ..selectors.cp import (
    CONFERENCE_KINDS,
    minutes_content_current,
    minutes_may_approve,
    minutes_may_distribute,
    minutes_may_edit,
    minutes_may_start,
    minutes_pdf_context,
    minutes_role,
    outline_plan_context,
    rule_is_known,
)
from ..selectors.records import chair_report_content_hash
from ..selectors.scheduling import meeting_may_chair, meeting_may_schedule
from ..types import meeting_type

__all__ = [
    "ConferenceRecipient",
    "MinutesConflict",
    "conference_hold",
    "cp_meeting_book",
    "cp_meeting_close",
    "cp_meeting_hold",
    "cp_sending_mark_sent",
    "cp_sending_resend",
    "cp_sending_send",
    "exclusion_record",
    "expected_report_request",
    "meeting_arrange",
    "minute_taker_assign",
    "minutes_amend",
    "minutes_approve",
    "minutes_distribution_request",
    "minutes_render",
    "minutes_return",
    "minutes_save",
    "minutes_start",
    "minutes_submit",
    "outline_plan_request",
    "strategy_discussion_record",
    "transfer_in_record",
]

logger = logging.getLogger(__name__)

# A save of the minutes is logged on the meeting at most this often per person:
# autosave saves every few seconds, and every change is kept by the history.
_SAVE_EVENT_EVERY = timedelta(minutes=15)


class MinutesConflict(DomainError):
    """Someone saved the minutes after this editor read them; nothing was saved.

    Carries the sections as they are now saved, so both texts can be shown.
    """

    def __init__(
        self,
        *,
        current: dict[int, dict],
        lock_version: int,
        saved_by: str,
        saved_at: datetime | None,
    ):
        self.current = current
        self.lock_version = lock_version
        self.saved_by = saved_by
        self.saved_at = saved_at
        super().__init__(
            f"{saved_by or 'Someone'} saved these minutes after you opened them, so "
            "your changes were not saved. Compare the two texts, then save again to "
            "replace the saved text with yours."
        )


@dataclass(frozen=True)
class ConferenceRecipient:
    """Someone chosen to receive the outline plan or the minutes."""

    name: str
    audience: str
    channel: str = ConferenceSending.Channel.EMAIL
    email: str = ""
    participant: Participant | None = None

    @property
    def key(self) -> str:
        if self.channel == ConferenceSending.Channel.EMAIL:
            return self.email.strip().lower()
        return self.name.strip()


def _set_user(instance, user: User | None) -> None:
    # simple-history reads this attribute when it writes the historical row.
    instance._history_user = user


def _require(allowed: bool, message: str) -> None:
    if not allowed:
        raise DomainError(message)


def _lock_meeting(meeting: Meeting) -> Meeting:
    return (
        Meeting.objects.select_for_update(of=("self",))
        .select_related("child", "chair", "minute_taker")
        .get(pk=meeting.pk)
    )


def _check_move(meeting: Meeting, new: str) -> None:
    if not workflow.can_move(workflow.MEETING_TRANSITIONS, meeting.status, new):
        raise DomainError(
            f"A meeting that is {meeting.get_status_display().lower()} cannot be "
            f"marked {Meeting.Status(new).label.lower()}."
        )


def _clean(meeting: Meeting) -> None:
    # A meeting of a kind without a timescale has no rule code (see types.py).
    meeting.full_clean(exclude=[] if meeting.due_rule else ["due_rule"])


def _not_future(day: date, what: str) -> None:
    if day > timezone.localdate():
        raise DomainError(f"{what} cannot be in the future.")


def _allocated_iro(child: Child) -> User | None:
    allocation = (
        child.allocations.filter(role="iro", ended_on__isnull=True)
        .select_related("worker")
        .first()
    )
    return allocation.worker if allocation else None


def _family(child: Child, other_children: Sequence[Child]) -> list[Child]:
    family = [child]
    for other in other_children:
        if other.pk not in {c.pk for c in family}:
            family.append(other)
    return family


def _prepare_reports(meeting: Meeting) -> None:
    if meeting.expected_reports.exists():
        return
    for kind in meeting.spec.expected_reports:
        ExpectedReport.objects.create(meeting=meeting, kind=kind)


def _owe(
    *,
    kind: str,
    children: Sequence[Child],
    sequence: int,
    code: str,
    start: date,
    by: User | None,
    chair: User | None = None,
    follows: Meeting | None = None,
    transferred_from: str = "",
) -> Meeting:
    """Create the owed (not yet booked) meeting of a family, due by rule `code`."""
    spec = meeting_type(kind)
    for child in children:
        already = (
            Meeting.objects.filter(kind=kind, status__in=["scheduled", "adjourned"])
            .filter(cp_children__child=child)
            .first()
        )
        if (
            already is not None
            or Meeting.objects.filter(
                kind=kind, child=child, status__in=["scheduled", "adjourned"]
            ).exists()
        ):
            raise DomainError(
                f"{child.full_name} already has an open {spec.label.lower()}."
            )
    due = case_selectors.clock_get().due(code, start)
    meeting = Meeting(
        kind=kind,
        child=children[0],
        sequence=sequence,
        due_rule=code,
        due_start_on=start,
        due_on=due.due,
        chair=chair,
        created_by=by,
        follows=follows,
    )
    _set_user(meeting, by)
    meeting.save()
    for child in children:
        # A review conference or core group is about the child's current plan.
        plan = (
            child.cp_plans.filter(ended_on__isnull=True).first()
            if kind in (Meeting.Kind.RCPC, Meeting.Kind.CORE_GROUP)
            else None
        )
        row = ConferenceChild(
            meeting=meeting, child=child, transferred_from=transferred_from, plan=plan
        )
        _set_user(row, by)
        row.save()
    _prepare_reports(meeting)
    names = ", ".join(c.full_name for c in children)
    meeting_event(
        meeting=meeting,
        by=by,
        code="due",
        detail=f"{spec.label} for {names} owed by {due.due:%d/%m/%Y} "
        f"({code}, from {start:%d/%m/%Y}).",
    )
    return meeting


# --- strategy discussions and transfer-in notifications --------------------------------


@transaction.atomic
def strategy_discussion_record(
    *,
    child: Child,
    recorded_by: User,
    held_on: date,
    chaired_by: str,
    agencies_present: Sequence[str],
    decision: str,
    reasons: str,
    other_agencies: str = "",
    immediate_protection: bool = False,
    other_children: Sequence[Child] = (),
) -> StrategyDiscussion:
    """Record a strategy discussion; when section 47 enquiries start, the initial
    conference of every child it concerned is owed by cp_icpc (CP-02)."""
    _not_future(held_on, "The date of the strategy discussion")
    if not agencies_present and not other_agencies.strip():
        raise DomainError("Record which agencies took part.")
    unknown = set(agencies_present) - set(StrategyDiscussion.Agency.values)
    if unknown:
        raise DomainError(f"Unknown agency: {', '.join(sorted(unknown))}.")
    if not reasons.strip():
        raise DomainError("Record the concerns and the reasons for the decision.")
    family = _family(child, other_children)
    for member in family:
        if held_on < member.date_of_birth:
            raise DomainError(
                f"The discussion cannot be before {member.full_name} was born."
            )
    discussion = StrategyDiscussion(
        child=child,
        held_on=held_on,
        chaired_by=chaired_by.strip(),
        agencies_present=list(agencies_present),
        other_agencies=other_agencies.strip(),
        decision=decision,
        immediate_protection=immediate_protection,
        reasons=reasons.strip(),
        recorded_by=recorded_by,
    )
    _set_user(discussion, recorded_by)
    discussion.full_clean()
    discussion.save()
    discussion.children.set(family)
    if discussion.starts_section_47:
        conference = _owe(
            kind=Meeting.Kind.ICPC,
            children=family,
            sequence=1,
            code="cp_icpc",
            start=held_on,
            by=recorded_by,
            chair=_allocated_iro(child),
        )
        discussion.conference = conference
        discussion.save(update_fields=["conference"])
        meeting_event(
            meeting=conference,
            by=recorded_by,
            code="strategy_discussion",
            detail=f"Section 47 enquiries started at the strategy discussion on "
            f"{held_on:%d/%m/%Y} ({discussion.get_decision_display()}).",
        )
    return discussion


@transaction.atomic
def transfer_in_record(
    *,
    child: Child,
    recorded_by: User,
    notified_on: date,
    transferred_from: str,
    other_children: Sequence[Child] = (),
) -> Meeting:
    """Record notice that children on a plan elsewhere moved here; their transfer-in
    conference is owed by cp_transfer_in from the date of notification (CP-03)."""
    _not_future(notified_on, "The date of notification")
    if not transferred_from.strip():
        raise DomainError("Name the authority the children moved from.")
    family = _family(child, other_children)
    return _owe(
        kind=Meeting.Kind.TRANSFER_IN,
        children=family,
        sequence=1,
        code="cp_transfer_in",
        start=notified_on,
        by=recorded_by,
        chair=_allocated_iro(child),
        transferred_from=transferred_from.strip(),
    )


# --- booking and arranging -------------------------------------------------------------


def _check_people(
    *, chair: User | None, minute_taker: User | None, venue: str, is_online: bool
):
    if chair is not None and not chair.has_role(Role.IRO):
        raise DomainError("The chair must be an Independent Reviewing Officer.")
    if minute_taker is not None and not minute_taker.has_role(Role.MINUTE_TAKER):
        raise DomainError("The minute-taker must have the minute-taker role.")
    if not venue.strip() and not is_online:
        raise DomainError("Give a venue, or mark the meeting as online.")


@transaction.atomic
def cp_meeting_book(
    *,
    meeting: Meeting,
    booked_by: User,
    scheduled_for: datetime,
    venue: str = "",
    is_online: bool = False,
    online_details: str = "",
    chair: User | None = None,
    minute_taker: User | None = None,
) -> Meeting:
    """Book an owed meeting; its due date never moves (DOMAIN.md A1)."""
    meeting = _lock_meeting(meeting)
    _require(
        meeting_may_schedule(user=booked_by, meeting=meeting),
        "Only the chair or a manager can book this meeting.",
    )
    if not meeting.is_open:
        raise DomainError("Only an open meeting can be booked.")
    if meeting.scheduled_for is not None:
        raise DomainError("This meeting is already booked: rebook it instead.")
    _check_people(
        chair=chair, minute_taker=minute_taker, venue=venue, is_online=is_online
    )
    meeting.scheduled_for = scheduled_for
    meeting.venue = venue.strip()
    meeting.is_online = is_online
    meeting.online_details = online_details.strip()
    meeting.chair = (
        chair
        or meeting.chair
        or _allocated_iro(meeting.child)
        or (booked_by if booked_by.has_role(Role.IRO) else None)
    )
    meeting.minute_taker = minute_taker or meeting.minute_taker
    _set_user(meeting, booked_by)
    _clean(meeting)
    meeting.save()
    _prepare_reports(meeting)
    local = timezone.localtime(scheduled_for)
    meeting_event(
        meeting=meeting,
        by=booked_by,
        code="booked",
        detail=f"Booked for {local:%d/%m/%Y %H:%M}; due by {meeting.due_on:%d/%m/%Y}.",
    )
    return meeting


@transaction.atomic
def meeting_arrange(
    *,
    child: Child,
    arranged_by: User,
    kind: str,
    scheduled_for: datetime,
    venue: str = "",
    is_online: bool = False,
    online_details: str = "",
    chair: User | None = None,
    minute_taker: User | None = None,
    clock_start_on: date | None = None,
) -> Meeting:
    """Arrange one of the other chaired meetings (a foster carer review, an AIM
    meeting...) for a child. A kind with a clock is due by its first rule from
    `clock_start_on`; a kind without one is due on the day it is arranged for."""
    child = Child.objects.select_for_update().get(pk=child.pk)
    spec = meeting_type(kind)
    if not spec.can_arrange:
        raise DomainError(f"A {spec.label.lower()} is not arranged this way.")
    _check_people(
        chair=chair, minute_taker=minute_taker, venue=venue, is_online=is_online
    )
    if Meeting.objects.filter(
        child=child, kind=kind, status__in=["scheduled", "adjourned"]
    ).exists():
        raise DomainError(
            f"{child.full_name} already has an open {spec.label.lower()}: open it "
            "from the child's meetings."
        )
    local_day = timezone.localtime(scheduled_for).date()
    if rule_is_known(spec.first_rule):
        if clock_start_on is None:
            raise DomainError(f"Give the {spec.start_label.lower()}.")
        _not_future(clock_start_on, spec.start_label)
        due = case_selectors.clock_get().due(spec.first_rule, clock_start_on)
        code, start, due_on = spec.first_rule, clock_start_on, due.due
    else:
        code, start, due_on = "", local_day, local_day
    sequence = Meeting.objects.filter(child=child, kind=kind).count() + 1
    meeting = Meeting(
        kind=kind,
        child=child,
        sequence=sequence,
        due_rule=code,
        due_start_on=start,
        due_on=due_on,
        scheduled_for=scheduled_for,
        venue=venue.strip(),
        is_online=is_online,
        online_details=online_details.strip(),
        chair=chair
        or _allocated_iro(child)
        or (arranged_by if arranged_by.has_role(Role.IRO) else None),
        minute_taker=minute_taker,
        created_by=arranged_by,
    )
    _set_user(meeting, arranged_by)
    _clean(meeting)
    meeting.save()
    _prepare_reports(meeting)
    meeting_event(
        meeting=meeting,
        by=arranged_by,
        code="arranged",
        detail=f"Arranged for {timezone.localtime(scheduled_for):%d/%m/%Y %H:%M}"
        + (f"; due by {due_on:%d/%m/%Y} ({code})." if code else "."),
    )
    return meeting


@transaction.atomic
def minute_taker_assign(
    *, meeting: Meeting, by: User, minute_taker: User | None
) -> Meeting:
    """Assign (or remove) the minute-taker; only they, of the minute-takers, see it."""
    meeting = _lock_meeting(meeting)
    _require(
        meeting_may_schedule(user=by, meeting=meeting),
        "Only the chair or a manager can assign the minute-taker.",
    )
    if meeting.status == Meeting.Status.CANCELLED:
        raise DomainError("The meeting is cancelled.")
    if minute_taker is not None and not minute_taker.has_role(Role.MINUTE_TAKER):
        raise DomainError("The minute-taker must have the minute-taker role.")
    meeting.minute_taker = minute_taker
    _set_user(meeting, by)
    meeting.save(update_fields=["minute_taker"])
    meeting_event(
        meeting=meeting,
        by=by,
        code="minute_taker_assigned",
        detail=str(minute_taker) if minute_taker else "No minute-taker",
    )
    return meeting


@transaction.atomic
def cp_meeting_close(*, meeting: Meeting, by: User, reason: str) -> Meeting:
    """Close an owed meeting that is no longer needed (e.g. section 47 enquiries
    concluded that no conference is required), saying why."""
    meeting = _lock_meeting(meeting)
    _require(
        meeting_may_schedule(user=by, meeting=meeting),
        "Only the chair or a manager can close this meeting.",
    )
    _check_move(meeting, Meeting.Status.CANCELLED)
    if meeting.scheduled_for is not None:
        raise DomainError("Cancel the booking first, then close the meeting.")
    reason = reason.strip()
    if not reason:
        raise DomainError("Say why the meeting is no longer needed.")
    meeting.status = Meeting.Status.CANCELLED
    meeting.cancelled_reason = reason[:300]
    _set_user(meeting, by)
    meeting.save(update_fields=["status", "cancelled_reason"])
    meeting_event(meeting=meeting, by=by, code="closed", detail=reason)
    return meeting


# --- holding ---------------------------------------------------------------------------


def _record_clocks(meeting: Meeting, held_on: date) -> None:
    clock = case_selectors.clock_get()
    spec = meeting.spec
    meeting.decisions_due_on = (
        clock.due(spec.decisions_rule, held_on).due
        if rule_is_known(spec.decisions_rule)
        else None
    )
    meeting.record_due_on = (
        clock.due(spec.record_rule, held_on).due
        if rule_is_known(spec.record_rule)
        else None
    )


def _open_plan(child: Child) -> CPPlanEpisode | None:
    return (
        CPPlanEpisode.objects.select_for_update()
        .filter(child=child, ended_on__isnull=True)
        .first()
    )


def _apply_outcome(
    row: ConferenceChild, data: dict, *, held_on: date, by: User
) -> None:
    child = row.child
    outcome = data["outcome"]
    row.outcome = outcome
    row.category = data.get("category", "") if outcome in ("plan", "continue") else ""
    row.alternative = (
        data.get("alternative", "") if outcome in ("no_plan", "end") else ""
    )
    row.end_reason = data.get("end_reason", "") if outcome == "end" else ""
    row.dissent = data.get("dissent", "").strip()
    try:
        if outcome == "plan":
            # The plan starts on the conference date (CP-04).
            row.plan = case_services.cp_plan_start(
                child=child, started_by=by, started_on=held_on, category=row.category
            )
        elif outcome in ("continue", "end"):
            plan = _open_plan(child)
            if plan is None:
                raise DomainError("there is no open child protection plan to review.")
            if outcome == "continue" and plan.latest_category != row.category:
                case_services.cp_plan_update(
                    plan=plan, updated_by=by, latest_category=row.category
                )
            if outcome == "end":
                case_services.cp_plan_end(
                    plan=plan,
                    ended_by=by,
                    ended_on=held_on,
                    end_reason=row.end_reason,
                )
            row.plan = plan
    except DomainError as exc:
        raise DomainError(f"{child.full_name}: {exc}") from exc
    _set_user(row, by)
    row.full_clean()
    row.save()


def _end_core_groups(children: list[Child], *, held_on: date, by: User) -> None:
    """Take children whose plan ended out of their open core group; close a core
    group left with no child on a plan."""
    ids = {c.pk for c in children}
    group_ids = ConferenceChild.objects.filter(
        child_id__in=ids,
        meeting__kind=Meeting.Kind.CORE_GROUP,
        meeting__status__in=["scheduled", "adjourned"],
    ).values("meeting_id")
    groups = Meeting.objects.select_for_update(of=("self",)).filter(pk__in=group_ids)
    for group in groups:
        rows = list(group.cp_children.all())
        leaving = [r for r in rows if r.child_id in ids]
        if len(leaving) == len(rows):
            group.status = Meeting.Status.CANCELLED
            group.scheduled_for = None
            group.cancelled_reason = (
                f"The plans ended at the review conference on {held_on:%d/%m/%Y}."
            )
            _set_user(group, by)
            group.save()
            meeting_event(
                meeting=group, by=by, code="closed", detail=group.cancelled_reason
            )
            continue
        for row in leaving:
            _set_user(row, by)
            row.delete()


@transaction.atomic
def conference_hold(
    *, meeting: Meeting, held_by: User, held_on: date, outcomes: dict[int, dict]
) -> Meeting:
    """Record a conference as held with each child's outcome.

    A new plan starts on the conference date (cases.services.cp_plan_start) and
    owes the first core group (cp_core_group_1) and first review conference
    (cp_rcpc_1); a review conference continues a plan (its category may change),
    ends it, and owes the next review (cp_rcpc_n) while any child stays on a plan.
    The outline plan and minutes clocks start (cp_outline_plan, cp_minutes).
    `outcomes` maps a child's id to outcome, category, alternative, end_reason and
    dissent.
    """
    meeting = _lock_meeting(meeting)
    spec = meeting.spec
    if not spec.is_conference:
        raise DomainError("Only a conference records outcomes for each child.")
    _require(
        meeting_may_chair(user=held_by, meeting=meeting),
        "Only the chair of this conference can record it as held.",
    )
    _check_move(meeting, Meeting.Status.HELD)
    _not_future(held_on, "The date held")
    if held_on < meeting.due_start_on:
        raise DomainError(
            f"The conference cannot be held before {meeting.due_start_on:%d/%m/%Y}, "
            "when its clock started."
        )
    rows = list(
        ConferenceChild.objects.select_for_update(of=("self",))
        .filter(meeting=meeting)
        .select_related("child")
        .order_by("id")
    )
    if not rows:
        raise DomainError("This conference is not about any child.")
    for row in rows:
        data = outcomes.get(row.child_id) or {}
        problem = workflow.conference_outcome_problem(
            allowed=spec.outcomes,
            outcome=data.get("outcome", ""),
            category=data.get("category", ""),
            alternative=data.get("alternative", ""),
            end_reason=data.get("end_reason", ""),
        )
        if problem:
            raise DomainError(f"{row.child.full_name}: {problem[1]}")
    for row in rows:
        _apply_outcome(row, outcomes[row.child_id], held_on=held_on, by=held_by)
    meeting.status = Meeting.Status.HELD
    meeting.held_on = held_on
    _record_clocks(meeting, held_on)
    _set_user(meeting, held_by)
    _clean(meeting)
    meeting.save()
    summary = "; ".join(
        f"{r.child.full_name}: {r.get_outcome_display()}"
        + (f" ({r.get_category_display()})" if r.category else "")
        for r in rows
    )
    meeting_event(
        meeting=meeting,
        by=held_by,
        code="held",
        detail=f"Held on {held_on:%d/%m/%Y}. {summary}",
    )
    on_plan = [r.child for r in rows if r.outcome in ("plan", "continue")]
    ended = [r.child for r in rows if r.outcome == "end"]
    if ended:
        _end_core_groups(ended, held_on=held_on, by=held_by)
    if not on_plan:
        return meeting
    if meeting.kind == Meeting.Kind.RCPC:
        _owe(
            kind=Meeting.Kind.RCPC,
            children=on_plan,
            sequence=meeting.sequence + 1,
            code="cp_rcpc_n",
            start=held_on,
            by=held_by,
            chair=meeting.chair,
            follows=meeting,
        )
        return meeting
    _owe(
        kind=Meeting.Kind.CORE_GROUP,
        children=on_plan,
        sequence=1,
        code="cp_core_group_1",
        start=held_on,
        by=held_by,
        chair=meeting.chair,
        follows=meeting,
    )
    _owe(
        kind=Meeting.Kind.RCPC,
        children=on_plan,
        sequence=1,
        code="cp_rcpc_1",
        start=held_on,
        by=held_by,
        chair=meeting.chair,
        follows=meeting,
    )
    return meeting


@transaction.atomic
def cp_meeting_hold(*, meeting: Meeting, held_by: User, held_on: date) -> Meeting:
    """Record a core group or other chaired meeting as held; owe the next one of
    its chain, counted from the date held, where its kind has a repeat rule."""
    meeting = _lock_meeting(meeting)
    spec = meeting.spec
    if spec.is_conference:
        raise DomainError("Record the outcome for each child of a conference.")
    if spec.group == "cic":
        raise DomainError("A Children in Care review is recorded on its own page.")
    allowed = (
        meeting_may_schedule(user=held_by, meeting=meeting)
        if spec.held_by_scheduler
        else meeting_may_chair(user=held_by, meeting=meeting)
    )
    _require(allowed, "You cannot record this meeting as held.")
    _check_move(meeting, Meeting.Status.HELD)
    _not_future(held_on, "The date held")
    if meeting.due_rule and held_on < meeting.due_start_on:
        raise DomainError(
            f"The meeting cannot be held before {meeting.due_start_on:%d/%m/%Y}, "
            "when its clock started."
        )
    meeting.status = Meeting.Status.HELD
    meeting.held_on = held_on
    _record_clocks(meeting, held_on)
    _set_user(meeting, held_by)
    _clean(meeting)
    meeting.save()
    meeting_event(
        meeting=meeting, by=held_by, code="held", detail=f"Held on {held_on:%d/%m/%Y}."
    )
    if not spec.repeat_rule:
        return meeting
    if not rule_is_known(spec.repeat_rule):
        meeting_event(
            meeting=meeting,
            by=held_by,
            code="next_not_owed",
            detail=f"The next {spec.label.lower()} is not owed automatically: the "
            f"local rule {spec.repeat_rule} is not configured. Book it as agreed.",
        )
        return meeting
    children = [r.child for r in meeting.cp_children.select_related("child")]
    if meeting.kind == Meeting.Kind.CORE_GROUP:
        children = [
            c for c in children if c.cp_plans.filter(ended_on__isnull=True).exists()
        ]
        if not children:
            return meeting
        _owe(
            kind=meeting.kind,
            children=children,
            sequence=meeting.sequence + 1,
            code=spec.repeat_rule,
            start=held_on,
            by=held_by,
            chair=meeting.chair,
            follows=meeting,
        )
        return meeting
    clock = case_selectors.clock_get()
    due = clock.due(spec.repeat_rule, held_on)
    following = Meeting.objects.create(
        kind=meeting.kind,
        child=meeting.child,
        sequence=meeting.sequence + 1,
        due_rule=spec.repeat_rule,
        due_start_on=held_on,
        due_on=due.due,
        chair=meeting.chair,
        created_by=held_by,
        follows=meeting,
    )
    meeting_event(
        meeting=following,
        by=held_by,
        code="due",
        detail=f"Owed by {due.due:%d/%m/%Y} after meeting {meeting.sequence} held "
        f"on {held_on:%d/%m/%Y}.",
    )
    return meeting


# --- before and at a conference --------------------------------------------------------


@transaction.atomic
def exclusion_record(
    *,
    meeting: Meeting,
    by: User,
    participant: Participant,
    whole_meeting: bool,
    part: str,
    reason: str,
) -> Exclusion:
    """Record the chair's decision to exclude someone from all or part of a
    conference, with the reason; their attendance shows it."""
    meeting = _lock_meeting(meeting)
    _require(
        meeting.spec.is_conference,
        "Exclusions are recorded for child protection conferences.",
    )
    _require(
        meeting_may_chair(user=by, meeting=meeting),
        "Only the chair can exclude someone from the conference.",
    )
    if participant.meeting_id != meeting.pk:
        raise DomainError(f"{participant.name} is not invited to this meeting.")
    reason, part = reason.strip(), part.strip()
    if not reason:
        raise DomainError("Record the reason for the exclusion.")
    if not whole_meeting and not part:
        raise DomainError("Say which part of the meeting they were excluded from.")
    exclusion = Exclusion(
        meeting=meeting,
        participant=participant,
        whole_meeting=whole_meeting,
        part="" if whole_meeting else part,
        reason=reason,
        decided_by=by,
    )
    _set_user(exclusion, by)
    exclusion.full_clean()
    exclusion.save()
    participant = Participant.objects.select_for_update().get(pk=participant.pk)
    if whole_meeting:
        participant.attendance = codes.Attendance.DID_NOT_ATTEND
        participant.exclusion_reason = f"Excluded from the whole meeting: {reason}"
    else:
        participant.attendance = codes.Attendance.EXCLUDED_PART
        participant.exclusion_reason = f"Excluded from {part}: {reason}"
    participant.exclusion_reason = participant.exclusion_reason[:300]
    _set_user(participant, by)
    participant.save()
    meeting_event(meeting=meeting, by=by, code="excluded", detail=str(exclusion))
    return exclusion


@transaction.atomic
def expected_report_request(
    *, meeting: Meeting, by: User, kind: str, author: str
) -> ExpectedReport:
    """Ask an agency for a report before the meeting (a professional's report)."""
    _require(
        meeting_may_schedule(user=by, meeting=meeting),
        "Only the chair or a manager can request reports.",
    )
    if not author.strip():
        raise DomainError("Say who is writing the report.")
    report = ExpectedReport(
        meeting=meeting,
        kind=kind,
        author=author.strip(),
        requested_on=timezone.localdate(),
    )
    _set_user(report, by)
    report.full_clean()
    report.save()
    meeting_event(
        meeting=meeting,
        by=by,
        code="report_requested",
        detail=f"{report.get_kind_display()} from {report.author}",
    )
    return report


# --- the minutes ---------------------------------------------------------------------


def _lock_minutes(minutes: Minutes) -> Minutes:
    return (
        Minutes.objects.select_for_update(of=("self",))
        .select_related("meeting", "meeting__child", "last_saved_by")
        .get(pk=minutes.pk)
    )


def _check_minutes_move(minutes: Minutes, new: str) -> None:
    if not workflow.can_move(workflow.MINUTES_TRANSITIONS, minutes.status, new):
        raise DomainError(
            f"Version {minutes.version} is {minutes.get_status_display().lower()}; "
            f"it cannot be {Minutes.Status(new).label.lower()}."
        )


@transaction.atomic
def minutes_start(*, meeting: Meeting, by: User) -> Minutes:
    """Start version 1 of a held conference's minutes, in its declared sections,
    each marked with the participants present by default."""
    meeting = _lock_meeting(meeting)
    _require(
        minutes_may_start(user=by, meeting=meeting),
        "Only the minute-taker assigned or the chair can start the minutes of a "
        "held conference.",
    )
    if Minutes.objects.filter(meeting=meeting).exists():
        raise DomainError("The minutes of this conference are already started.")
    minutes = Minutes(meeting=meeting, version=1, created_by=by)
    _set_user(minutes, by)
    minutes.save()
    participants = list(meeting.participants.all())
    excluded_whole = set(
        Exclusion.objects.filter(meeting=meeting, whole_meeting=True).values_list(
            "participant_id", flat=True
        )
    )
    there = [
        p
        for p in participants
        if p.attendance in (codes.Attendance.ATTENDED, codes.Attendance.EXCLUDED_PART)
        and p.pk not in excluded_whole
    ]
    for position, (heading, with_family) in enumerate(
        meeting.spec.minutes_sections, start=1
    ):
        section = MinutesSection(minutes=minutes, position=position, heading=heading)
        _set_user(section, by)
        section.save()
        section.present.set(
            [p for p in there if with_family or not workflow.is_family_role(p.role)]
        )
    meeting_event(meeting=meeting, by=by, code="minutes_started", detail="Version 1")
    return minutes


def _sections_now(minutes: Minutes) -> dict[int, dict]:
    return {
        s.pk: {
            "heading": s.heading,
            "text": s.text,
            "restricted_text": s.restricted_text,
            "present_ids": sorted(p.pk for p in s.present.all()),
            "present_names": [p.name for p in s.present.all()],
        }
        for s in minutes.sections.prefetch_related("present").order_by("position")
    }


@transaction.atomic
def minutes_save(
    *,
    minutes: Minutes,
    by: User,
    expected_lock_version: int,
    sections: dict[int, dict],
    new_section: str = "",
) -> Minutes:
    """Save the text of the minutes; refuse (MinutesConflict) if they changed since
    `expected_lock_version` was read, so no edit is ever lost silently.

    `sections` maps a section id to any of text, restricted_text and present
    (participant ids). `new_section` adds a section with that heading.
    """
    minutes = _lock_minutes(minutes)
    _require(
        minutes_may_edit(user=by, minutes=minutes),
        f"Version {minutes.version} is {minutes.get_status_display().lower()}; "
        "you cannot change it.",
    )
    if minutes.lock_version != expected_lock_version:
        saver = minutes.last_saved_by
        raise MinutesConflict(
            current=_sections_now(minutes),
            lock_version=minutes.lock_version,
            saved_by=str(saver) if saver else "",
            saved_at=minutes.last_saved_at,
        )
    rows = {s.pk: s for s in minutes.sections.prefetch_related("present")}
    unknown = set(sections) - set(rows)
    if unknown:
        raise DomainError("A section of these minutes no longer exists: reload them.")
    participant_ids = set(
        Participant.objects.filter(meeting_id=minutes.meeting_id).values_list(
            "pk", flat=True
        )
    )
    changed = []
    for pk, data in sections.items():
        section = rows[pk]
        fields = [
            name
            for name in ("text", "restricted_text")
            if name in data and getattr(section, name) != data[name]
        ]
        for name in fields:
            setattr(section, name, data[name])
        if fields:
            _set_user(section, by)
            section.save(update_fields=fields)
        if "present" in data:
            wanted = {int(p) for p in data["present"]}
            if wanted - participant_ids:
                raise DomainError("Only the meeting's participants can be present.")
            if wanted != {p.pk for p in section.present.all()}:
                section.present.set(wanted)
                fields.append("present")
        if fields:
            changed.append(section.heading)
    heading = new_section.strip()
    if heading:
        position = (rows and max(s.position for s in rows.values())) or 0
        section = MinutesSection(
            minutes=minutes, position=position + 1, heading=heading[:150]
        )
        _set_user(section, by)
        section.save()
        changed.append(f"new section {heading}")
    if not changed:
        return minutes
    now = timezone.now()
    quiet = (
        minutes.last_saved_by_id == by.pk
        and minutes.last_saved_at is not None
        and now - minutes.last_saved_at < _SAVE_EVENT_EVERY
        and not heading
    )
    minutes.lock_version += 1
    minutes.last_saved_by = by
    minutes.last_saved_at = now
    _set_user(minutes, by)
    minutes.save(update_fields=["lock_version", "last_saved_by", "last_saved_at"])
    if not quiet:
        meeting_event(
            meeting=minutes.meeting,
            by=by,
            code="minutes_saved",
            detail=f"Version {minutes.version}: {', '.join(changed)}",
        )
    return minutes


@transaction.atomic
def minutes_submit(*, minutes: Minutes, by: User) -> Minutes:
    """Submit a draft to the chair."""
    minutes = _lock_minutes(minutes)
    _require(
        minutes_role(user=by, meeting=minutes.meeting) is not None,
        "Only the minute-taker assigned or the chair can submit the minutes.",
    )
    _check_minutes_move(minutes, Minutes.Status.SUBMITTED)
    if not minutes.sections.exclude(text="").exists():
        raise DomainError("Write the minutes before submitting them.")
    minutes.status = Minutes.Status.SUBMITTED
    minutes.submitted_by = by
    minutes.submitted_at = timezone.now()
    minutes.returned_reason = ""
    _set_user(minutes, by)
    minutes.save(
        update_fields=["status", "submitted_by", "submitted_at", "returned_reason"]
    )
    meeting_event(
        meeting=minutes.meeting,
        by=by,
        code="minutes_submitted",
        detail=f"Version {minutes.version}",
    )
    return minutes


@transaction.atomic
def minutes_return(*, minutes: Minutes, by: User, reason: str) -> Minutes:
    """Send submitted minutes back to the minute-taker, saying why."""
    minutes = _lock_minutes(minutes)
    _require(
        minutes_may_approve(user=by, meeting=minutes.meeting),
        "Only the chair or a manager can return the minutes.",
    )
    _check_minutes_move(minutes, Minutes.Status.DRAFT)
    reason = reason.strip()
    if not reason:
        raise DomainError("Say why the minutes are being returned.")
    minutes.status = Minutes.Status.DRAFT
    minutes.returned_reason = reason[:300]
    _set_user(minutes, by)
    minutes.save(update_fields=["status", "returned_reason"])
    meeting_event(
        meeting=minutes.meeting,
        by=by,
        code="minutes_returned",
        detail=f"Version {minutes.version}: {reason}",
    )
    return minutes


@transaction.atomic
def minutes_approve(*, minutes: Minutes, by: User) -> Minutes:
    """Approve submitted minutes: fix the hash of their full content, supersede the
    previous approved version and have the agencies' PDF rendered after commit."""
    minutes = _lock_minutes(minutes)
    meeting = minutes.meeting
    _require(
        minutes_may_approve(user=by, meeting=meeting),
        "Only the chair or a manager can approve the minutes.",
    )
    _check_minutes_move(minutes, Minutes.Status.APPROVED)
    for previous in Minutes.objects.select_for_update().filter(
        meeting=meeting, status=Minutes.Status.APPROVED
    ):
        previous.status = Minutes.Status.SUPERSEDED
        _set_user(previous, by)
        previous.save(update_fields=["status"])
        meeting_event(
            meeting=meeting,
            by=by,
            code="minutes_superseded",
            detail=f"Version {previous.version} superseded by {minutes.version}",
        )
    minutes.status = Minutes.Status.APPROVED
    minutes.approved_by = by
    minutes.approved_at = timezone.now()
    minutes.content_hash = chair_report_content_hash(
        minutes_content_current(minutes=minutes)
    )
    _set_user(minutes, by)
    minutes.save(update_fields=["status", "approved_by", "approved_at", "content_hash"])
    meeting_event(
        meeting=meeting,
        by=by,
        code="minutes_approved",
        detail=f"Version {minutes.version}; content hash {minutes.content_hash[:12]}…",
    )
    transaction.on_commit(partial(tasks.cp_minutes_render_task.delay, minutes.pk))
    return minutes


@transaction.atomic
def minutes_amend(*, minutes: Minutes, by: User, reason: str) -> Minutes:
    """Start a new draft from the current approved minutes, copying every section."""
    minutes = _lock_minutes(minutes)
    meeting = minutes.meeting
    _require(
        minutes_role(user=by, meeting=meeting) == "chair",
        "Only the chair can amend the approved minutes.",
    )
    if minutes.status != Minutes.Status.APPROVED:
        raise DomainError("Only the current approved version can be amended.")
    if Minutes.objects.filter(
        meeting=meeting, status__in=["draft", "submitted"]
    ).exists():
        raise DomainError("A later version is already being written.")
    reason = reason.strip()
    if not reason:
        raise DomainError("Say why the minutes are being amended.")
    latest = Minutes.objects.filter(meeting=meeting).aggregate(v=Max("version"))["v"]
    amended = Minutes(
        meeting=meeting,
        version=latest + 1,
        amends=minutes,
        amendment_reason=reason[:300],
        created_by=by,
    )
    _set_user(amended, by)
    amended.save()
    for section in minutes.sections.prefetch_related("present").order_by("position"):
        copy = MinutesSection(
            minutes=amended,
            position=section.position,
            heading=section.heading,
            text=section.text,
            restricted_text=section.restricted_text,
        )
        _set_user(copy, by)
        copy.save()
        copy.present.set(section.present.all())
    meeting_event(
        meeting=meeting,
        by=by,
        code="minutes_amended",
        detail=f"Version {amended.version} amends {minutes.version}: {reason}",
    )
    return amended


def _stored(field) -> bool:
    return bool(field.name) and field.storage.exists(field.name)


def _pdf_stem(meeting: Meeting) -> str:
    return f"{meeting.child.la_child_id}-meeting{meeting.pk}"


@transaction.atomic
def minutes_render(*, minutes_id: int) -> Minutes | None:
    """Render the agencies' (full) PDF of approved minutes, once.

    Safe to run twice: a version already rendered whose file exists is returned
    untouched. Refuses if the content no longer matches the approved hash.
    """
    minutes = (
        Minutes.objects.select_for_update(of=("self",))
        .select_related("meeting", "meeting__child")
        .filter(pk=minutes_id)
        .first()
    )
    if minutes is None:
        return None
    if minutes.status not in (Minutes.Status.APPROVED, Minutes.Status.SUPERSEDED):
        raise DomainError("Only approved minutes are rendered.")
    if minutes.rendered_at is not None and _stored(minutes.pdf):
        return minutes
    context = minutes_pdf_context(
        minutes_id=minutes.pk, audience=ConferenceSending.Audience.FULL
    )
    if context["computed_hash"] != minutes.content_hash:
        raise DomainError(
            f"The content of version {minutes.version} changed after it was "
            "approved; amend the minutes to issue a new version."
        )
    from cases.pdf import render_pdf  # WeasyPrint is heavy: load it only to render

    if minutes.pdf.name:
        minutes.pdf.delete(save=False)
    minutes.pdf.save(
        f"{_pdf_stem(minutes.meeting)}-minutes-v{minutes.version}.pdf",
        ContentFile(render_pdf("pdf/cp_minutes.html", context)),
        save=False,
    )
    minutes.rendered_at = timezone.now()
    _set_user(minutes, None)
    minutes.save(update_fields=["pdf", "rendered_at"])
    meeting_event(
        meeting=minutes.meeting,
        by=None,
        code="minutes_rendered",
        detail=f"Version {minutes.version}",
    )
    return minutes


# --- sending the outline plan and the minutes -------------------------------------------


def _sending_rows(
    *,
    meeting: Meeting,
    by: User,
    document: str,
    recipients: Sequence[ConferenceRecipient],
    minutes: Minutes | None = None,
) -> list[ConferenceSending]:
    if not recipients:
        raise DomainError("Choose at least one recipient.")
    rows = []
    for recipient in recipients:
        if recipient.participant and recipient.participant.meeting_id != meeting.pk:
            raise DomainError(f"{recipient.name} is not a participant of this meeting.")
        if not recipient.name.strip():
            raise DomainError("Every recipient needs a name.")
        if recipient.channel == ConferenceSending.Channel.EMAIL and not recipient.email:
            raise DomainError(
                f"{recipient.name} has no email address: send it by post instead."
            )
        if recipient.audience not in ConferenceSending.Audience.values:
            raise DomainError("Choose which copy the recipient receives.")
        lookup = {"document": document, "recipient_key": recipient.key}
        if document == ConferenceSending.Document.MINUTES:
            lookup["minutes"] = minutes
        else:
            lookup["meeting"] = meeting
        row, created = ConferenceSending.objects.get_or_create(
            **lookup,
            defaults={
                "meeting": meeting,
                "minutes": minutes,
                "audience": recipient.audience,
                "participant": recipient.participant,
                "recipient_name": recipient.name.strip(),
                "recipient_email": recipient.email.strip(),
                "channel": recipient.channel,
                "requested_by": by,
            },
        )
        rows.append(row)
        if created:
            version = f" v{minutes.version}" if minutes else ""
            meeting_event(
                meeting=meeting,
                by=by,
                code="cp_sending_requested",
                detail=f"{row.get_document_display()}{version} "
                f"({row.get_audience_display().split(' (')[0].lower()}) to "
                f"{row.recipient_name} by {row.get_channel_display().lower()}",
            )
        if row.status == ConferenceSending.Status.PENDING:
            # Each sending is prepared (and emailed) by its own task.
            transaction.on_commit(partial(tasks.cp_sending_send_task.delay, row.pk))
    return rows


@transaction.atomic
def outline_plan_request(
    *, meeting: Meeting, by: User, recipients: Sequence[ConferenceRecipient]
) -> list[ConferenceSending]:
    """Send the decisions and outline plan of a held conference, once per recipient
    (cp_outline_plan: within 1 working day)."""
    meeting = _lock_meeting(meeting)
    _require(
        minutes_may_distribute(user=by, meeting=meeting),
        "Only the chair or a manager can send the outline plan.",
    )
    if meeting.kind not in CONFERENCE_KINDS or meeting.status != "held":
        raise DomainError("The outline plan is sent once the conference is held.")
    return _sending_rows(
        meeting=meeting,
        by=by,
        document=ConferenceSending.Document.OUTLINE_PLAN,
        recipients=recipients,
    )


@transaction.atomic
def minutes_distribution_request(
    *, minutes: Minutes, by: User, recipients: Sequence[ConferenceRecipient]
) -> list[ConferenceSending]:
    """Send the current approved minutes, once per recipient and version: agencies
    the full record, family members their own copy (parts attended only, without
    restricted details). Both come from this one approved version."""
    minutes = _lock_minutes(minutes)
    _require(
        minutes_may_distribute(user=by, meeting=minutes.meeting),
        "Only the chair or a manager can send the minutes.",
    )
    if minutes.status != Minutes.Status.APPROVED:
        raise DomainError("Only the current approved version of the minutes is sent.")
    return _sending_rows(
        meeting=minutes.meeting,
        by=by,
        document=ConferenceSending.Document.MINUTES,
        recipients=recipients,
        minutes=minutes,
    )


def _prepare_pdf(row: ConferenceSending) -> None:
    """Render the exact PDF this recipient is sent, once."""
    if _stored(row.pdf):
        return
    from cases.pdf import render_pdf

    meeting = row.meeting
    if row.document == ConferenceSending.Document.OUTLINE_PLAN:
        context = outline_plan_context(meeting_id=meeting.pk)
        row.pdf.save(
            f"{_pdf_stem(meeting)}-outline-plan-{row.pk}.pdf",
            ContentFile(render_pdf("pdf/cp_outline_plan.html", context)),
            save=False,
        )
        row.content_hash = context["content_hash"]
        return
    minutes = row.minutes
    if row.audience == ConferenceSending.Audience.FULL:
        if not (minutes.rendered_at and _stored(minutes.pdf)):
            minutes = minutes_render(minutes_id=minutes.pk)
        row.pdf.name = minutes.pdf.name
        row.content_hash = minutes.content_hash
        return
    context = minutes_pdf_context(
        minutes_id=minutes.pk,
        audience=ConferenceSending.Audience.FAMILY,
        participant_id=row.participant_id,
    )
    if context["computed_hash"] != minutes.content_hash:
        raise DomainError(
            f"The content of version {minutes.version} changed after approval."
        )
    row.pdf.save(
        f"{_pdf_stem(meeting)}-minutes-v{minutes.version}-family-{row.pk}.pdf",
        ContentFile(render_pdf("pdf/cp_minutes.html", context)),
        save=False,
    )
    row.content_hash = minutes.content_hash


def _note_first_sending(*, meeting_id: int, document: str, day: date) -> None:
    """Stamp when the outline plan, and the minutes, were first sent."""
    meeting = Meeting.objects.select_for_update().get(pk=meeting_id)
    name = (
        "decisions_circulated_on"
        if document == ConferenceSending.Document.OUTLINE_PLAN
        else "record_distributed_on"
    )
    if getattr(meeting, name) is not None:
        return
    setattr(meeting, name, day)
    _set_user(meeting, None)
    meeting.save(update_fields=[name])
    meeting_event(
        meeting=meeting,
        by=None,
        code="outline_plan_sent"
        if name == "decisions_circulated_on"
        else "minutes_sent",
        detail=f"First sent {day:%d/%m/%Y}",
    )


def _email_for(row: ConferenceSending) -> EmailMessage:
    meeting = row.meeting
    reference = meeting.child.la_child_id
    if row.document == ConferenceSending.Document.OUTLINE_PLAN:
        title, filename = "Decisions and outline plan", "outline-plan.pdf"
    else:
        title = f"Minutes, version {row.minutes.version}"
        filename = f"minutes-v{row.minutes.version}.pdf"
    held = f"{meeting.held_on:%d/%m/%Y}" if meeting.held_on else "recently"
    message = EmailMessage(
        subject=f"{title}: {meeting.spec.label} (ref. {reference})",
        body=(
            f"Dear {row.recipient_name},\n\n"
            f"Attached: {title.lower()} of the {meeting.spec.label.lower()} held on "
            f"{held} (reference {reference}).\n"
            "It is confidential: please keep it securely and do not forward it.\n\n"
            "Child protection conference service"
        ),
        to=[row.recipient_email],
    )
    with row.pdf.open("rb") as pdf:
        message.attach(filename, pdf.read(), "application/pdf")
    return message


@transaction.atomic
def cp_sending_send(*, sending_id: int) -> bool:
    """Prepare one pending sending's PDF and email it; return whether it was sent now.

    Safe to run twice: the row is locked; a sent one is never sent again and a
    prepared PDF is not rendered again. A post or by-hand sending is only
    prepared, for a person to print and mark as sent. A failure is recorded on
    the row for a person to resend.
    """
    row = (
        ConferenceSending.objects.select_for_update(of=("self",))
        .select_related("meeting", "meeting__child", "minutes")
        .filter(pk=sending_id)
        .first()
    )
    if row is None or row.status != ConferenceSending.Status.PENDING:
        return False
    is_email = row.channel == ConferenceSending.Channel.EMAIL
    try:
        _prepare_pdf(row)
        if is_email:
            row.attempts += 1
            _email_for(row).send(fail_silently=False)
    except OperationalError:
        raise  # the database is unavailable: the task retries
    except Exception as exc:  # any failure to prepare or send is shown on the ledger
        logger.warning("Conference sending %s failed: %s", row.pk, exc)
        row.status = ConferenceSending.Status.FAILED
        row.last_error = f"{type(exc).__name__}: {exc}"[:500]
        row.save(update_fields=["status", "attempts", "last_error"])
        meeting_event(
            meeting=row.meeting,
            by=None,
            code="cp_send_failed",
            detail=f"{row.get_document_display()} to {row.recipient_name}: "
            f"{row.last_error}",
        )
        return False
    if not is_email:
        row.save(update_fields=["pdf", "content_hash"])
        return False
    row.status = ConferenceSending.Status.SENT
    row.sent_at = timezone.now()
    row.last_error = ""
    row.save(
        update_fields=[
            "status",
            "attempts",
            "last_error",
            "sent_at",
            "pdf",
            "content_hash",
        ]
    )
    meeting_event(
        meeting=row.meeting,
        by=None,
        code="cp_sent",
        detail=f"{row.get_document_display()} emailed to {row.recipient_name} "
        f"({row.get_audience_display().split(' (')[0].lower()})",
    )
    _note_first_sending(
        meeting_id=row.meeting_id,
        document=row.document,
        day=timezone.localdate(row.sent_at),
    )
    return True


def _lock_sending(sending: ConferenceSending) -> ConferenceSending:
    return (
        ConferenceSending.objects.select_for_update(of=("self",))
        .select_related("meeting")
        .get(pk=sending.pk)
    )


@transaction.atomic
def cp_sending_resend(*, sending: ConferenceSending, by: User) -> ConferenceSending:
    """Queue a failed sending again."""
    row = _lock_sending(sending)
    _require(
        minutes_may_distribute(user=by, meeting=row.meeting),
        "Only the chair or a manager can resend.",
    )
    if row.status != ConferenceSending.Status.FAILED:
        raise DomainError("Only a failed sending can be sent again.")
    row.status = ConferenceSending.Status.PENDING
    row.save(update_fields=["status"])
    meeting_event(
        meeting=row.meeting,
        by=by,
        code="cp_resend_requested",
        detail=f"{row.get_document_display()} to {row.recipient_name}",
    )
    transaction.on_commit(partial(tasks.cp_sending_send_task.delay, row.pk))
    return row


@transaction.atomic
def cp_sending_mark_sent(*, sending: ConferenceSending, by: User) -> ConferenceSending:
    """Record that a prepared sending by post or by hand has gone."""
    row = _lock_sending(sending)
    _require(
        minutes_may_distribute(user=by, meeting=row.meeting),
        "Only the chair or a manager can record a sending.",
    )
    if row.channel == ConferenceSending.Channel.EMAIL:
        raise DomainError("An email sending is marked sent when the email goes.")
    if row.status == ConferenceSending.Status.SENT:
        raise DomainError("This sending is already recorded as sent.")
    if not _stored(row.pdf):
        raise DomainError("The PDF is still being prepared: try again shortly.")
    row.status = ConferenceSending.Status.SENT
    row.sent_at = timezone.now()
    row.attempts += 1
    row.save(update_fields=["status", "sent_at", "attempts"])
    meeting_event(
        meeting=row.meeting,
        by=by,
        code="cp_sent",
        detail=f"{row.get_document_display()} to {row.recipient_name} by "
        f"{row.get_channel_display().lower()}",
    )
    _note_first_sending(
        meeting_id=row.meeting_id,
        document=row.document,
        day=timezone.localdate(row.sent_at),
    )
    return row
