"""Reads for child protection and the other chaired meetings.

Record scope comes from meeting_list_visible_to (meetings) and the child scope of
cases (strategy discussions); the rules below add who may hold a meeting and who
may read, write, approve and send its minutes (DOMAIN.md A3).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import (
    BooleanField,
    Case,
    Exists,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.utils import timezone

from accounts.models import User
from accounts.roles import Role
from cases import selectors as case_selectors
from cases.models import Child
from cases.timescales import RULES, DueDate, is_in_time

from .. import codes, workflow
from ..models import (
    Action,
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
from ..types import MEETING_TYPES
from .records import (
    StepTimeliness,
    chair_report_content_hash,
    chair_report_may_approve,
    chair_report_may_distribute,
    record_panel_context,
    record_step_timeliness,
)
from .scheduling import meeting_list_visible_to, meeting_may_chair, meeting_may_schedule

__all__ = [
    "CONFERENCE_KINDS",
    "CP_KINDS",
    "MINUTES_KINDS",
    "OTHER_KINDS",
    "ChildCP",
    "MinutesPanel",
    "child_cp_get",
    "conference_children_for",
    "cp_meeting_context",
    "cp_meeting_list_open",
    "cp_meeting_list_records_outstanding",
    "cp_may_hold",
    "cp_may_record_strategy",
    "cp_sending_list_for_meeting",
    "cp_sending_recipient_choices",
    "due_explained",
    "minutes_content",
    "minutes_content_current",
    "minutes_editor_get",
    "minutes_list_for",
    "minutes_list_for_meeting",
    "minutes_may_approve",
    "minutes_may_distribute",
    "minutes_may_edit",
    "minutes_may_read",
    "minutes_may_start",
    "minutes_pdf_context",
    "minutes_role",
    "outline_plan_context",
    "rule_is_known",
    "strategy_get_for_detail",
    "strategy_list_visible_to",
]

CP_KINDS = tuple(k for k, spec in MEETING_TYPES.items() if spec.group == "cp")
CONFERENCE_KINDS = tuple(k for k, spec in MEETING_TYPES.items() if spec.is_conference)
MINUTES_KINDS = tuple(k for k, spec in MEETING_TYPES.items() if spec.uses_minutes)
OTHER_KINDS = tuple(k for k, spec in MEETING_TYPES.items() if spec.group == "other")
_OPEN = (Meeting.Status.SCHEDULED, Meeting.Status.ADJOURNED)


def rule_is_known(code: str | None) -> bool:
    """Return whether a rule code is defined in cases.timescales.RULES."""
    return bool(code) and code in RULES


def due_explained(
    clock: case_selectors.Clock, code: str | None, start: date | None
) -> DueDate | None:
    """Return the explained due date of `code` from `start`, or None without one."""
    if not rule_is_known(code) or start is None:
        return None
    return clock.due(code, start)


# --- who may do what -----------------------------------------------------------------


def cp_may_record_strategy(*, user: User) -> bool:
    """IROs and managers record strategy discussions."""
    return user.has_perm("meetings.record_strategy")


def cp_may_hold(*, user: User, meeting: Meeting) -> bool:
    """The chair records a meeting as held; a core group, whoever arranges it."""
    if meeting.spec.held_by_scheduler:
        return meeting_may_schedule(user=user, meeting=meeting)
    return meeting_may_chair(user=user, meeting=meeting)


def minutes_role(*, user: User, meeting: Meeting) -> str | None:
    """Return "chair" or "minute_taker" for the people who write these minutes."""
    if meeting_may_chair(user=user, meeting=meeting):
        return "chair"
    if (
        user.has_perm("meetings.take_minutes")
        and meeting.minute_taker_id is not None
        and meeting.minute_taker_id == user.pk
    ):
        return "minute_taker"
    return None


def minutes_may_read(*, user: User, meeting: Meeting) -> bool:
    """IROs and managers in scope, and the minute-taker assigned, read the minutes."""
    return (
        user.has_perm("meetings.chair_meeting")
        or user.has_perm("meetings.approve_record")
        or minutes_role(user=user, meeting=meeting) is not None
    )


def minutes_may_start(*, user: User, meeting: Meeting) -> bool:
    """The minute-taker assigned, or the chair, starts the minutes of a held meeting."""
    return (
        meeting.spec.uses_minutes
        and meeting.status == Meeting.Status.HELD
        and minutes_role(user=user, meeting=meeting) is not None
    )


def minutes_may_edit(*, user: User, minutes: Minutes) -> bool:
    """The minute-taker edits a draft; the chair edits a draft or a submitted version."""
    role = minutes_role(user=user, meeting=minutes.meeting)
    return role is not None and workflow.minutes_may_edit_as(
        status=minutes.status, as_role=role
    )


def minutes_may_approve(*, user: User, meeting: Meeting) -> bool:
    """The chair (or a manager) approves submitted minutes."""
    return chair_report_may_approve(user=user, meeting=meeting)


def minutes_may_distribute(*, user: User, meeting: Meeting) -> bool:
    """The chair (or a manager) sends the outline plan and approved minutes."""
    return chair_report_may_distribute(user=user, meeting=meeting)


# --- strategy discussions --------------------------------------------------------------


def strategy_list_visible_to(*, user: User) -> QuerySet[StrategyDiscussion]:
    """Return strategy discussions of children in `user`'s scope (DOMAIN.md A3)."""
    if not user.is_authenticated or not user.is_active:
        return StrategyDiscussion.objects.none()
    if user.has_role(Role.MANAGER):
        return StrategyDiscussion.objects.all()
    children = case_selectors.child_list_visible_to(user=user).filter(
        pk=OuterRef("child_id")
    )
    return StrategyDiscussion.objects.filter(Exists(children))


