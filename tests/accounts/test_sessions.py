"""Session controls: absolute lifetime, password change, and an administrator
ending a user's sessions or disabling the account, all acting at once."""

import time

import pytest
from django.test import Client
from django.urls import reverse

from accounts import services
from accounts.errors import AccountError
from accounts.models import AccessLog

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a-much-longer-new-passphrase"


def _signed_in(user, password):
    client = Client()
    response = client.post(
        reverse("accounts:login"),
        {"username": user.username, "password": password},
        REMOTE_ADDR="10.0.0.1",
    )
    assert response.status_code == 302
    return client


def _is_signed_out(client) -> bool:
    response = client.get(reverse("home"))
    return response.status_code == 302 and response.url.startswith(
        reverse("accounts:login")
    )


def test_session_ends_after_its_absolute_lifetime_even_when_active(
    client, iro, settings
):
    # given
    client.force_login(iro)
    session = client.session
    session["signed_in_at"] = int(time.time()) - settings.SESSION_COOKIE_AGE - 5
    session["last_activity"] = int(time.time())
    session.save()
    # when
    response = client.get(reverse("home"))
    # then
    assert response.status_code == 302
    assert _is_signed_out(client)
    entry = AccessLog.objects.get(action=AccessLog.Action.SIGN_OUT)
    assert entry.detail == "session ended (absolute)"


def test_session_within_its_lifetime_is_kept(client, iro, settings):
    client.force_login(iro)
    session = client.session
    session["signed_in_at"] = int(time.time()) - settings.SESSION_COOKIE_AGE + 60
    session.save()
    assert client.get(reverse("home")).status_code == 200


def test_password_change_signs_out_other_sessions_but_keeps_this_one(iro, password):
    # given
    here = _signed_in(iro, password)
    elsewhere = _signed_in(iro, password)
    # when
    response = here.post(
        reverse("accounts:password-change"),
        {
            "old_password": password,
            "new_password1": NEW_PASSWORD,
            "new_password2": NEW_PASSWORD,
        },
    )
    # then
    assert response.status_code == 302
    assert here.get(reverse("home")).status_code == 200
    assert _is_signed_out(elsewhere)
    iro.refresh_from_db()
    assert iro.check_password(NEW_PASSWORD)
    assert AccessLog.objects.filter(
        user=iro, action=AccessLog.Action.PASSWORD_CHANGED
    ).exists()


def test_password_change_with_a_wrong_current_password_changes_nothing(iro, password):
    here = _signed_in(iro, password)
    response = here.post(
        reverse("accounts:password-change"),
        {
            "old_password": "not-it",
            "new_password1": NEW_PASSWORD,
            "new_password2": NEW_PASSWORD,
        },
    )
    assert response.status_code == 200
    assert "Your old password was entered incorrectly" in response.content.decode()
    iro.refresh_from_db()
    assert iro.check_password(password)
    assert iro.session_epoch == 0


def test_administrator_ends_a_users_sessions_at_once(
    client, iro, administrator, password
):
    # given
    iro_client = _signed_in(iro, password)
    client.force_login(administrator)
    # when
    response = client.post(
        reverse("admin:accounts_user_changelist"),
        {"action": "end_sessions", "_selected_action": [iro.pk]},
    )
    # then
    assert response.status_code == 302
    assert _is_signed_out(iro_client)
    entry = AccessLog.objects.get(action=AccessLog.Action.SESSIONS_ENDED)
    assert (entry.user, entry.object_id) == (administrator, str(iro.pk))
    assert _signed_in(iro, password).get(reverse("home")).status_code == 200


def test_administrator_disables_an_account_at_once(
    client, iro, administrator, password
):
    # given
    iro_client = _signed_in(iro, password)
    client.force_login(administrator)
    # when
    client.post(
        reverse("admin:accounts_user_changelist"),
        {"action": "disable_accounts", "_selected_action": [iro.pk]},
    )
    # then
    iro.refresh_from_db()
    assert iro.is_active is False
    assert _is_signed_out(iro_client)
    assert AccessLog.objects.filter(action=AccessLog.Action.ACCOUNT_DISABLED).exists()
    again = Client().post(
        reverse("accounts:login"),
        {"username": iro.username, "password": password},
        REMOTE_ADDR="10.0.0.2",
    )
    assert again.status_code == 200


def test_administrator_cannot_disable_their_own_account(administrator):
    with pytest.raises(AccountError):
        services.user_disable(user=administrator, by=administrator)
    administrator.refresh_from_db()
    assert administrator.is_active is True


def test_other_roles_cannot_end_sessions_through_the_admin(client, iro, manager):
    client.force_login(manager)
    response = client.post(
        reverse("admin:accounts_user_changelist"),
        {"action": "end_sessions", "_selected_action": [iro.pk]},
    )
    iro.refresh_from_db()
    assert response.status_code == 302
    assert response.url.startswith(reverse("admin:login"))
    assert iro.session_epoch == 0
