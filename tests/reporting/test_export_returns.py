"""export_returns: the SSDA903 CSV files and the CIN census child protection XML."""

import csv
from datetime import date
from xml.etree import ElementTree as ET

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from meetings.models import StrategyDiscussion
from reporting import returns
from tests.factories import CareEpisodeFactory, CPPlanFactory, MeetingFactory

pytestmark = pytest.mark.django_db


def _rows(path):
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.reader(handle))


def test_export_returns_writes_the_903_files(tmp_path):
    """Header, episodes and reviews carry the validators' exact columns and dates."""
    # given
    episode = CareEpisodeFactory(started_on=date(2025, 6, 2))
    CareEpisodeFactory(
        started_on=date(2024, 1, 8), ended_on=date(2024, 12, 1), reason_ended="E11"
    )  # ended before the year
    MeetingFactory(
        period_start=episode,
        held=True,
        held_on=date(2025, 6, 30),
        due_on=date(2025, 6, 30),
        participation_code="PN1",
    )
    # when
    call_command("export_returns", "--year", "2026", "--out", str(tmp_path))
    # then
    header = _rows(tmp_path / "header.csv")
    episodes = _rows(tmp_path / "episodes.csv")
    reviews = _rows(tmp_path / "reviews.csv")
    assert tuple(header[0]) == returns.HEADER_COLUMNS
    assert header[1][:3] == [episode.child.la_child_id, "F", "01/06/2015"]
    assert tuple(episodes[0]) == returns.EPISODE_COLUMNS
    assert len(episodes) == 2
    assert episodes[1][1:6] == ["02/06/2025", "S", "C2", "N1", "U6"]
    assert tuple(reviews[0]) == returns.REVIEW_COLUMNS
    assert reviews[1] == [episode.child.la_child_id, "01/06/2015", "30/06/2025", "PN1"]


def test_export_returns_writes_the_cin_child_protection_modules(tmp_path):
    """A section 47 and a plan with a review conference appear in cin.xml."""
    # given
    plan = CPPlanFactory(started_on=date(2025, 9, 1))
    child = plan.child
    icpc = MeetingFactory(
        kind="icpc",
        child=child,
        period_start=None,
        due_start_on=date(2025, 8, 15),
        due_rule="cp_icpc",
        held=True,
        held_on=date(2025, 9, 1),
        due_on=date(2025, 9, 5),
    )
    StrategyDiscussion.objects.create(
        child=child,
        held_on=date(2025, 8, 15),
        chaired_by="Team manager",
        decision="s47_joint",
        reasons="Injury",
        conference=icpc,
    )
    MeetingFactory(
        kind="rcpc",
        child=child,
        period_start=None,
        due_start_on=date(2025, 8, 15),
        due_rule="cp_rcpc_1",
        held=True,
        held_on=date(2025, 11, 28),
        due_on=date(2025, 12, 1),
    )
    # when
    call_command("export_returns", "--year", "2026", "--out", str(tmp_path))
    # then
    root = ET.parse(tmp_path / "cin.xml").getroot()
    assert root.findtext("Header/CollectionDetails/ReferenceDate") == "2026-03-31"
    node = root.find("Children/Child")
    assert node.findtext("ChildIdentifiers/LAchildID") == child.la_child_id
    s47 = node.find("CINdetails/Section47")
    assert s47.findtext("S47ActualStartDate") == "2025-08-15"
    assert s47.findtext("InitialCPCtarget") == "2025-09-05"
    assert s47.findtext("DateOfInitialCPC") == "2025-09-01"
    cpp = node.find("CINdetails/ChildProtectionPlans")
    assert cpp.findtext("CPPstartDate") == "2025-09-01"
    assert cpp.findtext("InitialCategoryOfAbuse") == "NEG"
    assert [e.text for e in cpp.findall("Reviews/CPPreviewDate")] == ["2025-11-28"]


@pytest.mark.parametrize("year", ["26", "20x6", "1850"])
def test_export_returns_rejects_a_bad_year(tmp_path, year):
    """A year not in the form YYYY is a clear error and writes nothing."""
    with pytest.raises(CommandError, match="not a year in the form YYYY"):
        call_command("export_returns", "--year", year, "--out", str(tmp_path / "x"))
    assert not (tmp_path / "x").exists()


def test_returns_check_shows_problems_at_their_records(manager_client):
    """A PN0 for a ten-year-old and a weekend conference are listed with links."""
    # given
    review = MeetingFactory(
        held=True, held_on=date(2025, 6, 27), due_on=date(2025, 6, 30)
    )
    type(review).objects.filter(pk=review.pk).update(participation_code="PN0")
    icpc = MeetingFactory(
        kind="icpc",
        child=review.child,
        period_start=None,
        due_start_on=date(2025, 8, 15),
        due_rule="cp_icpc",
        held=True,
        held_on=date(2025, 9, 6),  # a Saturday
        due_on=date(2025, 9, 5),
    )
    # when
    response = manager_client.get(reverse("reporting:returns-check"), {"year": "2026"})
    # then
    problems = response.context["problems"]
    assert response.context["total"] == 2
    assert [p.url for p in problems] == [
        review.get_absolute_url(),
        icpc.get_absolute_url(),
    ]
    assert "PN0" in problems[0].problem
    assert "weekend" in problems[1].problem


def test_returns_check_shows_the_stored_check_until_checked_again(manager_client):
    """The page reads the last check; "Check again now" finds a problem fixed since."""
    # given
    review = MeetingFactory(
        held=True, held_on=date(2025, 6, 27), due_on=date(2025, 6, 30)
    )
    type(review).objects.filter(pk=review.pk).update(participation_code="PN0")
    url = reverse("reporting:returns-check")
    assert manager_client.get(url, {"year": "2026"}).context["total"] == 1
    type(review).objects.filter(pk=review.pk).update(participation_code="PN1")
    # when
    stale = manager_client.get(url, {"year": "2026"})
    rechecked = manager_client.post(url, {"year": "2026"}, follow=True)
    # then
    assert stale.context["total"] == 1
    assert rechecked.context["total"] == 0
    assert rechecked.context["year"] == 2026
    assert "Checked again: 0 problems." in rechecked.content.decode()


def test_returns_check_reads_in_a_fixed_number_of_queries(
    manager_client, django_assert_max_num_queries
):
    """Once checked, the page does not recompute: its queries do not grow."""
    url = reverse("reporting:returns-check")
    for day in range(3):
        review = MeetingFactory(
            held=True, held_on=date(2025, 6, 2 + day), due_on=date(2025, 6, 30)
        )
        type(review).objects.filter(pk=review.pk).update(participation_code="")
    manager_client.get(url, {"year": "2026"})
    with django_assert_max_num_queries(12):
        response = manager_client.get(url, {"year": "2026"})
    assert response.context["total"] == 3


def test_the_daily_sweep_checks_this_years_and_last_years_returns():
    """cases.sweep.sweep_all stores a check of the current and previous year."""
    from cases.sweep import sweep_all
    from reporting.models import ReturnCheck

    review = MeetingFactory(
        held=True, held_on=date(2025, 6, 27), due_on=date(2025, 6, 30)
    )
    type(review).objects.filter(pk=review.pk).update(participation_code="")

    sweep_all(today=date(2026, 6, 30))

    checks = dict(ReturnCheck.objects.values_list("year", "total"))
    assert checks == {2026: 1, 2027: 0}
