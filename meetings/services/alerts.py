"""Writes for the chair's quality assurance: practice alerts and good practice.

Each service runs in one transaction. An alert's steps are `AlertEntry` rows
written with the change (who, when, what); the alert row itself keeps
simple-history. Once answered, an alert changes only by a new entry.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import date

from django.db import OperationalError, transaction
from django.urls import reverse
from django.utils import timezone

from accounts.models import Notification, Team, User
from accounts.roles import Role
from cases import selectors as case_selectors
from cases.errors import DomainError
from cases.models import Child

from ..codes import DisputeCategory, DisputeStage
from ..events import meeting_event
from ..models import AlertEntry, Dispute, GoodPractice, Meeting, PracticeAlert
from ..selectors.alerts import alert_history_text, child_responsible_team
from .oversight import dispute_raise

logger = logging.getLogger(__name__)

__all__ = [
    "ALERT_DISPUTE_CATEGORY",
    "ESCALATION_STAGES",
    "good_practice_record",
    "practice_alert_chase",
    "practice_alert_comment",
    "practice_alert_escalate",
    "practice_alert_raise",
    "practice_alert_respond",
    "practice_alerts_chase_overdue",
]

RULE = "practice_alert_response"

# The dispute category an escalated alert starts under; the IRO may re-word the
# dispute afterwards, but the history always travels with it.
ALERT_DISPUTE_CATEGORY = {
    PracticeAlert.Category.PLANNING_DRIFT: DisputeCategory.DRIFT,
    PracticeAlert.Category.VISITS_OVERDUE: DisputeCategory.CARE_PLANNING,
    PracticeAlert.Category.ASSESSMENT_QUALITY: DisputeCategory.CARE_PLANNING,
    PracticeAlert.Category.PLAN_NOT_PROGRESSED: DisputeCategory.DRIFT,
    PracticeAlert.Category.REPORT_LATE_OR_POOR: DisputeCategory.CARE_PLANNING,
    PracticeAlert.Category.CHILD_NOT_SEEN: DisputeCategory.PARTICIPATION,
    PracticeAlert.Category.OTHER: DisputeCategory.CARE_PLANNING,
}
# An escalation starts the dispute resolution process at its first steps only.
ESCALATION_STAGES = (DisputeStage.INFORMAL, DisputeStage.STAGE_1)


def _name(user: User | None) -> str:
    if user is None:
        return "someone no longer a user"
    return user.get_full_name() or user.get_username()


def _notify(
    users: Iterable[User | None], *, day: date, kind: str, text: str, url: str, key: str
) -> int:
    """Notify each distinct, active user once per `key` and day."""
    rows = {
        user.pk: Notification(
            user=user, day=day, kind=kind, text=text[:400], url=url, source_key=key
        )
        for user in users
        if user is not None and user.is_active
    }
    Notification.objects.bulk_create(rows.values(), ignore_conflicts=True)
    return len(rows)


def _entry(alert: PracticeAlert, kind: str, *, by: User | None, on: date, text: str):
    return AlertEntry.objects.create(alert=alert, kind=kind, by=by, on=on, text=text)


def _save(alert: PracticeAlert, user: User | None, reason: str) -> None:
    alert._history_user = user
    alert._change_reason = reason
    alert.full_clean(
        exclude=[
            f.name
            for f in alert._meta.concrete_fields
            if f.is_relation and f.null and getattr(alert, f.attname) is None
        ]
    )
    alert.save()


def _lock(alert: PracticeAlert) -> PracticeAlert:
    return (
        PracticeAlert.objects.select_for_update(of=("self",))
        .select_related("child", "raised_by", "addressed_to", "team__manager")
        .get(pk=alert.pk)
    )


def _not_future(day: date, what: str) -> None:
    if day > timezone.localdate():
        raise DomainError(f"{what} cannot be in the future.")


def _label(alert: PracticeAlert) -> str:
    return f"practice alert ({alert.get_category_display().lower()}) for {alert.child.la_child_id}"


# --- raising -------------------------------------------------------------------------


@transaction.atomic
def practice_alert_raise(
    *,
    child: Child,
    raised_by: User,
    category: str,
    concern: str,
    asked: str,
    addressed_to: User | None,
    raised_on: date | None = None,
    meeting: Meeting | None = None,
    team: Team | None = None,
    clock: case_selectors.Clock | None = None,
) -> PracticeAlert:
    """Raise a practice alert with the responsible team manager; the response is
    due under practice_alert_response (local rule, 5 working days by default).

    The addressee and the manager of the team concerned are notified.
    """
    clock = clock or case_selectors.clock_get()
    raised_on = raised_on or timezone.localdate()
    _not_future(raised_on, "The date raised")
    if meeting is not None and meeting.child_id != child.pk:
        raise DomainError("The meeting it came from is another child's.")
    if addressed_to is None:
        raise DomainError("Choose the team manager who must respond.")
    if not addressed_to.has_role(Role.MANAGER):
        raise DomainError(
            f"{addressed_to} is not a manager: choose the team manager who must "
            "respond."
        )
    concern, asked = concern.strip(), asked.strip()
    if not concern:
        raise DomainError("Say what is wrong.")
    if not asked:
        raise DomainError("Say what you are asking the team manager to do.")
    if team is None:
        team = child_responsible_team(child=child)
    alert = PracticeAlert(
        child=child,
        meeting=meeting,
        raised_by=raised_by,
        raised_on=raised_on,
        addressed_to=addressed_to,
        team=team,
        category=category,
        concern=concern,
        asked=asked,
        due_on=clock.due(RULE, raised_on).due,
    )
    _save(alert, raised_by, "Raised")
    _entry(
        alert,
        AlertEntry.Kind.RAISED,
        by=raised_by,
        on=raised_on,
        text=f"Raised with {_name(addressed_to)}; response due {alert.due_on:%d/%m/%Y}.",
    )
    if meeting is not None:
        meeting_event(
            meeting=meeting,
            by=raised_by,
            code="practice_alert_raised",
            detail=f"{alert.get_category_display()}: {concern}",
        )
    team_manager = team.manager if team is not None else None
    _notify(
        [addressed_to, team_manager],
        day=timezone.localdate(),
        kind=Notification.Kind.DUE_SOON,
        text=(
            f"New {_label(alert)} from {_name(raised_by)}: respond by "
            f"{alert.due_on:%d/%m/%Y}"
        ),
        url=alert.get_absolute_url(),
        key=f"practice_alert:{alert.pk}:raised",
    )
    return alert


# --- answering and commenting --------------------------------------------------------


@transaction.atomic
def practice_alert_respond(
    *,
    alert: PracticeAlert,
    responded_by: User,
    response: str,
    action_agreed: str,
    responded_on: date | None = None,
) -> PracticeAlert:
    """Record the manager's response, once; late if after the due date."""
    alert = _lock(alert)
    responded_on = responded_on or timezone.localdate()
    _not_future(responded_on, "The response date")
    if alert.status != PracticeAlert.Status.OPEN:
        raise DomainError(
            f"This alert is {alert.get_status_display().lower()}; add anything "
            "further as a comment."
        )
    if responded_on < alert.raised_on:
        raise DomainError(
            "The response date cannot be before the alert was raised "
            f"({alert.raised_on:%d/%m/%Y})."
        )
    response, action_agreed = response.strip(), action_agreed.strip()
    if not response:
        raise DomainError("Write the response.")
    if not action_agreed:
        raise DomainError("Say what action is agreed, and by when.")
    alert.status = PracticeAlert.Status.RESPONDED
    alert.responded_on = responded_on
    alert.responded_by = responded_by
    alert.response = response
    alert.action_agreed = action_agreed
    _save(alert, responded_by, "Responded")
    late = alert.is_responded_late
    _entry(
        alert,
        AlertEntry.Kind.RESPONSE,
        by=responded_by,
        on=responded_on,
        text=(
            f"{response}\n\nAction agreed: {action_agreed}"
            + (f"\n\nLate: due {alert.due_on:%d/%m/%Y}." if late else "")
        ),
    )
    _notify(
        [alert.raised_by],
        day=timezone.localdate(),
        kind=Notification.Kind.OVERDUE if late else Notification.Kind.DUE_SOON,
        text=f"{_name(responded_by)} responded{' late' if late else ''} to your "
        f"{_label(alert)}",
        url=alert.get_absolute_url(),
        key=f"practice_alert:{alert.pk}:responded",
    )
    return alert


