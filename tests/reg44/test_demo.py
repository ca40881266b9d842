"""The demo extension: homes with a year of visits for each batch of children."""

import io

import pytest
from django.core.management import call_command
from django.db.models import Count
from django.utils import timezone

from cases.selectors import clock_get
from reg44 import selectors
from reg44.models import (
    FollowUp,
    Home,
    Recommendation,
    ReportSending,
    Visit,
    VisitorAssignment,
    VisitReport,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded():
    call_command("seed_demo", "--children", "700", "--seed", "3", stdout=io.StringIO())


def test_about_one_home_per_35_children_most_with_the_demo_visitor(seeded):
    """700 children give about 20 homes; most are assigned to "visitor", some have
    had no visitor for a few months."""
    homes = Home.objects.count()
    assert 15 <= homes <= 25
    current = VisitorAssignment.objects.filter(
        selectors.assignment_current_q(timezone.localdate())
    )
    assert set(current.values_list("visitor__username", flat=True)) == {"visitor"}
    assert 0 < current.count() < homes


def test_visits_are_mostly_monthly_with_approved_reports_sent(seeded):
    """A year of visits, a few missed or late; past reports approved and sent."""
    visits = Visit.objects.all()
    homes = Home.objects.count()
    assert visits.count() > homes * 8
    assert visits.filter(status=Visit.Status.APPROVED).count() > homes * 6
    late = [v for v in visits if not v.is_made_in_time]
    assert 0 < len(late) < visits.count() / 5
    reports = VisitReport.objects.annotate(n=Count("sendings"))
    assert reports.count() == visits.filter(status=Visit.Status.APPROVED).count()
    assert all(r.n >= 4 for r in reports)
    assert set(ReportSending.objects.values_list("status", flat=True)) == {"sent"}


def test_reports_hash_their_content_and_recommendations_are_followed_up(seeded):
    """Each demo version's hash matches its content; earlier recommendations are
    followed up at later visits, and met ones are closed."""
    report = VisitReport.objects.order_by("pk").first()
    assert report.content_hash == selectors.visit_report_content_hash(report.content)
    assert Recommendation.objects.exists()
    assert FollowUp.objects.filter(outcome="met").exists()
    assert not Recommendation.objects.filter(
        is_open=True, latest_outcome="met"
    ).exists()


def test_demo_visits_keep_the_clock(seeded):
    """Stored due dates are those of the clock."""
    clock = clock_get()
    for visit in Visit.objects.all()[:50]:
        assert visit.due_on == clock.due("reg44_visit", visit.for_month).due
        assert visit.report_due_on == clock.due("reg44_report", visit.visit_on).due
