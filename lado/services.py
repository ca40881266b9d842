"""Writes to LADO allegations. Each service runs in one transaction, logs an event
and keeps the stored due dates in step with the referral date it changes.

Workflow (lado.workflow.TRANSITIONS): awaiting decision -> being managed (harm
test met) or closed (advice only, or harm test not met) -> outcome recorded ->
closed.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from functools import partial

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.core.mail import EmailMessage, send_mail
from django.db import IntegrityError, OperationalError, transaction
from django.db.models import Max
from django.utils import timezone

from accounts.models import User
from cases.errors import DomainError
from cases.selectors import Clock, clock_get
from cases.timescales import working_days_between

from . import codes, selectors, tasks, workflow
from .events import allegation_event
from .models import (
    ActionChase,
    Allegation,
    AllegationAction,
    AllegationMeeting,
    Attendee,
    InvolvedChild,
    LegalHold,
    MinutesDistribution,
    MinutesVersion,
    SubjectMatch,
)

logger = logging.getLogger(__name__)

REFERRAL_FIELDS = (
    "received_at",
    "referral_source",
    "referrer_name",
    "referrer_organisation",
    "referrer_role",
    "referrer_contact",
    "setting_name",
    "sector",
    "came_to_employer_attention_on",
    "subject_first_name",
    "subject_last_name",
    "subject_date_of_birth",
    "subject_role",
    "subject_employer",
    "subject_registration",
    "category",
    "details",
)
MANAGEMENT_FIELDS = (
    "police_involved",
    "police_reference",
    "police_outcome",
    "section47_involved",
    "section47_reference",
    "employer_investigation",
    "employer_investigation_notes",
    "interim_measure",
    "interim_measure_on",
    "interim_measure_notes",
    "subject_informed_on",
)
_TEXT_FIELDS = frozenset(
    {
        "referrer_name",
        "referrer_organisation",
        "referrer_role",
        "referrer_contact",
        "setting_name",
        "subject_first_name",
        "subject_last_name",
        "subject_role",
        "subject_employer",
        "subject_registration",
    }
)


@dataclass(frozen=True)
class ChildEntry:
    """A child involved: an LA child ID, or initials with age and gender."""

    la_child_id: str = ""
    initials: str = ""
    age: int | None = None
    gender: str = ""

    @property
    def is_empty(self) -> bool:
        return not (self.la_child_id.strip() or self.initials.strip())


@dataclass(frozen=True)
class AttendeeEntry:
    name: str
    role: str = ""
    email: str = ""
    attended: bool = True
    receives_minutes: bool = True


def _set_user(instance, user: User | None) -> None:
    # simple-history reads this attribute when it writes the historical row.
    instance._history_user = user


def _lock(allegation: Allegation) -> Allegation:
    return Allegation.objects.select_for_update().get(pk=allegation.pk)


def _move(allegation: Allegation, new: str) -> None:
    if not workflow.can_move(allegation.status, new):
        raise DomainError(
            f"This allegation is {allegation.get_status_display().lower()}; it cannot "
            f"be {codes.Status(new).label.lower()}."
        )
    allegation.status = new


def _require_managed(allegation: Allegation, doing: str) -> None:
    if allegation.status not in workflow.MANAGED_STATUSES:
        raise DomainError(
            f"{doing} is recorded once the harm test is met and while the case is "
            f"open; this allegation is {allegation.get_status_display().lower()}."
        )


def _clean_text(data: dict) -> dict:
    return {
        k: (v.strip() if k in _TEXT_FIELDS and isinstance(v, str) else v)
        for k, v in data.items()
    }


def _apply_clock(allegation: Allegation, clock: Clock) -> None:
    """Set the stored due dates and the employer's referral time from the clock."""
    allegation.received_on = timezone.localtime(allegation.received_at).date()
    start = allegation.received_on
    allegation.decision_due_on = clock.due("lado_decision", start).due
    allegation.one_month_due_on = clock.due("lado_1_month", start).due
    allegation.three_months_due_on = clock.due("lado_3_months", start).due
    allegation.twelve_months_due_on = clock.due("lado_12_months", start).due
    came_on = allegation.came_to_employer_attention_on
    allegation.employer_referral_working_days = (
        working_days_between(came_on, start, calendar=clock.calendar)
        if came_on is not None
        else None
    )


