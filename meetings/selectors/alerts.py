"""Reads for practice alerts and good practice: record scope, the pages, the
daily sweep and chase, and the counts the managers' themes page reports.

Scope (DOMAIN.md A3, "scoped to the people involved and managers"): managers
see every alert and every good-practice record; anyone else sees the alerts
they raised or that are addressed to them, and the good practice they recorded
or that recognises them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import (
    Avg,
    BooleanField,
    Case,
    CharField,
    Count,
    F,
    Prefetch,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.functions import Concat

from accounts.models import Team, User
from accounts.roles import Role
from cases import selectors as case_selectors
from cases import timescales
from cases.models import Allocation, Child
from cases.sweep import MarkSource, mark_columns, url_expression

from ..models import AlertEntry, GoodPractice, PracticeAlert

__all__ = [
    "AlertDetail",
    "alert_history_text",
    "alert_mark_sources",
    "alert_theme_counts",
    "child_responsible_team",
    "good_practice_counts",
    "good_practice_list_visible_to",
    "manager_list_for_alerts",
    "practice_alert_default_addressee",
    "practice_alert_detail_get",
    "practice_alert_get_for_detail",
    "practice_alert_list_for",
    "practice_alert_list_to_chase",
    "practice_alert_list_visible_to",
    "practice_alert_may_chase",
    "practice_alert_may_escalate",
    "practice_alert_may_respond",
    "practice_alert_may_use",
]

RULE = "practice_alert_response"

_TIMELINESS_TEXT = {
    timescales.Status.ON_TRACK: "Awaiting response, in time",
    timescales.Status.DUE_SOON: "Awaiting response, due soon",
    timescales.Status.OVERDUE: "Response overdue",
    timescales.Status.MET: "Responded in time",
    timescales.Status.MET_LATE: "Responded late",
}


# --- record scope and who may do what ------------------------------------------------


def practice_alert_may_use(*, user: User) -> bool:
    """Return whether `user`'s role works with practice alerts at all."""
    return user.has_perm("meetings.raise_practice_alerts") or user.has_perm(
        "meetings.respond_practice_alerts"
    )


def practice_alert_list_visible_to(*, user: User) -> QuerySet[PracticeAlert]:
    """Return the alerts `user` may see: managers all; others those they raised
    or that are addressed to them."""
    if not user.is_authenticated or not user.is_active:
        return PracticeAlert.objects.none()
    if user.has_role(Role.MANAGER):
        return PracticeAlert.objects.all()
    return PracticeAlert.objects.filter(Q(raised_by=user) | Q(addressed_to=user))


def practice_alert_may_respond(*, user: User, alert: PracticeAlert) -> bool:
    """The addressee, or a manager, answers an open alert."""
    if alert.status != PracticeAlert.Status.OPEN:
        return False
    return alert.addressed_to_id == user.pk or user.has_perm(
        "meetings.respond_practice_alerts"
    )


def practice_alert_may_chase(*, user: User, alert: PracticeAlert) -> bool:
    """The raiser may chase an alert still awaiting its response."""
    return (
        alert.status == PracticeAlert.Status.OPEN
        and alert.raised_by_id == user.pk
        and user.has_perm("meetings.raise_practice_alerts")
    )


def practice_alert_may_escalate(*, user: User, alert: PracticeAlert) -> bool:
    """The raiser may take an alert not yet escalated into dispute resolution."""
    return (
        alert.status != PracticeAlert.Status.ESCALATED
        and alert.raised_by_id == user.pk
        and user.has_perm("meetings.raise_practice_alerts")
    )


def good_practice_list_visible_to(*, user: User) -> QuerySet[GoodPractice]:
    """Return the good practice `user` may see: managers all; others what they
    recorded or what recognises them."""
    if not user.is_authenticated or not user.is_active:
        return GoodPractice.objects.none()
    if user.has_role(Role.MANAGER):
        return GoodPractice.objects.all()
    return GoodPractice.objects.filter(Q(recorded_by=user) | Q(worker=user))


# --- who an alert goes to ------------------------------------------------------------


def child_responsible_team(*, child: Child) -> Team | None:
    """Return the team of the child's current social worker allocation, if any."""
    allocation = (
        Allocation.objects.filter(
            child=child,
            role=Allocation.Role.SOCIAL_WORKER,
            ended_on__isnull=True,
            team__isnull=False,
        )
        .select_related("team__manager")
        .first()
    )
    return allocation.team if allocation else None


def manager_list_for_alerts() -> QuerySet[User]:
    """Return the active users who may be asked to respond to an alert."""
    return (
        User.objects.filter(is_active=True, groups__name=Role.MANAGER)
        .select_related("team")
        .distinct()
        .order_by("last_name", "first_name", "username")
    )


def practice_alert_default_addressee(*, child: Child) -> User | None:
    """Return the manager of the child's current social work team, when that
    manager uses the app as a manager; otherwise None (the raiser chooses)."""
    team = child_responsible_team(child=child)
    manager = team.manager if team is not None else None
    if manager is not None and manager.has_role(Role.MANAGER):
        return manager
    return None