def strategy_get_for_detail(*, user: User, pk: int) -> StrategyDiscussion:
    """Return one visible strategy discussion with its children, or raise."""
    return (
        strategy_list_visible_to(user=user)
        .select_related("child", "recorded_by", "conference")
        .prefetch_related(Prefetch("children", queryset=Child.objects.order_by("pk")))
        .get(pk=pk)
    )


# --- one meeting's page --------------------------------------------------------------


def conference_children_for(*, meeting: Meeting) -> list[ConferenceChild]:
    """Return the children a meeting is about, with their outcome and plan."""
    return list(
        ConferenceChild.objects.filter(meeting=meeting)
        .select_related("child", "plan")
        .order_by("id")
    )


@dataclass(frozen=True)
class ReportRow:
    """A report before a conference and whether parents had it in time."""

    report: ExpectedReport
    shared: StepTimeliness | None


@dataclass(frozen=True)
class MinutesPanel:
    """What the minutes panel of a meeting shows and offers to one user."""

    versions: list[Minutes]
    working: Minutes | None
    current: Minutes | None
    may_read: bool
    can_start: bool
    can_edit: bool
    can_submit: bool
    can_approve: bool
    can_amend: bool
    can_distribute: bool
    role: str | None


def _minutes_panel(meeting: Meeting, user: User) -> MinutesPanel:
    versions = list(
        Minutes.objects.filter(meeting=meeting)
        .select_related("submitted_by", "approved_by", "last_saved_by")
        .order_by("-version")
    )
    working = next((m for m in versions if m.status in ("draft", "submitted")), None)
    current = next((m for m in versions if m.status == "approved"), None)
    role = minutes_role(user=user, meeting=meeting)
    may_read = minutes_may_read(user=user, meeting=meeting)
    can_edit = working is not None and workflow.minutes_may_edit_as(
        status=working.status, as_role=role or ""
    )
    return MinutesPanel(
        versions=versions if may_read else [],
        working=working if may_read else None,
        current=current if may_read else None,
        may_read=may_read,
        can_start=not versions and minutes_may_start(user=user, meeting=meeting),
        can_edit=can_edit,
        can_submit=can_edit and working.status == "draft",
        can_approve=working is not None
        and working.status == "submitted"
        and minutes_may_approve(user=user, meeting=meeting),
        can_amend=working is None and current is not None and role == "chair",
        can_distribute=current is not None
        and minutes_may_distribute(user=user, meeting=meeting),
        role=role,
    )


def _conference_on(meeting: Meeting) -> date | None:
    if meeting.held_on:
        return meeting.held_on
    if meeting.scheduled_for:
        return timezone.localtime(meeting.scheduled_for).date()
    return None


def _report_rows(
    meeting: Meeting, deadline: DueDate | None, today: date
) -> list[ReportRow]:
    rows = []
    for report in meeting.expected_reports.all():
        shared = None
        # The social worker's report must reach the parents before the
        # conference (CP-09); the professionals' reports are tracked as received.
        if deadline and report.kind == codes.ReportKind.SOCIAL_WORKER:
            shared = record_step_timeliness(
                due_on=deadline.due,
                done_on=report.shared_with_parents_on,
                today=today,
                done_word="Shared",
            )
        rows.append(ReportRow(report, shared))
    return rows


