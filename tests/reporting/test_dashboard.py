"""The managers' dashboard: indicators, trends, drill-downs and exports."""

import csv
import io
from datetime import date

import pytest
from django.urls import reverse

from accounts.models import AccessLog
from accounts.roles import Role
from tests.factories import (
    AllocationFactory,
    CareEpisodeFactory,
    DisputeFactory,
    MeetingFactory,
    TeamFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

URL = reverse("reporting:dashboard")
PERIOD = {"start": "2026-01-01", "end": "2026-06-30"}


def _held(*, due_on, held_on, chair=None, **extra):
    kwargs = {"chair": chair} if chair else {}
    return MeetingFactory(held=True, due_on=due_on, held_on=held_on, **kwargs, **extra)


def test_dashboard_shows_reviews_in_timescale(manager_client):
    """Two of three reviews held in the period were in time: 66.7%."""
    # given
    _held(due_on=date(2026, 3, 30), held_on=date(2026, 3, 27))
    _held(due_on=date(2026, 4, 30), held_on=date(2026, 4, 30))
    late = _held(due_on=date(2026, 5, 1), held_on=date(2026, 5, 8))
    _held(due_on=date(2025, 5, 1), held_on=date(2025, 5, 8))  # outside the period
    # when
    response = manager_client.get(URL, PERIOD)
    # then
    card = next(c for c in response.context["cards"] if c.code == "cic_reviews")
    assert (card.met, card.total, card.percent) == (2, 3, 66.7)
    assert [p.total for p in card.trend][-4:-1] == [1, 1, 1]
    assert card.trend[-1].month == date(2026, 6, 1)
    html = response.content.decode()
    assert "Care Planning Regulations 2010 reg 33" in html
    assert 'id="trend-cic_reviews"' in html
    assert "vendor/chartjs/chart.umd.js" in html
    assert late.child.la_child_id not in html


def test_dashboard_filters_by_iro_and_team(manager_client):
    """Choosing an IRO or a team counts only their meetings."""
    team = TeamFactory(kind="iro_service")
    mine = UserFactory(roles=[Role.IRO], team=team)
    _held(due_on=date(2026, 3, 30), held_on=date(2026, 3, 27), chair=mine)
    _held(due_on=date(2026, 3, 30), held_on=date(2026, 4, 2))

    by_chair = manager_client.get(URL, {**PERIOD, "chair": mine.pk})
    by_team = manager_client.get(URL, {**PERIOD, "team": team.pk})

    for response in (by_chair, by_team):
        card = response.context["cards"][0]
        assert (card.met, card.total) == (1, 1)


def test_dashboard_query_count_does_not_grow(manager_client):
    """The dashboard's queries do not grow with the number of meetings."""

    def count():
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as ctx:
            manager_client.get(URL, PERIOD)
        return len(ctx.captured_queries)

    _held(due_on=date(2026, 3, 30), held_on=date(2026, 3, 27))
    count()  # the first request also loads the session and permissions
    few = count()
    for day in range(1, 10):
        _held(due_on=date(2026, 3, 30), held_on=date(2026, 3, day))
    assert count() == few


def test_indicator_list_drills_down_to_the_meetings(manager_client):
    """The list behind an indicator names each child and whether it was in time."""
    late = _held(due_on=date(2026, 5, 1), held_on=date(2026, 5, 8))
    url = reverse("reporting:indicator-list", args=["cic_reviews"])

    response = manager_client.get(url, PERIOD)

    assert response.status_code == 200
    row = response.context["rows"][0]
    assert row[0] == late.child.la_child_id
    assert row[8] == "no"


def test_indicator_list_exports_csv_and_logs_it(manager_client):
    """The CSV holds a header and every row, and the export is audited."""
    _held(due_on=date(2026, 5, 1), held_on=date(2026, 5, 8))
    url = reverse("reporting:indicator-list", args=["cic_reviews"])

    response = manager_client.get(url, {**PERIOD, "format": "csv"})

    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0][0] == "LA child ID"
    assert len(rows) == 2
    assert AccessLog.objects.filter(action=AccessLog.Action.EXPORT).exists()


def test_indicator_list_unknown_code_is_404(manager_client):
    """An indicator that does not exist is not found."""
    url = reverse("reporting:indicator-list", args=["nonsense"])
    assert manager_client.get(url).status_code == 404


def test_dashboard_shows_caseloads_and_disputes(manager_client):
    """Per-IRO caseload counts children in care; open disputes count by stage."""
    iro = UserFactory(roles=[Role.IRO])
    episode = CareEpisodeFactory()
    AllocationFactory(child=episode.child, worker=iro)
    DisputeFactory()

    response = manager_client.get(URL, PERIOD)

    assert [str(iro), "", 1, 0] in response.context["caseload"]
    assert ("informal", "Informal resolution", 1) in response.context["disputes"]
    export = manager_client.get(reverse("reporting:caseload-export"))
    assert str(iro) in b"".join(export.streaming_content).decode()


def test_dashboard_rejects_a_reversed_period(manager_client):
    """A start after the end is explained, and the default period is shown."""
    response = manager_client.get(URL, {"start": "2026-06-30", "end": "2026-01-01"})

    assert "The start date must be on or before the end." in response.content.decode()
    assert response.context["filters"].start < response.context["filters"].end


def test_dashboard_default_period_totals_match_the_trend(manager_client):
    """Over the default 12 months, the headline figure is the trend's total."""
    from django.utils import timezone

    today = timezone.localdate()
    _held(due_on=today, held_on=today)

    response = manager_client.get(URL)

    card = response.context["cards"][0]
    assert (card.met, card.total) == (1, 1)
    assert sum(p.total for p in card.trend) == 1
