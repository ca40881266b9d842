"""Journey: a chair raises a practice alert from a child's record; it goes past
its response date and is chased; the team manager responds late; the chair
escalates it into dispute resolution, and the dispute carries its history."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from accounts.roles import Role
from cases.selectors import clock_get
from meetings import tasks
from meetings.models import PracticeAlert
from tests.factories import (
    PASSWORD,
    AllocationFactory,
    CareEpisodeFactory,
    TeamFactory,
    UserFactory,
)
from tests.journeys.conftest import screenshot_path, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _submit(page, button: str) -> None:
    with page.expect_navigation():
        page.get_by_role("button", name=button, exact=True).click()


def _follow(page, link: str) -> None:
    with page.expect_navigation():
        page.get_by_role("link", name=link, exact=True).click()


def _sign_in_as(page, live_server, user) -> None:
    page.context.clear_cookies()
    sign_in(page, live_server, user.username, PASSWORD)


def test_alert_raised_chased_answered_late_and_escalated(page, live_server):
    # given: a child in care whose social work team has a manager here
    iro = UserFactory(
        username="pshah", first_name="Priya", last_name="Shah", roles=[Role.IRO]
    )
    manager = UserFactory(
        username="tbrooks", first_name="Tina", last_name="Brooks", roles=[Role.MANAGER]
    )
    team = TeamFactory(name="Children in Care Team North", manager=manager)
    child = CareEpisodeFactory(child__first_name="Leah").child
    AllocationFactory(
        child=child, role="social_worker", worker=None, worker_name="Sam", team=team
    )
    today = timezone.localdate()
    raised_on = today - timedelta(days=14)
    due_on = clock_get().due("practice_alert_response", raised_on).due
    sign_in(page, live_server, iro.username, PASSWORD)

    # when: the chair raises an alert from the child's oversight page, by keyboard
    page.goto(f"{live_server.url}/children/{child.pk}/oversight/")
    _follow(page, "Raise practice alert")
    expect(page.get_by_label("Team manager to respond")).to_have_value(str(manager.pk))
    page.get_by_label("What is wrong").focus()
    page.get_by_label("What is wrong").select_option("visits_overdue")
    page.get_by_label("Raised on").fill(raised_on.isoformat())
    page.get_by_label("Describe the concern").fill(
        "Leah has not had a statutory visit for ten weeks."
    )
    page.keyboard.press("Tab")
    page.keyboard.type("Visit Leah this week and tell me what she said.")
    page.get_by_role("button", name="Raise practice alert").focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")

    # then
    alert = PracticeAlert.objects.get()
    expect(page.get_by_text("Practice alert raised")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Practice alert: Visits overdue"
    )
    expect(page.get_by_text("Response overdue")).to_be_visible()
    expect(page.locator("section[aria-labelledby='due-heading']")).to_contain_text(
        f"{due_on:%a} {due_on.day} {due_on:%b %Y}"
    )
    page.screenshot(path=screenshot_path("practice_alert-1-raised"), full_page=True)

    # when: the daily chase runs (twice: the second run changes nothing)
    assert tasks.practice_alerts_chase_overdue_task.delay(today.isoformat()).get() == 1
    assert tasks.practice_alerts_chase_overdue_task.delay(today.isoformat()).get() == 0

    # then: the manager finds it chased, and responds late
    _sign_in_as(page, live_server, manager)
    with page.expect_navigation():
        page.get_by_role("navigation", name="Main").get_by_role(
            "link", name="Practice alerts"
        ).click()
    page.get_by_label("Show", exact=True).select_option("to_me")
    _submit(page, "Filter")
    row = page.locator("tbody tr", has_text=child.la_child_id)
    expect(row).to_contain_text("Overdue")
    with page.expect_navigation():
        row.get_by_role("link").first.click()
    history = page.locator("section[aria-labelledby='history-heading']")
    expect(history).to_contain_text("Chased")
    expect(history).to_contain_text("The service (automatic)")
    _follow(page, "Respond")
    page.locator("#id_response").fill("Sorry: the worker was off sick.")
    page.get_by_label("Action agreed").fill("Visit booked for Friday.")
    _submit(page, "Send response")
    expect(page.get_by_text("Response sent.")).to_be_visible()
    expect(page.locator("section[aria-labelledby='response-heading']")).to_contain_text(
        "Late"
    )
    page.screenshot(path=screenshot_path("practice_alert-2-late"), full_page=True)

    # when: the chair escalates it in one click
    _sign_in_as(page, live_server, iro)
    page.goto(f"{live_server.url}{alert.get_absolute_url()}")
    expect(page.get_by_label("Start at")).to_have_value("stage_1")
    _submit(page, "Escalate to dispute resolution")

    # then: the dispute shows where it came from and the alert's history
    expect(page.get_by_text("Escalated: the dispute carries")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_have_text("Dispute: Care planning")
    concern = page.locator("section[aria-labelledby='concern-heading']")
    expect(concern).to_contain_text("Escalated from a practice alert (Visits overdue)")
    expect(concern).to_contain_text("Chased by The service (automatic)")
    expect(concern).to_contain_text("(late): Sorry: the worker was off sick.")
    expect(concern.get_by_role("link", name="practice alert")).to_have_attribute(
        "href", alert.get_absolute_url()
    )
    page.screenshot(path=screenshot_path("practice_alert-3-dispute"), full_page=True)
    alert.refresh_from_db()
    assert (alert.status, alert.dispute.stage) == ("escalated", "stage_1")