@transaction.atomic
def practice_alert_comment(
    *, alert: PracticeAlert, by: User, text: str, on: date | None = None
) -> AlertEntry:
    """Add a comment: the only way to add to an alert after it is answered."""
    alert = _lock(alert)
    text = text.strip()
    if not text:
        raise DomainError("Write the comment.")
    entry = _entry(
        alert,
        AlertEntry.Kind.COMMENT,
        by=by,
        on=on or timezone.localdate(),
        text=text,
    )
    others = [u for u in (alert.raised_by, alert.addressed_to) if u != by]
    _notify(
        others,
        day=entry.on,
        kind=Notification.Kind.DUE_SOON,
        text=f"{_name(by)} commented on the {_label(alert)}",
        url=alert.get_absolute_url(),
        key=f"practice_alert:{alert.pk}:comment:{entry.pk}",
    )
    return entry


# --- chasing -------------------------------------------------------------------------


def _chase(alert: PracticeAlert, *, by: User | None, today: date) -> AlertEntry:
    overdue = alert.due_on < today
    alert.chased_on = today
    _save(alert, by, "Chased")
    entry = _entry(
        alert,
        AlertEntry.Kind.CHASED,
        by=by,
        on=today,
        text=(
            f"Chased {_name(alert.addressed_to)}: the response was due "
            f"{alert.due_on:%d/%m/%Y}" + (" and is overdue." if overdue else ".")
        ),
    )
    team_manager = alert.team.manager if alert.team_id else None
    _notify(
        [alert.addressed_to, team_manager],
        day=today,
        kind=Notification.Kind.OVERDUE if overdue else Notification.Kind.DUE_SOON,
        text=(f"Chase: respond to the {_label(alert)} (due {alert.due_on:%d/%m/%Y})"),
        url=alert.get_absolute_url(),
        key=f"practice_alert:{alert.pk}:chased:{entry.pk}",
    )
    return entry


