"""The demo extension for quality checks, QA meetings and training themes."""

import random
from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.roles import Role
from cases.demo import DemoBatch, DemoStaff
from meetings.demo_quality import demo_quality_add
from meetings.models import PanelReferral, QAMeeting, QualityCheck, TrainingTheme
from tests.factories import MeetingFactory, TeamFactory, UserFactory

pytestmark = pytest.mark.django_db

TODAY = date(2026, 6, 15)


def _batch(size: int) -> tuple[DemoBatch, DemoStaff]:
    iro = UserFactory(roles=[Role.IRO])
    meetings = [
        MeetingFactory(held=True, held_on=date(2026, 3, 27), chair=iro)
        for _ in range(size)
    ]
    staff = DemoStaff(
        users={"manager": UserFactory(roles=[Role.MANAGER]), "iro": iro},
        teams={"East": TeamFactory()},
    )
    return DemoBatch([m.child for m in meetings], [], [], []), staff


def test_demo_quality_add_checks_most_held_meetings_and_adds_qa_once(monkeypatch):
    # given
    batch, staff = _batch(20)
    monkeypatch.setattr(DemoStaff, "iros", property(lambda s: [s.users["iro"]]))
    # when
    demo_quality_add(batch, rng=random.Random(4), today=TODAY, staff=staff)
    demo_quality_add(batch, rng=random.Random(5), today=TODAY, staff=staff)
    # then: every check has three agencies; QA rows were added only once
    checks = QualityCheck.objects.prefetch_related("report_rows")
    assert 10 <= checks.count() <= 20
    assert {len(c.report_rows.all()) for c in checks} == {3}
    assert QAMeeting.objects.count() == 4
    assert PanelReferral.objects.count() == 4
    assert TrainingTheme.objects.count() == 4


def test_demo_quality_add_query_count_does_not_grow_with_meetings(monkeypatch):
    """Checks and rows go in with bulk inserts, not a query per meeting."""
    monkeypatch.setattr(DemoStaff, "iros", property(lambda s: [s.users["iro"]]))
    QAMeeting.objects.create(held_on=TODAY, concerns="Already seeded")
    counts = []
    for size in (3, 30):
        batch, staff = _batch(size)
        with CaptureQueriesContext(connection) as queries:
            demo_quality_add(batch, rng=random.Random(1), today=TODAY, staff=staff)
        counts.append(len(queries))
    assert counts[0] == counts[1]
