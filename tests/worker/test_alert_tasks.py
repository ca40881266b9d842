"""Chasing overdue practice alerts, run by a real worker over Redis."""

from datetime import timedelta

import pytest
from django.utils import timezone

from meetings import tasks
from meetings.models import AlertEntry, PracticeAlert
from tests.factories import PracticeAlertFactory
from tests.worker.conftest import wait_for

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def test_worker_chases_each_overdue_alert_once(real_broker):
    """Beat may deliver the daily chase twice: each overdue alert is chased once."""
    # given
    today = timezone.localdate()
    overdue = PracticeAlertFactory(
        raised_on=today - timedelta(days=14), due_on=today - timedelta(days=4)
    )
    later = PracticeAlertFactory(raised_on=today, due_on=today + timedelta(days=7))
    # when
    tasks.practice_alerts_chase_overdue_task.delay(today.isoformat())
    tasks.practice_alerts_chase_overdue_task.delay(today.isoformat())
    # One solo worker takes tasks in order: once a chase queued last for a later
    # day has chased the later alert, both earlier deliveries have run.
    tasks.practice_alerts_chase_overdue_task.delay(
        (today + timedelta(days=8)).isoformat()
    )
    wait_for(
        lambda: AlertEntry.objects.filter(alert=later, kind="chased").exists(),
        timeout=90,
    )
    # then
    chased = AlertEntry.objects.filter(alert=overdue, kind="chased")
    assert list(chased.values_list("by", flat=True)) == [None]
    assert PracticeAlert.objects.get(pk=overdue.pk).chased_on == today
