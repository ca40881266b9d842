"""Writing, approving, rendering and distributing the chair's report (the record).

Workflow (meetings.workflow.REPORT_TRANSITIONS): draft -> submitted -> approved;
a submitted version may go back to draft; an approved version is superseded when
an amended version is approved. Every step is stamped on the row and logged as a
meeting event in the same transaction.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import partial

from django.core.files.base import ContentFile
from django.core.mail import EmailMessage
from django.db import OperationalError, transaction
from django.db.models import Max
from django.utils import timezone

from accounts.models import User
from cases.errors import DomainError

from .. import tasks, workflow
from ..events import meeting_event
from ..models import ChairReport, Distribution, Meeting, Participant
from ..selectors.records import (
    CONTENT_FIELDS,
    chair_report_content_current,
    chair_report_content_hash,
    chair_report_may_approve,
    chair_report_may_distribute,
    chair_report_may_write,
    chair_report_pdf_context,
)
from ..types import meeting_type

__all__ = [
    "ConflictError",
    "Recipient",
    "chair_report_amend",
    "chair_report_approve",
    "chair_report_render",
    "chair_report_render_request",
    "chair_report_return_to_draft",
    "chair_report_save",
    "chair_report_start",
    "chair_report_submit",
    "distribution_mark_sent",
    "distribution_request",
    "distribution_resend",
    "distribution_send",
]

logger = logging.getLogger(__name__)

# A version cannot be submitted without these.
REQUIRED_TO_SUBMIT = {
    "summary": "the summary of the review",
    "chair_view": "the IRO's view of the care plan",
}


class ConflictError(DomainError):
    """Someone saved the version after the form was opened; nothing was saved.

    Carries the text as it is now saved, so both versions can be shown side by side.
    """

    def __init__(
        self,
        *,
        current: dict[str, str],
        lock_version: int,
        saved_by: str,
        saved_at: datetime | None,
    ):
        self.current = current
        self.lock_version = lock_version
        self.saved_by = saved_by
        self.saved_at = saved_at
        super().__init__(
            f"{saved_by or 'Someone'} saved this version after you opened it, so your "
            "changes were not saved. Compare the two texts below, then save again to "
            "replace the saved text with yours."
        )


@dataclass(frozen=True)
class Recipient:
    """Someone chosen to receive one document of the approved record."""

    name: str
    channel: str = Distribution.Channel.EMAIL
    email: str = ""
    participant: Participant | None = None
    document: str = Distribution.Document.RECORD

    @property
    def key(self) -> str:
        # One sending per address (email) or per name (post, by hand).
        if self.channel == Distribution.Channel.EMAIL:
            return self.email.strip().lower()
        return self.name.strip()


def _set_user(instance, user: User | None) -> None:
    # simple-history reads this attribute when it writes the historical row.
    instance._history_user = user


def _lock_report(report: ChairReport) -> ChairReport:
    return (
        ChairReport.objects.select_for_update(of=("self",))
        .select_related("meeting", "meeting__child")
        .get(pk=report.pk)
    )


def _check_move(report: ChairReport, new: str) -> None:
    if not workflow.can_move(workflow.REPORT_TRANSITIONS, report.status, new):
        raise DomainError(
            f"Version {report.version} is {report.get_status_display().lower()}; "
            f"it cannot be {ChairReport.Status(new).label.lower()}."
        )


def _require(allowed: bool, message: str) -> None:
    if not allowed:
        raise DomainError(message)


@transaction.atomic
def chair_report_start(*, meeting: Meeting, by: User) -> ChairReport:
    """Start version 1 of a held meeting's record, as a draft."""
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    _require(
        chair_report_may_write(user=by, meeting=meeting),
        "Only the IRO chairing this meeting can write its record.",
    )
    if meeting.status != Meeting.Status.HELD:
        raise DomainError("The record can be written once the meeting has been held.")
    existing = ChairReport.objects.filter(meeting=meeting).order_by("-version").first()
    if existing is not None:
        if existing.status in (ChairReport.Status.DRAFT, ChairReport.Status.SUBMITTED):
            raise DomainError(
                f"Version {existing.version} of this record is already being written."
            )
        raise DomainError(
            "This record has an approved version: amend it to make a new version."
        )
    report = ChairReport(meeting=meeting, version=1, created_by=by)
    _set_user(report, by)
    report.save()
    meeting_event(meeting=meeting, by=by, code="record_started", detail="Version 1")
    return report


