"""Reads for the IRO's work between reviews: notes, disputes and complaints.

Record scope for disputes lives here (`dispute_list_visible_to`), next to the
pure rules on dispute stages that views, forms and services share.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import (
    BooleanField,
    Case,
    Exists,
    F,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from accounts.roles import Role
from cases import selectors as case_selectors
from cases import timescales
from cases.models import Child

from ..codes import DisputeStage, DisputeStatus
from ..models import Action, Complaint, Dispute, DisputeStep, Meeting, MonitoringNote
from ..workflow import (
    FORMAL_STAGES,
    RESOLUTION_STATUSES,
    dispute_stages_above,
    is_formal_stage,
)
from .scheduling import action_list_drifting

__all__ = [
    "FORMAL_STAGES",
    "RESOLUTION_STATUSES",
    "ChildOversight",
    "DisputeDetail",
    "DisputeHistoryEntry",
    "DisputeStageGroup",
    "DisputeStepRow",
    "action_get_for_dispute",
    "child_oversight_get",
    "dispute_detail_get",
    "dispute_get_for_detail",
    "dispute_list_open_by_stage",
    "dispute_list_visible_to",
    "dispute_may_change",
    "dispute_may_read",
    "dispute_stages_above",
    "dispute_step_may_respond",
    "drift_panel_context",
    "drift_summary",
    "is_formal_stage",
    "oversight_panel_context",
]

_TIMELINESS_TEXT = {
    timescales.Status.ON_TRACK: "In time",
    timescales.Status.DUE_SOON: "In time, due soon",
    timescales.Status.OVERDUE: "Late: past the due date",
    timescales.Status.MET: "Completed in time",
    timescales.Status.MET_LATE: "Completed late",
}

# One stage's local response timescale: warn when the whole process is this close.
_DUE_SOON_WORKING_DAYS = 5


# --- record scope and who may do what ------------------------------------------------


def dispute_list_visible_to(*, user: User) -> QuerySet[Dispute]:
    """Return the disputes `user` may see (DOMAIN.md A3).

    Managers see all; an IRO sees the disputes of children in their scope and
    those they raised; everyone else none.
    """
    if not user.is_authenticated or not user.is_active:
        return Dispute.objects.none()
    if user.has_role(Role.MANAGER):
        return Dispute.objects.all()
    if user.has_role(Role.IRO):
        visible = case_selectors.child_list_visible_to(user=user).filter(
            pk=OuterRef("child_id")
        )
        return Dispute.objects.filter(Q(Exists(visible)) | Q(raised_by=user))
    return Dispute.objects.none()


def dispute_may_read(*, user: User) -> bool:
    """Return whether `user`'s role works with disputes at all (scope aside)."""
    return user.has_perm("meetings.manage_disputes") or user.has_perm(
        "meetings.respond_disputes"
    )


def dispute_may_change(*, user: User, dispute: Dispute) -> bool:
    """Only the IRO who raised a dispute, or a manager, may progress it (A3)."""
    if user.has_perm("meetings.manage_disputes") and dispute.raised_by_id == user.pk:
        return True
    return user.has_role(Role.MANAGER) and user.has_perm("meetings.respond_disputes")


def dispute_step_may_respond(
    *, user: User, dispute: Dispute, step: DisputeStep
) -> bool:
    """Managers respond to a stage; the raising IRO may record the answer of
    someone who is not a user of the app (a free-text name)."""
    if user.has_perm("meetings.respond_disputes"):
        return True
    return step.escalated_to_id is None and dispute_may_change(
        user=user, dispute=dispute
    )


# --- lists ---------------------------------------------------------------------------


def _with_timeliness(queryset: QuerySet[Dispute], *, today: date) -> QuerySet[Dispute]:
    """Annotate the current stage's addressee and dates, and the late flags."""
    latest = DisputeStep.objects.filter(dispute=OuterRef("pk")).order_by(
        "-requested_on", "-id"
    )
    return queryset.annotate(
        current_with=Subquery(latest.values("escalated_to_name")[:1]),
        current_response_due_on=Subquery(latest.values("response_due_on")[:1]),
        current_responded_on=Subquery(latest.values("responded_on")[:1]),
    ).annotate(
        # drp_formal: the whole formal process within 20 working days.
        is_late=Case(
            When(formal_due_on__isnull=True, then=Value(False)),
            When(
                closed_on__isnull=False,
                closed_on__gt=F("formal_due_on"),
                then=Value(True),
            ),
            When(closed_on__isnull=True, formal_due_on__lt=today, then=Value(True)),
            default=Value(False),
            output_field=BooleanField(),
        ),
        is_response_overdue=Case(
            When(
                status=DisputeStatus.OPEN,
                current_responded_on__isnull=True,
                current_response_due_on__lt=today,
                then=Value(True),
            ),
            default=Value(False),
            output_field=BooleanField(),
        ),
    )


