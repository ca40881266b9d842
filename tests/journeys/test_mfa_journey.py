"""Multi-factor sign-in in real headless Chromium: set up the authenticator from
what the page shows, sign in with a code, then recover with a backup code."""

import time
from base64 import b32decode

import pytest
from django_otp.oath import TOTP
from playwright.sync_api import expect

from accounts.roles import Role
from tests.factories import PASSWORD, UserFactory
from tests.journeys.conftest import screenshot_path, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _code_from_key(key: str, *, steps_ahead: int = 0) -> str:
    """What an authenticator app shows for the key typed in from the page."""
    totp = TOTP(b32decode(key.replace(" ", "")), step=30, t0=0, digits=6, drift=0)
    totp.time = time.time() + 30 * steps_ahead
    return f"{totp.token():06d}"


def _submit(page, button: str) -> None:
    with page.expect_navigation():
        page.get_by_role("button", name=button).click()


def _sign_out(page) -> None:
    _submit(page, "Sign out")


def test_mfa_enrol_then_sign_in_with_code_then_with_backup_code(
    page, live_server, settings
):
    # given
    settings.MFA_REQUIRED = True
    UserFactory(username="mfa_iro", roles=[Role.IRO])
    # when: the first sign-in asks for an authenticator to be set up
    sign_in(page, live_server, "mfa_iro", PASSWORD)
    expect(
        page.get_by_role("heading", name="Set up multi-factor sign-in")
    ).to_be_visible()
    expect(page.locator(".mfa-qr svg")).to_be_visible()
    key = page.get_by_test_id("mfa-secret").inner_text()
    page.screenshot(path=screenshot_path("mfa_enrol"), full_page=True)
    page.fill("#id_token", "123")
    _submit(page, "Confirm and continue")
    expect(page.get_by_text("Enter the six digits the app shows.")).to_be_visible()
    page.fill("#id_token", _code_from_key(key))
    _submit(page, "Confirm and continue")
    # then: ten backup codes are shown once
    codes = page.get_by_test_id("backup-codes").locator("code").all_inner_texts()
    assert len(codes) == 10
    page.screenshot(path=screenshot_path("mfa_backup_codes"), full_page=True)
    with page.expect_navigation():
        page.get_by_role("link", name="I have kept my codes: continue").click()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    _sign_out(page)

    # when: the next sign-in asks for a code from the app
    sign_in(page, live_server, "mfa_iro", PASSWORD)
    expect(page.get_by_role("heading", name="Enter your code")).to_be_visible()
    page.fill("#id_token", _code_from_key(key, steps_ahead=1))
    _submit(page, "Continue")
    # then
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    _sign_out(page)

    # when: the phone is not at hand, a backup code lets the user in, once
    sign_in(page, live_server, "mfa_iro", PASSWORD)
    with page.expect_navigation():
        page.get_by_role("link", name="use a backup code").click()
    page.fill("#id_code", codes[0])
    _submit(page, "Continue")
    # then
    expect(
        page.get_by_text("You signed in with a backup code; 9 left.")
    ).to_be_visible()
    _sign_out(page)
    sign_in(page, live_server, "mfa_iro", PASSWORD)
    with page.expect_navigation():
        page.get_by_role("link", name="use a backup code").click()
    page.fill("#id_code", codes[0])
    _submit(page, "Continue")
    expect(page.get_by_text("That backup code was not accepted")).to_be_visible()
    expect(page.locator("#id_code")).to_have_value(codes[0])


def test_security_page_makes_new_backup_codes_and_changes_password(page, live_server):
    """With multi-factor sign-in relaxed, a user sets it up from the Security page."""
    # given
    UserFactory(
        username="sec_mgr", first_name="Ada", last_name="Byron", roles=[Role.MANAGER]
    )
    sign_in(page, live_server, "sec_mgr", PASSWORD)
    # when
    with page.expect_navigation():
        page.get_by_role("link", name="Ada Byron").click()
    with page.expect_navigation():
        page.get_by_role("link", name="Set up multi-factor sign-in").click()
    key = page.get_by_test_id("mfa-secret").inner_text()
    page.fill("#id_token", _code_from_key(key))
    _submit(page, "Confirm and continue")
    with page.expect_navigation():
        page.get_by_role("link", name="I have kept my codes: continue").click()
    with page.expect_navigation():
        page.get_by_role("link", name="Ada Byron").click()
    expect(page.get_by_test_id("codes-left")).to_have_text("10")
    _submit(page, "Make new backup codes")
    expect(page.get_by_text("The old ones no longer work")).to_be_visible()
    page.goto(f"{live_server.url}/accounts/security/password/")
    page.fill("#id_old_password", PASSWORD)
    page.fill("#id_new_password1", "a-much-longer-new-passphrase")
    page.fill("#id_new_password2", "a-much-longer-new-passphrase")
    _submit(page, "Change password")
    # then
    expect(page.get_by_text("Your password has been changed.")).to_be_visible()
