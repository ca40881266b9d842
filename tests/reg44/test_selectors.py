"""Scope, the schedule and the overview heat-map, with their query budgets."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.roles import Role
from cases.selectors import clock_get
from reg44 import schedule, selectors
from reg44.models import Home, Visit
from reg44.schedule import MonthState
from tests.factories import UserFactory

from .builders import at
from .factories import (
    HomeFactory,
    RecommendationFactory,
    VisitFactory,
    VisitorAssignmentFactory,
)

pytestmark = pytest.mark.django_db

TODAY = date(2026, 6, 15)


class TestScope:
    def test_visitor_sees_only_homes_assigned_today(self):
        """Current assignments only: an ended one no longer gives access."""
        # given
        mine = VisitorAssignmentFactory(started_on=date(2025, 1, 1))
        visitor = mine.visitor
        VisitorAssignmentFactory(
            visitor=visitor, started_on=date(2025, 1, 1), ended_on=date(2026, 5, 31)
        )
        VisitorAssignmentFactory()  # someone else's home
        # when
        visible = selectors.home_list_visible_to(user=visitor, today=TODAY)
        # then
        assert list(visible) == [mine.home]

    def test_visitor_keeps_their_own_visits_of_a_home_no_longer_assigned(self):
        """Visits a visitor made stay visible to them; others' visits do not."""
        ended = VisitorAssignmentFactory(
            started_on=date(2025, 1, 1), ended_on=date(2026, 5, 31)
        )
        own = VisitFactory(home=ended.home, visitor=ended.visitor)
        VisitFactory(home=ended.home)
        assert list(
            selectors.visit_list_visible_to(user=ended.visitor, today=TODAY)
        ) == [own]

    @pytest.mark.parametrize(
        ("role", "homes", "visits"),
        [
            (Role.MANAGER, 2, 2),
            (Role.ADMINISTRATOR, 2, 0),
            (Role.IRO, 0, 0),
            (Role.LADO, 0, 0),
            (Role.MINUTE_TAKER, 0, 0),
        ],
    )
    def test_other_roles_scope(self, role, homes, visits):
        """Managers see everything; administrators the register only; others none."""
        VisitFactory()
        VisitFactory()
        user = UserFactory(roles=[role])
        assert (
            selectors.home_list_visible_to(user=user, today=TODAY).count(),
            selectors.visit_list_visible_to(user=user, today=TODAY).count(),
        ) == (homes, visits)


def _visit(home, month, day, **fields):
    visit_on = month.replace(day=day) if day > 0 else month
    return VisitFactory(home=home, visit_on=visit_on, for_month=month, **fields)