@dataclass(frozen=True)
class DisputeStageGroup:
    stage: str
    label: str
    disputes: list[Dispute]


def dispute_list_open_by_stage(*, user: User, today: date) -> list[DisputeStageGroup]:
    """Return visible open disputes grouped by stage, lowest stage first.

    Within a stage the one whose formal process is due first comes first.
    """
    disputes = list(
        _with_timeliness(
            dispute_list_visible_to(user=user).filter(status=DisputeStatus.OPEN),
            today=today,
        )
        .select_related("child", "raised_by")
        .order_by(F("formal_due_on").asc(nulls_last=True), "raised_on", "id")
    )
    return [
        DisputeStageGroup(
            stage.value, stage.label, [d for d in disputes if d.stage == stage]
        )
        for stage in DisputeStage
    ]


@dataclass(frozen=True)
class ChildOversight:
    notes: list[MonitoringNote]
    disputes: list[Dispute]
    complaints: list[Complaint]


def child_oversight_get(*, child: Child, today: date) -> ChildOversight:
    """Return the child's monitoring notes, disputes and complaints, newest first."""
    notes = MonitoringNote.objects.filter(child=child).select_related("author")
    disputes = (
        _with_timeliness(Dispute.objects.filter(child=child), today=today)
        .select_related("raised_by")
        .order_by("-raised_on", "-id")
    )
    complaints = Complaint.objects.filter(child=child).select_related(
        "meeting", "logged_by"
    )
    return ChildOversight(list(notes), list(disputes), list(complaints))


# --- one dispute ---------------------------------------------------------------------


def dispute_get_for_detail(*, user: User, pk: int) -> Dispute:
    """Return one visible dispute with its child, source and every step, or raise."""
    return (
        dispute_list_visible_to(user=user)
        .select_related("child", "raised_by", "source_action", "source_meeting")
        .select_related("practice_alert")
        .prefetch_related(
            Prefetch(
                "steps",
                queryset=DisputeStep.objects.select_related(
                    "escalated_to", "responded_by"
                ).order_by("requested_on", "id"),
            )
        )
        .get(pk=pk)
    )


@dataclass(frozen=True)
class DisputeStepRow:
    step: DisputeStep
    explanation: timescales.DueDate
    timeliness: str
    is_late: bool
    can_respond: bool


@dataclass(frozen=True)
class DisputeHistoryEntry:
    at: datetime
    who: str
    what: str


@dataclass(frozen=True)
class DisputeDetail:
    """Everything the dispute page shows, with the due dates explained."""

    dispute: Dispute
    steps: list[DisputeStepRow]
    formal_explanation: timescales.DueDate | None
    formal_timeliness: str
    formal_is_late: bool
    working_days_used: int | None
    working_days_allowed: int
    history: list[DisputeHistoryEntry]
    can_change: bool
    next_stages: list[str]


def _step_row(
    step: DisputeStep,
    *,
    ended_on: date | None,
    dispute: Dispute,
    user: User,
    clock: case_selectors.Clock,
    today: date,
) -> DisputeStepRow:
    """Return one stage with its timeliness and whether `user` may answer it.

    `ended_on` is when the stage stopped waiting without an answer: the next
    stage was raised, or the dispute closed.
    """
    due_on = step.response_due_on
    if step.responded_on is not None:
        status = timescales.due_status(
            due_on=due_on,
            today=today,
            calendar=clock.calendar,
            lead_working_days=0,
            done_on=step.responded_on,
        )
        timeliness, is_late = (
            _TIMELINESS_TEXT[status],
            status is timescales.Status.MET_LATE,
        )
    elif ended_on is not None:
        is_late = ended_on > due_on
        timeliness = "No response recorded" + (", past the due date" if is_late else "")
    else:
        status = timescales.due_status(
            due_on=due_on,
            today=today,
            calendar=clock.calendar,
            lead_working_days=1,
        )
        timeliness = _TIMELINESS_TEXT[status]
        is_late = status is timescales.Status.OVERDUE
    can_respond = (
        dispute.status == DisputeStatus.OPEN
        and step.responded_on is None
        and dispute_step_may_respond(user=user, dispute=dispute, step=step)
    )
    return DisputeStepRow(
        step,
        clock.due("drp_stage_response", step.requested_on),
        timeliness,
        is_late,
        can_respond,
    )


def _dispute_history(dispute: Dispute) -> list[DisputeHistoryEntry]:
    rows = (
        Dispute.history.filter(id=dispute.pk)
        .select_related("history_user")
        .order_by("history_date", "history_id")
    )
    return [
        DisputeHistoryEntry(
            row.history_date,
            str(row.history_user) if row.history_user else "System",
            row.history_change_reason or "Changed",
        )
        for row in rows
    ]


