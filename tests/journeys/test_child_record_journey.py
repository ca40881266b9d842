"""Child record journeys in real headless Chromium, through the real forms."""

from datetime import date, timedelta

import pytest
from django.test import Client
from django.utils import timezone
from playwright.sync_api import expect

from accounts.roles import Role
from cases import codes
from cases.selectors import clock_get
from cases.timescales import RULES
from tests.factories import (
    PASSWORD,
    CareEpisodeFactory,
    ChildFactory,
    KeyPersonFactory,
    UserFactory,
)
from tests.journeys.conftest import screenshot_path, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _shows_date(day: date) -> str:
    """Return `day` as the record page prints it (Django's "D j M Y")."""
    return f"{day:%a} {day.day} {day:%b %Y}"


def _submit(page, button: str) -> None:
    """Press a form's submit button and wait for the page the server answers with."""
    with page.expect_navigation():
        page.get_by_role("button", name=button).click()


def test_child_record_manager_finds_child_and_sees_audit_panel(page, live_server, iro):
    """A manager finds a child by keyboard and sees the clock and who viewed the child."""
    # given
    manager = UserFactory(username="mgr", roles=[Role.MANAGER])
    episode = CareEpisodeFactory(
        child__first_name="Isla", child__last_name="Featherstonehaugh"
    )
    child = episode.child
    KeyPersonFactory(child=child, name="Dana Whitlock")
    iro_client = Client()
    iro_client.force_login(iro)
    assert iro_client.get(child.get_absolute_url()).status_code == 200
    first_review = clock_get().due("cic_review_1", episode.started_on).due

    # when
    sign_in(page, live_server, manager.username, PASSWORD)
    page.screenshot(path=screenshot_path("manager_journey-1-signed-in"), full_page=True)
    with page.expect_navigation():
        page.get_by_role("navigation", name="Main").get_by_role(
            "link", name="Children", exact=True
        ).click()
    page.focus("#id_q")
    page.keyboard.type("Featherstonehaugh")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    page.screenshot(
        path=screenshot_path("manager_journey-2-search-results"), full_page=True
    )
    expect(page.locator("table caption")).to_have_text("1 child found")
    with page.expect_navigation(url=f"**{child.get_absolute_url()}"):
        page.get_by_role("link", name="Featherstonehaugh, Isla").click()
    page.screenshot(path=screenshot_path("manager_journey-3-record"), full_page=True)

    # then
    expect(page.get_by_role("heading", level=1)).to_contain_text(
        "Isla Featherstonehaugh"
    )
    clock = page.locator("section[aria-labelledby='clock-heading']")
    first_review_item = clock.locator(
        "li.list-group-item", has_text="First review of this period of care"
    )
    expect(first_review_item).to_contain_text(f"due by {_shows_date(first_review)}")
    expect(page.locator("section[aria-labelledby='people-heading']")).to_contain_text(
        "Dana Whitlock"
    )
    audit = page.locator("#audit")
    expect(audit).to_contain_text(f"{iro.username} · Viewed")
    expect(audit).to_contain_text(f"{manager.username} · Viewed")
    expect(audit.get_by_role("link", name="Full audit trail")).to_be_visible()

    first_review_item.get_by_text("Why this date?").click()
    explanation = first_review_item.locator("details.explain")
    expect(explanation).to_have_attribute("open", "")
    expect(explanation).to_contain_text("cic_review_1")
    expect(explanation).to_contain_text(RULES["cic_review_1"].source)
    page.screenshot(
        path=screenshot_path("manager_journey-4-why-this-date"), full_page=True
    )


