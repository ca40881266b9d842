"""Regulation 44 journey in real headless Chromium, through the real forms.

A visitor records last month's visit with two recommendations and approves it;
its PDF is rendered and sent to everyone reg 44(7) names (Celery runs in-process).
This month the visitor records the next visit and follows both recommendations up.
"""

import subprocess
import tempfile
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from accounts.roles import Role
from reg44 import schedule
from reg44.models import Recommendation, ReportSending, Visit
from tests.factories import PASSWORD, UserFactory
from tests.journeys.conftest import screenshot_path, sign_in
from tests.reg44.factories import (
    HomeFactory,
    PlacingAuthorityFactory,
    VisitorAssignmentFactory,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

RECOMMENDATIONS = (
    "Debrief every child within 24 hours of a physical intervention.",
    "Repair the damaged bathroom flooring.",
)


def _submit(page, button: str) -> None:
    with page.expect_navigation():
        page.get_by_role("button", name=button, exact=True).click()


def _follow(page, link: str) -> None:
    with page.expect_navigation():
        page.get_by_role("link", name=link, exact=True).first.click()


def _shot(page, name: str) -> None:
    page.screenshot(path=screenshot_path(name), full_page=True)


def _pdf_text(page, url: str) -> str:
    response = page.request.get(url)
    assert response.headers["content-type"] == "application/pdf"
    with tempfile.NamedTemporaryFile(suffix=".pdf") as pdf:
        pdf.write(response.body())
        pdf.flush()
        out = subprocess.run(
            ["pdftotext", pdf.name, "-"],
            capture_output=True,
            check=True,
            text=True,
        ).stdout
    return " ".join(out.split())


def _record_visit(page, *, visit_at: str) -> None:
    """From the home's page, record a visit and what was found, through the forms."""
    _follow(page, "Book or record a visit")
    page.fill("#id_visit_at", visit_at)
    page.check("#id_is_unannounced")
    _submit(page, "Save visit")
    expect(page.get_by_role("heading", name="Record the visit")).to_be_visible()
    page.fill("#id_children_spoken_to", "ab, c.d.")
    page.check("#id_children_consented")
    page.fill("#id_children_views", "Both said they feel safe and like their rooms.")
    page.fill("#id_staff_spoken_to", "The registered manager and a support worker")
    page.check("#id_records_examined_0")  # daily log
    page.check("#id_records_examined_5")  # incidents and notifications
    page.check("#id_premises_inspected")
    page.check("#id_safeguarding_opinion_1")  # yes
    page.fill("#id_safeguarding_evidence", "Incidents were notified promptly.")
    page.check("#id_wellbeing_opinion_2")  # partially
    page.fill("#id_wellbeing_evidence", "One child has had no school place for weeks.")
    page.check("#id_has_conflict_of_interest_2")  # no
    _submit(page, "Save the record")
    expect(page.get_by_text("Visit record saved.")).to_be_visible()


def _approve(page) -> None:
    _follow(page, "Approve and send the report")
    page.check("#id_confirm")
    _submit(page, "Approve and send")
    expect(page.get_by_text("Report version 1 approved")).to_be_visible()


def test_visitor_records_approves_sends_and_follows_up_next_month(
    page, live_server, settings, tmp_path
):
    """Visit with two recommendations, approved, PDF sent to every recipient; the
    next month both recommendations are followed up."""
    settings.MEDIA_ROOT = str(tmp_path)  # the rendered PDFs
    # given: a home assigned to the visitor, with a placing authority
    visitor = UserFactory(
        username="rellis",
        first_name="Ruth",
        last_name="Ellis",
        roles=[Role.REG44_VISITOR],
    )
    home = HomeFactory(name="Willow Lodge", urn="SC135790")
    PlacingAuthorityFactory(home=home, email="lac@northshire.example.org")
    VisitorAssignmentFactory(home=home, visitor=visitor)
    now = timezone.localtime()
    last_month = schedule.months_ending(now.date(), 2)[0]
    first_on = last_month.replace(day=10)
    second_at = (now - timedelta(minutes=2)).strftime("%Y-%m-%dT%H:%M")

    # when: last month's visit is recorded with two recommendations
    sign_in(page, live_server, visitor.username, PASSWORD)
    page.goto(f"{live_server.url}/reg44/")
    _follow(page, "Willow Lodge")
    _record_visit(page, visit_at=f"{first_on:%Y-%m-%d}T10:30")
    for text in RECOMMENDATIONS:
        _follow(page, "Add a recommendation")
        page.fill("#id_text", text)
        page.fill("#id_consider_by", f"{first_on + timedelta(days=28):%Y-%m-%d}")
        _submit(page, "Add recommendation")
    expect(page.get_by_role("cell", name=RECOMMENDATIONS[1])).to_be_visible()
    _shot(page, "reg44-visit-recorded")
    # ... and approved: rendered and sent in-process once the approval commits
    _approve(page)
    _shot(page, "reg44-report-sent")

    # then: one sending per recipient, each sent, and the PDF carries both
    first = Visit.objects.get(visit_on=first_on)
    sendings = ReportSending.objects.filter(report__visit=first)
    assert sorted(sendings.values_list("status", flat=True)) == ["sent"] * 5
    assert len(mail.outbox) == 5
    assert first.children_spoken_to == "AB, CD"
    expect(page.get_by_role("cell", name="Sent").first).to_be_visible()
    text = _pdf_text(page, f"{live_server.url}/reg44/visits/{first.pk}/reports/v1.pdf")
    assert all(r in text for r in RECOMMENDATIONS)
    assert "Unannounced" in text

    # when: this month's visit follows both recommendations up
    page.goto(f"{live_server.url}{home.get_absolute_url()}")
    _record_visit(page, visit_at=second_at)
    expect(page.get_by_text("Not followed up yet")).to_have_count(2)
    _follow(page, "Follow up earlier recommendations")
    page.locator("fieldset", has_text=RECOMMENDATIONS[0]).get_by_label(
        "Met", exact=True
    ).check()
    partly = page.locator("fieldset", has_text=RECOMMENDATIONS[1])
    partly.get_by_label("Partly met", exact=True).check()
    partly.get_by_role("textbox").fill("New flooring ordered, not yet fitted.")
    _submit(page, "Save follow-up")
    _shot(page, "reg44-followed-up")
    _approve(page)

    # then: the first is closed, the second carried forward
    opened = dict(Recommendation.objects.values_list("text", "is_open"))
    assert opened == {RECOMMENDATIONS[0]: False, RECOMMENDATIONS[1]: True}
    second = Visit.objects.exclude(pk=first.pk).get()
    text = _pdf_text(page, f"{live_server.url}/reg44/visits/{second.pk}/reports/v1.pdf")
    assert "Partly met" in text
    assert "New flooring ordered, not yet fitted." in text