@transaction.atomic
def practice_alert_chase(
    *, alert: PracticeAlert, chased_by: User, today: date | None = None
) -> AlertEntry:
    """Chase the addressee now (the raiser's button), at most once a day."""
    alert = _lock(alert)
    today = today or timezone.localdate()
    if alert.status != PracticeAlert.Status.OPEN:
        raise DomainError(
            f"This alert is {alert.get_status_display().lower()}; there is nothing "
            "to chase."
        )
    if alert.chased_on == today:
        raise DomainError("This alert was already chased today.")
    return _chase(alert, by=chased_by, today=today)


def practice_alerts_chase_overdue(*, today: date) -> int:
    """Chase each open alert past its due date not chased since; return how many.

    Safe to run twice: an alert chased after its due date is not chased again,
    and each chase locks the alert and re-checks before writing.
    """
    from ..selectors.alerts import practice_alert_list_to_chase

    chased, failed = 0, []
    for alert_id in practice_alert_list_to_chase(today=today).values_list(
        "pk", flat=True
    ):
        try:
            chased += _chase_overdue_one(alert_id=alert_id, today=today)
        except OperationalError:
            raise
        except DomainError as exc:  # one bad row must not stop the rest
            logger.warning("Chasing practice alert %s failed: %s", alert_id, exc)
            failed.append(alert_id)
    if failed:
        raise DomainError(
            f"{len(failed)} practice alert(s) could not be chased: {failed}"
        )
    return chased


@transaction.atomic
def _chase_overdue_one(*, alert_id: int, today: date) -> int:
    from ..selectors.alerts import practice_alert_list_to_chase

    alert = (
        practice_alert_list_to_chase(today=today)
        .select_for_update(of=("self",))
        .select_related("child", "addressed_to", "team__manager")
        .filter(pk=alert_id)
        .first()
    )
    if alert is None:
        return 0
    _chase(alert, by=None, today=today)
    return 1


# --- escalation ----------------------------------------------------------------------


