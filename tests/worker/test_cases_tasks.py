"""Background jobs of the child record, run by a real worker over Redis."""

from datetime import date

import pytest

from cases import tasks
from cases.models import Allocation, CareEpisode, LocalClosureDay
from tests.factories import AllocationFactory, CareEpisodeFactory
from tests.worker.conftest import wait_for

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def test_worker_sends_the_allocation_notice_once(real_broker):
    """Delivered twice, the notice task sends once: the second run finds it sent."""
    # given
    allocation = AllocationFactory()
    marker = CareEpisodeFactory(started_on=date(2026, 3, 2), first_review_due_on=None)
    # when
    tasks.allocation_notify_task.delay(allocation.pk)
    stamped = wait_for(lambda: Allocation.objects.get(pk=allocation.pk).notified_at)
    tasks.allocation_notify_task.delay(allocation.pk)
    # One worker process takes tasks in order: once this marker task has run,
    # the repeated notice has run too.
    tasks.due_dates_recalculate_task.delay()
    wait_for(lambda: CareEpisode.objects.get(pk=marker.pk).first_review_due_on)
    # then
    assert Allocation.objects.get(pk=allocation.pk).notified_at == stamped


def test_worker_recalculates_due_dates_after_a_closure_day(real_broker):
    """A closure day moves stored due dates; the change is audited as a background job."""
    # given
    episode = CareEpisodeFactory(
        started_on=date(2026, 3, 2), first_review_due_on=date(2026, 3, 30)
    )
    LocalClosureDay.objects.create(day=date(2026, 3, 10), name="Staff training day")
    # when
    tasks.due_dates_recalculate_task.delay()
    # then
    wait_for(
        lambda: (
            CareEpisode.objects.get(pk=episode.pk).first_review_due_on
            == date(2026, 3, 31)
        )
    )
    latest = CareEpisode.history.filter(id=episode.pk).latest()
    assert latest.history_user is None
    assert "recalculated" in latest.history_change_reason
