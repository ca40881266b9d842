"""Quality assurance in real headless Chromium: the chair answers the quality
check after a held review; a manager opens the themes, tags a training need and
downloads the CSV."""

from datetime import date
from pathlib import Path

import pytest
from playwright.sync_api import expect

from accounts.roles import Role
from meetings.models import QualityCheck, TrainingTheme
from tests.factories import PASSWORD, MeetingFactory, ParticipantFactory, UserFactory
from tests.journeys.accessibility import AccessibilityAudit
from tests.journeys.conftest import screenshot_path, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_chair_checks_quality_and_manager_tags_a_training_need(
    page, browser, live_server
):
    # given: a review held last month, the health report in before it
    held_on = date(2026, 10, 20)
    meeting = MeetingFactory(held=True, held_on=held_on, due_on=date(2026, 10, 30))
    meeting.expected_reports.create(kind="health", received_on=date(2026, 10, 13))
    ParticipantFactory(meeting=meeting, role="school", attendance="attended")
    chair = meeting.chair

    # when: the chair opens the meeting and answers the check
    sign_in(page, live_server, chair.username, PASSWORD)
    page.goto(f"{live_server.url}{meeting.get_absolute_url()}")
    quality = page.locator("#quality")
    expect(quality).to_contain_text("Outstanding")
    quality.get_by_role("link", name="Answer the quality check").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Quality check after the meeting"
    )
    # The agencies come from the meeting: health (report on time), education.
    expect(page.locator("#id_rows-0-agency")).to_have_value("health")
    expect(page.locator("#id_rows-0-on_time")).to_have_value("yes")
    expect(page.locator("#id_rows-1-agency")).to_have_value("education")
    page.select_option("#id_rows-0-quality", "good")
    page.select_option("#id_rows-1-on_time", "no")
    page.select_option("#id_rows-1-quality", "missing")
    page.select_option("#id_child_seen_before", "yes")
    page.select_option("#id_child_views_heard", "yes")
    page.select_option("#id_parents_participated", "partly")
    page.select_option("#id_partners_attended", "no")
    page.select_option("#id_is_quorate", "yes")
    page.select_option("#id_plan_smart", "partly")
    page.fill("#id_comment", "The PEP did not arrive; actions lack dates.")
    with page.expect_navigation():
        page.get_by_role("button", name="Save quality check").click()

    # then: the meeting page shows the check as done
    expect(page.locator("#quality")).to_contain_text("Done")
    check = QualityCheck.objects.get(meeting=meeting)
    assert sorted(check.report_rows.values_list("agency", "quality")) == [
        ("education", "missing"),
        ("health", "good"),
    ]
    page.screenshot(path=screenshot_path("quality_check_done"), full_page=True)

    # when: a manager opens the themes and tags a training need
    manager = UserFactory(roles=[Role.MANAGER])
    context = browser.new_context(locale="en-GB", timezone_id="Europe/London")
    # The manager's pages are audited like the chair's (axe-core and CSP).
    audit = AccessibilityAudit(context, live_server.url)
    manager_page = context.new_page()
    try:
        sign_in(manager_page, live_server, manager.username, PASSWORD)
        manager_page.goto(f"{live_server.url}/reporting/themes/")
        agencies = manager_page.get_by_role(
            "table", name="Report timeliness and quality by agency"
        )
        expect(agencies).to_contain_text("Education")
        expect(agencies).to_contain_text("Health")
        manager_page.fill("#theme_tag", "PEP timeliness")
        manager_page.fill("#theme_detail", "PEPs missing at reviews.")
        with manager_page.expect_navigation():
            manager_page.get_by_role("button", name="Tag training need").click()
        training = manager_page.get_by_role("table", name="Training needs tagged")
        expect(training).to_contain_text("PEP timeliness")
        with manager_page.expect_download() as download_info:
            manager_page.get_by_role("link", name="Download CSV").click()
        content = Path(download_info.value.path()).read_text(encoding="utf-8")
        manager_page.screenshot(
            path=screenshot_path("quality_themes_tagged"), full_page=True
        )
        audit.finish(context)
    finally:
        context.close()

    # then
    assert TrainingTheme.objects.get().tagged_by == manager
    assert "Training needs,PEP timeliness,tagged,1" in content
    assert "Reports by agency,Education,missing,1" in content