def cp_meeting_context(*, meeting: Meeting, user: User, today: date) -> dict:
    """Return everything the page of a conference or other chaired meeting shows.

    `meeting` comes from meeting_get_for_detail (participants, reports, actions,
    rebookings and events prefetched).
    """
    clock = case_selectors.clock_get()
    spec = meeting.spec
    is_open = meeting.is_open
    may_schedule = meeting_may_schedule(user=user, meeting=meeting)
    may_chair = meeting_may_chair(user=user, meeting=meeting)
    conference_on = _conference_on(meeting)
    reports_deadline = (
        due_explained(clock, spec.reports_rule, conference_on)
        if meeting.status != Meeting.Status.CANCELLED
        else None
    )
    held = meeting.status == Meeting.Status.HELD
    context = {
        "spec": spec,
        "today": today,
        "due": due_explained(clock, meeting.due_rule, meeting.due_start_on),
        "booked_in_time": (
            is_in_time(
                held_on=timezone.localtime(meeting.scheduled_for).date(),
                due_on=meeting.due_on,
            )
            if meeting.scheduled_for and meeting.due_rule
            else None
        ),
        "conference_children": conference_children_for(meeting=meeting),
        "exclusions": list(
            Exclusion.objects.filter(meeting=meeting)
            .select_related("participant", "decided_by")
            .order_by("decided_at", "id")
        ),
        "reports_deadline": reports_deadline,
        "report_rows": _report_rows(meeting, reports_deadline, today),
        "followed_by": list(
            meeting.followed_by.select_related("child").order_by("kind", "id")
        ),
        "follows": meeting.follows,
        # A minute-taker sees the child's name and the attendees (DOMAIN.md A3),
        # not the reports before the meeting or its history.
        "show_case_detail": user.has_perm("meetings.chair_meeting")
        or user.has_perm("meetings.approve_record"),
        "can_schedule": may_schedule,
        "can_chair": may_chair,
        "can_book": is_open and meeting.scheduled_for is None and may_schedule,
        "can_rebook": is_open and meeting.scheduled_for is not None and may_schedule,
        "can_hold": is_open and cp_may_hold(user=user, meeting=meeting),
        "can_close": is_open and may_schedule and meeting.scheduled_for is None,
        "can_exclude": spec.is_conference and may_chair,
        "can_assign_minute_taker": spec.uses_minutes
        and may_schedule
        and meeting.status != Meeting.Status.CANCELLED,
        "outline": None,
        "minutes_step": None,
    }
    if spec.uses_minutes:
        context["minutes_panel"] = _minutes_panel(meeting, user)
        context["can_send_outline"] = held and minutes_may_distribute(
            user=user, meeting=meeting
        )
        context["outline"] = record_step_timeliness(
            due_on=meeting.decisions_due_on,
            done_on=meeting.decisions_circulated_on,
            today=today,
            done_word="Sent",
        )
        context["minutes_step"] = record_step_timeliness(
            due_on=meeting.record_due_on,
            done_on=meeting.record_distributed_on,
            today=today,
            done_word="Sent",
        )
        context["outline_due"] = due_explained(
            clock, spec.decisions_rule, meeting.held_on
        )
        context["minutes_due"] = due_explained(clock, spec.record_rule, meeting.held_on)
        context["sendings_count"] = ConferenceSending.objects.filter(
            meeting=meeting
        ).count()
    else:
        context.update(record_panel_context(meeting=meeting, user=user))
    return context


# --- the child's child protection page --------------------------------------------


@dataclass(frozen=True)
class PlanRow:
    plan: object
    core_group_due: DueDate | None
    review_due: DueDate | None


@dataclass(frozen=True)
class ChildCP:
    """The child protection side of a child's record, for one user."""

    plans: list[PlanRow]
    looked_after_on_plan: bool
    strategy_discussions: list[StrategyDiscussion]
    cp_meetings: list[Meeting]
    other_meetings: list[Meeting]


def _with_overdue(queryset: QuerySet[Meeting], today: date) -> QuerySet[Meeting]:
    return queryset.annotate(
        is_overdue=Case(
            When(status__in=_OPEN, due_on__lt=today, then=Value(True)),
            default=Value(False),
            output_field=BooleanField(),
        )
    )