# --- lists ---------------------------------------------------------------------------


def _with_overdue(queryset: QuerySet[PracticeAlert], *, today: date):
    return queryset.annotate(
        is_overdue=Case(
            When(status=PracticeAlert.Status.OPEN, due_on__lt=today, then=Value(True)),
            default=Value(False),
            output_field=BooleanField(),
        ),
        is_late=Case(
            When(responded_on__gt=F("due_on"), then=Value(True)),
            When(
                responded_on__isnull=True,
                status=PracticeAlert.Status.OPEN,
                due_on__lt=today,
                then=Value(True),
            ),
            default=Value(False),
            output_field=BooleanField(),
        ),
    )


def practice_alert_list_for(
    *,
    user: User,
    today: date,
    box: str = "",
    status: str = "",
    category: str = "",
    child_id: int | None = None,
) -> QuerySet[PracticeAlert]:
    """Return the visible alerts, filtered, overdue flagged, oldest due first.

    `box` narrows to "raised" (by the user), "to_me" (addressed to the user) or
    "team" (about a team the user manages).
    """
    queryset = practice_alert_list_visible_to(user=user)
    if box == "raised":
        queryset = queryset.filter(raised_by=user)
    elif box == "to_me":
        queryset = queryset.filter(addressed_to=user)
    elif box == "team":
        queryset = queryset.filter(team__manager=user)
    if status:
        queryset = queryset.filter(status=status)
    if category:
        queryset = queryset.filter(category=category)
    if child_id:
        queryset = queryset.filter(child_id=child_id)
    return (
        _with_overdue(queryset, today=today)
        .select_related("child", "raised_by", "addressed_to", "team", "dispute")
        .order_by(
            Case(
                When(status=PracticeAlert.Status.OPEN, then=Value(0)),
                default=Value(1),
            ),
            "due_on",
            "-id",
        )
    )


def practice_alert_list_to_chase(*, today: date) -> QuerySet[PracticeAlert]:
    """Return open alerts past their due date and not chased since it passed."""
    return PracticeAlert.objects.filter(
        status=PracticeAlert.Status.OPEN, due_on__lt=today
    ).filter(Q(chased_on__isnull=True) | Q(chased_on__lte=F("due_on")))


# --- one alert -----------------------------------------------------------------------


def practice_alert_get_for_detail(*, user: User, pk: int) -> PracticeAlert:
    """Return one visible alert with its people and entries, or raise."""
    return (
        practice_alert_list_visible_to(user=user)
        .select_related(
            "child",
            "meeting",
            "raised_by",
            "addressed_to",
            "responded_by",
            "team",
            "dispute",
        )
        .prefetch_related(
            Prefetch(
                "entries",
                queryset=AlertEntry.objects.select_related("by").order_by("at", "id"),
            )
        )
        .get(pk=pk)
    )


@dataclass(frozen=True)
class AlertDetail:
    """Everything the alert page shows, with the due date explained."""

    alert: PracticeAlert
    entries: list[AlertEntry]
    explanation: timescales.DueDate
    timeliness: str
    is_late: bool
    can_respond: bool
    can_chase: bool
    can_escalate: bool


def practice_alert_detail_get(
    *, alert: PracticeAlert, user: User, clock: case_selectors.Clock, today: date
) -> AlertDetail:
    """Return the alert page; expects an alert from practice_alert_get_for_detail."""
    status = timescales.due_status(
        due_on=alert.due_on,
        today=today,
        calendar=clock.calendar,
        lead_working_days=1,
        done_on=alert.responded_on,
    )
    return AlertDetail(
        alert=alert,
        entries=list(alert.entries.all()),
        explanation=clock.due(RULE, alert.raised_on),
        timeliness=_TIMELINESS_TEXT[status],
        is_late=status in (timescales.Status.OVERDUE, timescales.Status.MET_LATE),
        can_respond=practice_alert_may_respond(user=user, alert=alert),
        can_chase=practice_alert_may_chase(user=user, alert=alert),
        can_escalate=practice_alert_may_escalate(user=user, alert=alert),
    )


def alert_history_text(*, alert: PracticeAlert, entries: list[AlertEntry]) -> str:
    """Return the alert and every entry as plain text, for the dispute it becomes."""
    lines = [
        f"Escalated from a practice alert ({alert.get_category_display()}) raised "
        f"on {alert.raised_on:%d/%m/%Y} with "
        f"{alert.addressed_to or 'the team manager'}; the response was due "
        f"{alert.due_on:%d/%m/%Y}.",
        "",
        f"What is wrong: {alert.concern}",
        f"What was asked: {alert.asked}",
    ]
    if alert.responded_on:
        late = " (late)" if alert.is_responded_late else ""
        lines += [
            f"Response on {alert.responded_on:%d/%m/%Y}{late}: {alert.response}",
            f"Action agreed: {alert.action_agreed}",
        ]
    lines += ["", "History:"]
    for entry in entries:
        who = str(entry.by) if entry.by_id else "The service (automatic)"
        text = " ".join(entry.text.split())
        lines.append(
            f"- {entry.on:%d/%m/%Y} {entry.get_kind_display()} by {who}: {text}"
        )
    return "\n".join(lines)


