"""LADO and Regulation 44 indicators on the managers' dashboard: figures from
hand-built records, the nightly summary against the live figures, the LADO
officer and visitor filters, drill-downs and their exports, query budgets."""

import csv
import io
from calendar import monthrange
from dataclasses import replace
from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from accounts.models import AccessLog
from accounts.roles import Role
from reporting import selectors
from reporting.sweep import indicator_months_refresh
from tests.factories import TeamFactory, UserFactory
from tests.lado.factories import AllegationFactory
from tests.reg44.factories import HomeFactory, VisitFactory, VisitorAssignmentFactory

pytestmark = pytest.mark.django_db

URL = reverse("reporting:dashboard")
TODAY = date(2026, 6, 30)
PERIOD = {"start": "2026-01-01", "end": "2026-06-30"}


def _card(response, code):
    return next(c for c in response.context["cards"] if c.code == code)


@pytest.fixture
def lado_cases():
    """Two LADOs: Ann (team A) answered two contacts in time and one late, and
    closed one case in a month and one in two months; Ben answered one in time."""
    team = TeamFactory(name="LADO team A")
    ann = UserFactory(roles=[Role.LADO], team=team, first_name="Ann")
    ben = UserFactory(roles=[Role.LADO], first_name="Ben")
    AllegationFactory(lado_officer=ann, managed=True)  # answered the same day
    late = AllegationFactory(lado_officer=ann)
    late.first_response_on = late.received_on + timedelta(days=10)
    late.save()
    AllegationFactory(lado_officer=ann, closed=True)  # closed the day it came
    slow = AllegationFactory(lado_officer=ann, closed=True)
    slow.closed_on = date(2026, 5, 4)  # two months after 2 March
    slow.save()
    AllegationFactory(lado_officer=ben, managed=True)
    return {"team": team, "ann": ann, "ben": ben, "late": late, "slow": slow}


@pytest.fixture
def homes():
    """Two homes from March: Oak (Vera's) visited in March and May but not April;
    Elm (Will's) visited every month. Oak's March report went a day late."""
    vera = UserFactory(roles=[Role.REG44_VISITOR], first_name="Vera")
    will = UserFactory(roles=[Role.REG44_VISITOR], first_name="Will")
    oak, elm = HomeFactory(name="Oak House"), HomeFactory(name="Elm House")
    VisitorAssignmentFactory(home=oak, visitor=vera)
    VisitorAssignmentFactory(home=elm, visitor=will)
    march = VisitFactory(home=oak, visitor=vera, visit_on=date(2026, 3, 10))
    march.report_sent_on = march.report_due_on + timedelta(days=1)
    march.save()
    VisitFactory(
        home=oak,
        visitor=vera,
        visit_on=date(2026, 5, 12),
        report_sent_on=date(2026, 5, 20),
    )
    for month in (3, 4, 5):
        VisitFactory(
            home=elm,
            visitor=will,
            visit_on=date(2026, month, 5),
            report_sent_on=date(2026, month, 25),
        )
    return {"vera": vera, "will": will, "oak": oak, "elm": elm}


def test_lado_indicators_count_decisions_and_resolution(manager_client, lado_cases):
    """Four of five contacts were answered within a working day; of two cases
    closed, one was resolved within a month and both within three."""
    response = manager_client.get(URL, PERIOD)

    decision = _card(response, "lado_decision")
    assert (decision.met, decision.total) == (4, 5)
    assert (decision.area, decision.percent) == ("lado", 80.0)
    one, three = _card(response, "lado_1_month"), _card(response, "lado_3_months")
    assert (one.met, one.total, three.met, three.total) == (1, 2, 2, 2)
    assert decision.trend[-4].month == date(2026, 3, 1)
    assert (decision.trend[-4].met, decision.trend[-4].total) == (4, 5)
    html = response.content.decode()
    assert 'id="trend-lado_decision"' in html
    assert "LADO (allegations against adults who work with children)" in html


