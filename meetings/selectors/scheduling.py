"""Reads for meetings: scope, lists, the review chain and caseloads."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import (
    BooleanField,
    Case,
    Count,
    Prefetch,
    Q,
    QuerySet,
    Value,
    When,
)

from accounts.models import User
from accounts.roles import Role
from cases import selectors as case_selectors
from cases.models import CareEpisode, Child
from cases.timescales import DueDate

from ..models import (
    Action,
    ChecklistItem,
    ConsultationResponse,
    ExpectedReport,
    Meeting,
    MeetingEvent,
    Participant,
    Rebooking,
)

__all__ = [
    "ReviewDue",
    "action_list_drifting",
    "child_review_due",
    "iro_caseload",
    "meeting_get_for_detail",
    "meeting_list_for_child",
    "meeting_list_visible_to",
    "meeting_may_chair",
    "meeting_may_schedule",
    "review_list",
]


def meeting_list_visible_to(*, user: User, many: bool = False) -> QuerySet[Meeting]:
    """Return the meetings `user` may see (DOMAIN.md A3); `many` for list pages
    (see cases.selectors.iro_scope_q)."""
    if not user.is_authenticated or not user.is_active:
        return Meeting.objects.none()
    if user.has_role(Role.MANAGER):
        return Meeting.objects.all()
    scope = Q(pk__in=[])
    if user.has_role(Role.IRO):
        scope |= case_selectors.iro_scope_q(user=user, child="child", many=many)
        scope |= Q(chair=user)
    if user.has_role(Role.MINUTE_TAKER):
        scope |= Q(minute_taker=user)
    return Meeting.objects.filter(scope)


def meeting_may_chair(*, user: User, meeting: Meeting) -> bool:
    """The chair records what happened; other IROs may read but not edit."""
    return (
        user.has_perm("meetings.chair_meeting")
        and meeting.chair_id is not None
        and meeting.chair_id == user.pk
    )


def meeting_may_schedule(*, user: User, meeting: Meeting | None = None) -> bool:
    """Managers book any meeting; an IRO books unchaired meetings or their own."""
    if not user.has_perm("meetings.schedule_meeting"):
        return False
    if user.has_role(Role.MANAGER) or meeting is None:
        return True
    return meeting.chair_id in (None, user.pk)


def meeting_get_for_detail(*, user: User, pk: int) -> Meeting:
    """Return one visible meeting with everything its page shows, or raise."""
    return (
        meeting_list_visible_to(user=user)
        .select_related("child", "chair", "minute_taker", "period_start")
        .prefetch_related(
            Prefetch(
                "participants", queryset=Participant.objects.order_by("role", "name")
            ),
            Prefetch(
                "expected_reports",
                queryset=ExpectedReport.objects.order_by("kind", "id"),
            ),
            Prefetch(
                "consultations",
                queryset=ConsultationResponse.objects.select_related("recorded_by"),
            ),
            Prefetch("checklist", queryset=ChecklistItem.objects.order_by("id")),
            Prefetch("actions", queryset=Action.objects.order_by("due_on", "id")),
            Prefetch("rebookings", queryset=Rebooking.objects.select_related("by")),
            Prefetch("events", queryset=MeetingEvent.objects.select_related("by")),
        )
        .get(pk=pk)
    )


def meeting_list_for_child(*, child: Child) -> QuerySet[Meeting]:
    """Return the child's meetings, newest due first, with their chairs."""
    return (
        Meeting.objects.filter(child=child)
        .select_related("chair")
        .annotate(
            open_actions=Count("actions", filter=Q(actions__status=Action.Status.OPEN))
        )
        .order_by("-due_on", "-id")
    )


