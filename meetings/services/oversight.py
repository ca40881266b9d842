"""Writes for the IRO's work between reviews: notes, disputes and complaints.

Each service runs in one transaction. The audit trail is the models' history
(simple-history rows carrying the user and a change reason) and, for disputes,
one `DisputeStep` per stage; a dispute raised from a meeting also logs a
meeting event.
"""

from __future__ import annotations

from datetime import date

from django.db import transaction

from accounts.models import User
from accounts.roles import Role
from cases import selectors as case_selectors
from cases.errors import DomainError
from cases.models import Child

from ..codes import DisputeStage, DisputeStatus
from ..events import meeting_event
from ..models import Action, Complaint, Dispute, DisputeStep, Meeting, MonitoringNote
from ..selectors.oversight import (
    RESOLUTION_STATUSES,
    dispute_stages_above,
    is_formal_stage,
)

__all__ = [
    "complaint_log",
    "complaint_record_outcome",
    "dispute_escalate",
    "dispute_raise",
    "dispute_refer_to_cafcass",
    "dispute_resolve",
    "dispute_step_respond",
    "monitoring_note_add",
]


def _audit(instance, user: User | None, reason: str) -> None:
    # simple-history reads both attributes when it writes the historical row.
    instance._history_user = user
    instance._change_reason = reason


def _save(instance, user: User | None, reason: str) -> None:
    _audit(instance, user, reason)
    # A user removed since (SET_NULL) leaves an empty author or raiser; that
    # must not block later changes to the record.
    empty_people = [
        f.name
        for f in instance._meta.concrete_fields
        if f.is_relation and f.null and getattr(instance, f.attname) is None
    ]
    instance.full_clean(exclude=empty_people)
    instance.save()


# --- monitoring notes ----------------------------------------------------------------


@transaction.atomic
def monitoring_note_add(
    *,
    child: Child,
    author: User,
    noted_on: date,
    kind: str,
    text: str,
    corrects: MonitoringNote | None = None,
) -> MonitoringNote:
    """Add a monitoring note to the child's record.

    Notes are append-only: a mistake is put right by a new note that says which
    earlier note it corrects; the earlier note is never changed.
    """
    text = text.strip()
    if not text:
        raise DomainError("Write what you did or found.")
    reason = "Note added"
    if corrects is not None:
        if corrects.child_id != child.pk:
            raise DomainError("A note can only correct a note on the same child.")
        text = (
            f"Corrects the note of {corrects.noted_on:%d/%m/%Y} "
            f"({corrects.get_kind_display()}).\n\n{text}"
        )
        reason = f"Note added, correcting note {corrects.pk}"
    note = MonitoringNote(
        child=child, author=author, noted_on=noted_on, kind=kind, text=text
    )
    _save(note, author, reason)
    return note


# --- dispute resolution --------------------------------------------------------------


def _addressee(
    escalated_to: User | None, escalated_to_name: str, *, formal: bool
) -> str:
    if escalated_to is not None and not escalated_to.has_role(Role.MANAGER):
        raise DomainError(
            f"{escalated_to} is not a manager: choose a manager, or type the name "
            "of someone who does not use this system."
        )
    name = escalated_to_name.strip()
    if not name and escalated_to is not None:
        name = escalated_to.get_full_name() or escalated_to.get_username()
    if not name:
        raise DomainError(
            "Name the manager this stage is raised with."
            if formal
            else "Name the social worker or team manager you raised it with."
        )
    return name


def _step_add(
    *,
    dispute: Dispute,
    stage: str,
    requested_on: date,
    escalated_to: User | None,
    escalated_to_name: str,
    clock: case_selectors.Clock,
    by: User,
) -> DisputeStep:
    step = DisputeStep(
        dispute=dispute,
        stage=stage,
        escalated_to=escalated_to,
        escalated_to_name=_addressee(
            escalated_to, escalated_to_name, formal=is_formal_stage(stage)
        ),
        requested_on=requested_on,
        # Local rule, one timescale per stage (DRP-02).
        response_due_on=clock.due("drp_stage_response", requested_on).due,
    )
    _save(step, by, f"Raised at {DisputeStage(stage).label}")
    return step


def _start_formal_clock(
    dispute: Dispute, started_on: date, clock: case_selectors.Clock
) -> None:
    """drp_formal: 20 working days for the whole formal process, from the date
    it first became formal; later escalations never move it."""
    dispute.formal_started_on = started_on
    dispute.formal_due_on = clock.due("drp_formal", started_on).due