def _check_referral(allegation: Allegation) -> None:
    came_on = allegation.came_to_employer_attention_on
    if came_on is not None and came_on > allegation.received_on:
        raise DomainError(
            "The allegation cannot have come to the employer's attention after the "
            "LADO received it."
        )
    if allegation.decided_on and allegation.decided_on < allegation.received_on:
        raise DomainError(
            "The referral cannot be received after the initial consideration "
            f"({allegation.decided_on:%d/%m/%Y})."
        )
    dob = allegation.subject_date_of_birth
    if dob is not None and dob >= allegation.received_on:
        raise DomainError("The adult's date of birth must be before the referral.")


def _matches_refresh(allegation: Allegation, by: User) -> int:
    """Suggest earlier allegations about the same adult; return how many are new.

    Suggestions that no longer match (a corrected name or date of birth) go;
    matches the LADO has confirmed or rejected stay as decided.
    """
    found = list(selectors.subject_matches_find(allegation=allegation))
    SubjectMatch.objects.filter(
        allegation=allegation, status=codes.MatchStatus.SUGGESTED
    ).exclude(earlier__in=found).delete()
    created = 0
    for earlier in found:
        _, was_created = SubjectMatch.objects.get_or_create(
            allegation=allegation, earlier=earlier
        )
        created += was_created
    if created:
        allegation_event(
            allegation=allegation,
            by=by,
            code="repeat_subject_suggested",
            detail=f"{created} earlier allegation(s) about an adult of the same name "
            "and date of birth",
        )
    return created


def _child_add(allegation: Allegation, entry: ChildEntry, by: User) -> InvolvedChild:
    la_child_id = entry.la_child_id.strip()
    child = None
    if la_child_id:
        child = selectors.child_find_by_la_child_id(la_child_id=la_child_id)
        if child is None:
            raise DomainError(
                f"No child known to the authority has LA child ID {la_child_id}: "
                "record the child's initials, age and gender instead."
            )
        if allegation.children.filter(child=child).exists():
            raise DomainError(f"{child} is already linked to this allegation.")
    elif not entry.initials.strip():
        raise DomainError("Give the child's LA child ID, or their initials.")
    age = entry.age
    if age is None and child is not None:
        age = relativedelta(allegation.received_on, child.date_of_birth).years
    row = InvolvedChild(
        allegation=allegation,
        child=child,
        initials=entry.initials.strip().upper()[:5],
        age=age,
        gender=entry.gender,
    )
    _set_user(row, by)
    row.full_clean()
    row.save()
    allegation_event(
        allegation=allegation,
        by=by,
        code="child_added",
        detail=f"LA child ID {child.la_child_id}" if child else row.initials,
    )
    return row


# --- referral ----------------------------------------------------------------------------


@transaction.atomic
def allegation_create(
    *,
    by: User,
    lado_officer: User | None = None,
    child: ChildEntry | None = None,
    **data,
) -> Allegation:
    """Log a contact: the referral, the adult, the setting and what is alleged.

    Stores the initial-consideration and 1/3/12-month due dates and suggests any
    earlier allegations about the same adult.
    """
    unknown = set(data) - set(REFERRAL_FIELDS)
    if unknown:
        raise TypeError(f"Not a referral field: {', '.join(sorted(unknown))}")
    allegation = Allegation(
        lado_officer=lado_officer or by, created_by=by, **_clean_text(data)
    )
    _apply_clock(allegation, clock_get())
    _check_referral(allegation)
    _set_user(allegation, by)
    allegation.full_clean()
    allegation.save()
    allegation_event(
        allegation=allegation,
        by=by,
        code="referral_logged",
        detail=f"{allegation.get_sector_display()}: {allegation.setting_name}",
    )
    if child is not None and not child.is_empty:
        _child_add(allegation, child, by)
    _matches_refresh(allegation, by)
    return allegation


@transaction.atomic
def allegation_update(
    *, allegation: Allegation, by: User, lado_officer: User | None = None, **data
) -> Allegation:
    """Correct the referral; recalculates the due dates and the repeat-subject check."""
    unknown = set(data) - set(REFERRAL_FIELDS)
    if unknown:
        raise TypeError(f"Not a referral field: {', '.join(sorted(unknown))}")
    allegation = _lock(allegation)
    if allegation.status == codes.Status.CLOSED:
        raise DomainError("This allegation is closed; its referral cannot change.")
    cleaned = _clean_text(data)
    changed = [
        name for name, value in cleaned.items() if getattr(allegation, name) != value
    ]
    for name in changed:
        setattr(allegation, name, cleaned[name])
    if lado_officer is not None and allegation.lado_officer_id != lado_officer.pk:
        allegation.lado_officer = lado_officer
        changed.append("lado_officer")
    if not changed:
        return allegation
    _apply_clock(allegation, clock_get())
    _check_referral(allegation)
    _set_user(allegation, by)
    allegation.full_clean()
    allegation.save()
    allegation_event(
        allegation=allegation,
        by=by,
        code="referral_updated",
        detail=", ".join(changed),
    )
    if {"subject_first_name", "subject_last_name", "subject_date_of_birth"} & set(
        changed
    ) or "received_at" in changed:
        _matches_refresh(allegation, by)
    return allegation


