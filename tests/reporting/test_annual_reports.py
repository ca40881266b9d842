"""The IRO and LADO annual reports: tables from hand-built records, the year
choice, exports, access and constant query counts."""

import csv
import io
from datetime import date, datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from accounts.models import AccessLog
from cases import codes
from reporting import annual
from tests.factories import (
    LONDON,
    CareEpisodeFactory,
    ChildFactory,
    CPPlanFactory,
    DisputeFactory,
    MeetingFactory,
)
from tests.lado.factories import (
    AllegationFactory,
    AllegationMeetingFactory,
    InvolvedChildFactory,
)

pytestmark = pytest.mark.django_db

IRO_URL = reverse("reporting:annual-iro")
LADO_URL = reverse("reporting:annual-lado")
YEAR = {"year": "2025-26"}


def _table(response, key):
    return response.context["report"].table(key)


def _row(table, label):
    return next(r for r in table.rows if r[0] == label)


@pytest.mark.parametrize(
    ("key", "start", "end"),
    [
        ("2025-26", date(2025, 4, 1), date(2026, 3, 31)),
        ("2025", date(2025, 1, 1), date(2025, 12, 31)),
        ("2025-27", None, None),
        ("1999-00", None, None),
        ("abcd", None, None),
    ],
)
def test_report_year_reads_financial_and_calendar_years(key, start, end):
    """ "2025-26" is April to March, "2025" is the calendar year; others are none."""
    year = annual.report_year(key)
    assert (year and year.start, year and year.end) == (start, end)


def test_report_year_default_is_the_last_ended_financial_year():
    """In November 2026 and in February 2027 the default is 2025-26."""
    assert annual.report_year_default(date(2026, 11, 23)).key == "2025-26"
    assert annual.report_year_default(date(2027, 2, 1)).key == "2025-26"
    assert annual.report_year_default(date(2027, 4, 1)).key == "2026-27"


@pytest.fixture
def care_year():
    """2025-26: one child in care all year (aged 10), one who came and went,
    one baby who came into care; two reviews, one late; one dispute; one plan."""
    settled = CareEpisodeFactory(started_on=date(2024, 1, 10))
    came_and_went = CareEpisodeFactory(
        started_on=date(2025, 6, 1),
        ended_on=date(2026, 1, 15),
        reason_ended=codes.ReasonEpisodeCeased.E11,
    )
    baby = CareEpisodeFactory(
        started_on=date(2025, 9, 1),
        child=ChildFactory(date_of_birth=date(2025, 8, 1), gender=codes.Gender.MALE),
        legal_status=codes.LegalStatus.C1,
    )
    MeetingFactory(
        period_start=baby,
        held=True,
        due_on=date(2025, 9, 29),
        held_on=date(2025, 9, 26),
        participation_code="PN1",
    )
    MeetingFactory(
        period_start=settled,
        held=True,
        due_rule="cic_review_n",
        sequence=5,
        due_on=date(2025, 10, 1),
        held_on=date(2025, 10, 8),
        participation_code="PN7",
        child_seen_by_chair=True,
    )
    DisputeFactory(raised_on=date(2025, 10, 1), category="drift")
    DisputeFactory(raised_on=date(2026, 5, 1))  # the next year
    CPPlanFactory(started_on=date(2025, 11, 3))
    return {"settled": settled, "came_and_went": came_and_went, "baby": baby}


def test_iro_annual_report_counts_children_in_care(manager_client, care_year):
    """One child in care at the start, two starts, one ceased, two at the end:
    one aged under 1 and one aged 10 to 15."""
    response = manager_client.get(IRO_URL, YEAR)

    numbers = [r[1] for r in _table(response, "cla_numbers").rows]
    assert numbers == [1, 2, 1, 2]
    ages = _table(response, "cla_age").rows
    assert [r[1] for r in ages] == [1, 0, 0, 1, 0, 2]
    assert _row(_table(response, "cla_legal_status"), "C1 Interim care order")[1] == 1
    assert "1 April 2025" in _table(response, "cla_numbers").rows[0][0]


def test_iro_annual_report_reviews_participation_and_disputes(
    manager_client, care_year
):
    """Reviews by type with timeliness, PN codes with the participation rate, and
    the year's disputes by theme."""
    response = manager_client.get(IRO_URL, YEAR)

    reviews = _table(response, "reviews")
    assert _row(reviews, "First review (20 working days)")[1:] == [1, 1, 100.0]
    assert _row(reviews, "Subsequent reviews (6 months)")[1:] == [1, 0, 0.0]
    assert _row(reviews, "All reviews")[1:] == [2, 1, 50.0]
    participation = _table(response, "participation")
    assert participation.rows[-1][1] == 50.0
    assert (
        _row(
            _table(response, "review_practice"),
            "Child seen by the IRO before the review",
        )[1]
        == 1
    )
    assert _row(_table(response, "disputes"), "Raised in the year")[1] == 1
    assert (
        _row(_table(response, "dispute_themes"), "Implementation drift or delay")[1]
        == 1
    )
    assert _row(_table(response, "cp_plans"), "Neglect")[1:] == [1, 1]
    html = response.content.decode()
    assert "Not held by this service" in html
    assert "IRO staffing" in html


def test_iro_annual_report_exports_a_table_as_csv(manager_client, care_year):
    """A table's CSV holds its header and rows, and the export is audited."""
    response = manager_client.get(
        IRO_URL, {**YEAR, "table": "cla_numbers", "format": "csv"}
    )

    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0] == ["Measure", "Children"]
    assert [r[1] for r in rows[1:]] == ["1", "2", "1", "2"]
    assert (
        "iro-annual-report-2025-26-cla_numbers.csv" in response["Content-Disposition"]
    )
    assert AccessLog.objects.filter(
        action=AccessLog.Action.EXPORT, detail__contains="Children in care: numbers"
    ).exists()


