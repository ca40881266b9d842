"""The "my work" page: the signed-in user's marks and today's notifications."""

from datetime import date

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.roles import Role
from cases import sweep
from tests.factories import MeetingFactory, TeamFactory, UserFactory

pytestmark = pytest.mark.django_db

URL = reverse("reporting:my-work")


def _sweep():
    sweep.sweep_all(today=timezone.localdate())


def test_my_work_lists_own_marks_by_state(client):
    """An IRO sees their overdue review and today's notice, not other IROs' work."""
    # given
    mine = MeetingFactory(due_on=date(2020, 1, 6))
    theirs = MeetingFactory(due_on=date(2020, 1, 6))
    _sweep()
    client.force_login(mine.chair)
    # when
    response = client.get(URL)
    # then
    assert response.status_code == 200
    work = response.context["work"]
    overdue = work.groups[0]
    assert (overdue.state, overdue.count) == ("overdue", 1)
    assert overdue.marks[0].object_id == mine.pk
    assert len(work.notifications) == 1
    assert mine.child.la_child_id in response.content.decode()
    assert theirs.child.la_child_id not in response.content.decode()


def test_my_work_shows_a_managers_team(client):
    """A team manager sees the work of the IROs in the team."""
    manager = UserFactory(roles=[Role.MANAGER])
    team = TeamFactory(kind="iro_service", manager=manager)
    meeting = MeetingFactory(
        due_on=date(2020, 1, 6), chair=UserFactory(roles=[Role.IRO], team=team)
    )
    _sweep()
    client.force_login(manager)

    response = client.get(URL)

    assert response.context["work"].groups[0].marks[0].object_id == meeting.pk


def test_my_work_query_count_does_not_grow(client, django_assert_max_num_queries):
    """The page costs the same few queries however many items the user owes."""
    chair = UserFactory(roles=[Role.IRO])
    for day in range(1, 12):
        MeetingFactory(due_on=date(2020, 1, day), chair=chair)
        MeetingFactory(due_on=date(2040, 1, day), chair=chair)
    _sweep()
    client.force_login(chair)

    with django_assert_max_num_queries(15):
        response = client.get(URL)

    assert response.context["work"].total == 22


def test_my_work_needs_sign_in(client):
    """A signed-out visitor is sent to sign in."""
    assert client.get(URL).status_code == 302


def test_my_work_is_in_the_navigation(client):
    """The link shows on every page for a user who works to timescales."""
    client.force_login(UserFactory(roles=[Role.IRO]))

    response = client.get(reverse("home"))

    assert URL in response.content.decode()