@transaction.atomic
def involved_child_add(
    *, allegation: Allegation, by: User, entry: ChildEntry
) -> InvolvedChild:
    """Add a child the allegation concerns: linked by LA child ID, or minimally."""
    allegation = _lock(allegation)
    if allegation.status == codes.Status.CLOSED:
        raise DomainError("This allegation is closed.")
    return _child_add(allegation, entry, by)


@transaction.atomic
def involved_child_remove(*, row: InvolvedChild, by: User) -> None:
    """Remove a child recorded in error."""
    allegation = _lock(row.allegation)
    if allegation.status == codes.Status.CLOSED:
        raise DomainError("This allegation is closed.")
    label = f"LA child ID {row.child.la_child_id}" if row.child_id else row.initials
    _set_user(row, by)
    row.delete()
    allegation_event(allegation=allegation, by=by, code="child_removed", detail=label)


@transaction.atomic
def subject_match_decide(
    *, match: SubjectMatch, by: User, confirmed: bool
) -> SubjectMatch:
    """Confirm (the same adult) or reject (a different adult) a suggested match."""
    match = SubjectMatch.objects.select_for_update().get(pk=match.pk)
    match.status = (
        codes.MatchStatus.CONFIRMED if confirmed else codes.MatchStatus.REJECTED
    )
    match.decided_by = by
    match.decided_at = timezone.now()
    _set_user(match, by)
    match.save()
    earlier = Allegation.objects.get(pk=match.earlier_id)
    allegation_event(
        allegation=match.allegation,
        by=by,
        code="repeat_subject_confirmed" if confirmed else "repeat_subject_rejected",
        detail=f"{earlier.reference}",
    )
    return match


# --- initial consideration ------------------------------------------------------------------


@transaction.atomic
def allegation_decide(
    *,
    allegation: Allegation,
    by: User,
    decision: str,
    decided_on: date,
    harm_criteria: Sequence[str] = (),
    rationale: str = "",
    delay_reason: str = "",
) -> Allegation:
    """Record the initial consideration (rule lado_decision).

    The harm test met (with the criteria that apply): the LADO manages the
    allegation. Advice only, or not met: the contact closes that day. More
    information needed: the decision stays to make, but the contact has had its
    first response.
    """
    allegation = _lock(allegation)
    if allegation.status != codes.Status.AWAITING_DECISION:
        raise DomainError(
            "The initial consideration has already been recorded: this allegation is "
            f"{allegation.get_status_display().lower()}."
        )
    if decision not in codes.Decision.values:
        raise DomainError("Choose a decision.")
    unknown = set(harm_criteria) - set(codes.HarmCriterion.values)
    if unknown:
        raise DomainError("Choose harm-test criteria from the list.")
    if decision == codes.Decision.THRESHOLD_MET and not harm_criteria:
        raise DomainError("Say which of the harm-test criteria the allegation meets.")
    if decision != codes.Decision.THRESHOLD_MET and harm_criteria:
        raise DomainError(
            "Harm-test criteria are recorded only when the harm test is met."
        )
    if decided_on < allegation.received_on:
        raise DomainError("The decision cannot be made before the referral arrived.")
    rationale = rationale.strip()
    if not rationale:
        raise DomainError("Give the reasons for the decision.")
    new_status = workflow.status_after_decision(decision)
    _move(allegation, new_status)
    allegation.decision = decision
    allegation.decided_on = decided_on
    allegation.decided_by = by
    allegation.decision_rationale = rationale
    if allegation.first_response_on is None:
        allegation.first_response_on = decided_on
    for value in codes.HarmCriterion.values:
        setattr(allegation, f"harm_{value}", value in harm_criteria)
    if new_status == codes.Status.CLOSED:
        _close(allegation, by=by, closed_on=decided_on, delay_reason=delay_reason)
    _set_user(allegation, by)
    allegation.full_clean()
    allegation.save()
    detail = allegation.get_decision_display()
    if harm_criteria:
        detail += ": " + "; ".join(allegation.harm_criteria_labels)
    allegation_event(
        allegation=allegation, by=by, code="decision_recorded", detail=detail
    )
    if new_status == codes.Status.CLOSED:
        allegation_event(
            allegation=allegation,
            by=by,
            code="closed",
            detail=f"{decided_on:%d/%m/%Y}",
        )
    return allegation


