"""Chasing overdue LADO actions and sending minutes, run by a real worker over Redis."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from accounts.roles import Role
from lado import services, tasks
from lado.models import ActionChase, AllegationEvent, MinutesDistribution
from tests.factories import UserFactory
from tests.lado.factories import (
    AllegationActionFactory,
    AllegationMeetingFactory,
    AttendeeFactory,
)
from tests.worker.conftest import wait_for

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def _issued_minutes(lado, attendees=1):
    meeting = AllegationMeetingFactory(
        allegation__lado_officer=lado, held_on=date(2026, 3, 4)
    )
    people = AttendeeFactory.create_batch(attendees, meeting=meeting)
    return services.minutes_issue(meeting=meeting, by=lado), people


def _after_everything_queued(lado):
    """One solo worker takes tasks in order: once a sending queued last has gone,
    every task queued before it has run too."""
    minutes, people = _issued_minutes(lado)
    marker = services.minutes_distribute(minutes=minutes, by=lado, attendees=people)[0]
    wait_for(
        lambda: MinutesDistribution.objects.get(pk=marker.pk).status == "sent",
        timeout=60,
    )


def test_worker_chases_each_overdue_action_once_a_day(real_broker):
    """Beat may deliver the daily chase twice: each owner is chased once that day."""
    # given
    lado = UserFactory(roles=[Role.LADO])
    today = timezone.localdate()
    overdue = AllegationActionFactory.create_batch(2, due_on=today - timedelta(days=3))
    AllegationActionFactory(due_on=today + timedelta(days=3))
    # when
    tasks.actions_chase_overdue_task.delay(today.isoformat())
    tasks.actions_chase_overdue_task.delay(today.isoformat())
    _after_everything_queued(lado)
    # then
    chases = ActionChase.objects.filter(day=today)
    assert sorted(chases.values_list("action_id", flat=True)) == sorted(
        a.pk for a in overdue
    )
    assert AllegationEvent.objects.filter(code="action_chased").count() == 2


def test_worker_sends_the_minutes_once_per_attendee(real_broker):
    """Distributed twice and delivered again, each attendee is sent version 1 once."""
    # given
    lado = UserFactory(roles=[Role.LADO])
    minutes, people = _issued_minutes(lado, attendees=2)
    # when: committed at once (no test transaction), the sendings go to the broker
    services.minutes_distribute(minutes=minutes, by=lado, attendees=people)
    services.minutes_distribute(minutes=minutes, by=lado, attendees=people)
    for pk in MinutesDistribution.objects.values_list("pk", flat=True):
        tasks.minutes_send_task.delay(pk)
    _after_everything_queued(lado)
    # then
    rows = MinutesDistribution.objects.filter(minutes=minutes)
    assert sorted((r.recipient_key, r.status, r.attempts) for r in rows) == sorted(
        (p.email, "sent", 1) for p in people
    )
    assert (
        AllegationEvent.objects.filter(
            code="minutes_sent", allegation=minutes.meeting.allegation
        ).count()
        == 2
    )
