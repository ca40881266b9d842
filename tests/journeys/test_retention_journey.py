"""Retention journey in real headless Chromium, through the real forms.

A manager opens the records due for disposal, places a legal hold on a child's
record long closed, lifts it with a reason, then disposes of the record: the
child's review PDF leaves storage and the disposals list keeps one entry with
no name.
"""

import pytest
from playwright.sync_api import expect

from accounts.roles import Role
from cases.models import Child, DisposalRecord
from tests.cases.retention_builders import SURNAME, closed_child_record
from tests.factories import PASSWORD, UserFactory
from tests.journeys.conftest import screenshot_path, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _submit(page, button: str) -> None:
    with page.expect_navigation():
        page.get_by_role("button", name=button, exact=True).click()


def _follow(page, link: str) -> None:
    with page.expect_navigation():
        page.get_by_role("link", name=link, exact=True).first.click()


def test_manager_holds_then_disposes_of_a_closed_record(
    page, live_server, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    manager = UserFactory(username="grace", roles=[Role.MANAGER])
    child, report, _ = closed_child_record(viewer=manager)
    pdf = tmp_path / report.pdf.name
    assert pdf.exists()
    row = page.locator(f'tr[data-record="child-{child.pk}"]')

    sign_in(page, live_server, "grace", PASSWORD)
    _follow(page, "Retention")
    expect(row).to_contain_text(f"Child record {child.la_child_id}")
    expect(page.locator("#due-records")).not_to_contain_text(SURNAME)

    with page.expect_navigation():
        row.get_by_role("link", name="Place hold").click()
    page.get_by_label("Why must this record be kept?").fill("Subject access request")
    _submit(page, "Place legal hold")
    expect(row).to_contain_text("Subject access request")
    expect(row.get_by_role("link", name="Dispose")).to_have_count(0)

    with page.expect_navigation():
        row.get_by_role("link", name="Lift hold").click()
    page.get_by_label("Why is the hold lifted?").fill("Request answered")
    _submit(page, "Lift legal hold")

    with page.expect_navigation():
        row.get_by_role("link", name="Dispose").click()
    expect(page.locator("main")).to_contain_text("ret_child_looked_after")
    _submit(page, "Dispose of the record")
    expect(page.locator(".invalid-feedback, .alert-danger").first).to_be_visible()
    page.get_by_label("I have checked this record is due").check()
    _submit(page, "Dispose of the record")
    expect(page.locator("body")).to_contain_text("disposed of under")
    page.screenshot(path=screenshot_path("retention-disposed"), full_page=True)

    _follow(page, "Disposals")
    expect(page.locator("#disposals")).to_contain_text("ret_child_looked_after")
    expect(page.locator("#disposals")).not_to_contain_text(SURNAME)
    assert not Child.objects.filter(pk=child.pk).exists()
    assert DisposalRecord.objects.get().object_id == child.pk
    assert not pdf.exists()