def _lock(dispute: Dispute) -> Dispute:
    return Dispute.objects.select_for_update().get(pk=dispute.pk)


def _require_open(dispute: Dispute) -> None:
    if dispute.status != DisputeStatus.OPEN:
        raise DomainError(
            f"This dispute is closed ({dispute.get_status_display().lower()}); "
            "raise a new one if the concern continues."
        )


def _last_step_on(dispute: Dispute) -> date:
    last = dispute.steps.order_by("-requested_on", "-id").first()
    return last.requested_on if last else dispute.raised_on


@transaction.atomic
def dispute_raise(
    *,
    child: Child,
    raised_by: User,
    raised_on: date,
    category: str,
    summary: str,
    stage: str = DisputeStage.INFORMAL,
    escalated_to: User | None = None,
    escalated_to_name: str = "",
    source_action: Action | None = None,
    source_meeting: Meeting | None = None,
    clock: case_selectors.Clock | None = None,
) -> Dispute:
    """Raise a concern about the child, informally or at the formal stage the
    IRO chooses (any stage may be bypassed, DRP-02), with its first step."""
    clock = clock or case_selectors.clock_get()
    for source in (source_action, source_meeting):
        if source is not None and source.child_id != child.pk:
            raise DomainError("The action or meeting it came from is another child's.")
    if not summary.strip():
        raise DomainError("Say what is wrong and what the child needs.")
    dispute = Dispute(
        child=child,
        raised_by=raised_by,
        raised_on=raised_on,
        category=category,
        summary=summary.strip(),
        stage=stage,
        source_action=source_action,
        source_meeting=source_meeting,
    )
    if is_formal_stage(stage):
        _start_formal_clock(dispute, raised_on, clock)
    _save(dispute, raised_by, f"Raised at {DisputeStage(stage).label}")
    _step_add(
        dispute=dispute,
        stage=stage,
        requested_on=raised_on,
        escalated_to=escalated_to,
        escalated_to_name=escalated_to_name,
        clock=clock,
        by=raised_by,
    )
    if source_meeting is not None:
        meeting_event(
            meeting=source_meeting,
            by=raised_by,
            code="dispute_raised",
            detail=f"{dispute.get_category_display()}: {dispute.summary}",
        )
    return dispute


@transaction.atomic
def dispute_escalate(
    *,
    dispute: Dispute,
    escalated_by: User,
    stage: str,
    escalated_on: date,
    escalated_to: User | None = None,
    escalated_to_name: str = "",
    clock: case_selectors.Clock | None = None,
) -> DisputeStep:
    """Take the dispute to a higher formal stage (the next, or any above it)."""
    clock = clock or case_selectors.clock_get()
    dispute = _lock(dispute)
    _require_open(dispute)
    if stage not in dispute_stages_above(dispute.stage):
        raise DomainError(
            f"The dispute is at {dispute.get_stage_display().lower()}; it can only "
            "move to a higher formal stage."
        )
    previous = _last_step_on(dispute)
    if escalated_on < previous:
        raise DomainError(
            f"The escalation date cannot be before the last stage was raised "
            f"({previous:%d/%m/%Y})."
        )
    if dispute.formal_started_on is None:
        _start_formal_clock(dispute, escalated_on, clock)
    dispute.stage = stage
    _save(dispute, escalated_by, f"Escalated to {DisputeStage(stage).label}")
    return _step_add(
        dispute=dispute,
        stage=stage,
        requested_on=escalated_on,
        escalated_to=escalated_to,
        escalated_to_name=escalated_to_name,
        clock=clock,
        by=escalated_by,
    )


@transaction.atomic
def dispute_step_respond(
    *, step: DisputeStep, responded_by: User, responded_on: date, response: str
) -> DisputeStep:
    """Record the answer to one stage; a recorded answer is never overwritten."""
    step = (
        DisputeStep.objects.select_for_update(of=("self",))
        .select_related("dispute")
        .get(pk=step.pk)
    )
    _require_open(step.dispute)
    if step.responded_on is not None:
        raise DomainError(
            "A response to this stage is already recorded "
            f"({step.responded_on:%d/%m/%Y}); add anything further as a monitoring "
            "note, or escalate."
        )
    if responded_on < step.requested_on:
        raise DomainError(
            f"The response date cannot be before the stage was raised "
            f"({step.requested_on:%d/%m/%Y})."
        )
    if not response.strip():
        raise DomainError("Write the manager's response.")
    step.responded_on = responded_on
    step.response = response.strip()
    step.responded_by = responded_by
    _save(step, responded_by, "Response recorded")
    return step