def child_cp_get(*, child: Child, user: User, today: date) -> ChildCP:
    """Return the child's plans, strategy discussions and CP and other meetings.

    `child` comes from cases.selectors.child_get_for_record (plans and episodes
    prefetched). Meetings a child shares with siblings are found through the
    children each meeting is about.
    """
    clock = case_selectors.clock_get()
    plans = [
        PlanRow(
            plan,
            clock.due("cp_core_group_1", plan.started_on) if plan.is_open else None,
            clock.due("cp_rcpc_1", plan.started_on) if plan.is_open else None,
        )
        for plan in child.cp_plans.all()
    ]
    looked_after = any(e.is_open for e in child.care_episodes.all())
    visible = meeting_list_visible_to(user=user)
    about_child = ConferenceChild.objects.filter(meeting=OuterRef("pk"), child=child)
    cp_meetings = (
        _with_overdue(
            visible.filter(kind__in=CP_KINDS).filter(
                Q(child=child) | Q(Exists(about_child))
            ),
            today,
        )
        .select_related("chair")
        .prefetch_related(
            Prefetch(
                "cp_children",
                queryset=ConferenceChild.objects.select_related("child").order_by("id"),
            )
        )
        .order_by("-due_on", "-id")
    )
    other_meetings = (
        _with_overdue(visible.filter(kind__in=OTHER_KINDS, child=child), today)
        .select_related("chair")
        .order_by("-due_on", "-id")
    )
    discussions = (
        strategy_list_visible_to(user=user)
        .filter(children=child)
        .select_related("conference")
        .order_by("-held_on", "-id")
    )
    return ChildCP(
        plans=plans,
        looked_after_on_plan=looked_after and any(p.plan.is_open for p in plans),
        strategy_discussions=list(discussions),
        cp_meetings=list(cp_meetings),
        other_meetings=list(other_meetings),
    )


# --- lists -----------------------------------------------------------------------------


def cp_meeting_list_open(
    *, user: User, today: date, mine: bool = False
) -> QuerySet[Meeting]:
    """Return visible open child protection meetings, soonest due first."""
    queryset = _with_overdue(
        meeting_list_visible_to(user=user).filter(kind__in=CP_KINDS, status__in=_OPEN),
        today,
    )
    if mine:
        queryset = queryset.filter(chair=user)
    return (
        queryset.select_related("child", "chair", "minute_taker")
        .prefetch_related(
            Prefetch(
                "cp_children",
                queryset=ConferenceChild.objects.select_related("child").order_by("id"),
            )
        )
        .order_by("due_on", "id")
    )


def cp_meeting_list_records_outstanding(
    *, user: User, today: date, mine: bool = False
) -> QuerySet[Meeting]:
    """Return held conferences whose outline plan or minutes have not been sent,
    with `outline_late` and `minutes_late` annotated."""
    queryset = meeting_list_visible_to(user=user).filter(
        kind__in=MINUTES_KINDS, status=Meeting.Status.HELD
    )
    queryset = queryset.filter(
        Q(decisions_circulated_on__isnull=True) | Q(record_distributed_on__isnull=True)
    )
    if mine:
        queryset = queryset.filter(chair=user)
    latest = Minutes.objects.filter(meeting=OuterRef("pk")).order_by("-version")
    return (
        queryset.annotate(
            outline_late=Case(
                When(
                    decisions_circulated_on__isnull=True,
                    decisions_due_on__lt=today,
                    then=Value(True),
                ),
                default=Value(False),
                output_field=BooleanField(),
            ),
            minutes_late=Case(
                When(
                    record_distributed_on__isnull=True,
                    record_due_on__lt=today,
                    then=Value(True),
                ),
                default=Value(False),
                output_field=BooleanField(),
            ),
            minutes_status=Subquery(latest.values("status")[:1]),
        )
        .select_related("child", "chair", "minute_taker")
        .order_by("record_due_on", "id")
    )