def review_list(
    *,
    user: User,
    today: date,
    status: str = "open",
    mine: bool = False,
    due_by: date | None = None,
) -> QuerySet[Meeting]:
    """Return visible meetings for list pages, with `is_overdue` annotated."""
    open_statuses = [Meeting.Status.SCHEDULED, Meeting.Status.ADJOURNED]
    queryset = (
        meeting_list_visible_to(user=user, many=True)
        .select_related("child", "chair")
        .annotate(
            is_overdue=Case(
                When(status__in=open_statuses, due_on__lt=today, then=Value(True)),
                default=Value(False),
                output_field=BooleanField(),
            )
        )
    )
    if status == "open":
        queryset = queryset.filter(status__in=open_statuses)
    elif status in Meeting.Status.values:
        queryset = queryset.filter(status=status)
    if mine:
        queryset = queryset.filter(chair=user)
    if due_by is not None:
        queryset = queryset.filter(due_on__lte=due_by)
    return queryset.order_by("due_on", "id")


@dataclass(frozen=True)
class ReviewDue:
    """The next review the child is owed, from the stored clock."""

    due_on: date
    sequence: int
    explanation: DueDate
    meeting: Meeting | None
    period_start: CareEpisode


def _current_period_start(child: Child) -> CareEpisode | None:
    open_episode = child.care_episodes.filter(ended_on__isnull=True).first()
    if open_episode is None:
        return None
    return (
        child.care_episodes.filter(
            reason_new_episode="S", started_on__lte=open_episode.started_on
        )
        .order_by("-started_on", "-id")
        .first()
    )


def child_review_due(*, child: Child, clock: case_selectors.Clock) -> ReviewDue | None:
    """Return the next Children in Care review due in the current period of care.

    The first is owed by the episode that starts the period; every later one by
    the review row that holding the previous review created (chained from the
    date it was held, DOMAIN.md A1).
    """
    period_start = _current_period_start(child)
    if period_start is None:
        return None
    open_review = (
        Meeting.objects.filter(
            child=child,
            kind=Meeting.Kind.CIC_REVIEW,
            period_start=period_start,
            status__in=[Meeting.Status.SCHEDULED, Meeting.Status.ADJOURNED],
        )
        .order_by("sequence")
        .first()
    )
    if open_review is not None:
        return ReviewDue(
            open_review.due_on,
            open_review.sequence,
            clock.due(open_review.due_rule, open_review.due_start_on),
            open_review,
            period_start,
        )
    held = Meeting.objects.filter(
        child=child,
        kind=Meeting.Kind.CIC_REVIEW,
        period_start=period_start,
        status=Meeting.Status.HELD,
    ).count()
    if held:
        return None
    code = "cic_short_break_1" if period_start.is_short_break else "cic_review_1"
    explanation = clock.due(code, period_start.started_on)
    return ReviewDue(
        period_start.first_review_due_on or explanation.due,
        1,
        explanation,
        None,
        period_start,
    )


def iro_caseload(*, user: User, today: date) -> QuerySet[Child]:
    """Return children allocated to `user` as IRO, with their open review annotated."""
    open_reviews = (
        Meeting.objects.filter(
            kind=Meeting.Kind.CIC_REVIEW,
            status__in=[Meeting.Status.SCHEDULED, Meeting.Status.ADJOURNED],
        )
        .annotate(
            is_overdue=Case(
                When(due_on__lt=today, then=Value(True)),
                default=Value(False),
                output_field=BooleanField(),
            )
        )
        .order_by("due_on")
    )
    return (
        case_selectors.child_caseload_for(user=user)
        .prefetch_related(
            Prefetch("meetings", queryset=open_reviews, to_attr="open_reviews"),
        )
        .order_by("last_name", "first_name")
    )


def action_list_drifting(*, meeting: Meeting) -> QuerySet[Action]:
    """Return actions of earlier meetings for the child still open at this one.

    Shown to the chair as drift, one click from raising a dispute.
    """
    when = meeting.held_on or meeting.due_on
    return (
        Action.objects.filter(
            child_id=meeting.child_id,
            status=Action.Status.OPEN,
            meeting__held_on__lt=when,
        )
        .exclude(meeting=meeting)
        .select_related("meeting")
        .order_by("due_on")
    )
