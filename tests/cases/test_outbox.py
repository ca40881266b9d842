"""The outbox keeps tasks the broker refused and sends them when it returns."""

from datetime import timedelta

import pytest
from django.db import OperationalError, transaction
from django.test import RequestFactory
from django.utils import timezone

from accounts.roles import Role
from cases import outbox as services
from cases.error_pages import server_error
from cases.models import PendingTask, WorkerHeartbeat
from config.celery import app
from meetings import tasks as meeting_tasks
from tests.factories import UserFactory
from tests.faults.conftest import free_port

pytestmark = pytest.mark.django_db

NOTICE = "Background work delayed"


@pytest.fixture
def broker_down():
    """Point the app at a port where nothing listens, not in-process."""
    from kombu import pools

    previous = {
        "broker_url": app.conf.broker_url,
        "task_always_eager": app.conf.task_always_eager,
    }

    def reset():
        pools.reset()
        app._pool = None
        app.amqp._producer_pool = None

    reset()
    app.conf.update(
        broker_url=f"redis://127.0.0.1:{free_port()}/0", task_always_eager=False
    )
    yield app
    reset()
    app.conf.update(**previous)


@pytest.fixture
def sent(monkeypatch):
    """Record what the relay hands to the broker instead of sending it."""
    calls = []
    monkeypatch.setattr(
        "celery.app.task.Task.apply_async",
        lambda self, args=None, kwargs=None, **options: calls.append((self.name, args)),
    )
    return calls


def test_task_sent_with_the_broker_down_waits_in_the_outbox(broker_down):
    """Queuing with no broker returns at once and keeps the task, never raising."""
    # when
    result = meeting_tasks.chair_report_render_task.delay(41)
    # then
    assert result is None
    row = PendingTask.objects.get()
    assert (row.task_name, row.args, row.relayed_at) == (
        "meetings.tasks.chair_report_render_task",
        [41],
        None,
    )
    assert "OperationalError" in row.last_error


def test_task_queued_on_commit_with_the_broker_down_does_not_fail_the_commit(
    broker_down, django_capture_on_commit_callbacks
):
    """A service's on-commit enqueue with Redis down leaves the write committed."""
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        transaction.on_commit(lambda: meeting_tasks.distribution_send_task.delay(7))
    assert PendingTask.objects.filter(args=[7]).count() == 1


def test_relay_sends_waiting_tasks_once(sent):
    """The relay sends each waiting task, oldest first; a second run sends none."""
    # given
    for pk in (1, 2):
        services.pending_task_record(
            task_name="meetings.tasks.distribution_send_task",
            args=[pk],
            kwargs={},
            error="OperationalError: refused",
        )
    # when
    first = services.pending_tasks_relay()
    second = services.pending_tasks_relay()
    # then
    assert (first, second) == (2, 0)
    assert sent == [
        ("meetings.tasks.distribution_send_task", [1]),
        ("meetings.tasks.distribution_send_task", [2]),
    ]
    assert not PendingTask.objects.filter(relayed_at__isnull=True).exists()


def test_relay_with_the_broker_still_down_keeps_the_tasks(broker_down):
    """A relay that cannot reach the broker marks the attempt and keeps every row."""
    services.pending_task_record(
        task_name="meetings.tasks.distribution_send_task",
        args=[3],
        kwargs={},
        error="OperationalError: refused",
    )
    assert services.pending_tasks_relay() == 0
    row = PendingTask.objects.get()
    assert (row.relayed_at, row.attempts) == (None, 2)


def test_administrator_sees_the_notice_while_work_waits(client):
    """Administrators see "Background work delayed" while tasks wait; others do not."""
    # given
    services.pending_task_record(
        task_name="meetings.tasks.chair_report_render_task",
        args=[1],
        kwargs={},
        error="OperationalError: refused",
    )
    administrator = UserFactory(roles=[Role.ADMINISTRATOR])
    iro = UserFactory(roles=[Role.IRO])
    # when
    client.force_login(administrator)
    admin_page = client.get("/").content.decode()
    client.force_login(iro)
    iro_page = client.get("/").content.decode()
    # then
    assert NOTICE in admin_page
    assert "1 background job " in admin_page
    assert NOTICE not in iro_page


def test_administrator_sees_the_notice_when_the_worker_is_quiet(client, settings):
    """With a broker configured, a relay last run long ago shows the notice."""
    settings.CELERY_TASK_ALWAYS_EAGER = False
    WorkerHeartbeat.objects.create(
        name=services.RELAY_HEARTBEAT,
        seen_at=timezone.now() - timedelta(minutes=30),
    )
    client.force_login(UserFactory(roles=[Role.ADMINISTRATOR]))
    page = client.get("/").content.decode()
    assert NOTICE in page
    assert "The background worker last ran" in page


def test_administrator_sees_no_notice_when_all_is_well(client, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    services.worker_heartbeat_record()
    client.force_login(UserFactory(roles=[Role.ADMINISTRATOR]))
    assert NOTICE not in client.get("/").content.decode()


def test_server_error_with_the_database_lost_answers_503():
    """A lost database gives a 503 page with a retry hint, not the generic 500."""
    request = RequestFactory().get("/")
    try:
        raise OperationalError("connection refused")
    except OperationalError:
        response = server_error(request)
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert b"briefly unavailable" in response.content


def test_server_error_otherwise_answers_500():
    request = RequestFactory().get("/")
    try:
        raise ValueError("a bug")
    except ValueError:
        response = server_error(request)
    assert response.status_code == 500
    assert b"Something went wrong" in response.content