def test_lado_officer_filter_counts_only_their_cases(manager_client, lado_cases):
    """Choosing a LADO (or a team) counts only their cases, and leaves the
    meetings indicators unfiltered."""
    by_ben = manager_client.get(URL, {**PERIOD, "lado_officer": lado_cases["ben"].pk})
    by_team = manager_client.get(URL, {**PERIOD, "team": lado_cases["team"].pk})

    assert (
        _card(by_ben, "lado_decision").met,
        _card(by_ben, "lado_decision").total,
    ) == (1, 1)
    assert _card(by_ben, "lado_1_month").total == 0
    assert _card(by_team, "lado_decision").total == 4
    assert by_ben.context["filters"].lado_officer_id == lado_cases["ben"].pk


def test_reg44_indicators_count_home_months_and_reports(manager_client, homes):
    """Five of six home-months from March to May had a visit; of the five
    reports, the one sent after its deadline is late."""
    response = manager_client.get(URL, {**PERIOD, "end": "2026-05-31"})

    visits = _card(response, "reg44_visits")
    assert (visits.met, visits.total, visits.area) == (5, 6, "reg44")
    april = next(p for p in visits.trend if p.month == date(2026, 4, 1))
    assert (april.met, april.total) == (1, 2)
    reports = _card(response, "reg44_reports")
    assert (reports.met, reports.total) == (4, 5)


def test_visitor_filter_counts_only_their_homes(manager_client, homes):
    """Choosing a visitor counts the homes assigned to them and their reports."""
    response = manager_client.get(
        URL, {**PERIOD, "end": "2026-05-31", "visitor": homes["vera"].pk}
    )

    visits = _card(response, "reg44_visits")
    assert (visits.met, visits.total) == (2, 3)
    assert (
        _card(response, "reg44_reports").met,
        _card(response, "reg44_reports").total,
    ) == (1, 2)


def test_an_unknown_visitor_is_explained_not_a_500(manager_client, homes):
    """A visitor who does not exist is refused with a message."""
    response = manager_client.get(URL, {**PERIOD, "visitor": "999999"})

    assert response.status_code == 200
    assert "A filter could not be used." in response.content.decode()


@pytest.mark.parametrize(
    ("start", "end", "scope"),
    [
        (date(2025, 7, 1), TODAY, None),
        (date(2026, 3, 1), date(2026, 4, 30), None),
        (date(2026, 3, 15), date(2026, 5, 3), None),  # part months
        (date(2025, 7, 1), TODAY, "people"),
        (date(2025, 7, 1), TODAY, "team"),
    ],
)
def test_summary_gives_the_live_lado_and_reg44_figures(
    lado_cases, homes, start, end, scope
):
    """After the nightly refresh, every LADO and Reg 44 headline and trend
    equals the live computation, with and without the person filters."""
    # given
    filters = selectors.Filters(
        start=start,
        end=end,
        today=TODAY,
        lado_officer_id=lado_cases["ann"].pk if scope == "people" else None,
        visitor_id=homes["vera"].pk if scope == "people" else None,
        team_id=lado_cases["team"].pk if scope == "team" else None,
    )
    live = selectors.indicator_cards(filters=filters)
    whole = replace(filters, end=end.replace(day=monthrange(end.year, end.month)[1]))
    live_whole_months = selectors.indicator_cards(filters=whole)
    # when
    stored = indicator_months_refresh(today=TODAY)
    cards = selectors.indicator_cards(filters=filters)
    # then
    assert stored > 0
    areas = ("lado", "reg44")
    assert [(c.code, c.met, c.total) for c in cards if c.area in areas] == [
        (c.code, c.met, c.total) for c in live if c.area in areas
    ]
    assert [[(p.met, p.total) for p in c.trend] for c in cards if c.area in areas] == [
        [(p.met, p.total) for p in c.trend]
        for c in live_whole_months
        if c.area in areas
    ]


def test_summary_refresh_is_idempotent(lado_cases, homes):
    """Running the nightly refresh twice stores the same rows."""
    from reporting.models import IndicatorMonth

    first = indicator_months_refresh(today=TODAY)
    rows = sorted(
        IndicatorMonth.objects.values_list("code", "month", "chair_id", "met", "total")
    )
    second = indicator_months_refresh(today=TODAY)

    assert first == second
    assert rows == sorted(
        IndicatorMonth.objects.values_list("code", "month", "chair_id", "met", "total")
    )