def minutes_list_for(*, user: User) -> QuerySet[Meeting]:
    """Return the conferences whose minutes `user` writes or approves.

    A minute-taker sees the conferences assigned to them, a chair those they
    chair, and a manager every conference with minutes awaiting approval.
    """
    visible = (
        meeting_list_visible_to(user=user)
        .filter(kind__in=MINUTES_KINDS)
        .exclude(status=Meeting.Status.CANCELLED)
    )
    if user.has_role(Role.MANAGER):
        awaiting = Minutes.objects.filter(meeting=OuterRef("pk"), status="submitted")
        visible = visible.filter(Q(chair=user) | Q(Exists(awaiting)))
    else:
        visible = visible.filter(Q(minute_taker=user) | Q(chair=user))
    latest = Minutes.objects.filter(meeting=OuterRef("pk")).order_by("-version")
    return (
        visible.annotate(
            minutes_status=Subquery(latest.values("status")[:1]),
            minutes_version=Subquery(latest.values("version")[:1]),
        )
        .select_related("child", "chair", "minute_taker")
        .order_by("-held_on", "due_on", "id")
    )


# --- minutes -----------------------------------------------------------------------


def minutes_list_for_meeting(*, meeting: Meeting) -> list[Minutes]:
    """Return every version of a meeting's minutes, newest first."""
    return list(
        Minutes.objects.filter(meeting=meeting)
        .select_related("created_by", "submitted_by", "approved_by", "amends")
        .order_by("-version")
    )


def minutes_editor_get(*, minutes: Minutes) -> dict:
    """Return the sections (with who was present) and the participants to choose from."""
    sections = list(
        MinutesSection.objects.filter(minutes=minutes)
        .prefetch_related(
            Prefetch("present", queryset=Participant.objects.order_by("role", "name"))
        )
        .order_by("position", "id")
    )
    participants = list(
        Participant.objects.filter(meeting_id=minutes.meeting_id).order_by(
            "role", "name"
        )
    )
    return {"sections": sections, "participants": participants}


def _section_rows(sections) -> list[dict]:
    rows = []
    for section in sections:
        present = sorted(section.present.all(), key=lambda p: p.pk)
        rows.append(
            {
                "id": section.pk,
                "heading": section.heading,
                "text": section.text,
                "restricted_text": section.restricted_text,
                "present_ids": [p.pk for p in present],
                "present_names": [
                    f"{p.name} ({p.get_role_display()})" for p in present
                ],
            }
        )
    return rows


def _child_rows(children: list[ConferenceChild]) -> list[dict]:
    return [
        {
            "child": c.child.full_name,
            "la_child_id": c.child.la_child_id,
            "outcome": c.get_outcome_display(),
            "category": c.get_category_display(),
            "alternative": c.get_alternative_display(),
            "end_reason": c.get_end_reason_display(),
            "dissent": c.dissent,
            "transferred_from": c.transferred_from,
        }
        for c in children
    ]


def _decision_rows(actions) -> list[dict]:
    return [
        {
            "text": a.text,
            "owner_name": a.owner_name,
            "owner_role": a.owner_role,
            "due_on": a.due_on.isoformat(),
        }
        for a in actions
    ]


def minutes_content(
    *, sections: list[dict], children: list[dict], decisions: list[dict]
) -> dict:
    """Return the canonical content of a version: sections (with who was present
    and restricted details), each child's outcome and the decisions."""
    return {
        "sections": [
            {
                "heading": s["heading"],
                "text": s["text"],
                "restricted_text": s["restricted_text"],
                "present": s["present_names"],
            }
            for s in sections
        ],
        "children": children,
        "decisions": decisions,
    }


def _minutes_parts(minutes: Minutes):
    sections = _section_rows(
        MinutesSection.objects.filter(minutes=minutes)
        .prefetch_related("present")
        .order_by("position", "id")
    )
    children = _child_rows(conference_children_for(meeting=minutes.meeting))
    actions = list(
        Action.objects.filter(meeting_id=minutes.meeting_id).order_by("due_on", "id")
    )
    return sections, children, actions


def minutes_content_current(*, minutes: Minutes) -> dict:
    """Return a version's canonical content as it is now (for its hash)."""
    sections, children, actions = _minutes_parts(minutes)
    return minutes_content(
        sections=sections, children=children, decisions=_decision_rows(actions)
    )


def _meeting_facts(meeting: Meeting) -> dict:
    spec = meeting.spec
    return {
        "label": spec.label,
        "sequence": meeting.sequence,
        "held_on": meeting.held_on,
        "due_on": meeting.due_on,
        "venue": meeting.venue,
        "is_online": meeting.is_online,
        "chair": str(meeting.chair) if meeting.chair else "",
        "chair_title": spec.chair_title,
        "minute_taker": str(meeting.minute_taker) if meeting.minute_taker else "",
    }