def dispute_detail_get(
    *, dispute: Dispute, user: User, clock: case_selectors.Clock, today: date
) -> DisputeDetail:
    """Return the dispute page: steps, the drp_formal clock and the history.

    Expects a dispute from `dispute_get_for_detail` (steps prefetched).
    """
    steps = list(dispute.steps.all())
    rows = []
    for index, step in enumerate(steps):
        following = steps[index + 1].requested_on if index + 1 < len(steps) else None
        rows.append(
            _step_row(
                step,
                ended_on=following or dispute.closed_on,
                dispute=dispute,
                user=user,
                clock=clock,
                today=today,
            )
        )
    explanation, timeliness, is_late, used = None, "", False, None
    if dispute.formal_started_on is not None:
        explanation = clock.due("drp_formal", dispute.formal_started_on)
        status = timescales.due_status(
            due_on=dispute.formal_due_on,
            today=today,
            calendar=clock.calendar,
            lead_working_days=_DUE_SOON_WORKING_DAYS,
            done_on=dispute.closed_on,
        )
        timeliness = _TIMELINESS_TEXT[status]
        is_late = status in (timescales.Status.OVERDUE, timescales.Status.MET_LATE)
        used = timescales.working_days_between(
            dispute.formal_started_on,
            dispute.closed_on or today,
            calendar=clock.calendar,
        )
    can_change = dispute_may_change(user=user, dispute=dispute)
    is_open = dispute.status == DisputeStatus.OPEN
    return DisputeDetail(
        dispute=dispute,
        steps=rows,
        formal_explanation=explanation,
        formal_timeliness=timeliness,
        formal_is_late=is_late,
        working_days_used=used,
        working_days_allowed=timescales.RULES["drp_formal"].amount,
        history=_dispute_history(dispute),
        can_change=can_change and is_open,
        next_stages=dispute_stages_above(dispute.stage) if is_open else [],
    )


# --- drift and panels on other pages -------------------------------------------------


def action_get_for_dispute(*, meeting: Meeting, pk: int) -> Action:
    """Return an open action of the meeting's child, to raise a dispute about."""
    return (
        Action.objects.filter(child_id=meeting.child_id, status=Action.Status.OPEN)
        .select_related("meeting")
        .get(pk=pk)
    )


def drift_summary(*, action: Action) -> str:
    """Return the opening words of a drift dispute about `action`.

    Expects the action's meeting loaded (`action_get_for_dispute`).
    """
    meeting = action.meeting
    when = (
        f"held on {meeting.held_on:%d/%m/%Y}"
        if meeting.held_on
        else f"due on {meeting.due_on:%d/%m/%Y}"
    )
    return (
        f"A decision of the {meeting.get_kind_display()} {when} is still "
        f'not done: "{action.text}" (owner {action.owner_name}, due '
        f"{action.due_on:%d/%m/%Y})."
    )


def _open_disputes() -> Prefetch:
    return Prefetch(
        "disputes",
        queryset=Dispute.objects.filter(status=DisputeStatus.OPEN).order_by(
            "-raised_on", "-id"
        ),
        to_attr="open_disputes",
    )


def drift_panel_context(*, meeting: Meeting, user: User) -> dict:
    """Return the drift panel of a meeting page: earlier actions still open.

    Shown to IROs and managers only; each action carries `open_disputes`, and
    an IRO may raise a dispute from it in one click.
    """
    if not dispute_may_read(user=user):
        return {"show_drift_panel": False, "drifting_actions": []}
    actions = action_list_drifting(meeting=meeting).prefetch_related(_open_disputes())
    return {
        "show_drift_panel": True,
        "drifting_actions": list(actions),
        "can_raise_dispute": user.has_perm("meetings.manage_disputes"),
    }


def oversight_panel_context(
    *, child: Child, user: User, today: date | None = None
) -> dict:
    """Return the summary of the child's open disputes and complaints.

    The child must already be in `user`'s scope (the page loaded it so).
    """
    if not user.has_perm("cases.view_child"):
        return {"show_oversight_panel": False}
    today = today or timezone.localdate()
    disputes = (
        _with_timeliness(
            Dispute.objects.filter(child=child, status=DisputeStatus.OPEN),
            today=today,
        )
        .select_related("raised_by")
        .order_by("raised_on", "id")
    )
    complaints = Complaint.objects.filter(child=child, outcome="").order_by(
        "received_on", "id"
    )
    return {
        "show_oversight_panel": True,
        "oversight_url": reverse("meetings:child-oversight", kwargs={"pk": child.pk}),
        "open_disputes": list(disputes),
        "open_complaints": list(complaints),
        "can_raise_dispute": user.has_perm("meetings.manage_disputes"),
    }
