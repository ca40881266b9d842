"""A LADO takes an allegation from referral to outcome in real headless Chromium."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from accounts.roles import Role
from cases.selectors import clock_get
from lado import workflow
from lado.models import Allegation
from tests.factories import PASSWORD, ChildFactory, UserFactory
from tests.journeys.conftest import screenshot_path, sign_in
from tests.lado.factories import AllegationFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _shows_date(day) -> str:
    """Return `day` as the pages print it (Django's "D j M Y")."""
    return f"{day:%a} {day.day} {day:%b %Y}"


def _submit(page, button: str) -> None:
    with page.expect_navigation():
        page.get_by_role("button", name=button).click()


def _follow(page, link: str) -> None:
    with page.expect_navigation():
        page.get_by_role("link", name=link).first.click()


def test_lado_journey_referral_decision_meeting_outcome(page, live_server):
    """Referral -> initial consideration -> strategy meeting (minutes sent) ->
    outcome -> closed, all through the real forms."""
    # given: a LADO, a child known to the authority, and a Monday five weeks ago
    lado = UserFactory(username="lado_journey", roles=[Role.LADO])
    ChildFactory(la_child_id="C7654321", first_name="Maisie", last_name="Threlkeld")
    received = timezone.localdate() - timedelta(days=42)
    received -= timedelta(days=received.weekday())
    decision_due = clock_get().due("lado_decision", received).due

    # when: the referral is logged
    sign_in(page, live_server, lado.username, PASSWORD)
    with page.expect_navigation():
        page.get_by_role("navigation", name="Main").get_by_role(
            "link", name="My allegations"
        ).click()
    _follow(page, "Log a referral")
    page.fill("#id_received_at", f"{received.isoformat()}T10:30")
    page.select_option("#id_referral_source", "employer")
    page.fill("#id_referrer_name", "Morwenna Trelawny")
    page.fill("#id_referrer_organisation", "Kingsmere Swim Club")
    page.fill("#id_referrer_role", "Welfare officer")
    page.fill("#id_setting_name", "Kingsmere Swim Club")
    page.select_option("#id_sector", "sport_leisure")
    page.fill("#id_came_to_employer_attention_on", received.isoformat())
    page.fill("#id_subject_first_name", "Lysander")
    page.fill("#id_subject_last_name", "Quennell")
    page.fill("#id_subject_date_of_birth", "1979-04-12")
    page.fill("#id_subject_role", "Swimming coach")
    page.fill("#id_child_la_child_id", "C7654321")
    page.select_option("#id_category", "physical")
    page.fill(
        "#id_details", "A swimmer says the coach pulled her from the pool by her hair."
    )
    page.screenshot(path=screenshot_path("lado_journey-1-referral"), full_page=True)
    _submit(page, "Log the referral")

    # then: the referral screen explains the decision date and the employer's timing
    allegation = Allegation.objects.get()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Lysander Quennell")
    expect(page.locator("#employer-referral")).to_contain_text("Within 1 working day")
    clock = page.locator("section[aria-labelledby='clock-heading']")
    expect(clock).to_contain_text(f"due by {_shows_date(decision_due)}")
    expect(page.locator("section[aria-labelledby='children-heading']")).to_contain_text(
        "Maisie Threlkeld"
    )
    page.screenshot(
        path=screenshot_path("lado_journey-2-referral-screen"), full_page=True
    )

    # when: the initial consideration finds the harm test met
    _follow(page, "Record the initial consideration")
    page.check("input[name=decision][value=threshold_met]")
    page.check("input[name=harm_criteria][value=harmed]")
    page.check("input[name=harm_criteria][value=offence]")
    page.fill("#id_decided_on", (received + timedelta(days=1)).isoformat())
    page.fill("#id_rationale", "A child was hurt; the police will consider an assault.")
    _submit(page, "Record the decision")
    expect(page.locator("#status")).to_have_text("Being managed")

    # when: police involvement and the employer's suspension are recorded
    _follow(page, "Police, social care and the employer")
    page.check("#id_police_involved")
    page.fill("#id_police_reference", "NS/4821/26")
    page.select_option("#id_interim_measure", "suspension")
    page.fill("#id_interim_measure_on", (received + timedelta(days=1)).isoformat())
    _submit(page, "Save")
    management = page.locator("section[aria-labelledby='management-heading']")
    expect(management).to_contain_text("Involved (ref. NS/4821/26)")
    expect(management).to_contain_text("Suspension")

    # when: the strategy meeting is recorded, with an action, and its minutes sent
    _follow(page, "Record a meeting")
    page.select_option("#id_kind", "strategy")
    page.fill("#id_held_on", (received + timedelta(days=3)).isoformat())
    page.fill("#id_venue", "Online (Teams)")
    page.fill(
        "#id_attendees",
        "DC Harriet Rowe; Northshire Police; rowe@example.org\n"
        "Morwenna Trelawny; Kingsmere Swim Club; welfare@example.org",
    )
    page.fill("#id_discussion", "The club shared CCTV; the police will interview.")
    page.fill("#id_decisions", "The coach is suspended while the police enquire.")
    _submit(page, "Record the meeting")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Allegation management (strategy) meeting"
    )
    _follow(page, "Add an action")
    page.fill("#id_text", "Send the LADO the CCTV log")
    page.fill("#id_owner_name", "Morwenna Trelawny")
    page.fill("#id_owner_email", "welfare@example.org")
    page.fill("#id_due_on", (received + timedelta(days=10)).isoformat())
    _submit(page, "Add the action")
    expect(page.locator("section[aria-labelledby='actions-heading']")).to_contain_text(
        "Send the LADO the CCTV log"
    )
    _submit(page, "Issue the minutes")
    _follow(page, "Send to attendees")
    page.get_by_label("DC Harriet Rowe (Northshire Police)").check()
    _submit(page, "Send the minutes")
    ledger = page.locator("section[aria-labelledby='versions-heading']")
    expect(ledger).to_contain_text("DC Harriet Rowe")
    expect(ledger).to_contain_text("Sent")
    page.screenshot(path=screenshot_path("lado_journey-3-meeting"), full_page=True)

    # when: the outcome is recorded and the case closed within the month
    _follow(page, allegation.reference)
    _follow(page, "Record the outcome")
    expect(page.locator("main form")).to_contain_text("sufficient evidence to prove")
    page.check("input[name=outcome][value=substantiated]")
    page.fill("#id_outcome_on", (received + timedelta(days=18)).isoformat())
    page.check("input[name=employer_actions][value=dismissal]")
    page.check("#id_dbs_referred")
    page.fill("#id_dbs_referred_on", (received + timedelta(days=20)).isoformat())
    _submit(page, "Record the outcome")
    _follow(page, "Close the case")
    page.fill("#id_closed_on", (received + timedelta(days=25)).isoformat())
    _submit(page, "Close the case")

    # then
    expect(page.locator("#status")).to_have_text("Closed")
    expect(page.locator("#outcome")).to_contain_text("Substantiated")
    expect(page.locator("#duration-summary")).to_contain_text("within 1 month")
    expect(page.locator("#timeline")).to_contain_text("Case closed")
    expect(page.locator("#retention-date")).not_to_be_empty()
    page.screenshot(path=screenshot_path("lado_journey-4-closed"), full_page=True)
    allegation.refresh_from_db()
    assert (allegation.status, allegation.dbs_referred) == ("closed", True)
    assert [m.to for m in mail.outbox] == [["rowe@example.org"]]