@transaction.atomic
def chair_report_save(
    *, report: ChairReport, by: User, expected_lock_version: int, **fields: str
) -> ChairReport:
    """Save the text of a draft; refuse (ConflictError) if it changed since it was read."""
    unknown = set(fields) - set(CONTENT_FIELDS)
    if unknown:
        raise TypeError(f"Not a content field: {', '.join(sorted(unknown))}")
    report = _lock_report(report)
    _require(
        chair_report_may_write(user=by, meeting=report.meeting),
        "Only the IRO chairing this meeting can write its record.",
    )
    if report.status != ChairReport.Status.DRAFT:
        raise DomainError(
            f"Version {report.version} is {report.get_status_display().lower()}; "
            "only a draft can be edited."
        )
    if report.lock_version != expected_lock_version:
        last = report.history.select_related("history_user").first()
        raise ConflictError(
            current={name: getattr(report, name) for name in CONTENT_FIELDS},
            lock_version=report.lock_version,
            saved_by=str(last.history_user) if last and last.history_user else "",
            saved_at=last.history_date if last else None,
        )
    changed = [name for name, value in fields.items() if getattr(report, name) != value]
    if not changed:
        return report
    for name in changed:
        setattr(report, name, fields[name])
    report.lock_version += 1
    _set_user(report, by)
    report.save(update_fields=[*changed, "lock_version"])
    meeting_event(
        meeting=report.meeting,
        by=by,
        code="record_saved",
        detail=f"Version {report.version}: "
        + ", ".join(
            str(ChairReport._meta.get_field(name).verbose_name) for name in changed
        ),
    )
    return report


@transaction.atomic
def chair_report_submit(*, report: ChairReport, by: User) -> ChairReport:
    """Submit a draft for approval."""
    report = _lock_report(report)
    _require(
        chair_report_may_write(user=by, meeting=report.meeting),
        "Only the IRO chairing this meeting can submit its record.",
    )
    _check_move(report, ChairReport.Status.SUBMITTED)
    missing = [
        label
        for name, label in REQUIRED_TO_SUBMIT.items()
        if not getattr(report, name).strip()
    ]
    if missing:
        raise DomainError(f"Write {' and '.join(missing)} before submitting.")
    report.status = ChairReport.Status.SUBMITTED
    report.submitted_at = timezone.now()
    report.submitted_by = by
    _set_user(report, by)
    report.save(update_fields=["status", "submitted_at", "submitted_by"])
    meeting_event(
        meeting=report.meeting,
        by=by,
        code="record_submitted",
        detail=f"Version {report.version}",
    )
    return report


@transaction.atomic
def chair_report_approve(*, report: ChairReport, by: User) -> ChairReport:
    """Approve a submitted version: fix its content hash, supersede the previous
    approved version and have its PDFs rendered once the approval is committed."""
    report = _lock_report(report)
    meeting = report.meeting
    _require(
        chair_report_may_approve(user=by, meeting=meeting),
        "Only the IRO chairing this meeting or a manager can approve its record.",
    )
    _check_move(report, ChairReport.Status.APPROVED)
    for previous in ChairReport.objects.select_for_update().filter(
        meeting=meeting, status=ChairReport.Status.APPROVED
    ):
        _check_move(previous, ChairReport.Status.SUPERSEDED)
        previous.status = ChairReport.Status.SUPERSEDED
        _set_user(previous, by)
        previous.save(update_fields=["status"])
        meeting_event(
            meeting=meeting,
            by=by,
            code="record_superseded",
            detail=f"Version {previous.version} superseded by version {report.version}",
        )
    report.status = ChairReport.Status.APPROVED
    report.approved_at = timezone.now()
    report.approved_by = by
    report.content_hash = chair_report_content_hash(
        chair_report_content_current(report=report)
    )
    _set_user(report, by)
    report.save(update_fields=["status", "approved_at", "approved_by", "content_hash"])
    meeting_event(
        meeting=meeting,
        by=by,
        code="record_approved",
        detail=f"Version {report.version}; content hash {report.content_hash[:12]}…",
    )
    transaction.on_commit(partial(tasks.chair_report_render_task.delay, report.pk))
    return report


@transaction.atomic
def chair_report_return_to_draft(
    *, report: ChairReport, by: User, reason: str
) -> ChairReport:
    """Send a submitted version back to its writer as a draft, saying why."""
    report = _lock_report(report)
    _require(
        chair_report_may_approve(user=by, meeting=report.meeting),
        "Only the IRO chairing this meeting or a manager can return its record.",
    )
    _check_move(report, ChairReport.Status.DRAFT)
    reason = reason.strip()
    if not reason:
        raise DomainError("Say why the record is being returned.")
    report.status = ChairReport.Status.DRAFT
    report.submitted_at = None
    report.submitted_by = None
    _set_user(report, by)
    report.save(update_fields=["status", "submitted_at", "submitted_by"])
    meeting_event(
        meeting=report.meeting,
        by=by,
        code="record_returned",
        detail=f"Version {report.version}: {reason}",
    )
    return report


