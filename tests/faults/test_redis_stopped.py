"""Redis stops: the web app keeps working, work waits, and resumes when Redis returns."""

import pytest
from django.urls import reverse

from accounts.roles import Role
from cases.models import PendingTask, WorkerHeartbeat
from cases.tasks import pending_tasks_relay_task
from meetings import services
from meetings.models import ChairReport, MeetingEvent
from tests.factories import MeetingFactory, UserFactory
from tests.faults.conftest import wait_for

pytestmark = [pytest.mark.faults, pytest.mark.django_db(transaction=True)]

NOTICE = "Background work delayed"


def _submitted(meeting):
    chair = meeting.chair
    report = services.chair_report_start(meeting=meeting, by=chair)
    report = services.chair_report_save(
        report=report,
        by=chair,
        expected_lock_version=0,
        summary="Settled.",
        chair_view="Endorsed.",
    )
    return services.chair_report_submit(report=report, by=chair)


def test_redis_down_keeps_work_and_resumes_when_it_returns(
    client, start_worker, fault_broker, private_redis
):
    """Approving with Redis down succeeds; admins are told; the PDF follows later."""
    # given
    start_worker()
    meeting = MeetingFactory(held=True)
    report = _submitted(meeting)
    administrator = UserFactory(roles=[Role.ADMINISTRATOR])
    private_redis.stop()
    # when: the chair approves through the page while Redis is down
    client.force_login(meeting.chair)
    response = client.post(
        reverse(
            "meetings:record-approve",
            kwargs={"pk": meeting.pk, "report_pk": report.pk},
        ),
        {"confirm": "on"},
    )
    # then: the approval stands and the render waits in the outbox
    assert response.status_code == 302
    assert ChairReport.objects.get(pk=report.pk).status == "approved"
    waiting = PendingTask.objects.get(relayed_at__isnull=True)
    assert waiting.task_name == "meetings.tasks.chair_report_render_task"
    assert waiting.args == [report.pk]
    client.force_login(administrator)
    assert NOTICE in client.get("/").content.decode()
    client.force_login(meeting.chair)
    assert NOTICE not in client.get("/").content.decode()
    # when: Redis returns and beat queues the relay, as it does every minute
    private_redis.start()
    wait_for(
        lambda: pending_tasks_relay_task.apply_async() is not None,
        timeout=15,
        message="The relay could not be queued",
    )
    # then: the worker sends the kept task and the PDF is rendered once
    wait_for(
        lambda: ChairReport.objects.get(pk=report.pk).rendered_at,
        timeout=30,
        message="The kept render did not run",
    )
    assert not PendingTask.objects.filter(relayed_at__isnull=True).exists()
    assert WorkerHeartbeat.objects.exists()
    assert (
        MeetingEvent.objects.filter(meeting=meeting, code="record_rendered").count()
        == 1
    )
    client.force_login(administrator)
    assert NOTICE not in client.get("/").content.decode()