def test_lado_drill_down_lists_the_allegations_and_is_audited(
    manager_client, lado_cases
):
    """The decision list gives each contact's reference and whether it was in
    time; opening it is written to the access log."""
    url = reverse("reporting:indicator-list", args=["lado_decision"])

    response = manager_client.get(url, PERIOD)

    assert response.status_code == 200
    assert response.context["columns"][0] == "Reference"
    late = next(
        r for r in response.context["rows"] if r[0] == lado_cases["late"].reference
    )
    assert late[5] == "no"
    assert len(response.context["rows"]) == 5
    assert AccessLog.objects.filter(detail="Indicator list lado_decision").exists()


def test_lado_resolution_export_to_excel(manager_client, lado_cases):
    """The Excel export of the 1-month list holds both closed cases, the slow
    one marked late with its days from referral."""
    url = reverse("reporting:indicator-list", args=["lado_1_month"])

    response = manager_client.get(url, {**PERIOD, "format": "xlsx"})

    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    assert rows[0][:4] == ["Reference", "Received", "Sector", "Closed"]
    slow = next(r for r in rows if r[0] == lado_cases["slow"].reference)
    assert (slow[5], slow[6]) == (63, "no")
    assert len(rows) == 3
    assert AccessLog.objects.filter(
        action=AccessLog.Action.EXPORT, detail__contains="lado_1_month"
    ).exists()


def test_reg44_drill_down_and_csv_name_the_missed_month(manager_client, homes):
    """The visits list names the home and month that had no visit; the CSV holds
    every home-month."""
    url = reverse("reporting:indicator-list", args=["reg44_visits"])
    query = {**PERIOD, "end": "2026-05-31", "visitor": homes["vera"].pk}

    page = manager_client.get(url, query)
    export = manager_client.get(url, {**query, "format": "csv"})

    missed = [r for r in page.context["rows"] if r[5] == "no"]
    assert missed == [
        [
            "Oak House",
            homes["oak"].urn,
            "Apr 2026",
            date(2026, 4, 30),
            None,
            "no",
            str(homes["vera"]),
        ]
    ]
    rows = list(csv.reader(io.StringIO(b"".join(export.streaming_content).decode())))
    assert rows[0][0] == "Home"
    assert len(rows) == 4


def test_reg44_reports_drill_down_lists_the_late_report(manager_client, homes):
    """The reports list marks Oak's March report late."""
    url = reverse("reporting:indicator-list", args=["reg44_reports"])

    response = manager_client.get(url, {**PERIOD, "end": "2026-05-31"})

    late = [r for r in response.context["rows"] if r[6] == "no"]
    assert [(r[0], r[2]) for r in late] == [("Oak House", "Mar 2026")]


def _count(client, params):
    with CaptureQueriesContext(connection) as ctx:
        client.get(URL, params)
    return len(ctx.captured_queries)


@pytest.mark.parametrize("summary", [False, True])
def test_dashboard_queries_do_not_grow_with_lado_and_reg44_records(
    manager_client, lado_cases, homes, summary
):
    """More allegations, homes and visits add no queries, live or from the
    nightly summary."""
    params = {**PERIOD, "lado_officer": lado_cases["ann"].pk}
    if summary:
        indicator_months_refresh(today=TODAY)
    _count(manager_client, params)
    few = _count(manager_client, params)
    # when
    for _ in range(5):
        AllegationFactory(lado_officer=lado_cases["ann"], closed=True)
        home = HomeFactory()
        VisitorAssignmentFactory(home=home, visitor=homes["vera"])
        VisitFactory(home=home, visitor=homes["vera"], visit_on=date(2026, 4, 2))
    if summary:
        indicator_months_refresh(today=TODAY)
    # then
    assert _count(manager_client, params) == few


def test_reg44_drill_down_page_has_a_query_budget(
    manager_client, homes, django_assert_max_num_queries
):
    """The visits list runs a fixed number of queries whatever the number of
    homes (one per month shown, at most 12 for a year)."""
    url = reverse("reporting:indicator-list", args=["reg44_visits"])
    manager_client.get(url, PERIOD)

    def count():
        with CaptureQueriesContext(connection) as ctx:
            manager_client.get(url, PERIOD)
        return len(ctx.captured_queries)

    few = count()
    for _ in range(10):
        VisitFactory(home=HomeFactory(), visit_on=date(2026, 4, 2))

    assert count() == few
    with django_assert_max_num_queries(30):
        manager_client.get(url, {"start": "2025-07-01", "end": "2026-06-30"})