def minutes_pdf_context(
    *, minutes_id: int, audience: str, participant_id: int | None = None
) -> dict:
    """Return everything the minutes template shows for one audience, so it runs
    no queries. Both audiences print the hash of the one full approved content;
    `computed_hash` is that hash as the content is now, for the renderer to check.
    """
    minutes = Minutes.objects.select_related(
        "meeting__child", "meeting__chair", "meeting__minute_taker", "approved_by"
    ).get(pk=minutes_id)
    meeting = minutes.meeting
    sections, children, actions = _minutes_parts(minutes)
    content = minutes_content(
        sections=sections, children=children, decisions=_decision_rows(actions)
    )
    is_family = audience == ConferenceSending.Audience.FAMILY
    participants = list(
        Participant.objects.filter(meeting=meeting).order_by("role", "name")
    )
    recipient = next((p for p in participants if p.pk == participant_id), None)
    shown = workflow.sections_for_recipient(
        sections, is_family=is_family, participant_id=participant_id
    )
    ids = ", ".join(c["la_child_id"] for c in children) or meeting.child.la_child_id
    return {
        "title": meeting.spec.record_title,
        "audience": audience,
        "is_family": is_family,
        "recipient": recipient.name if recipient else "",
        "left_out": len(sections) - len(shown),
        "child": {"la_child_id": ids},
        "children": children,
        "report": {
            "version": minutes.version,
            "status": minutes.get_status_display(),
            "approved_at": minutes.approved_at,
            "approved_by": str(minutes.approved_by) if minutes.approved_by else "",
            "content_hash": minutes.content_hash,
            "amendment_reason": minutes.amendment_reason,
        },
        "meeting": _meeting_facts(meeting),
        "participants": [
            {
                "name": p.name,
                "role": p.get_role_display(),
                "organisation": p.organisation,
                "attendance": p.get_attendance_display(),
            }
            for p in participants
        ],
        "sections": shown,
        "decisions": [
            {
                "text": a.text,
                "owner_name": a.owner_name,
                "owner_role": a.get_owner_role_display() if a.owner_role else "",
                "due_on": a.due_on,
            }
            for a in actions
        ],
        "computed_hash": chair_report_content_hash(content),
    }


def outline_plan_context(*, meeting_id: int) -> dict:
    """Return the decisions and outline plan of a held conference, with its hash."""
    meeting = Meeting.objects.select_related("child", "chair", "minute_taker").get(
        pk=meeting_id
    )
    children = _child_rows(conference_children_for(meeting=meeting))
    actions = list(Action.objects.filter(meeting=meeting).order_by("due_on", "id"))
    following = [
        {
            "label": m.spec.label,
            "due_on": m.due_on,
            "scheduled_for": m.scheduled_for,
            "children": m.child.full_name,
        }
        for m in meeting.followed_by.select_related("child").order_by("due_on", "id")
    ]
    content = {
        "children": children,
        "decisions": _decision_rows(actions),
        "following": [
            {"label": f["label"], "due_on": f["due_on"].isoformat()} for f in following
        ],
    }
    ids = ", ".join(c["la_child_id"] for c in children) or meeting.child.la_child_id
    content_hash = chair_report_content_hash(content)
    return {
        "title": "Decisions and outline child protection plan",
        "child": {"la_child_id": ids},
        "children": children,
        "meeting": _meeting_facts(meeting),
        "decisions": [
            {
                "text": a.text,
                "owner_name": a.owner_name,
                "owner_role": a.get_owner_role_display() if a.owner_role else "",
                "due_on": a.due_on,
            }
            for a in actions
        ],
        "following": following,
        "report": {
            "version": 1,
            "approved_at": None,
            "approved_by": str(meeting.chair) if meeting.chair else "",
            "content_hash": content_hash,
        },
        "content_hash": content_hash,
    }


# --- sendings ---------------------------------------------------------------------------


def cp_sending_list_for_meeting(*, meeting: Meeting) -> QuerySet[ConferenceSending]:
    """Return every sending of a meeting's outline plan and minutes."""
    return (
        ConferenceSending.objects.filter(meeting=meeting)
        .select_related("minutes", "participant", "requested_by")
        .order_by("document", "-minutes__version", "recipient_name", "id")
    )


def cp_sending_recipient_choices(*, meeting: Meeting) -> list[Participant]:
    """Return the participants who receive documents, by role and name."""
    return list(
        Participant.objects.filter(meeting=meeting, receives_record=True).order_by(
            "role", "name"
        )
    )