def test_manager_reads_the_annual_figures_as_charts_and_tables(page, live_server):
    """The figures page draws Chart.js charts, served locally, beside their tables."""
    # given: allegations closed in the last financial year at one swim club
    manager = UserFactory(username="manager_journey", roles=[Role.MANAGER])
    start, _ = workflow.last_financial_year(timezone.localdate())
    received = datetime.combine(
        start, datetime.min.time(), tzinfo=ZoneInfo("Europe/London")
    )
    for outcome in ("substantiated", "unfounded"):
        AllegationFactory(
            received_at=received.replace(hour=10),
            setting_name="Kingsmere Swim Club",
            sector="sport_leisure",
            closed=True,
            outcome=outcome,
            closed_on=start + timedelta(days=20),
        )
    # when
    sign_in(page, live_server, manager.username, PASSWORD)
    with page.expect_navigation():
        page.get_by_role("navigation", name="Main").get_by_role(
            "link", name="LADO figures"
        ).click()
    # then
    assert page.evaluate("typeof window.Chart") == "function"
    drawn = page.evaluate(
        "Array.from(document.querySelectorAll('canvas')).filter("
        "c => window.Chart.getChart(c)).length"
    )
    assert drawn == 5
    expect(page.locator("#timeliness")).to_contain_text("Resolved within 1 month")
    sector = page.locator("section[aria-labelledby='sector-heading'] table")
    expect(sector.locator("tr", has_text="Sport and leisure")).to_contain_text("2")
    page.screenshot(path=screenshot_path("lado_figures"), full_page=True)
    _follow(page, "Employer patterns")
    expect(page.locator("#patterns")).to_contain_text("Kingsmere Swim Club")