@transaction.atomic
def practice_alert_escalate(
    *,
    alert: PracticeAlert,
    escalated_by: User,
    stage: str = DisputeStage.STAGE_1,
    escalated_on: date | None = None,
    clock: case_selectors.Clock | None = None,
) -> Dispute:
    """Take the alert into dispute resolution in one step: a dispute at the
    informal stage or formal stage 1, raised with the alert's addressee, whose
    summary carries the alert's history."""
    alert = _lock(alert)
    escalated_on = escalated_on or timezone.localdate()
    _not_future(escalated_on, "The escalation date")
    if alert.status == PracticeAlert.Status.ESCALATED:
        raise DomainError("This alert is already in dispute resolution.")
    if stage not in ESCALATION_STAGES:
        raise DomainError("Escalate to informal resolution or formal stage 1.")
    if escalated_on < alert.raised_on:
        raise DomainError(
            "The escalation date cannot be before the alert was raised "
            f"({alert.raised_on:%d/%m/%Y})."
        )
    entries = list(alert.entries.select_related("by").order_by("at", "id"))
    addressee = alert.addressed_to
    dispute = dispute_raise(
        child=alert.child,
        raised_by=escalated_by,
        raised_on=escalated_on,
        category=ALERT_DISPUTE_CATEGORY[alert.category],
        summary=alert_history_text(alert=alert, entries=entries),
        stage=stage,
        escalated_to=addressee if addressee and addressee.is_active else None,
        escalated_to_name=_name(addressee) if addressee else "Team manager",
        source_meeting=alert.meeting,
        clock=clock,
    )
    alert.status = PracticeAlert.Status.ESCALATED
    alert.escalated_on = escalated_on
    alert.dispute = dispute
    _save(alert, escalated_by, "Escalated to dispute resolution")
    _entry(
        alert,
        AlertEntry.Kind.ESCALATED,
        by=escalated_by,
        on=escalated_on,
        text=f"Escalated to {DisputeStage(stage).label.lower()} (dispute {dispute.pk}).",
    )
    _notify(
        [addressee],
        day=timezone.localdate(),
        kind=Notification.Kind.OVERDUE,
        text=f"The {_label(alert)} is escalated to dispute resolution",
        url=dispute.get_absolute_url(),
        key=f"practice_alert:{alert.pk}:escalated",
    )
    return dispute


# --- good practice -------------------------------------------------------------------


@transaction.atomic
def good_practice_record(
    *,
    recorded_by: User,
    what: str,
    worker: User | None = None,
    worker_name: str = "",
    team: Team | None = None,
    child: Child | None = None,
    meeting: Meeting | None = None,
    recorded_on: date | None = None,
) -> GoodPractice:
    """Record good practice by a worker or team; the worker (if a user) and
    their team's manager are notified."""
    recorded_on = recorded_on or timezone.localdate()
    _not_future(recorded_on, "The date")
    if meeting is not None and child is not None and meeting.child_id != child.pk:
        raise DomainError("The meeting is another child's.")
    if meeting is not None and child is None:
        child = meeting.child
    what = what.strip()
    if not what:
        raise DomainError("Say what the good practice was.")
    worker_name = worker_name.strip() or (_name(worker) if worker else "")
    if team is None and worker is not None:
        team = worker.team
    if not worker_name and team is None:
        raise DomainError("Name the worker or choose the team.")
    record = GoodPractice(
        child=child,
        meeting=meeting,
        worker=worker,
        worker_name=worker_name,
        team=team,
        what=what,
        recorded_by=recorded_by,
        recorded_on=recorded_on,
    )
    record._history_user = recorded_by
    record._change_reason = "Recorded"
    record.full_clean(exclude=["recorded_by"])
    record.save()
    if meeting is not None:
        meeting_event(
            meeting=meeting,
            by=recorded_by,
            code="good_practice_recorded",
            detail=f"{record.worker_display}: {what}",
        )
    _notify(
        [worker, team.manager if team is not None else None],
        day=timezone.localdate(),
        kind=Notification.Kind.DUE_SOON,
        text=f"Good practice recognised by {_name(recorded_by)}: "
        f"{record.worker_display}: {what}",
        url=reverse("meetings:good-practice-list"),
        key=f"good_practice:{record.pk}",
    )
    return record