def test_iro_annual_report_exports_every_table_to_one_workbook(
    manager_client, care_year
):
    """The whole report downloads as one Excel workbook, a sheet per table."""
    response = manager_client.get(IRO_URL, {**YEAR, "table": "all", "format": "xlsx"})

    workbook = load_workbook(io.BytesIO(response.content))
    report = annual.iro_annual_report(
        year=annual.report_year("2025-26"), user=response.wsgi_request.user
    )
    assert len(workbook.sheetnames) == len(report.tables)
    sheet = workbook[workbook.sheetnames[0]]
    assert [c.value for c in next(sheet.iter_rows())] == ["Measure", "Children"]


def test_annual_report_unknown_table_or_year(manager_client):
    """An unknown table is not found; an unknown year is explained and the default
    year shown."""
    assert (
        manager_client.get(
            IRO_URL, {**YEAR, "table": "nope", "format": "csv"}
        ).status_code
        == 404
    )
    response = manager_client.get(IRO_URL, {"year": "1066-67"})
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert response.context["report"].year.key == response.context["form"].default.key


def test_iro_annual_report_query_count_does_not_grow(manager_client, care_year):
    """More children, reviews and disputes add no queries."""

    def count():
        with CaptureQueriesContext(connection) as ctx:
            manager_client.get(IRO_URL, YEAR)
        return len(ctx.captured_queries)

    count()
    few = count()
    for _ in range(5):
        episode = CareEpisodeFactory(started_on=date(2025, 5, 1))
        MeetingFactory(
            period_start=episode,
            held=True,
            due_on=date(2025, 5, 29),
            held_on=date(2025, 5, 20),
        )
        DisputeFactory(raised_on=date(2025, 7, 1))
    assert count() == few


def test_iro_annual_report_is_for_managers_only(iro_client):
    """An IRO may not open the IRO annual report."""
    assert iro_client.get(IRO_URL).status_code == 403


@pytest.fixture
def lado_year():
    """2025-26: two referrals (one closed, police involved, a child named) and a
    consultation; a strategy meeting; one referral from the year before."""
    closed = AllegationFactory(closed=True, police_involved=True, police_outcome="nfa")
    InvolvedChildFactory(allegation=closed)
    AllegationFactory(managed=True, category="sexual")
    AllegationFactory(
        decision="consultation",
        decided_on=date(2026, 3, 2),
        first_response_on=date(2026, 3, 2),
    )
    AllegationMeetingFactory(held_on=date(2026, 3, 4))
    AllegationFactory(managed=True, received_at=datetime(2025, 3, 3, 9, tzinfo=LONDON))
    return closed


def test_lado_annual_report_tables(manager_client, lado_year):
    """Contacts split into consultations and referrals, categories, the adults'
    ages, children, police, meetings and outcomes for the year."""
    response = manager_client.get(LADO_URL, YEAR)

    contacts = _table(response, "contacts")
    assert _row(contacts, "All contacts received")[1] == 4
    assert _row(contacts, "Consultations (advice only)")[1] == 1
    assert _row(contacts, "Referrals")[1] == 3
    assert _row(_table(response, "categories"), "Sexual")[1] == 1
    assert _row(_table(response, "subject_age"), "35 to 44")[1] == 3
    assert _row(_table(response, "children"), "Total")[1] == 1
    assert _row(_table(response, "police"), "Police involved")[1] == 1
    assert _row(_table(response, "police"), "Police outcome: No further action")[1] == 1
    assert _row(_table(response, "meetings"), "Total")[1] == 1
    assert _row(_table(response, "outcomes"), "Unsubstantiated")[1] == 1
    assert "sex and ethnicity: not recorded here" in response.content.decode()


def test_lado_annual_report_for_ladoes_and_audited(client, lado, lado_year):
    """A LADO opens the report (logged) and downloads a table as Excel."""
    lado_client = client
    lado_client.force_login(lado)
    page = lado_client.get(LADO_URL, YEAR)
    export = lado_client.get(
        LADO_URL, {**YEAR, "table": "timeliness", "format": "xlsx"}
    )

    assert page.status_code == 200
    assert AccessLog.objects.filter(detail="LADO annual report 2025-26").exists()
    sheet = load_workbook(io.BytesIO(export.content)).active
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    assert rows[0] == ["Measure", "Within", "Of", "%"]
    assert rows[1][0] == "Initial consideration within 1 working day"


def test_lado_annual_report_query_count_does_not_grow(manager_client, lado_year):
    """More allegations add no queries."""

    def count():
        with CaptureQueriesContext(connection) as ctx:
            manager_client.get(LADO_URL, YEAR)
        return len(ctx.captured_queries)

    count()
    few = count()
    for _ in range(5):
        InvolvedChildFactory(allegation=AllegationFactory(closed=True))
    assert count() == few


@pytest.mark.parametrize(
    "key", ["timeliness", "reviews", "participation", "review_practice"]
)
def test_iro_annual_tables_read_the_nightly_summary_with_the_same_figures(
    manager_client, care_year, key
):
    """Before the first nightly sweep the tables are counted from the records;
    after it, read from the summary it stores: the same figures, dated."""
    from reporting.sweep import indicator_months_refresh

    counted = _table(manager_client.get(IRO_URL, YEAR), key)
    indicator_months_refresh(today=date(2026, 11, 23))

    summarised = _table(manager_client.get(IRO_URL, YEAR), key)

    assert summarised.rows == counted.rows
    assert any(row[1] for row in summarised.rows)
    assert "As at the nightly summary of 23/11/2026" in summarised.note
    assert "nightly summary" not in counted.note

