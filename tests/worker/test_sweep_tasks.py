"""The daily timescale sweep, run by a real worker and fired by a real beat."""

import os
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

import pytest
from django.db import connection
from django.utils import timezone

from accounts.models import DigestSent, Notification
from cases import tasks
from cases.models import TimescaleMark
from tests.factories import MeetingFactory
from tests.worker.conftest import BROKER_URL, ROOT, wait_for

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def test_worker_sweeps_once_a_day_however_often_delivered(real_broker):
    """Delivered twice for one day, the sweep notifies and emails once."""
    # given
    meeting = MeetingFactory(due_on=timezone.localdate() - timedelta(days=1))
    today = timezone.localdate().isoformat()
    # when
    tasks.timescale_sweep_task.delay(today)
    wait_for(lambda: DigestSent.objects.exists())
    first_seen = TimescaleMark.objects.get().seen_at
    tasks.timescale_sweep_task.delay(today)
    wait_for(lambda: TimescaleMark.objects.get().seen_at != first_seen)
    # then
    mark = TimescaleMark.objects.get()
    assert (mark.object_id, mark.state) == (meeting.pk, "overdue")
    assert Notification.objects.filter(user=meeting.chair).count() == 1
    assert DigestSent.objects.count() == 1


def test_beat_fires_the_sweep_and_the_worker_runs_it(celery_worker_process):
    """A real `celery beat` with a 2-second schedule gets the sweep run."""
    # given
    meeting = MeetingFactory(due_on=timezone.localdate() + timedelta(days=1))
    workdir = Path(tempfile.mkdtemp(prefix="celery-beat-"))
    log = workdir / "beat.log"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "TEST_DATABASE_URL": (
            f"postgres://postgres@127.0.0.1:5432/{connection.settings_dict['NAME']}"
        ),
        "TEST_CELERY_BROKER_URL": BROKER_URL,
    }
    with log.open("w") as out:
        beat = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "tests.worker.beat_app",
                "beat",
                "-S",
                "celery.beat:PersistentScheduler",
                "--schedule",
                str(workdir / "schedule"),
                "--loglevel=INFO",
            ],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        # when
        started = time.monotonic()
        mark = wait_for(
            lambda: TimescaleMark.objects.filter(object_id=meeting.pk).first(),
            timeout=20,
        )
    finally:
        beat.terminate()
        beat.wait(timeout=10)
    # then
    assert mark.state == "due_soon", log.read_text()[-2000:]
    assert time.monotonic() - started < 20
    assert "cases.tasks.timescale_sweep_task" in log.read_text()