def _close(allegation: Allegation, *, by: User, closed_on: date, delay_reason: str):
    delay_reason = delay_reason.strip()
    if (
        workflow.needs_delay_reason(
            closed_on=closed_on, one_month_due_on=allegation.one_month_due_on
        )
        and not delay_reason
    ):
        raise DomainError(
            f"The case is closing after the 1-month mark "
            f"({allegation.one_month_due_on:%d/%m/%Y}): say why it took longer."
        )
    allegation.closed_on = closed_on
    allegation.closed_by = by
    allegation.delay_reason = delay_reason


# --- management -------------------------------------------------------------------------------


@transaction.atomic
def allegation_manage(*, allegation: Allegation, by: User, **data) -> Allegation:
    """Record police and section 47 involvement, the employer's investigation,
    interim measures and key dates."""
    unknown = set(data) - set(MANAGEMENT_FIELDS)
    if unknown:
        raise TypeError(f"Not a management field: {', '.join(sorted(unknown))}")
    allegation = _lock(allegation)
    _require_managed(allegation, "Management")
    merged = {
        name: data.get(name, getattr(allegation, name)) for name in MANAGEMENT_FIELDS
    }
    if not merged["police_involved"] and (
        merged["police_reference"] or merged["police_outcome"]
    ):
        raise DomainError(
            "A police reference or outcome needs the police to be involved."
        )
    measure = merged["interim_measure"]
    if measure != codes.InterimMeasure.NONE and merged["interim_measure_on"] is None:
        raise DomainError("Give the date the interim measure started.")
    if measure == codes.InterimMeasure.NONE and merged["interim_measure_on"]:
        raise DomainError("Choose the interim measure that started on that date.")
    changed = [n for n, v in merged.items() if getattr(allegation, n) != v]
    if not changed:
        return allegation
    for name in changed:
        setattr(allegation, name, merged[name])
    _set_user(allegation, by)
    allegation.full_clean()
    allegation.save()
    labels = [Allegation._meta.get_field(n).verbose_name for n in changed]
    allegation_event(
        allegation=allegation,
        by=by,
        code="management_updated",
        detail=", ".join(str(label) for label in labels),
    )
    return allegation


@transaction.atomic
def meeting_record(
    *,
    allegation: Allegation,
    by: User,
    kind: str,
    held_on: date,
    venue: str = "",
    discussion: str = "",
    decisions: str = "",
    attendees: Sequence[AttendeeEntry] = (),
) -> AllegationMeeting:
    """Record an allegation management, review or outcome meeting and who came."""
    allegation = _lock(allegation)
    _require_managed(allegation, "A meeting")
    if held_on < allegation.received_on:
        raise DomainError("The meeting cannot be held before the referral arrived.")
    meeting = AllegationMeeting(
        allegation=allegation,
        kind=kind,
        held_on=held_on,
        venue=venue.strip(),
        discussion=discussion,
        decisions=decisions,
        chair=by,
        created_by=by,
    )
    _set_user(meeting, by)
    meeting.full_clean()
    meeting.save()
    for entry in attendees:
        _attendee_add(meeting, entry, by)
    allegation_event(
        allegation=allegation,
        by=by,
        code="meeting_recorded",
        detail=f"{meeting}; {len(attendees)} attendee(s)",
    )
    return meeting


@transaction.atomic
def meeting_update(
    *,
    meeting: AllegationMeeting,
    by: User,
    kind: str,
    held_on: date,
    venue: str = "",
    discussion: str = "",
    decisions: str = "",
) -> AllegationMeeting:
    """Change a meeting's details and minutes (issued versions stay as issued)."""
    allegation = _lock(meeting.allegation)
    _require_managed(allegation, "A meeting")
    meeting = AllegationMeeting.objects.select_for_update().get(pk=meeting.pk)
    if held_on < allegation.received_on:
        raise DomainError("The meeting cannot be held before the referral arrived.")
    wanted = {
        "kind": kind,
        "held_on": held_on,
        "venue": venue.strip(),
        "discussion": discussion,
        "decisions": decisions,
    }
    changed = [n for n, v in wanted.items() if getattr(meeting, n) != v]
    if not changed:
        return meeting
    for name in changed:
        setattr(meeting, name, wanted[name])
    _set_user(meeting, by)
    meeting.full_clean()
    meeting.save()
    allegation_event(
        allegation=allegation,
        by=by,
        code="meeting_updated",
        detail=f"{meeting}: {', '.join(changed)}",
    )
    return meeting


