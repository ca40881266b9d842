"""The demo extension for practice alerts and good practice (seed_demo hook)."""

from datetime import date

import pytest

from accounts.roles import Role
from cases.demo import DemoBatch, DemoStaff
from cases.selectors import clock_get
from meetings.demo_alerts import demo_alerts_add
from meetings.models import AlertEntry, GoodPractice, PracticeAlert
from tests.factories import AllocationFactory, ChildFactory, TeamFactory, UserFactory

pytestmark = pytest.mark.django_db

TODAY = date(2026, 6, 15)


def _batch(size: int) -> tuple[DemoBatch, DemoStaff]:
    iro = UserFactory(roles=[Role.IRO])
    team = TeamFactory()
    children, allocations = [], []
    for _ in range(size):
        child = ChildFactory()
        children.append(child)
        allocations.append(AllocationFactory(child=child, worker=iro))
        allocations.append(
            AllocationFactory(
                child=child,
                role="social_worker",
                worker=None,
                worker_name="Sam Okafor",
                team=team,
            )
        )
    staff = DemoStaff(users={"manager": UserFactory(roles=[Role.MANAGER])}, teams={})
    return DemoBatch(children, [], [], allocations), staff


def test_demo_alerts_add_keeps_the_clock_and_a_query_budget(
    django_assert_max_num_queries,
):
    # given
    batch, staff = _batch(400)
    # when
    with django_assert_max_num_queries(8):
        demo_alerts_add(batch, rng=None, today=TODAY, staff=staff)
    # then
    alerts = list(PracticeAlert.objects.all())
    clock = clock_get()
    assert 3 <= len(alerts) <= 25
    assert GoodPractice.objects.exists()
    for alert in alerts:
        assert alert.due_on == clock.due("practice_alert_response", alert.raised_on).due
        assert alert.entries.first().kind == "raised"
    assert {a.status for a in alerts} <= {"open", "responded"}
    assert AlertEntry.objects.filter(kind="raised").count() == len(alerts)