def _check_closing_date(dispute: Dispute, closed_on: date, what: str) -> None:
    previous = _last_step_on(dispute)
    if closed_on < previous:
        raise DomainError(
            f"The {what} date cannot be before the last stage was raised "
            f"({previous:%d/%m/%Y})."
        )


@transaction.atomic
def dispute_resolve(
    *,
    dispute: Dispute,
    resolved_by: User,
    status: str,
    closed_on: date,
    outcome: str,
) -> Dispute:
    """Close the dispute as resolved, partly resolved or withdrawn."""
    dispute = _lock(dispute)
    _require_open(dispute)
    if status not in RESOLUTION_STATUSES:
        raise DomainError("Choose resolved, partly resolved or withdrawn.")
    _check_closing_date(dispute, closed_on, "closing")
    if not outcome.strip():
        raise DomainError("Say what was agreed or why the dispute ends.")
    dispute.status = status
    dispute.closed_on = closed_on
    dispute.outcome = outcome.strip()
    _save(dispute, resolved_by, f"Closed: {DisputeStatus(status).label}")
    return dispute


@transaction.atomic
def dispute_refer_to_cafcass(
    *,
    dispute: Dispute,
    referred_by: User,
    referred_on: date,
    reference: str,
    child_told_of_rights: bool,
    rights_note: str = "",
) -> Dispute:
    """Record a referral to Cafcass (CA 1989 s.25B(3)), which ends the local
    process; it may be made at any stage (DRP-03).

    The child must be told of their rights to advocacy, to complain and to
    legal advice (3.5), or the note must say why they were not.
    """
    dispute = _lock(dispute)
    _require_open(dispute)
    _check_closing_date(dispute, referred_on, "referral")
    reference = reference.strip()
    if not reference:
        raise DomainError("Give the Cafcass reference.")
    rights_note = rights_note.strip()
    if not child_told_of_rights and not rights_note:
        raise DomainError(
            "Confirm the child has been told of their rights (advocacy, complaints, "
            "legal advice), or say why not."
        )
    told = (
        "The child has been told of their rights to advocacy, to complain and to "
        "legal advice."
        if child_told_of_rights
        else "The child has not been told of their rights."
    )
    dispute.status = DisputeStatus.CAFCASS
    dispute.cafcass_referred_on = referred_on
    dispute.cafcass_reference = reference
    dispute.closed_on = referred_on
    dispute.outcome = " ".join(
        part
        for part in (
            f"Referred to Cafcass on {referred_on:%d/%m/%Y} (reference {reference}).",
            told,
            rights_note,
        )
        if part
    )
    _save(dispute, referred_by, "Referred to Cafcass")
    return dispute


# --- complaints ----------------------------------------------------------------------


@transaction.atomic
def complaint_log(
    *,
    child: Child,
    logged_by: User,
    received_on: date,
    complainant_name: str,
    complainant_relationship: str,
    summary: str,
    meeting: Meeting | None = None,
) -> Complaint:
    """Log a complaint arising from a review or conference against the child."""
    if meeting is not None and meeting.child_id != child.pk:
        raise DomainError("The meeting complained about is another child's.")
    complaint = Complaint(
        child=child,
        meeting=meeting,
        received_on=received_on,
        complainant_name=complainant_name.strip(),
        complainant_relationship=complainant_relationship.strip(),
        summary=summary.strip(),
        logged_by=logged_by,
    )
    _save(complaint, logged_by, "Complaint logged")
    return complaint


@transaction.atomic
def complaint_record_outcome(
    *,
    complaint: Complaint,
    recorded_by: User,
    outcome: str,
    outcome_on: date,
    outcome_summary: str,
) -> Complaint:
    """Record the complaint's outcome, once."""
    complaint = Complaint.objects.select_for_update().get(pk=complaint.pk)
    if complaint.outcome:
        raise DomainError(
            f"An outcome ({complaint.get_outcome_display().lower()}) is already "
            f"recorded on {complaint.outcome_on:%d/%m/%Y}."
        )
    if outcome_on < complaint.received_on:
        raise DomainError(
            f"The outcome date cannot be before the complaint was received "
            f"({complaint.received_on:%d/%m/%Y})."
        )
    if not outcome_summary.strip():
        raise DomainError("Summarise the outcome.")
    complaint.outcome = outcome
    complaint.outcome_on = outcome_on
    complaint.outcome_summary = outcome_summary.strip()
    _save(complaint, recorded_by, "Outcome recorded")
    return complaint