def _attendee_add(
    meeting: AllegationMeeting, entry: AttendeeEntry, by: User
) -> Attendee:
    if not entry.name.strip():
        raise DomainError("Every attendee needs a name.")
    attendee = Attendee(
        meeting=meeting,
        name=entry.name.strip(),
        role=entry.role.strip(),
        email=entry.email.strip(),
        attended=entry.attended,
        receives_minutes=entry.receives_minutes,
    )
    _set_user(attendee, by)
    attendee.full_clean()
    attendee.save()
    return attendee


@transaction.atomic
def attendee_add(
    *, meeting: AllegationMeeting, by: User, entry: AttendeeEntry
) -> Attendee:
    """Add someone to a meeting's attendees."""
    allegation = _lock(meeting.allegation)
    _require_managed(allegation, "A meeting")
    attendee = _attendee_add(meeting, entry, by)
    allegation_event(
        allegation=allegation,
        by=by,
        code="attendee_added",
        detail=f"{attendee} at {meeting}",
    )
    return attendee


@transaction.atomic
def action_create(
    *,
    meeting: AllegationMeeting,
    by: User,
    text: str,
    owner_name: str,
    due_on: date,
    owner_email: str = "",
) -> AllegationAction:
    """Record an action agreed at a meeting, with its owner and due date."""
    allegation = _lock(meeting.allegation)
    _require_managed(allegation, "An action")
    if due_on < meeting.held_on:
        raise DomainError("An action cannot be due before the meeting that agreed it.")
    action = AllegationAction(
        meeting=meeting,
        allegation=allegation,
        text=text.strip(),
        owner_name=owner_name.strip(),
        owner_email=owner_email.strip(),
        due_on=due_on,
    )
    _set_user(action, by)
    action.full_clean()
    action.save()
    allegation_event(
        allegation=allegation,
        by=by,
        code="action_added",
        detail=f"{action.owner_name} by {due_on:%d/%m/%Y}: {action.text}",
    )
    return action


@transaction.atomic
def action_complete(
    *, action: AllegationAction, by: User, completed_on: date
) -> AllegationAction:
    """Mark an action done; it is no longer chased."""
    action = AllegationAction.objects.select_for_update().get(pk=action.pk)
    if action.status == AllegationAction.Status.DONE:
        return action
    if completed_on < action.meeting.held_on:
        raise DomainError("An action cannot be done before the meeting agreed it.")
    action.status = AllegationAction.Status.DONE
    action.completed_on = completed_on
    _set_user(action, by)
    action.save()
    allegation_event(
        allegation=action.allegation,
        by=by,
        code="action_completed",
        detail=action.text[:200],
    )
    return action


def _chase_email(action: AllegationAction, today: date) -> None:
    days = (today - action.due_on).days
    send_mail(
        subject=f"Overdue action, {action.allegation.reference}",
        message=(
            f"Dear {action.owner_name},\n\n"
            f"An action agreed at the {action.meeting} about "
            f"{action.allegation.reference} was due on {action.due_on:%d/%m/%Y} "
            f"({days} day{'s' if days != 1 else ''} ago) and is not recorded as done:"
            f"\n\n{action.text}\n\n"
            "Please complete it, or tell the LADO what is delaying it.\n"
            "This message is restricted: do not forward it.\n\n"
            "Local Authority Designated Officer service"
        ),
        from_email=settings.DEFAULT_FROM_EMAIL,
        recipient_list=[action.owner_email],
        fail_silently=False,
    )


class ChaseFailed(Exception):
    """Some overdue actions could not be chased; the others were."""


def actions_chase_overdue(*, today: date | None = None) -> int:
    """Email the owner of each overdue action, at most once a day; return how many.

    Safe to run twice: each chase is a row unique on (action, day), created in the
    same transaction as the email is sent, so a second run that day sends nothing
    and a failed sending leaves no row (the next run tries again).
    """
    today = today or timezone.localdate()
    sent, failed = 0, []
    for action_id in selectors.action_list_overdue(today=today).values_list(
        "pk", flat=True
    ):
        try:
            sent += _action_chase(action_id=action_id, today=today)
        except OperationalError:
            raise
        except Exception as exc:  # one owner's mail failure must not stop the rest
            logger.warning("Chasing LADO action %s failed: %s", action_id, exc)
            failed.append(action_id)
    if failed:
        raise ChaseFailed(
            f"{len(failed)} overdue action(s) could not be chased: {failed}"
        )
    return sent


