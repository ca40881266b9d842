"""Services of the record: workflow, versions, conflicts, rendering and sending."""

import smtplib
from datetime import date, timedelta
from pathlib import Path

import pytest
from django.core import mail
from django.utils import timezone

from accounts.roles import Role
from cases.errors import DomainError
from meetings import selectors, services, tasks
from meetings.models import ChairReport, Distribution, MeetingEvent
from tests.factories import (
    ActionFactory,
    MeetingFactory,
    ParticipantFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

TEXT = {
    "summary": "The review considered the care plan.",
    "chair_view": "The plan meets Ava's needs.",
}


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def held_meeting(**kwargs):
    return MeetingFactory(
        held=True,
        decisions_due_on=date(2026, 4, 3),
        record_due_on=date(2026, 4, 24),
        **kwargs,
    )


def draft(meeting=None, **text):
    meeting = meeting or held_meeting()
    report = services.chair_report_start(meeting=meeting, by=meeting.chair)
    return services.chair_report_save(
        report=report,
        by=meeting.chair,
        expected_lock_version=report.lock_version,
        **{**TEXT, **text},
    )


def submitted(meeting=None, **text):
    report = draft(meeting, **text)
    return services.chair_report_submit(report=report, by=report.meeting.chair)


def approved(meeting=None, **text):
    report = submitted(meeting, **text)
    return services.chair_report_approve(report=report, by=report.meeting.chair)


def events(meeting, code):
    return list(
        MeetingEvent.objects.filter(meeting=meeting, code=code).values_list(
            "by_id", "detail"
        )
    )


# --- writing -------------------------------------------------------------------------


def test_chair_report_start_makes_version_one_draft_and_logs_it():
    meeting = held_meeting()
    report = services.chair_report_start(meeting=meeting, by=meeting.chair)
    assert (report.version, report.status, report.created_by) == (
        1,
        "draft",
        meeting.chair,
    )
    assert events(meeting, "record_started") == [(meeting.chair.pk, "Version 1")]


def test_chair_report_start_refuses_a_meeting_not_held():
    meeting = MeetingFactory()
    with pytest.raises(DomainError, match="once the meeting has been held"):
        services.chair_report_start(meeting=meeting, by=meeting.chair)
    assert not ChairReport.objects.exists()


def test_chair_report_start_is_for_the_chair_only():
    meeting = held_meeting()
    other_iro = UserFactory(roles=[Role.IRO])
    with pytest.raises(DomainError, match="Only the IRO chairing"):
        services.chair_report_start(meeting=meeting, by=other_iro)


def test_chair_report_start_keeps_one_working_version():
    report = draft()
    with pytest.raises(DomainError, match="Version 1 of this record is already"):
        services.chair_report_start(meeting=report.meeting, by=report.meeting.chair)
    assert ChairReport.objects.count() == 1


def test_chair_report_save_bumps_the_lock_and_logs_the_fields_changed():
    # given
    meeting = held_meeting()
    report = services.chair_report_start(meeting=meeting, by=meeting.chair)
    # when
    saved = services.chair_report_save(
        report=report, by=meeting.chair, expected_lock_version=0, summary="Hello"
    )
    # then
    stored = ChairReport.objects.get(pk=report.pk)
    assert (stored.summary, stored.lock_version, saved.lock_version) == ("Hello", 1, 1)
    assert events(meeting, "record_saved") == [
        (meeting.chair.pk, "Version 1: Summary of the review")
    ]


def test_chair_report_save_from_a_stale_form_raises_conflict_with_the_saved_text():
    # given: two people opened the form at lock version 0; the first saved
    meeting = held_meeting()
    report = services.chair_report_start(meeting=meeting, by=meeting.chair)
    services.chair_report_save(
        report=report, by=meeting.chair, expected_lock_version=0, summary="First"
    )
    # when
    with pytest.raises(services.ConflictError) as caught:
        services.chair_report_save(
            report=report, by=meeting.chair, expected_lock_version=0, summary="Second"
        )
    # then
    assert caught.value.current["summary"] == "First"
    assert caught.value.lock_version == 1
    assert caught.value.saved_by == str(meeting.chair)
    assert ChairReport.objects.get(pk=report.pk).summary == "First"


def test_chair_report_save_refuses_a_submitted_version():
    report = submitted()
    with pytest.raises(DomainError, match="only a draft can be edited"):
        services.chair_report_save(
            report=report,
            by=report.meeting.chair,
            expected_lock_version=report.lock_version,
            summary="Late change",
        )


def test_chair_report_submit_needs_summary_and_the_iro_view():
    report = draft(summary="", chair_view="")
    with pytest.raises(
        DomainError, match="Write the summary of the review and the IRO"
    ):
        services.chair_report_submit(report=report, by=report.meeting.chair)
    assert ChairReport.objects.get(pk=report.pk).status == "draft"


def test_chair_report_submit_stamps_who_and_when():
    report = submitted()
    stored = ChairReport.objects.get(pk=report.pk)
    assert stored.status == "submitted"
    assert stored.submitted_by == report.meeting.chair
    assert stored.submitted_at is not None
    assert events(report.meeting, "record_submitted") == [
        (report.meeting.chair.pk, "Version 1")
    ]


# --- approval ------------------------------------------------------------------------


def test_chair_report_approve_refuses_an_iro_who_is_not_the_chair():
    report = submitted()
    with pytest.raises(DomainError, match="chairing this meeting or a manager"):
        services.chair_report_approve(report=report, by=UserFactory(roles=[Role.IRO]))
    assert ChairReport.objects.get(pk=report.pk).status == "submitted"


def test_chair_report_approve_by_a_manager_fixes_the_content_hash(manager):
    # given
    meeting = held_meeting()
    ActionFactory(meeting=meeting, text="Book the dentist", due_on=date(2026, 5, 1))
    report = submitted(meeting)
    expected = selectors.chair_report_content_hash(
        selectors.chair_report_content(
            fields=TEXT,
            actions=[
                {
                    "text": "Book the dentist",
                    "owner_name": "Sam Social Worker",
                    "owner_role": "social_worker",
                    "due_on": "2026-05-01",
                }
            ],
        )
    )
    # when
    services.chair_report_approve(report=report, by=manager)
    # then
    stored = ChairReport.objects.get(pk=report.pk)
    assert (stored.status, stored.approved_by, stored.content_hash) == (
        "approved",
        manager,
        expected,
    )
    assert events(meeting, "record_approved") == [
        (manager.pk, f"Version 1; content hash {expected[:12]}…")
    ]


def test_chair_report_approve_enqueues_rendering_once_committed(
    monkeypatch, django_capture_on_commit_callbacks
):
    queued = []
    monkeypatch.setattr(tasks.chair_report_render_task, "delay", queued.append)
    report = submitted()
    with django_capture_on_commit_callbacks(execute=True):
        services.chair_report_approve(report=report, by=report.meeting.chair)
    assert queued == [report.pk]


def test_chair_report_return_to_draft_needs_a_reason_and_logs_it(manager):
    report = submitted()
    with pytest.raises(DomainError, match="Say why"):
        services.chair_report_return_to_draft(report=report, by=manager, reason=" ")
    services.chair_report_return_to_draft(
        report=report, by=manager, reason="Add the school's views."
    )
    stored = ChairReport.objects.get(pk=report.pk)
    assert (stored.status, stored.submitted_at) == ("draft", None)
    assert events(report.meeting, "record_returned") == [
        (manager.pk, "Version 1: Add the school's views.")
    ]


# --- versions ------------------------------------------------------------------------


def test_chair_report_amend_copies_the_text_into_a_new_draft_version():
    first = approved(family_views="Mum agrees.")
    amended = services.chair_report_amend(
        report=first, by=first.meeting.chair, reason="Wrong school named."
    )
    assert (amended.version, amended.status, amended.amends) == (2, "draft", first)
    assert (amended.summary, amended.family_views) == (TEXT["summary"], "Mum agrees.")
    assert amended.content_hash == ""
    assert ChairReport.objects.get(pk=first.pk).status == "approved"


def test_approving_an_amended_version_supersedes_the_previous_one():
    # given
    first = approved()
    chair = first.meeting.chair
    second = services.chair_report_amend(report=first, by=chair, reason="Typo")
    second = services.chair_report_save(
        report=second,
        by=chair,
        expected_lock_version=second.lock_version,
        summary="Corrected summary.",
    )
    services.chair_report_submit(report=second, by=chair)
    # when
    services.chair_report_approve(report=second, by=chair)
    # then
    statuses = dict(ChairReport.objects.values_list("version", "status"))
    assert statuses == {1: "superseded", 2: "approved"}
    hashes = set(ChairReport.objects.values_list("content_hash", flat=True))
    assert len(hashes) == 2


def test_chair_report_amend_refuses_while_another_version_is_being_written():
    first = approved()
    chair = first.meeting.chair
    services.chair_report_amend(report=first, by=chair, reason="Typo")
    with pytest.raises(DomainError, match="Version 2 is already being written"):
        services.chair_report_amend(report=first, by=chair, reason="Again")


# --- rendering -----------------------------------------------------------------------


def test_chair_report_render_twice_makes_one_pdf_of_each_document(media_root):
    # given
    report = approved()
    # when
    first = services.chair_report_render(report_id=report.pk)
    second = services.chair_report_render(report_id=report.pk)
    # then
    files = sorted(p.name for p in Path(media_root).rglob("*.pdf"))
    assert len(files) == 2
    assert (second.pdf.name, second.rendered_at) == (first.pdf.name, first.rendered_at)
    assert files[0].endswith("-v1-letter.pdf") and files[1].endswith("-v1-record.pdf")
    assert len(events(report.meeting, "record_rendered")) == 1


def test_chair_report_render_again_when_the_file_is_missing(media_root):
    report = services.chair_report_render(report_id=approved().pk)
    Path(report.pdf.path).unlink()
    again = services.chair_report_render(report_id=report.pk)
    assert Path(again.pdf.path).is_file()
    assert len(list(Path(media_root).rglob("*.pdf"))) == 2


def test_chair_report_render_refuses_a_draft():
    report = draft()
    with pytest.raises(DomainError, match="not approved"):
        services.chair_report_render(report_id=report.pk)


def test_chair_report_render_refuses_when_decisions_changed_after_approval(media_root):
    # given
    meeting = held_meeting()
    action = ActionFactory(meeting=meeting)
    report = approved(meeting)
    action.owner_name = "Someone else"
    action.save()
    # when / then
    with pytest.raises(DomainError, match="changed after it was approved"):
        services.chair_report_render(report_id=report.pk)
    assert list(Path(media_root).rglob("*.pdf")) == []


# --- distribution --------------------------------------------------------------------


def recipients(*people, document="record"):
    return [
        services.Recipient(
            name=p.name,
            email=p.email,
            channel="email" if p.email else "post",
            participant=p,
            document=document,
        )
        for p in people
    ]


def test_distribution_request_queues_one_sending_per_email_recipient(
    monkeypatch, django_capture_on_commit_callbacks
):
    # given
    queued = []
    monkeypatch.setattr(tasks.distribution_send_task, "delay", queued.append)
    report = approved()
    mum = ParticipantFactory(meeting=report.meeting, name="Mum")
    carer = ParticipantFactory(meeting=report.meeting, name="Carer", email="")
    # when
    with django_capture_on_commit_callbacks(execute=True):
        rows = services.distribution_request(
            report=report, by=report.meeting.chair, recipients=recipients(mum, carer)
        )
    # then
    by_name = {row.recipient_name: row for row in rows}
    assert by_name["Mum"].recipient_key == mum.email
    assert (by_name["Carer"].channel, by_name["Carer"].recipient_key) == (
        "post",
        "Carer",
    )
    assert queued == [by_name["Mum"].pk]


def test_distribution_request_twice_records_one_sending_per_recipient(
    monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(tasks.distribution_send_task, "delay", lambda pk: None)
    report = approved()
    mum = ParticipantFactory(meeting=report.meeting)
    for _ in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            services.distribution_request(
                report=report, by=report.meeting.chair, recipients=recipients(mum)
            )
    assert Distribution.objects.count() == 1
    assert len(events(report.meeting, "record_distribution_requested")) == 1


def test_distribution_request_refuses_a_version_not_approved():
    report = submitted()
    mum = ParticipantFactory(meeting=report.meeting)
    with pytest.raises(DomainError, match="only the current approved version"):
        services.distribution_request(
            report=report, by=report.meeting.chair, recipients=recipients(mum)
        )


def test_distribution_request_refuses_someone_of_another_meeting():
    report = approved()
    stranger = ParticipantFactory()
    with pytest.raises(DomainError, match="not a participant of this meeting"):
        services.distribution_request(
            report=report, by=report.meeting.chair, recipients=recipients(stranger)
        )


def requested(report, *people, document="record"):
    rows = services.distribution_request(
        report=report,
        by=report.meeting.chair,
        recipients=recipients(*people, document=document),
    )
    return rows[0]


def test_distribution_send_emails_the_pdf_and_stamps_the_meeting():
    # given
    report = approved()
    row = requested(report, ParticipantFactory(meeting=report.meeting))
    # when
    sent = services.distribution_send(distribution_id=row.pk)
    # then
    row.refresh_from_db()
    meeting = row.report.meeting
    meeting.refresh_from_db()
    assert (sent, row.status, row.attempts) == (True, "sent", 1)
    assert [m.to for m in mail.outbox] == [[row.recipient_email]]
    name, body, mimetype = mail.outbox[0].attachments[0]
    assert (name, mimetype, body[:5]) == (
        "review-record-v1.pdf",
        "application/pdf",
        b"%PDF-",
    )
    today = timezone.localdate()
    assert (meeting.decisions_circulated_on, meeting.record_distributed_on) == (
        today,
        today,
    )


def test_distribution_send_twice_sends_once():
    report = approved()
    row = requested(report, ParticipantFactory(meeting=report.meeting))
    results = [services.distribution_send(distribution_id=row.pk) for _ in range(2)]
    assert results == [True, False]
    assert len(mail.outbox) == 1
    assert Distribution.objects.get(pk=row.pk).attempts == 1


def test_distribution_send_of_the_letter_circulates_decisions_only():
    report = approved()
    row = requested(
        report, ParticipantFactory(meeting=report.meeting), document="letter"
    )
    services.distribution_send(distribution_id=row.pk)
    meeting = report.meeting
    meeting.refresh_from_db()
    assert mail.outbox[0].attachments[0][0] == "letter-v1.pdf"
    assert meeting.decisions_circulated_on == timezone.localdate()
    assert meeting.record_distributed_on is None


def test_distribution_send_failure_is_recorded_and_not_retried_until_resent(
    monkeypatch, django_capture_on_commit_callbacks
):
    # given
    report = approved()
    row = requested(report, ParticipantFactory(meeting=report.meeting))

    def refuse(self, fail_silently=False):
        raise smtplib.SMTPRecipientsRefused(
            {row.recipient_email: (550, b"No such user")}
        )

    monkeypatch.setattr("django.core.mail.EmailMessage.send", refuse)
    # when
    services.distribution_send(distribution_id=row.pk)
    again = services.distribution_send(distribution_id=row.pk)
    # then
    row.refresh_from_db()
    assert (again, row.status, row.attempts) == (False, "failed", 1)
    assert row.last_error.startswith("SMTPRecipientsRefused")
    assert report.meeting.record_distributed_on is None
    # and when resent, it is queued and goes
    monkeypatch.undo()
    with django_capture_on_commit_callbacks(execute=True):
        services.distribution_resend(distribution=row, by=report.meeting.chair)
    row.refresh_from_db()
    assert (row.status, row.attempts, len(mail.outbox)) == ("sent", 2, 1)


def test_distribution_resend_refuses_a_sent_row():
    report = approved()
    row = requested(report, ParticipantFactory(meeting=report.meeting))
    services.distribution_send(distribution_id=row.pk)
    with pytest.raises(DomainError, match="only a failed sending"):
        services.distribution_resend(distribution=row, by=report.meeting.chair)


def test_distribution_mark_sent_records_a_posted_record():
    report = approved()
    row = requested(report, ParticipantFactory(meeting=report.meeting, email=""))
    assert services.distribution_send(distribution_id=row.pk) is False
    services.distribution_mark_sent(distribution=row, by=report.meeting.chair)
    row.refresh_from_db()
    report.meeting.refresh_from_db()
    assert (row.status, row.channel) == ("sent", "post")
    assert report.meeting.record_distributed_on == timezone.localdate()
    assert mail.outbox == []


def test_distribution_send_renders_first_when_the_pdf_is_not_ready(media_root):
    report = approved()
    row = requested(report, ParticipantFactory(meeting=report.meeting))
    services.distribution_send(distribution_id=row.pk)
    assert ChairReport.objects.get(pk=report.pk).rendered_at is not None
    assert len(list(Path(media_root).rglob("*.pdf"))) == 2


# --- the panel -----------------------------------------------------------------------


def test_record_panel_context_flags_a_late_record(django_assert_max_num_queries):
    # given: decisions were due three days ago and are not circulated
    today = timezone.localdate()
    meeting = held_meeting()
    meeting.decisions_due_on = today - timedelta(days=3)
    meeting.record_due_on = today + timedelta(days=10)
    meeting.save()
    report = approved(meeting)
    # when
    with django_assert_max_num_queries(6):
        context = selectors.record_panel_context(meeting=meeting, user=meeting.chair)
    # then
    panel = context["record_panel"]
    assert panel.decisions.is_late and panel.decisions.days_late == 3
    assert panel.decisions.text.startswith("Late by 3 days")
    assert panel.record.text == f"Due by {meeting.record_due_on:%d/%m/%Y}"
    assert (panel.current, panel.can_amend, panel.can_distribute) == (
        report,
        True,
        True,
    )
    assert context["record"] == report


def test_record_panel_context_hides_the_record_from_a_minute_taker(minute_taker):
    report = approved()
    context = selectors.record_panel_context(meeting=report.meeting, user=minute_taker)
    panel = context["record_panel"]
    assert (panel.may_read, panel.latest, panel.can_distribute) == (False, None, False)
