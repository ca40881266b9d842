"""LADO tasks run in-process: thin wrappers, safe to run twice."""

from datetime import date

import pytest
from django.core import mail

from lado import tasks
from lado.models import ActionChase
from tests.lado.factories import AllegationActionFactory, AllegationFactory

pytestmark = pytest.mark.django_db


def test_chase_task_run_twice_emails_once():
    AllegationActionFactory(due_on=date(2026, 3, 11))
    first = tasks.actions_chase_overdue_task.delay("2026-03-12").get()
    second = tasks.actions_chase_overdue_task.delay("2026-03-12").get()
    assert (first, second) == (1, 0)
    assert ActionChase.objects.count() == 1
    assert len(mail.outbox) == 1


def test_chase_task_without_a_date_uses_today():
    AllegationActionFactory(due_on=date(2020, 1, 6))
    assert tasks.actions_chase_overdue_task.delay().get() == 1


def test_recalculate_task_run_twice_changes_nothing_the_second_time():
    AllegationFactory()
    assert tasks.allegation_due_dates_recalculate_task.delay().get() == 0
    assert tasks.allegation_due_dates_recalculate_task.delay().get() == 0


def test_minutes_send_task_for_a_missing_row_does_nothing():
    assert tasks.minutes_send_task.delay(987654).get() is False