# --- the daily sweep -----------------------------------------------------------------


def alert_mark_sources(*, today: date) -> list[MarkSource]:
    """Return open practice alerts, owed by their addressee (practice_alert_response)."""
    category_label = Case(
        *[
            When(category=value, then=Value(label))
            for value, label in PracticeAlert.Category.choices
        ],
        default=Value("Practice alert"),
        output_field=CharField(),
    )
    return [
        MarkSource(
            "practice alerts awaiting a response",
            PracticeAlert.objects.filter(status=PracticeAlert.Status.OPEN).annotate(
                **mark_columns(
                    rule=RULE,
                    child="child_id",
                    owner="addressed_to_id",
                    due_on="due_on",
                    label=Concat(
                        Value("Practice alert response ("),
                        category_label,
                        Value(") for "),
                        F("child__la_child_id"),
                        output_field=CharField(),
                    ),
                    url=url_expression("meetings:alert-detail"),
                )
            ),
        )
    ]


# --- counts for the managers' themes page (reporting) --------------------------------


def alert_theme_counts(
    *, date_from: date, date_to: date, team: Team | int | None = None
) -> dict:
    """Return practice alerts raised from `date_from` to `date_to` (inclusive),
    optionally about one team, as plain data, in two queries:

    {
      "total": int, "open": int, "overdue": int (open, past due on date_to),
      "responded": int, "responded_in_time": int, "responded_late": int,
      "escalated": int, "chased": int (alerts chased at least once),
      "average_response_days": float | None (calendar days, raised to response),
      "by_category": [{"category": str, "label": str, "count": int,
                       "responded_late": int, "escalated": int}, ...]
                     (every category, in declaration order, zeros included),
    }
    """
    queryset = PracticeAlert.objects.filter(raised_on__range=(date_from, date_to))
    if team is not None:
        queryset = queryset.filter(team=team)
    open_ = Q(status=PracticeAlert.Status.OPEN)
    late = Q(responded_on__gt=F("due_on"))
    escalated = Q(status=PracticeAlert.Status.ESCALATED)
    totals = queryset.aggregate(
        total=Count("id"),
        open=Count("id", filter=open_),
        overdue=Count("id", filter=open_ & Q(due_on__lt=date_to)),
        responded=Count("id", filter=Q(responded_on__isnull=False)),
        responded_late=Count("id", filter=late),
        escalated=Count("id", filter=escalated),
        chased=Count("id", filter=Q(chased_on__isnull=False)),
        average_response=Avg(
            F("responded_on") - F("raised_on"),
            filter=Q(responded_on__isnull=False),
        ),
    )
    average = totals.pop("average_response")
    if isinstance(average, timedelta):
        average = round(average.total_seconds() / 86400, 1)
    elif average is not None:
        average = round(float(average), 1)
    rows = {
        row["category"]: row
        for row in queryset.order_by()
        .values("category")
        .annotate(
            count=Count("id"),
            responded_late=Count("id", filter=late),
            escalated=Count("id", filter=escalated),
        )
    }
    return {
        **totals,
        "responded_in_time": totals["responded"] - totals["responded_late"],
        "average_response_days": average,
        "by_category": [
            {
                "category": value,
                "label": label,
                "count": rows.get(value, {}).get("count", 0),
                "responded_late": rows.get(value, {}).get("responded_late", 0),
                "escalated": rows.get(value, {}).get("escalated", 0),
            }
            for value, label in PracticeAlert.Category.choices
        ],
    }


def good_practice_counts(
    *, date_from: date, date_to: date, team: Team | int | None = None
) -> dict:
    """Return good practice recorded from `date_from` to `date_to` (inclusive),
    optionally for one team, as plain data, in two queries:

    {
      "total": int, "workers": int (distinct named workers),
      "by_team": [{"team_id": int | None, "team": str, "count": int}, ...]
                 (most first; records with no team under "No team"),
    }
    """
    queryset = GoodPractice.objects.filter(recorded_on__range=(date_from, date_to))
    if team is not None:
        queryset = queryset.filter(team=team)
    totals = queryset.aggregate(
        total=Count("id"),
        workers=Count("worker_name", distinct=True, filter=~Q(worker_name="")),
    )
    by_team = [
        {
            "team_id": row["team_id"],
            "team": row["team__name"] or "No team",
            "count": row["count"],
        }
        for row in queryset.order_by()
        .values("team_id", "team__name")
        .annotate(count=Count("id"))
        .order_by("-count", "team__name")
    ]
    return {**totals, "by_team": by_team}