class TestOverview:
    def test_cells_say_on_time_late_missed_and_flags(self):
        """Each month of a home: how it stands, negative opinions, overdue
        recommendations; months before registration are not required."""
        # given
        months = schedule.months_ending(TODAY, 12)
        home = HomeFactory(registered_on=months[1])
        for month in months[1:9]:
            _visit(home, month, 10, status=Visit.Status.APPROVED)
        late = _visit(home, months[9], 1, status=Visit.Status.APPROVED)
        late.visit_on = months[10] + timedelta(days=2)
        late.save()
        negative = _visit(
            home,
            months[11],
            5,
            status=Visit.Status.APPROVED,
            wellbeing_opinion=Visit.Opinion.NO,
        )
        RecommendationFactory(visit=negative, consider_by=TODAY - timedelta(days=1))
        RecommendationFactory(
            visit=negative,
            consider_by=TODAY - timedelta(days=1),
            response_status="accepted",
            response_received_on=TODAY - timedelta(days=2),
        )
        # when
        manager = UserFactory(roles=[Role.MANAGER])
        overview = selectors.reg44_overview(
            homes=selectors.overview_home_list(user=manager, today=TODAY),
            clock=clock_get(),
            today=TODAY,
        )
        # then
        cells = overview.rows[0].cells
        states = [cell.standing.state for cell in cells]
        assert states == [
            MonthState.NOT_REQUIRED,
            *[MonthState.ON_TIME] * 8,
            MonthState.LATE,
            MonthState.MISSED,
            MonthState.ON_TIME,
        ]
        assert (cells[-1].negative_opinions, cells[-1].overdue_recommendations) == (
            1,
            1,
        )
        assert cells[-2].css_class == "cell-bad"

    def test_filter_by_visitor_and_unassigned(self):
        """The overview shows one visitor's homes, or the homes with no visitor."""
        assigned = VisitorAssignmentFactory(started_on=date(2025, 1, 1))
        VisitorAssignmentFactory(started_on=date(2025, 1, 1))
        unassigned = HomeFactory()
        manager = UserFactory(roles=[Role.MANAGER])
        of_visitor = selectors.overview_home_list(
            user=manager, today=TODAY, visitor_id=assigned.visitor_id
        )
        nobody = selectors.overview_home_list(user=manager, today=TODAY, visitor_id=0)
        assert (list(of_visitor), list(nobody)) == ([assigned.home], [unassigned])

    def test_indicators_count_homes_visited_and_reports_sent_in_time(self):
        """Per month: homes needing a visit, visited in the month, reports in time."""
        month = schedule.months_ending(TODAY, 2)[0]
        visited, _ = HomeFactory(), HomeFactory()
        _visit(
            visited,
            month,
            3,
            status=Visit.Status.APPROVED,
            report_sent_on=month.replace(day=20),
        )
        rows = selectors.reg44_indicators(
            homes=Home.objects.all(), clock=clock_get(), today=TODAY, months=2
        )
        last_month = rows[1]
        assert (
            last_month.homes_required,
            last_month.visited_on_time,
            last_month.visited_percent,
            last_month.reports_due,
            last_month.reports_sent_in_time,
        ) == (2, 1, 50, 1, 1)


def _seed_homes(count: int) -> None:
    """Homes with a year of monthly visits and a recommendation each, in bulk."""
    visitor = UserFactory(roles=[Role.REG44_VISITOR])
    homes = Home.objects.bulk_create(
        [
            Home(
                name=f"Home {n}",
                urn=f"SC{700000 + n + Home.objects.count()}",
                provider_name="Provider",
                address="1 Street",
                postcode="NW1 1AA",
                places=3,
            )
            for n in range(count)
        ]
    )
    visits = []
    for home in homes:
        for month in schedule.months_ending(TODAY, 12):
            visit_on = month.replace(day=10)
            visits.append(
                Visit(
                    home=home,
                    visitor=visitor,
                    status=Visit.Status.APPROVED,
                    visit_at=at(visit_on),
                    visit_on=visit_on,
                    for_month=month,
                    due_on=clock_get().due("reg44_visit", month).due,
                )
            )
    Visit.objects.bulk_create(visits)
    VisitorAssignmentFactory(home=homes[0], visitor=visitor)


def _overview_queries(user) -> int:
    with CaptureQueriesContext(connection) as captured:
        clock = clock_get()
        homes = selectors.overview_home_list(user=user, today=TODAY)
        selectors.reg44_overview(homes=homes, clock=clock, today=TODAY)
        selectors.reg44_indicators(homes=homes, clock=clock, today=TODAY)
    return len(captured.captured_queries)


def test_overview_queries_do_not_grow_with_homes_or_months(
    django_assert_max_num_queries,
):
    """The overview selectors use a fixed number of queries: 3 or 30 homes, 12
    months each, cost the same."""
    # given
    manager = UserFactory(roles=[Role.MANAGER])
    _seed_homes(3)
    _overview_queries(manager)  # the user's roles are read once, then cached
    few = _overview_queries(manager)
    _seed_homes(27)
    # then
    with django_assert_max_num_queries(7):
        many = _overview_queries(manager)
    assert many == few
    assert Home.objects.count() == 30