@transaction.atomic
def chair_report_amend(*, report: ChairReport, by: User, reason: str) -> ChairReport:
    """Start a new draft version from the current approved one, copying its text."""
    report = _lock_report(report)
    meeting = report.meeting
    _require(
        chair_report_may_write(user=by, meeting=meeting),
        "Only the IRO chairing this meeting can amend its record.",
    )
    if report.status != ChairReport.Status.APPROVED:
        raise DomainError(
            f"Version {report.version} is {report.get_status_display().lower()}; "
            "only the current approved version can be amended."
        )
    working = ChairReport.objects.filter(
        meeting=meeting,
        status__in=[ChairReport.Status.DRAFT, ChairReport.Status.SUBMITTED],
    ).first()
    if working is not None:
        raise DomainError(f"Version {working.version} is already being written.")
    reason = reason.strip()
    if not reason:
        raise DomainError("Say why the record is being amended.")
    latest = ChairReport.objects.filter(meeting=meeting).aggregate(v=Max("version"))
    amended = ChairReport(
        meeting=meeting,
        version=latest["v"] + 1,
        amends=report,
        amendment_reason=reason[:300],
        created_by=by,
        **{name: getattr(report, name) for name in CONTENT_FIELDS},
    )
    _set_user(amended, by)
    amended.save()
    meeting_event(
        meeting=meeting,
        by=by,
        code="record_amended",
        detail=f"Version {amended.version} amends version {report.version}: {reason}",
    )
    return amended


def _stored(field) -> bool:
    return bool(field.name) and field.storage.exists(field.name)


def _is_rendered(report: ChairReport) -> bool:
    has_letter = meeting_type(report.meeting.kind).letter_template is not None
    return (
        report.rendered_at is not None
        and _stored(report.pdf)
        and (_stored(report.letter_pdf) or not has_letter)
    )


@transaction.atomic
def chair_report_render(*, report_id: int) -> ChairReport | None:
    """Render an approved version's record and letter PDFs, once.

    Safe to run twice: a version already rendered whose files exist is returned
    untouched. Refuses if the content no longer matches the approved hash (the
    decisions changed after approval), so a PDF never prints a wrong hash.
    """
    report = (
        ChairReport.objects.select_for_update(of=("self",))
        .select_related("meeting", "meeting__child")
        .filter(pk=report_id)
        .first()
    )
    if report is None:
        return None
    if report.status not in (
        ChairReport.Status.APPROVED,
        ChairReport.Status.SUPERSEDED,
    ):
        raise DomainError(
            f"Version {report.version} is not approved; only an approved version "
            "is rendered."
        )
    if _is_rendered(report):
        return report
    context = chair_report_pdf_context(report_id=report.pk)
    if context["computed_hash"] != report.content_hash:
        raise DomainError(
            f"The content of version {report.version} (its decisions) changed after "
            "it was approved; amend the record to issue a new version."
        )
    from cases.pdf import render_pdf  # WeasyPrint is heavy: load it only to render

    spec = meeting_type(report.meeting.kind)
    stem = f"{report.meeting.child.la_child_id}-meeting{report.meeting_id}-v{report.version}"
    for field in (report.pdf, report.letter_pdf):
        if field.name:
            field.delete(save=False)
    report.pdf.save(
        f"{stem}-record.pdf",
        ContentFile(render_pdf(spec.report_template, context)),
        save=False,
    )
    if spec.letter_template:
        report.letter_pdf.save(
            f"{stem}-letter.pdf",
            ContentFile(render_pdf(spec.letter_template, context)),
            save=False,
        )
    report.rendered_at = timezone.now()
    _set_user(report, None)
    report.save(update_fields=["pdf", "letter_pdf", "rendered_at"])
    meeting_event(
        meeting=report.meeting,
        by=None,
        code="record_rendered",
        detail=f"Version {report.version}",
    )
    return report


