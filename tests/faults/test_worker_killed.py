"""A Celery worker killed in the middle of its work: the task comes back, runs once."""

import os
import signal
import uuid

import pytest

from meetings import services
from meetings.models import ChairReport, Distribution, MeetingEvent
from tests.factories import MeetingFactory, ParticipantFactory
from tests.faults.conftest import wait_for
from tests.faults.smtp_sink import SmtpSink

pytestmark = [pytest.mark.faults, pytest.mark.django_db(transaction=True)]


def _approve(meeting):
    chair = meeting.chair
    report = services.chair_report_start(meeting=meeting, by=chair)
    report = services.chair_report_save(
        report=report,
        by=chair,
        expected_lock_version=0,
        summary="Settled.",
        chair_view="Endorsed.",
    )
    services.chair_report_submit(report=report, by=chair)
    # Committed at once (no test transaction): the render task goes to the broker.
    return services.chair_report_approve(report=report, by=chair)


def test_pool_process_killed_mid_render_renders_once(
    start_worker, fault_broker, fault_folder, media_root
):
    """The pool process dies while rendering: the task is requeued and renders once."""
    # given: the worker's process pauses in its second PDF (the letter), after
    # the record's PDF file has been written
    pause = fault_folder / f"pause-{uuid.uuid4().hex}"
    paused = fault_folder / f"paused-{uuid.uuid4().hex}"
    pause.write_text("2")
    worker = start_worker(
        pool="prefork", FAULT_PAUSE_FILE=str(pause), FAULT_PAUSED_FILE=str(paused)
    )
    meeting = MeetingFactory(held=True)
    report = _approve(meeting)
    pid = int(wait_for(lambda: paused.exists() and paused.read_text(), timeout=30))
    # when: the pool process is killed, as the out-of-memory killer would
    pause.unlink()
    os.kill(pid, signal.SIGKILL)
    # then
    stored = wait_for(
        lambda: ChairReport.objects.filter(
            pk=report.pk, rendered_at__isnull=False
        ).first(),
        timeout=30,
        message="The render was not redelivered",
    )
    assert "SIGKILL" in worker.text()
    assert (
        MeetingEvent.objects.filter(meeting=meeting, code="record_rendered").count()
        == 1
    )
    for field in (stored.pdf, stored.letter_pdf):
        assert field.name
        assert (media_root / field.name).read_bytes().startswith(b"%PDF")


def test_worker_killed_mid_sending_sends_each_recipient_once(
    start_worker, fault_broker
):
    """The worker dies while an email is on the wire: after a restart each goes once."""
    with SmtpSink() as sink:
        # given: a rendered record and a worker whose held messages come back
        # after 3 s instead of 15 minutes
        env = {"FAULT_SMTP_PORT": str(sink.port), "FAULT_VISIBILITY_TIMEOUT": "3"}
        worker = start_worker(**env)
        meeting = MeetingFactory(held=True)
        people = [ParticipantFactory(meeting=meeting) for _ in range(3)]
        report = _approve(meeting)
        wait_for(lambda: ChairReport.objects.get(pk=report.pk).rendered_at, timeout=30)
        sink.stall.set()
        services.distribution_request(
            report=report,
            by=meeting.chair,
            recipients=[
                services.Recipient(name=p.name, email=p.email, participant=p)
                for p in people
            ],
        )
        wait_for(sink.stalled.is_set, timeout=20, message="No sending started")
        # when: the whole worker is killed mid-send, then a new one starts
        worker.kill()
        sink.release.set()
        start_worker(**env)
        # then
        wait_for(
            lambda: (
                not Distribution.objects.filter(report=report)
                .exclude(status="sent")
                .exists()
            ),
            timeout=30,
            message="Not every sending was delivered",
        )
        assert sink.recipients() == sorted(p.email.lower() for p in people)
        assert (
            MeetingEvent.objects.filter(meeting=meeting, code="record_sent").count()
            == 3
        )
        assert sorted(
            Distribution.objects.filter(report=report).values_list(
                "attempts", flat=True
            )
        ) == [1, 1, 1]
