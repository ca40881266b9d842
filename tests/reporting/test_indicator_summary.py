"""The nightly indicator summary the dashboard reads (reporting/sweep.py)."""

from calendar import monthrange
from dataclasses import replace
from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.roles import Role
from reporting import selectors
from reporting.models import IndicatorMonth
from reporting.sweep import indicator_months_refresh
from tests.factories import MeetingFactory, TeamFactory, UserFactory

pytestmark = pytest.mark.django_db

URL = reverse("reporting:dashboard")
TODAY = date(2026, 6, 30)


def _held(*, due_on, held_on, chair=None, **extra):
    kwargs = {"chair": chair} if chair else {}
    return MeetingFactory(held=True, due_on=due_on, held_on=held_on, **kwargs, **extra)


@pytest.fixture
def meetings():
    team = TeamFactory(kind="iro_service")
    iro = UserFactory(roles=[Role.IRO], team=team)
    _held(due_on=date(2026, 3, 30), held_on=date(2026, 3, 27), chair=iro)
    _held(due_on=date(2026, 4, 30), held_on=date(2026, 4, 30))
    _held(due_on=date(2026, 5, 1), held_on=date(2026, 5, 8), chair=iro)
    _held(due_on=date(2025, 9, 1), held_on=date(2025, 9, 1))
    _held(due_on=date(2024, 5, 1), held_on=date(2024, 5, 8))  # before the trend
    return {"team": team, "iro": iro}


def _headlines(cards):
    return [(c.code, c.met, c.total) for c in cards]


def _trends(cards):
    return [[(p.met, p.total) for p in c.trend] for c in cards]


@pytest.mark.parametrize(
    ("start", "end", "scope"),
    [
        (date(2025, 7, 1), TODAY, None),  # the default 12 months
        (date(2026, 1, 1), date(2026, 4, 30), None),  # whole months
        (date(2024, 1, 1), TODAY, None),  # longer than the trend
        (date(2026, 3, 15), date(2026, 5, 3), None),  # part months: live headline
        (date(2025, 7, 1), TODAY, "iro"),
        (date(2025, 7, 1), TODAY, "team"),
    ],
)
def test_summary_gives_the_live_figures(meetings, start, end, scope):
    """After the nightly refresh, every headline equals the live computation and
    the trend gives whole calendar months."""
    # given
    filters = selectors.Filters(
        start=start,
        end=end,
        chair_id=meetings["iro"].pk if scope == "iro" else None,
        team_id=meetings["team"].pk if scope == "team" else None,
    )
    live = selectors.indicator_cards(filters=filters)
    whole = replace(filters, end=end.replace(day=monthrange(end.year, end.month)[1]))
    live_whole_months = selectors.indicator_cards(filters=whole)
    # when
    indicator_months_refresh(today=TODAY)
    cards = selectors.indicator_cards(filters=filters)
    # then
    assert _headlines(cards) == _headlines(live)
    assert _trends(cards) == _trends(live_whole_months)
    assert {c.as_of for c in cards} == {TODAY}


def test_refresh_is_idempotent_and_replaces_old_rows(meetings):
    """A second run the same day stores the same rows; a later run sees new data."""
    first = indicator_months_refresh(today=TODAY)
    assert indicator_months_refresh(today=TODAY) == first
    _held(due_on=date(2026, 6, 1), held_on=date(2026, 6, 1))

    after = indicator_months_refresh(today=TODAY)

    june = IndicatorMonth.objects.get(code="cic_reviews", month=date(2026, 6, 1))
    assert (june.met, june.total) == (1, 1)
    assert IndicatorMonth.objects.count() == after > first


def test_the_daily_sweep_refreshes_the_summary(meetings):
    """cases.sweep.sweep_all rebuilds the summary as part of the nightly run."""
    from cases.sweep import sweep_all

    sweep_all(today=TODAY)

    assert IndicatorMonth.objects.filter(computed_on=TODAY).exists()


def test_dashboard_reads_the_summary_in_few_queries(manager_client, meetings):
    """With the summary, the dashboard shows its date, aggregates no meetings and
    its queries do not grow with the meetings."""
    indicator_months_refresh(today=TODAY)
    period = {"start": "2025-07-01", "end": TODAY.isoformat()}

    def count():
        with CaptureQueriesContext(connection) as ctx:
            response = manager_client.get(URL, period)
        return len(ctx.captured_queries), response

    count()  # the first request also loads the session and permissions
    few, response = count()
    for day in range(1, 10):
        _held(due_on=date(2026, 3, 30), held_on=date(2026, 3, day))
    indicator_months_refresh(today=TODAY)
    more, _ = count()

    assert more == few
    assert "Figures as at the nightly run on 30 June 2026" in response.content.decode()
    with CaptureQueriesContext(connection) as ctx:
        manager_client.get(URL, period)
    assert not any('"meetings_meeting"' in q["sql"] for q in ctx.captured_queries)


def test_indicator_list_pages_by_100_in_fixed_queries(manager_client):
    """The list shows 100 rows a page with a link to the next; its queries do not
    grow with the meetings."""
    url = reverse("reporting:indicator-list", args=["cic_reviews"])
    period = {"start": "2026-01-01", "end": "2026-06-30"}
    MeetingFactory.create_batch(
        101, held=True, due_on=date(2026, 3, 30), held_on=date(2026, 3, 2)
    )
    manager_client.get(url, period)  # loads the session and permissions

    with CaptureQueriesContext(connection) as first:
        page_one = manager_client.get(url, period)
    page_two = manager_client.get(url, {**period, "page": 2})
    MeetingFactory.create_batch(
        20, held=True, due_on=date(2026, 3, 30), held_on=date(2026, 3, 3)
    )
    with CaptureQueriesContext(connection) as later:
        manager_client.get(url, period)

    assert len(page_one.context["rows"]) == 100
    assert page_one.context["has_next"] is True
    assert "page=2" in page_one.content.decode()
    assert (len(page_two.context["rows"]), page_two.context["first_row"]) == (1, 101)
    assert "Rows 101 to 101" in page_two.content.decode()
    assert len(later.captured_queries) == len(first.captured_queries)