@transaction.atomic
def chair_report_render_request(*, report: ChairReport, by: User) -> ChairReport:
    """Ask for an approved version's PDFs to be prepared (again) in the background."""
    report = _lock_report(report)
    _require(
        chair_report_may_approve(user=by, meeting=report.meeting),
        "Only the IRO chairing this meeting or a manager can prepare its PDFs.",
    )
    if report.status not in (
        ChairReport.Status.APPROVED,
        ChairReport.Status.SUPERSEDED,
    ):
        raise DomainError("Only an approved version has PDFs.")
    meeting_event(
        meeting=report.meeting,
        by=by,
        code="record_render_requested",
        detail=f"Version {report.version}",
    )
    transaction.on_commit(partial(tasks.chair_report_render_task.delay, report.pk))
    return report


@transaction.atomic
def distribution_request(
    *, report: ChairReport, by: User, recipients: Sequence[Recipient]
) -> list[Distribution]:
    """Record one sending per recipient and document of the approved version.

    A recipient already given this document of this version is not sent it again.
    Email sendings are queued, one task each, once the request is committed;
    post and by-hand sendings wait to be marked as sent.
    """
    report = _lock_report(report)
    meeting = report.meeting
    _require(
        chair_report_may_distribute(user=by, meeting=meeting),
        "Only the IRO chairing this meeting or a manager can distribute its record.",
    )
    if report.status != ChairReport.Status.APPROVED:
        raise DomainError(
            f"Version {report.version} is {report.get_status_display().lower()}; "
            "only the current approved version is distributed."
        )
    if not recipients:
        raise DomainError("Choose at least one recipient.")
    rows, to_send = [], []
    for recipient in recipients:
        if recipient.participant and recipient.participant.meeting_id != meeting.pk:
            raise DomainError(f"{recipient.name} is not a participant of this meeting.")
        if not recipient.name.strip():
            raise DomainError("Every recipient needs a name.")
        if recipient.channel == Distribution.Channel.EMAIL and not recipient.email:
            raise DomainError(
                f"{recipient.name} has no email address: send it by post instead."
            )
        row, created = Distribution.objects.get_or_create(
            report=report,
            document=recipient.document,
            recipient_key=recipient.key,
            defaults={
                "participant": recipient.participant,
                "recipient_name": recipient.name.strip(),
                "recipient_email": recipient.email.strip(),
                "channel": recipient.channel,
                "requested_by": by,
            },
        )
        rows.append(row)
        if (
            row.channel == Distribution.Channel.EMAIL
            and row.status == Distribution.Status.PENDING
        ):
            to_send.append(row.pk)
        if created:
            meeting_event(
                meeting=meeting,
                by=by,
                code="record_distribution_requested",
                detail=(
                    f"{row.get_document_display()} v{report.version} to "
                    f"{row.recipient_name} by {row.get_channel_display().lower()}"
                ),
            )
    for pk in to_send:
        transaction.on_commit(partial(tasks.distribution_send_task.delay, pk))
    return rows


def _note_first_sending(*, meeting_id: int, document: str, day) -> None:
    """Stamp when decisions were first circulated and the record first distributed."""
    meeting = Meeting.objects.select_for_update().get(pk=meeting_id)
    changed = []
    # The letter and the record both carry the decisions.
    if meeting.decisions_circulated_on is None:
        meeting.decisions_circulated_on = day
        changed.append("decisions_circulated_on")
        meeting_event(
            meeting=meeting,
            by=None,
            code="decisions_circulated",
            detail=f"{day:%d/%m/%Y}",
        )
    if (
        document == Distribution.Document.RECORD
        and meeting.record_distributed_on is None
    ):
        meeting.record_distributed_on = day
        changed.append("record_distributed_on")
        meeting_event(
            meeting=meeting,
            by=None,
            code="record_distributed",
            detail=f"{day:%d/%m/%Y}",
        )
    if changed:
        _set_user(meeting, None)
        meeting.save(update_fields=changed)


def _email_for(distribution: Distribution, report: ChairReport) -> EmailMessage:
    meeting = report.meeting
    spec = meeting_type(meeting.kind)
    is_letter = distribution.document == Distribution.Document.LETTER
    field = report.letter_pdf if is_letter else report.pdf
    title = "Letter to the child" if is_letter else spec.record_title
    held = f"{meeting.held_on:%d/%m/%Y}" if meeting.held_on else "recently"
    message = EmailMessage(
        subject=f"{title}, version {report.version} (ref. {meeting.child.la_child_id})",
        body=(
            f"Dear {distribution.recipient_name},\n\n"
            f"Attached is the {title.lower()} of the review held on {held} "
            f"(reference {meeting.child.la_child_id}), version {report.version}.\n"
            "It is confidential: please keep it securely and do not forward it.\n\n"
            "Independent Reviewing Service"
        ),
        to=[distribution.recipient_email],
    )
    with field.open("rb") as pdf:
        message.attach(
            f"{'letter' if is_letter else 'review-record'}-v{report.version}.pdf",
            pdf.read(),
            "application/pdf",
        )
    return message


