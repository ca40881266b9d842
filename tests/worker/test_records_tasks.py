"""Rendering and distributing the record, run by a real worker over Redis."""

from pathlib import Path

import pytest
from django.conf import settings

from meetings import services, tasks
from meetings.models import ChairReport, Distribution, MeetingEvent
from tests.factories import MeetingFactory, ParticipantFactory
from tests.worker.conftest import wait_for

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


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


def _remove_files(report_id):
    # The worker writes to the default MEDIA_ROOT, not a temporary folder.
    report = ChairReport.objects.filter(pk=report_id).first()
    if report is None:
        return
    media = Path(settings.MEDIA_ROOT).resolve()
    for field in (report.pdf, report.letter_pdf):
        if field.name:
            path = Path(field.path)
            path.unlink(missing_ok=True)
            for parent in path.parents:
                if parent == media or not parent.is_relative_to(media):
                    break
                if any(parent.iterdir()):
                    break
                parent.rmdir()


def test_worker_renders_once_and_sends_each_recipient_once(real_broker):
    """Requested twice and delivered again, each recipient is sent the record once."""
    # given
    meeting = MeetingFactory(held=True)
    people = [ParticipantFactory(meeting=meeting) for _ in range(2)]
    chosen = [
        services.Recipient(name=p.name, email=p.email, participant=p) for p in people
    ]
    report = _approve(meeting)
    try:
        rendered_at = wait_for(
            lambda: ChairReport.objects.get(pk=report.pk).rendered_at
        )
        # when: distributed twice, every sending delivered once more, render again
        services.distribution_request(
            report=report, by=meeting.chair, recipients=chosen
        )
        services.distribution_request(
            report=report, by=meeting.chair, recipients=chosen
        )
        for pk in Distribution.objects.filter(report=report).values_list(
            "pk", flat=True
        ):
            tasks.distribution_send_task.delay(pk)
        tasks.chair_report_render_task.delay(report.pk)
        # One solo worker takes tasks in order: once this last sending has gone,
        # every repeated task before it has run too.
        marker = services.distribution_request(
            report=report,
            by=meeting.chair,
            recipients=[services.Recipient(name="Marker", email="marker@example.org")],
        )[0]
        wait_for(lambda: Distribution.objects.get(pk=marker.pk).status == "sent")
        # then
        rows = Distribution.objects.filter(report=report).exclude(pk=marker.pk)
        assert sorted((r.recipient_key, r.status, r.attempts) for r in rows) == sorted(
            (p.email, "sent", 1) for p in people
        )
        assert (
            MeetingEvent.objects.filter(meeting=meeting, code="record_sent").count()
            == 3
        )
        stored = ChairReport.objects.get(pk=report.pk)
        assert stored.rendered_at == rendered_at
        assert (
            MeetingEvent.objects.filter(meeting=meeting, code="record_rendered").count()
            == 1
        )
        meeting.refresh_from_db()
        assert meeting.record_distributed_on is not None
    finally:
        _remove_files(report.pk)
