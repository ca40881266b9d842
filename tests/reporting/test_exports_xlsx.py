"""Excel exports beside the CSV ones: same columns, same rows, audited."""

import csv
import io
from datetime import date

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from accounts.models import AccessLog
from accounts.roles import Role
from reporting import selectors
from tests.factories import (
    AllocationFactory,
    CareEpisodeFactory,
    ChildFactory,
    MeetingFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

PERIOD = {"start": "2026-01-01", "end": "2026-06-30"}
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _sheet_rows(response):
    assert response["Content-Type"] == XLSX
    workbook = load_workbook(io.BytesIO(response.content), read_only=True)
    return [list(row) for row in workbook.active.iter_rows(values_only=True)]


def _csv_rows(response):
    text = b"".join(response.streaming_content).decode()
    return list(csv.reader(io.StringIO(text)))


def test_indicator_list_exports_excel_with_the_csv_columns(manager_client):
    """The workbook holds the CSV's header and the meeting's row, and is audited."""
    # given
    late = MeetingFactory(held=True, due_on=date(2026, 5, 1), held_on=date(2026, 5, 8))
    url = reverse("reporting:indicator-list", args=["cic_reviews"])
    # when
    response = manager_client.get(url, {**PERIOD, "format": "xlsx"})
    as_csv = manager_client.get(url, {**PERIOD, "format": "csv"})
    # then
    rows = _sheet_rows(response)
    assert rows[0] == list(selectors.INDICATOR_COLUMNS) == _csv_rows(as_csv)[0]
    assert len(rows) == 2
    assert rows[1][0] == late.child.la_child_id
    assert rows[1][8] == "no"
    assert "cic_reviews-2026-01-01-2026-06-30.xlsx" in response["Content-Disposition"]
    details = set(
        AccessLog.objects.filter(action=AccessLog.Action.EXPORT).values_list(
            "detail", flat=True
        )
    )
    assert details == {
        "Indicator list cic_reviews (Excel)",
        "Indicator list cic_reviews (CSV)",
    }


def test_excel_keeps_text_that_looks_like_a_formula_as_text(manager_client):
    """A name starting with "=" is written as text, never as a formula."""
    child = ChildFactory(first_name="=HYPERLINK(1)")
    MeetingFactory(
        child=child, held=True, due_on=date(2026, 5, 1), held_on=date(2026, 5, 1)
    )
    url = reverse("reporting:indicator-list", args=["cic_reviews"])

    response = manager_client.get(url, {**PERIOD, "format": "xlsx"})

    workbook = load_workbook(io.BytesIO(response.content))
    cell = workbook.active.cell(row=2, column=2)
    assert cell.data_type == "s"
    assert cell.value.startswith("=HYPERLINK(1)")


def test_caseload_exports_excel_and_logs_it(manager_client):
    """The caseload workbook has the CSV's columns and the IRO's counts."""
    iro = UserFactory(roles=[Role.IRO])
    episode = CareEpisodeFactory()
    AllocationFactory(child=episode.child, worker=iro)
    url = reverse("reporting:caseload-export")

    rows = _sheet_rows(manager_client.get(url, {"format": "xlsx"}))

    assert rows[0] == list(selectors.CASELOAD_COLUMNS)
    assert [str(iro), None, 1, 0] in rows
    assert AccessLog.objects.filter(
        action=AccessLog.Action.EXPORT, detail="IRO caseload (Excel)"
    ).exists()


def test_caseload_export_defaults_to_csv_and_refuses_other_formats(manager_client):
    """Without a format the caseload is CSV; an unknown format is not found."""
    url = reverse("reporting:caseload-export")

    assert manager_client.get(url)["Content-Type"].startswith("text/csv")
    assert manager_client.get(url, {"format": "pdf"}).status_code == 404


def test_dashboard_links_to_both_exports(manager_client):
    """Each CSV link on the dashboard has an Excel link beside it."""
    html = manager_client.get(reverse("reporting:dashboard"), PERIOD).content.decode()

    assert html.count("format=xlsx") == html.count("format=csv") + 1