@transaction.atomic
def _action_chase(*, action_id: int, today: date) -> int:
    action = (
        AllegationAction.objects.select_for_update(of=("self",))
        .select_related("allegation", "meeting")
        .filter(pk=action_id, status=AllegationAction.Status.OPEN, due_on__lt=today)
        .exclude(owner_email="")
        .first()
    )
    if action is None:
        return 0
    try:
        with transaction.atomic():
            ActionChase.objects.create(
                action=action, day=today, sent_to=action.owner_email
            )
    except IntegrityError:
        return 0  # already chased today
    allegation_event(
        allegation=action.allegation,
        by=None,
        code="action_chased",
        detail=f"{action.owner_email}: {action.text[:150]}",
    )
    _chase_email(action, today)
    return 1


# --- minutes and their distribution ----------------------------------------------------------


@transaction.atomic
def minutes_issue(*, meeting: AllegationMeeting, by: User) -> MinutesVersion:
    """Fix the meeting's minutes as the next version, ready to print and send."""
    allegation = _lock(meeting.allegation)
    meeting = (
        AllegationMeeting.objects.select_for_update()
        .prefetch_related("attendees", "actions")
        .get(pk=meeting.pk)
    )
    if not (meeting.discussion.strip() or meeting.decisions.strip()):
        raise DomainError("Write the minutes or decisions before issuing them.")
    content = selectors.minutes_content(meeting=meeting)
    content_hash = selectors.minutes_content_hash(content)
    latest = MinutesVersion.objects.filter(meeting=meeting).order_by("-version").first()
    if latest is not None and latest.content_hash == content_hash:
        raise DomainError(
            f"Version {latest.version} already holds these minutes; change them to "
            "issue a new version."
        )
    number = (
        MinutesVersion.objects.filter(meeting=meeting).aggregate(v=Max("version"))["v"]
        or 0
    ) + 1
    minutes = MinutesVersion.objects.create(
        meeting=meeting,
        version=number,
        content_hash=content_hash,
        issued_by=by,
        **content,
    )
    allegation_event(
        allegation=allegation,
        by=by,
        code="minutes_issued",
        detail=f"{meeting}, version {number}",
    )
    return minutes


@transaction.atomic
def minutes_distribute(
    *, minutes: MinutesVersion, by: User, attendees: Sequence[Attendee]
) -> list[MinutesDistribution]:
    """Record one sending of this version per chosen attendee and queue the emails.

    Restricted circulation: only attendees of the meeting who may receive the
    minutes and have an email address; an attendee already sent this version is
    not sent it again.
    """
    minutes = MinutesVersion.objects.select_related("meeting__allegation").get(
        pk=minutes.pk
    )
    meeting = minutes.meeting
    _lock(meeting.allegation)
    latest = MinutesVersion.objects.filter(meeting=meeting).aggregate(v=Max("version"))
    if minutes.version != latest["v"]:
        raise DomainError(
            f"Version {minutes.version} has been replaced by version {latest['v']}; "
            "send the latest version."
        )
    if not attendees:
        raise DomainError("Choose at least one attendee.")
    rows, to_send = [], []
    for attendee in attendees:
        if attendee.meeting_id != meeting.pk:
            raise DomainError(f"{attendee.name} did not attend this meeting.")
        if not attendee.receives_minutes:
            raise DomainError(
                f"{attendee.name} is not on the restricted circulation list."
            )
        if not attendee.email:
            raise DomainError(f"{attendee.name} has no email address.")
        row, created = MinutesDistribution.objects.get_or_create(
            minutes=minutes,
            recipient_key=attendee.email.strip().lower(),
            defaults={
                "attendee": attendee,
                "recipient_name": attendee.name,
                "recipient_email": attendee.email.strip(),
                "requested_by": by,
            },
        )
        rows.append(row)
        if row.status == codes.DistributionStatus.PENDING:
            to_send.append(row.pk)
        if created:
            allegation_event(
                allegation=meeting.allegation,
                by=by,
                code="minutes_distribution_requested",
                detail=f"Version {minutes.version} to {row.recipient_name}",
            )
    for pk in to_send:
        transaction.on_commit(partial(tasks.minutes_send_task.delay, pk))
    return rows


