"""A manager reads the dashboard's LADO indicators and the IRO annual report in
real headless Chromium."""

from datetime import timedelta

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from accounts.roles import Role
from tests.factories import PASSWORD, UserFactory
from tests.journeys.conftest import screenshot_path, sign_in
from tests.lado.factories import AllegationFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _follow(page, link: str, within=None) -> None:
    with page.expect_navigation():
        (within or page).get_by_role("link", name=link).first.click()


def test_reporting_journey_lado_filter_drill_down_excel_and_annual_report(
    page, live_server, tmp_path
):
    """Dashboard -> filter by LADO -> the decisions list -> Excel download ->
    the IRO annual report, through the real pages."""
    # given: two LADOs; Ann answered one contact in time and one late
    manager = UserFactory(username="manager_journey", roles=[Role.MANAGER])
    ann = UserFactory(roles=[Role.LADO], first_name="Ann", last_name="Ashdown")
    ben = UserFactory(roles=[Role.LADO], first_name="Ben", last_name="Bellamy")
    on_time = AllegationFactory(lado_officer=ann, managed=True)
    late = AllegationFactory(lado_officer=ann)
    late.first_response_on = late.received_on + timedelta(days=10)
    late.save()
    AllegationFactory(lado_officer=ben, managed=True)

    # when: the manager opens the dashboard and chooses Ann
    sign_in(page, live_server, manager.username, PASSWORD)
    with page.expect_navigation():
        page.get_by_role("navigation", name="Main").get_by_role(
            "link", name="Dashboard"
        ).click()
    decisions = page.locator("[data-indicator='lado_decision']")
    expect(decisions).to_have_text("66.7%")
    page.select_option("#id_lado_officer", str(ann.pk))
    with page.expect_navigation():
        page.get_by_role("button", name="Show").click()

    # then: only Ann's contacts count, and the trend has a chart and a table
    expect(decisions).to_have_text("50.0%")
    card = page.locator("section[aria-labelledby='card-lado_decision']")
    expect(card.locator("canvas")).to_have_attribute("role", "img")
    expect(card.locator("table caption")).to_contain_text("12-month trend")
    page.screenshot(
        path=screenshot_path("reporting_journey-1-dashboard"), full_page=True
    )

    # when: the manager drills into the decisions behind the figure
    _follow(page, "See the list", within=card)

    # then: the late contact is listed as late, and only Ann's are there
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "LADO decisions within 1 working day"
    )
    late_row = page.get_by_role("row").filter(has_text=late.reference)
    expect(late_row).to_contain_text("no")
    expect(page.locator("tbody tr")).to_have_count(2)

    # when: the list is downloaded as Excel
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download Excel").click()
    download = download_info.value
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)

    # then: the workbook holds the same two contacts
    rows = [[c.value for c in row] for row in load_workbook(saved).active.iter_rows()]
    assert saved.suffix == ".xlsx"
    assert rows[0][0] == "Reference"
    assert sorted(r[0] for r in rows[1:]) == sorted([late.reference, on_time.reference])

    # when: the manager opens the IRO annual report from the dashboard
    _follow(page, "Back to the dashboard")
    _follow(page, "IRO annual report")

    # then: the year's tables are there, each with its downloads
    expect(page.get_by_role("heading", level=1)).to_contain_text("IRO annual report")
    expect(page.locator("#table-cla_numbers")).to_have_text("Children in care: numbers")
    expect(page.get_by_role("heading", name="Not held by this service")).to_be_visible()
    page.screenshot(
        path=screenshot_path("reporting_journey-2-annual-report"), full_page=True
    )