@transaction.atomic
def distribution_send(*, distribution_id: int) -> bool:
    """Email one pending sending with its PDF; return whether it was sent now.

    Safe to run twice: the row is locked and only a pending email sending is
    attempted, so a sent one is never sent again. A failure is recorded on the
    row (failed, with the error) for a person to resend.
    """
    row = (
        Distribution.objects.select_for_update(of=("self",))
        .filter(pk=distribution_id)
        .first()
    )
    if (
        row is None
        or row.status != Distribution.Status.PENDING
        or row.channel != Distribution.Channel.EMAIL
    ):
        return False
    report = ChairReport.objects.select_related("meeting", "meeting__child").get(
        pk=row.report_id
    )
    row.attempts += 1
    try:
        if not _is_rendered(report):
            report = chair_report_render(report_id=report.pk)
        _email_for(row, report).send(fail_silently=False)
    except OperationalError:
        raise  # the database is unavailable: the task retries
    except Exception as exc:  # any failure to prepare or send is shown on the ledger
        logger.warning("Sending distribution %s failed: %s", row.pk, exc)
        row.status = Distribution.Status.FAILED
        row.last_error = f"{type(exc).__name__}: {exc}"[:500]
        row.save(update_fields=["status", "attempts", "last_error"])
        meeting_event(
            meeting=report.meeting,
            by=None,
            code="record_send_failed",
            detail=f"{row.get_document_display()} v{report.version} to {row.recipient_name}: {row.last_error}",
        )
        return False
    row.status = Distribution.Status.SENT
    row.sent_at = timezone.now()
    row.last_error = ""
    row.save(update_fields=["status", "attempts", "last_error", "sent_at"])
    meeting_event(
        meeting=report.meeting,
        by=None,
        code="record_sent",
        detail=f"{row.get_document_display()} v{report.version} emailed to {row.recipient_name}",
    )
    _note_first_sending(
        meeting_id=report.meeting_id,
        document=row.document,
        day=timezone.localdate(row.sent_at),
    )
    return True


def _lock_distribution(distribution: Distribution) -> Distribution:
    return (
        Distribution.objects.select_for_update(of=("self",))
        .select_related("report", "report__meeting")
        .get(pk=distribution.pk)
    )


@transaction.atomic
def distribution_resend(*, distribution: Distribution, by: User) -> Distribution:
    """Queue a failed sending again."""
    row = _lock_distribution(distribution)
    _require(
        chair_report_may_distribute(user=by, meeting=row.report.meeting),
        "Only the IRO chairing this meeting or a manager can resend its record.",
    )
    if row.status != Distribution.Status.FAILED:
        raise DomainError(
            f"This sending is {row.get_status_display().lower()}; only a failed "
            "sending can be sent again."
        )
    row.status = Distribution.Status.PENDING
    row.save(update_fields=["status"])
    meeting_event(
        meeting=row.report.meeting,
        by=by,
        code="record_resend_requested",
        detail=f"{row.get_document_display()} v{row.report.version} to {row.recipient_name}",
    )
    transaction.on_commit(partial(tasks.distribution_send_task.delay, row.pk))
    return row


@transaction.atomic
def distribution_mark_sent(*, distribution: Distribution, by: User) -> Distribution:
    """Record that a pending sending by post or by hand has gone."""
    row = _lock_distribution(distribution)
    _require(
        chair_report_may_distribute(user=by, meeting=row.report.meeting),
        "Only the IRO chairing this meeting or a manager can record a sending.",
    )
    if row.channel == Distribution.Channel.EMAIL:
        raise DomainError("An email sending is marked sent when the email goes.")
    if row.status == Distribution.Status.SENT:
        raise DomainError("This sending is already recorded as sent.")
    row.status = Distribution.Status.SENT
    row.sent_at = timezone.now()
    row.attempts += 1
    row.save(update_fields=["status", "sent_at", "attempts"])
    meeting_event(
        meeting=row.report.meeting,
        by=by,
        code="record_sent",
        detail=(
            f"{row.get_document_display()} v{row.report.version} to "
            f"{row.recipient_name} by {row.get_channel_display().lower()}"
        ),
    )
    _note_first_sending(
        meeting_id=row.report.meeting_id,
        document=row.document,
        day=timezone.localdate(row.sent_at),
    )
    return row