@transaction.atomic
def minutes_send(*, distribution_id: int) -> bool:
    """Email one pending sending with the minutes PDF; return whether it was sent now.

    Safe to run twice: the row is locked and only a pending sending is attempted.
    A failure is recorded on the row for a person to see.
    """
    row = (
        MinutesDistribution.objects.select_for_update(of=("self",))
        .select_related("minutes__meeting__allegation")
        .filter(pk=distribution_id)
        .first()
    )
    if row is None or row.status != codes.DistributionStatus.PENDING:
        return False
    minutes = row.minutes
    allegation = minutes.meeting.allegation
    row.attempts += 1
    try:
        from cases.pdf import render_pdf  # WeasyPrint is heavy: load it only to send

        pdf = render_pdf(
            "pdf/lado_minutes.html",
            selectors.minutes_pdf_context(minutes_id=minutes.pk),
        )
        message = EmailMessage(
            subject=(
                f"RESTRICTED: minutes of the {minutes.meeting}, version "
                f"{minutes.version} ({allegation.reference})"
            ),
            body=(
                f"Dear {row.recipient_name},\n\n"
                f"Attached are the minutes of the {minutes.meeting} about "
                f"{allegation.reference}, version {minutes.version}.\n"
                "Restricted circulation: they are for you alone. Keep them securely; "
                "do not forward, copy or share them.\n\n"
                "Local Authority Designated Officer service"
            ),
            to=[row.recipient_email],
        )
        message.attach(
            f"{allegation.reference}-minutes-v{minutes.version}.pdf",
            pdf,
            "application/pdf",
        )
        message.send(fail_silently=False)
    except OperationalError:
        raise  # the database is unavailable: the task retries
    except Exception as exc:  # any failure to prepare or send is shown on the ledger
        logger.warning("Sending LADO minutes %s failed: %s", row.pk, exc)
        row.status = codes.DistributionStatus.FAILED
        row.last_error = str(exc)[:500]
        row.save(update_fields=["status", "attempts", "last_error"])
        allegation_event(
            allegation=allegation,
            by=None,
            code="minutes_send_failed",
            detail=f"Version {minutes.version} to {row.recipient_name}",
        )
        return False
    row.status = codes.DistributionStatus.SENT
    row.sent_at = timezone.now()
    row.last_error = ""
    row.save(update_fields=["status", "attempts", "sent_at", "last_error"])
    allegation_event(
        allegation=allegation,
        by=None,
        code="minutes_sent",
        detail=f"Version {minutes.version} to {row.recipient_name}",
    )
    return True


@transaction.atomic
def minutes_resend(*, row: MinutesDistribution, by: User) -> MinutesDistribution:
    """Try a failed sending again."""
    row = MinutesDistribution.objects.select_for_update().get(pk=row.pk)
    if row.status != codes.DistributionStatus.FAILED:
        raise DomainError("Only a failed sending can be tried again.")
    row.status = codes.DistributionStatus.PENDING
    row.save(update_fields=["status"])
    transaction.on_commit(partial(tasks.minutes_send_task.delay, row.pk))
    return row


# --- outcome and closure ------------------------------------------------------------------------


@transaction.atomic
def allegation_record_outcome(
    *,
    allegation: Allegation,
    by: User,
    outcome: str,
    outcome_on: date,
    employer_actions: Sequence[str] = (),
    dbs_referred: bool = False,
    dbs_referred_on: date | None = None,
    regulator_referrals: Sequence[str] = (),
    outcome_notes: str = "",
) -> Allegation:
    """Record the outcome (KCSIE definitions), what the employer did and referrals
    to the DBS and regulators. May be corrected until the case closes."""
    allegation = _lock(allegation)
    _require_managed(allegation, "The outcome")
    if outcome not in codes.Outcome.values:
        raise DomainError("Choose an outcome.")
    if outcome_on < allegation.received_on:
        raise DomainError("The outcome cannot come before the referral.")
    actions = list(dict.fromkeys(employer_actions))
    if set(actions) - set(codes.EmployerAction.values):
        raise DomainError("Choose employer actions from the list.")
    problem = workflow.employer_actions_problem(actions)
    if problem:
        raise DomainError(problem)
    regulators = list(dict.fromkeys(regulator_referrals))
    if set(regulators) - set(codes.Regulator.values):
        raise DomainError("Choose regulators from the list.")
    if dbs_referred_on is not None and not dbs_referred:
        raise DomainError("A DBS referral date needs the DBS referral ticked.")
    if dbs_referred_on is not None and dbs_referred_on < allegation.received_on:
        raise DomainError("The DBS referral cannot come before the LADO referral.")
    _move(allegation, codes.Status.OUTCOME_RECORDED)
    allegation.outcome = outcome
    allegation.outcome_on = outcome_on
    allegation.employer_actions = actions
    allegation.dbs_referred = dbs_referred
    allegation.dbs_referred_on = dbs_referred_on
    allegation.regulator_referrals = regulators
    allegation.outcome_notes = outcome_notes.strip()
    _set_user(allegation, by)
    allegation.full_clean()
    allegation.save()
    detail = allegation.get_outcome_display()
    if dbs_referred:
        detail += "; referred to the DBS"
    if regulators:
        detail += "; referred to " + ", ".join(allegation.regulator_labels)
    allegation_event(
        allegation=allegation, by=by, code="outcome_recorded", detail=detail
    )
    return allegation


