import time

import pytest
from django.urls import reverse

from accounts.models import AccessLog

pytestmark = pytest.mark.django_db


def _sign_in(client, username, password, ip="10.0.0.1"):
    return client.post(
        reverse("accounts:login"),
        {"username": username, "password": password},
        REMOTE_ADDR=ip,
    )


def test_sign_in_and_out_are_logged(client, iro, password):
    response = _sign_in(client, iro.username, password)
    assert response.status_code == 302
    client.post(reverse("accounts:logout"))
    actions = list(AccessLog.objects.filter(user=iro).values_list("action", flat=True))
    assert sorted(actions) == ["sign_in", "sign_out"]


def test_wrong_password_shows_a_message(client, iro):
    response = _sign_in(client, iro.username, "wrong")
    assert response.status_code == 200
    assert "enter a correct username and password" in response.content.decode()


def test_lockout_is_by_user_and_address_not_address_alone(
    client, iro, manager, password
):
    """Five failures lock that user from that address, not other users or addresses."""
    # given
    for _ in range(5):
        _sign_in(client, iro.username, "wrong", ip="10.0.0.9")
    # when
    locked = _sign_in(client, iro.username, password, ip="10.0.0.9")
    other_user = _sign_in(client, manager.username, password, ip="10.0.0.9")
    client.logout()
    other_address = _sign_in(client, iro.username, password, ip="10.0.0.10")
    # then
    assert locked.status_code == 429
    assert "Too many failed sign-in attempts" in locked.content.decode()
    assert other_user.status_code == 302
    assert other_address.status_code == 302


def test_idle_session_is_signed_out(client, iro, settings):
    # given
    client.force_login(iro)
    client.get(reverse("home"))
    session = client.session
    session["last_activity"] = (
        int(time.time()) - settings.SESSION_IDLE_TIMEOUT_SECONDS - 5
    )
    session.save()
    # when
    response = client.get(reverse("home"))
    # then
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))
    assert client.get(reverse("home")).status_code == 302


def test_active_session_is_kept(client, iro):
    client.force_login(iro)
    client.get(reverse("home"))
    assert client.get(reverse("home")).status_code == 200


def test_roles_are_groups_with_declared_permissions(iro, administrator):
    assert iro.has_perm("cases.view_child")
    assert not iro.has_perm("cases.allocate_child")
    assert administrator.has_perm("cases.manage_calendar")
    assert not administrator.has_perm("cases.view_child")


def test_every_declared_role_permission_exists_after_migrate():
    """Each role group holds exactly its declared permissions after migrations."""
    from django.contrib.auth.models import Group

    from accounts.roles import ROLE_PERMISSIONS

    for role, declared in ROLE_PERMISSIONS.items():
        group = Group.objects.get(name=role)
        held = {
            f"{app}.{codename}"
            for app, codename in group.permissions.values_list(
                "content_type__app_label", "codename"
            )
        }
        assert held == set(declared), role
