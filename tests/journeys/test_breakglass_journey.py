"""Emergency (break-glass) access and autosave, in real headless Chromium."""

import pytest
from django.conf import settings as django_settings
from django.contrib.sessions.models import Session
from django.test import Client
from playwright.sync_api import expect

from accounts.models import AccessLog, Notification
from accounts.roles import Role
from cases.models import BreakGlassGrant, Child
from tests.factories import (
    PASSWORD,
    AllocationFactory,
    CareEpisodeFactory,
    ChildFactory,
    UserFactory,
)
from tests.journeys.conftest import screenshot_path, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

REASON = "Police called out of hours: child reported missing from a friend's home."


def _submit(page, button: str) -> None:
    with page.expect_navigation():
        page.get_by_role("button", name=button).click()


def _sign_in_by_cookie(page, live_server, user) -> None:
    """Start a new signed-in session in the browser without the sign-in form."""
    client = Client()
    client.force_login(user)
    cookie = client.cookies[django_settings.SESSION_COOKIE_NAME]
    page.context.add_cookies(
        [
            {
                "name": django_settings.SESSION_COOKIE_NAME,
                "value": cookie.value,
                "url": live_server.url,
            }
        ]
    )


def _sign_out(page) -> None:
    with page.expect_navigation():
        page.get_by_role("button", name="Sign out").click()


def test_iro_opens_a_record_in_an_emergency_and_a_manager_reviews_it(page, live_server):
    # given: a child outside the IRO's scope, allocated to another IRO
    iro = UserFactory(username="bg_iro", roles=[Role.IRO])
    owner = UserFactory(username="bg_owner", roles=[Role.IRO])
    manager = UserFactory(username="bg_manager", roles=[Role.MANAGER])
    child = ChildFactory(first_name="Rowan", last_name="Ashdown")
    AllocationFactory(child=child, worker=owner)

    # when: the IRO opens the record and is refused
    sign_in(page, live_server, iro.username, PASSWORD)
    page.goto(f"{live_server.url}/children/{child.pk}/")
    expect(page.get_by_role("heading", name="Page not found")).to_be_visible()
    with page.expect_navigation():
        page.get_by_role("link", name="Request emergency access").click()
    # a reason too short is refused, and what was typed stays
    page.fill("#id_reason", "urgent")
    _submit(page, "Open the record now")
    expect(page.get_by_text("at least 20 characters")).to_be_visible()
    expect(page.locator("#id_reason")).to_have_value("urgent")
    page.fill("#id_reason", REASON)
    _submit(page, "Open the record now")

    # then: the record opens, under a visible warning
    expect(page.get_by_role("heading", name="Rowan Ashdown")).to_be_visible()
    expect(page.get_by_text("You are using emergency access")).to_be_visible()
    page.screenshot(path=screenshot_path("breakglass-1-record-open"), full_page=True)
    grant = BreakGlassGrant.objects.get()
    assert (grant.user, grant.child, grant.reason) == (iro, child, REASON)
    assert set(Notification.objects.values_list("user__username", flat=True)) == {
        "bg_owner",
        "bg_manager",
    }
    assert AccessLog.objects.filter(
        user=iro, detail=f"Emergency access grant #{grant.pk}"
    ).exists()

    # when: a manager reviews the access
    _sign_out(page)
    sign_in(page, live_server, manager.username, PASSWORD)
    with page.expect_navigation():
        page.get_by_role("navigation", name="Main").get_by_role(
            "link", name="Emergency access"
        ).click()
    expect(page.get_by_text(REASON)).to_be_visible()
    with page.expect_navigation():
        page.get_by_role("link", name="Review access by").click()
    expect(page.get_by_text(f"/children/{child.pk}/")).to_be_visible()
    page.get_by_label("Not appropriate").check()
    _submit(page, "Record review")
    expect(page.get_by_text("Say why the access was not appropriate.")).to_be_visible()
    page.fill("#id_note", "The duty IRO was available by phone.")
    _submit(page, "Record review")

    # then
    expect(page.get_by_text("Review recorded.")).to_be_visible()
    expect(page.get_by_text("Nothing awaits review.")).to_be_visible()
    page.screenshot(path=screenshot_path("breakglass-2-reviewed"), full_page=True)
    grant.refresh_from_db()
    assert (grant.outcome, grant.reviewed_by) == ("not_appropriate", manager)


def test_typing_survives_an_expired_session_and_is_saved_after_sign_in(
    page, live_server
):
    # given: an IRO editing a child's record, whose session then ends
    iro = UserFactory(username="as_iro", roles=[Role.IRO])
    child = CareEpisodeFactory(child__preferred_name="").child
    edit_url = f"{live_server.url}/children/{child.pk}/edit/"
    sign_in(page, live_server, iro.username, PASSWORD)
    page.goto(edit_url)
    page.fill("#id_preferred_name", "Wren")
    page.fill("#id_advocacy_details", "Advocate from Voices, fortnightly.")
    # The server forgets the session, as when the inactivity timeout ends it.
    Session.objects.all().delete()

    # when: saving meets the sign-in page; after signing in the form is reopened
    _submit(page, "Save")
    expect(page.locator("#id_username")).to_be_visible()
    assert Child.objects.get(pk=child.pk).preferred_name == ""
    _sign_in_by_cookie(page, live_server, iro)
    page.goto(edit_url)

    # then: what was typed is back in the form, and saving it clears the copy
    expect(page.locator("#autosave-restored")).to_be_visible()
    expect(page.locator("#id_preferred_name")).to_have_value("Wren")
    page.screenshot(path=screenshot_path("autosave-1-restored"), full_page=True)
    _submit(page, "Save")
    expect(page.get_by_text("Record updated.")).to_be_visible()
    child.refresh_from_db()
    assert child.preferred_name == "Wren"
    assert child.advocacy_details == "Advocate from Voices, fortnightly."
    kept = page.evaluate(
        "Object.keys(localStorage).filter(k => k.startsWith('autosave:')).length"
    )
    assert kept == 0