@transaction.atomic
def allegation_close(
    *, allegation: Allegation, by: User, closed_on: date, delay_reason: str = ""
) -> Allegation:
    """Close a case whose outcome is recorded; after the 1-month mark, say why."""
    allegation = _lock(allegation)
    _move(allegation, codes.Status.CLOSED)
    if allegation.outcome_on and closed_on < allegation.outcome_on:
        raise DomainError("The case cannot close before its outcome.")
    _close(allegation, by=by, closed_on=closed_on, delay_reason=delay_reason)
    _set_user(allegation, by)
    allegation.full_clean()
    allegation.save()
    allegation_event(
        allegation=allegation, by=by, code="closed", detail=f"{closed_on:%d/%m/%Y}"
    )
    return allegation


# --- retention ------------------------------------------------------------------------------------


def _require_retention(by: User) -> None:
    if not by.has_perm("lado.manage_retention"):
        raise DomainError("Only a LADO can place or lift a legal hold.")


@transaction.atomic
def legal_hold_place(*, allegation: Allegation, by: User, reason: str) -> LegalHold:
    """Stop the record being disposed of until the hold is lifted."""
    _require_retention(by)
    allegation = _lock(allegation)
    reason = reason.strip()
    if not reason:
        raise DomainError("Say why the record is held.")
    if LegalHold.objects.filter(allegation=allegation, lifted_at__isnull=True).exists():
        raise DomainError("A legal hold is already in place.")
    hold = LegalHold(allegation=allegation, reason=reason, placed_by=by)
    _set_user(hold, by)
    hold.save()
    allegation_event(
        allegation=allegation, by=by, code="legal_hold_placed", detail=reason
    )
    return hold


@transaction.atomic
def legal_hold_lift(*, allegation: Allegation, by: User, reason: str) -> LegalHold:
    """Lift the active legal hold, saying why."""
    _require_retention(by)
    allegation = _lock(allegation)
    hold = (
        LegalHold.objects.select_for_update()
        .filter(allegation=allegation, lifted_at__isnull=True)
        .first()
    )
    if hold is None:
        raise DomainError("There is no legal hold to lift.")
    reason = reason.strip()
    if not reason:
        raise DomainError("Say why the legal hold is lifted.")
    hold.lifted_at = timezone.now()
    hold.lifted_by = by
    hold.lift_reason = reason
    _set_user(hold, by)
    hold.save()
    allegation_event(
        allegation=allegation, by=by, code="legal_hold_lifted", detail=reason
    )
    return hold


# --- the calendar ------------------------------------------------------------------------------------


@transaction.atomic
def allegation_due_dates_recalculate() -> int:
    """Recompute the stored due dates of open allegations; return how many changed.

    A closure day or a changed local rule moves the initial-consideration date.
    """
    clock = clock_get()
    changed = []
    fields = (
        "decision_due_on",
        "one_month_due_on",
        "three_months_due_on",
        "twelve_months_due_on",
        "employer_referral_working_days",
    )
    for allegation in Allegation.objects.exclude(status=codes.Status.CLOSED).only(
        "pk", "received_at", "came_to_employer_attention_on", "received_on", *fields
    ):
        before = tuple(getattr(allegation, name) for name in fields)
        _apply_clock(allegation, clock)
        if tuple(getattr(allegation, name) for name in fields) != before:
            changed.append(allegation)
    Allegation.objects.bulk_update(changed, fields, batch_size=500)
    return len(changed)
