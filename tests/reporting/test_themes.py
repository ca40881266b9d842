"""The managers' themes page, its CSV and its PDF section for the annual reports."""

import csv
import io
import shutil
import subprocess
from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import AccessLog
from accounts.roles import Role
from reporting import themes
from tests.factories import (
    GoodPracticeFactory,
    PanelReferralFactory,
    PracticeAlertFactory,
    QAMeetingFactory,
    QualityCheckFactory,
    QualityReportRowFactory,
    TeamFactory,
    TrainingThemeFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

MAY = {"date_from": "2026-05-01", "date_to": "2026-05-31"}


def _quality_rows(count: int, *, team=None) -> None:
    for n in range(count):
        check = QualityCheckFactory(
            meeting__held_on=date(2026, 5, 1 + n % 28),
            meeting__chair__team=team,
            child_seen_before=n % 2 == 0,
        )
        QualityReportRowFactory(
            quality_check=check,
            agency=("health", "education", "police")[n % 3],
            on_time=n % 2 == 0,
            quality=("good", "adequate", "poor", "missing")[n % 4],
        )


def _everything(count: int) -> None:
    _quality_rows(count)
    for n in range(count):
        QAMeetingFactory(held_on=date(2026, 5, 2), escalations="To head of service")
        PanelReferralFactory(referred_on=date(2026, 5, 3), panel="rapid_review")
        TrainingThemeFactory(
            tag=("SMART plans", "smart plans", "Report quality")[n % 3]
        )
        PracticeAlertFactory(raised_on=date(2026, 5, 4), due_on=date(2026, 5, 11))
        GoodPracticeFactory(recorded_on=date(2026, 5, 5))


@pytest.fixture
def manager_client(client):
    client.force_login(UserFactory(roles=[Role.MANAGER]))
    return client


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def test_themes_page_shows_every_table_for_the_period(manager_client):
    # given
    _everything(3)
    # when
    response = manager_client.get(reverse("reporting:themes"), MAY)
    # then
    content = response.content.decode()
    assert "Reports to reviews and conferences, by agency" in content
    assert "Practice alerts" in content and "Good practice" in content
    assert "Safeguarding partnership: rapid review" in content
    # "SMART plans" and "smart plans" are one tag, counted twice.
    tags = response.context["themes"]["training"]["tags"]
    assert ("smart plans", 2) in {(t["tag"].lower(), t["count"]) for t in tags}
    assert response.context["themes"]["qa"]["qa_escalations"] == 3


def test_themes_page_query_count_does_not_grow_with_the_data(
    manager_client, django_assert_max_num_queries
):
    """National scale: every figure is an aggregate, so rows add no queries."""
    # given
    url = reverse("reporting:themes") + "?date_from=2026-05-01&date_to=2026-05-31"
    _everything(1)
    few = _queries(manager_client, url)
    _everything(12)
    # when / then
    with django_assert_max_num_queries(few):
        manager_client.get(url)
    assert few <= 30


def test_themes_filter_by_team(manager_client):
    team = TeamFactory()
    _quality_rows(2, team=team)
    _quality_rows(3)
    response = manager_client.get(reverse("reporting:themes"), {**MAY, "team": team.pk})
    assert response.context["themes"]["quality"]["participation"]["checks"] == 2
    # LADO figures belong to the whole service, so a team hides them.
    assert response.context["themes"]["lado"] is None


def test_themes_bad_period_is_explained_and_the_default_shown(manager_client):
    response = manager_client.get(
        reverse("reporting:themes"),
        {"date_from": "2026-06-01", "date_to": "2026-05-01"},
    )
    assert response.status_code == 200
    assert "start date must be on or before the end" in response.content.decode()


def test_themes_csv_holds_the_tables_and_is_audited(manager_client):
    # given
    _everything(2)
    # when
    response = manager_client.get(reverse("reporting:themes-csv"), MAY)
    # then
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0] == themes.THEMES_CSV_HEADER
    assert ["Reports by agency", "Health", "reports rated", "1"] in rows
    assert [
        "Panel referrals",
        "Safeguarding partnership: rapid review",
        "referred",
        "2",
    ] in rows
    training = [r for r in rows if r[0] == "Training needs"]
    assert [(r[1].lower(), r[3]) for r in training] == [("smart plans", "2")]
    assert AccessLog.objects.filter(
        action=AccessLog.Action.EXPORT, detail__startswith="Themes"
    ).exists()


def _pdf_text(pdf: bytes) -> str:
    assert shutil.which("pdftotext"), "poppler-utils (pdftotext) is needed"
    result = subprocess.run(
        ["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True
    )
    return result.stdout.decode()


def test_themes_pdf_is_a_section_for_the_iro_annual_report(manager_client):
    # given
    _everything(2)
    # when
    response = manager_client.get(
        reverse("reporting:themes-pdf"), {**MAY, "service": "iro"}
    )
    # then
    assert response["Content-Type"] == "application/pdf"
    text = _pdf_text(response.content)
    assert "Independent Reviewing Officer service annual report" in text
    assert "Reports to reviews and conferences, by agency" in text
    assert "Training needs" in text


def test_themes_pdf_for_the_lado_report_leaves_out_meeting_checks(manager_client):
    _everything(1)
    response = manager_client.get(
        reverse("reporting:themes-pdf"), {**MAY, "service": "lado"}
    )
    text = _pdf_text(response.content)
    assert "LADO annual report" in text
    assert "LADO response times" in text
    assert "by agency" not in text


def test_themes_pdf_prints_typed_html_as_text(manager_client):
    TrainingThemeFactory(
        tag="<b>bold</b>",
        noted_on=date(2026, 5, 3),
        detail='<link rel="attachment" href="file:///etc/passwd">',
    )
    response = manager_client.get(reverse("reporting:themes-pdf"), MAY)
    text = "".join(_pdf_text(response.content).split())
    assert "<b>bold</b>" in text
    assert 'href="file:///etc/passwd">' in text


def test_themes_pdf_unknown_report_is_404(manager_client):
    response = manager_client.get(reverse("reporting:themes-pdf"), {"service": "x"})
    assert response.status_code == 404