def test_child_record_iro_adds_child_then_records_care_episode(
    page, live_server, iro, password
):
    """An IRO keeps typed names through errors, adds a child and starts the review clock."""
    # given
    future_birth = timezone.localdate() + timedelta(days=30)
    started_on = date(2026, 11, 2)
    first_review = clock_get().due("cic_review_1", started_on).due
    sign_in(page, live_server, iro.username, password)

    # when: the first attempt has a future birth date and no interpreter language
    page.goto(f"{live_server.url}/children/new/")
    page.fill("#id_la_child_id", "J2000001")
    page.fill("#id_first_name", "Amelia")
    page.fill("#id_last_name", "Okonkwo-Hart")
    page.fill("#id_date_of_birth", future_birth.isoformat())
    page.select_option("#id_gender", codes.Gender.FEMALE)
    page.select_option("#id_ethnicity", codes.Ethnicity.WBRI)
    page.check("#id_interpreter_needed")
    _submit(page, "Add child")
    page.screenshot(path=screenshot_path("iro_add_child-1-errors"), full_page=True)

    # then
    expect(
        page.get_by_text("The date of birth cannot be in the future.")
    ).to_be_visible()
    expect(
        page.get_by_text("Say which language the interpreter is for.")
    ).to_be_visible()
    expect(page.locator("#id_first_name")).to_have_value("Amelia")
    expect(page.locator("#id_last_name")).to_have_value("Okonkwo-Hart")

    # when: corrected and saved
    page.fill("#id_date_of_birth", "2015-06-01")
    page.fill("#id_interpreter_language", "Polish")
    _submit(page, "Add child")
    page.screenshot(path=screenshot_path("iro_add_child-2-saved"), full_page=True)

    # then
    expect(page.get_by_role("heading", level=1)).to_contain_text("Amelia Okonkwo-Hart")
    expect(page.get_by_text("Child added.")).to_be_visible()

    # when: the child comes into care
    with page.expect_navigation():
        page.get_by_role("link", name="Record a care episode").click()
    page.fill("#id_started_on", started_on.isoformat())
    page.select_option("#id_reason_new_episode", codes.ReasonNewEpisode.S)
    page.select_option("#id_legal_status", codes.LegalStatus.C2)
    page.select_option("#id_placement_type", codes.PlacementType.U1)
    _submit(page, "Save episode")
    page.screenshot(path=screenshot_path("iro_add_child-3-episode"), full_page=True)

    # then
    expect(page.get_by_text("Care episode recorded.")).to_be_visible()
    first_review_item = page.locator(
        "section[aria-labelledby='clock-heading'] li.list-group-item",
        has_text="First review of this period of care",
    )
    expect(first_review_item).to_contain_text(f"due by {_shows_date(first_review)}")


def test_child_record_out_of_scope_for_iro_is_not_found(
    page, live_server, iro, password
):
    """An IRO opening a child with no care, plan or allocation gets the not-found page."""
    # given
    child = ChildFactory()
    sign_in(page, live_server, iro.username, password)

    # when
    response = page.goto(f"{live_server.url}{child.get_absolute_url()}")

    # then
    assert response.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text("Page not found")
    expect(page.get_by_text(child.la_child_id)).to_have_count(0)


def test_navigation_hides_children_from_lado(page, live_server, lado, password):
    """A LADO user has no Children link and no child search on the home page."""
    # when
    sign_in(page, live_server, lado.username, password)

    # then
    expect(page.get_by_role("heading", level=1)).to_contain_text("Welcome")
    nav = page.get_by_role("navigation", name="Main")
    expect(nav.get_by_role("link", name="Timescales")).to_be_visible()
    expect(nav.get_by_role("link", name="Children", exact=True)).to_have_count(0)
    expect(page.get_by_role("heading", name="Find a child")).to_have_count(0)


def test_timescale_calculator_skips_christmas(page, live_server, iro, password):
    """An ICPC from Mon 21 Dec 2026 is due 14 Jan 2027, skipping Christmas Day."""
    # given
    sign_in(page, live_server, iro.username, password)

    # when
    page.goto(f"{live_server.url}/timescales/")
    page.select_option("#id_rule", "cp_icpc")
    page.fill("#id_start", "2026-12-21")
    _submit(page, "Work out the due date")

    # then
    result = page.locator(".card[aria-live='polite']")
    expect(result).to_contain_text("2027-01-14")
    expect(result).to_contain_text("Thursday 14 January 2027")
    expect(result).to_contain_text("Christmas Day")
