"""Multi-factor sign-in: enrolment, the verify step, backup codes and their reset."""

import pytest
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import services
from accounts.models import AccessLog
from tests.accounts.totp import totp_token

pytestmark = pytest.mark.django_db


@pytest.fixture
def mfa_required(settings):
    settings.MFA_REQUIRED = True
    # No waiting between tries, except in the test of the waiting itself.
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    settings.OTP_STATIC_THROTTLE_FACTOR = 0
    return settings


def _sign_in(client, user, password, next_url=""):
    data = {"username": user.username, "password": password}
    if next_url:
        data["next"] = next_url
    return client.post(reverse("accounts:login"), data, REMOTE_ADDR="10.0.0.1")


def _enrolled(user):
    """Give `user` a confirmed authenticator and backup codes; return (device, codes)."""
    services.mfa_totp_device_pending(user=user)
    device = TOTPDevice.objects.get(user=user)
    return services.mfa_enrol_confirm(user=user, token=totp_token(device))


def _actions(user):
    return list(
        AccessLog.objects.filter(object_id=str(user.pk))
        .order_by("id")
        .values_list("action", flat=True)
    )


def test_sign_in_leads_to_enrolment_when_required(client, iro, password, mfa_required):
    # when
    response = _sign_in(client, iro, password)
    follow = client.get(response.url)
    # then
    assert follow.status_code == 302
    assert follow.url.startswith(reverse("accounts:mfa-enrol"))
    assert client.get(reverse("cases:child-list")).url.startswith(
        reverse("accounts:mfa-enrol")
    )


def test_nothing_but_the_mfa_pages_is_reachable_before_the_second_factor(
    client, administrator, password, mfa_required
):
    """The admin site too waits for the second factor."""
    _sign_in(client, administrator, password)
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302
    assert response.url == f"{reverse('accounts:mfa-enrol')}?next=%2Fadmin%2F"


def test_enrolment_shows_a_qr_code_and_the_key(client, iro, password, mfa_required):
    _sign_in(client, iro, password)
    response = client.get(reverse("accounts:mfa-enrol"))
    content = response.content.decode()
    device = TOTPDevice.objects.get(user=iro, confirmed=False)
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert "<svg" in content
    assert response.context["secret"].replace(" ", "") in (device.config_url)


def test_enrolment_with_a_wrong_code_keeps_the_device_pending(
    client, iro, password, mfa_required
):
    # given
    _sign_in(client, iro, password)
    client.get(reverse("accounts:mfa-enrol"))
    # when
    response = client.post(reverse("accounts:mfa-enrol"), {"token": "000000"})
    # then
    assert response.status_code == 200
    assert "That code was not accepted" in response.content.decode()
    assert not TOTPDevice.objects.filter(user=iro, confirmed=True).exists()
    assert client.get(reverse("home")).status_code == 302


def test_enrolment_with_letters_is_refused_with_a_message(
    client, iro, password, mfa_required
):
    _sign_in(client, iro, password)
    response = client.post(reverse("accounts:mfa-enrol"), {"token": "12ab56"})
    assert response.status_code == 200
    assert "Enter the six digits" in response.content.decode()
    assert 'value="12ab56"' in response.content.decode()


def test_enrolment_confirms_the_device_and_shows_backup_codes_once(
    client, iro, password, mfa_required
):
    # given
    _sign_in(client, iro, password, next_url=reverse("cases:child-list"))
    client.get(reverse("accounts:mfa-enrol"))
    device = TOTPDevice.objects.get(user=iro)
    # when
    response = client.post(
        reverse("accounts:mfa-enrol"),
        {"token": totp_token(device), "next": reverse("cases:child-list")},
    )
    # then
    codes = response.context["codes"]
    assert response.status_code == 200
    assert len(codes) == 10
    assert set(codes) == set(
        StaticToken.objects.filter(device__user=iro).values_list("token", flat=True)
    )
    assert TOTPDevice.objects.get(user=iro).confirmed
    assert client.get(reverse("cases:child-list")).status_code == 200
    assert _actions(iro) == ["mfa_enrolled"]


def test_verify_step_is_asked_for_at_every_sign_in(client, iro, password, mfa_required):
    # given
    device, _ = _enrolled(iro)
    # when
    _sign_in(client, iro, password, next_url=reverse("cases:child-list"))
    blocked = client.get(reverse("cases:child-list"))
    verified = client.post(
        reverse("accounts:mfa-verify"),
        {
            "token": totp_token(device, steps_ahead=1),
            "next": reverse("cases:child-list"),
        },
    )
    # then
    assert blocked.url.startswith(reverse("accounts:mfa-verify"))
    assert verified.status_code == 302
    assert verified.url == reverse("cases:child-list")
    assert client.get(reverse("cases:child-list")).status_code == 200
    assert _actions(iro)[-1] == "mfa_verified"


def test_wrong_code_is_refused_and_logged(client, iro, password, mfa_required):
    _enrolled(iro)
    _sign_in(client, iro, password)
    response = client.post(reverse("accounts:mfa-verify"), {"token": "000000"})
    assert response.status_code == 200
    assert "That code was not accepted" in response.content.decode()
    assert _actions(iro)[-1] == "mfa_failed"
    assert client.get(reverse("home")).status_code == 302


def test_codes_must_wait_after_a_wrong_one(client, iro, password, mfa_required):
    """After a wrong code the device refuses even the right one for a while."""
    # given
    mfa_required.OTP_TOTP_THROTTLE_FACTOR = 60
    device, _ = _enrolled(iro)
    _sign_in(client, iro, password)
    client.post(reverse("accounts:mfa-verify"), {"token": "000000"})
    # when
    response = client.post(
        reverse("accounts:mfa-verify"), {"token": totp_token(device, steps_ahead=1)}
    )
    # then
    assert response.status_code == 200
    assert client.get(reverse("home")).status_code == 302


def test_a_code_cannot_be_used_twice(client, iro, password, mfa_required):
    # given
    device, _ = _enrolled(iro)
    token = totp_token(device, steps_ahead=1)
    _sign_in(client, iro, password)
    client.post(reverse("accounts:mfa-verify"), {"token": token})
    client.post(reverse("accounts:logout"))
    # when
    _sign_in(client, iro, password)
    response = client.post(reverse("accounts:mfa-verify"), {"token": token})
    # then
    assert response.status_code == 200
    assert client.get(reverse("home")).status_code == 302


def test_an_enrolled_user_is_asked_for_a_code_even_when_not_required(
    client, iro, password
):
    _enrolled(iro)
    _sign_in(client, iro, password)
    response = client.get(reverse("home"))
    assert response.url.startswith(reverse("accounts:mfa-verify"))


def test_password_alone_cannot_replace_the_authenticator(
    client, iro, password, mfa_required
):
    """Someone with only the password is sent to the verify step, not to set-up."""
    _enrolled(iro)
    _sign_in(client, iro, password)
    response = client.get(reverse("accounts:mfa-enrol"))
    assert response.url.startswith(reverse("accounts:mfa-verify"))
    assert TOTPDevice.objects.filter(user=iro).count() == 1


def test_a_backup_code_works_once(client, iro, password, mfa_required):
    # given
    _, codes = _enrolled(iro)
    _sign_in(client, iro, password)
    # when
    first = client.post(reverse("accounts:mfa-recover"), {"code": codes[0].upper()})
    client.post(reverse("accounts:logout"))
    _sign_in(client, iro, password)
    second = client.post(reverse("accounts:mfa-recover"), {"code": codes[0]})
    # then
    assert first.status_code == 302
    assert second.status_code == 200
    assert "That backup code was not accepted" in second.content.decode()
    assert StaticToken.objects.filter(device__user=iro).count() == 9
    assert "mfa_backup_used" in _actions(iro)


def test_new_backup_codes_replace_the_old(client, iro, password, mfa_required):
    # given
    device, old = _enrolled(iro)
    _sign_in(client, iro, password)
    client.post(
        reverse("accounts:mfa-verify"), {"token": totp_token(device, steps_ahead=1)}
    )
    # when
    response = client.post(reverse("accounts:mfa-backup-codes-renew"))
    # then
    new = response.context["codes"]
    held = set(
        StaticToken.objects.filter(device__user=iro).values_list("token", flat=True)
    )
    assert held == set(new)
    assert not held & set(old)
    assert _actions(iro)[-1] == "mfa_codes_renewed"


def test_security_page_counts_backup_codes_left(client, iro, password, mfa_required):
    device, codes = _enrolled(iro)
    _sign_in(client, iro, password)
    client.post(reverse("accounts:mfa-recover"), {"code": codes[3]})
    response = client.get(reverse("accounts:security"))
    assert response.context["codes_left"] == 9
    assert response.context["has_second_factor"] is True


def test_administrator_resets_a_users_mfa_and_ends_their_sessions(
    client, iro, administrator, password, mfa_required
):
    # given
    device, _ = _enrolled(iro)
    iro_client = Client()
    _sign_in(iro_client, iro, password)
    iro_client.post(
        reverse("accounts:mfa-verify"), {"token": totp_token(device, steps_ahead=1)}
    )
    assert iro_client.get(reverse("home")).status_code == 200
    admin_device, _ = _enrolled(administrator)
    _sign_in(client, administrator, password)
    client.post(
        reverse("accounts:mfa-verify"),
        {"token": totp_token(admin_device, steps_ahead=1)},
    )
    # when
    response = client.post(
        reverse("admin:accounts_user_changelist"),
        {"action": "reset_mfa", "_selected_action": [iro.pk]},
    )
    # then
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=iro).exists()
    assert not StaticDevice.objects.filter(user=iro).exists()
    assert iro_client.get(reverse("home")).url.startswith(reverse("accounts:login"))
    entry = AccessLog.objects.get(action=AccessLog.Action.MFA_RESET)
    assert (entry.user, entry.object_id) == (administrator, str(iro.pk))
    _sign_in(iro_client, iro, password)
    assert iro_client.get(reverse("home")).url.startswith(reverse("accounts:mfa-enrol"))


def test_verify_never_redirects_off_site(client, iro, password, mfa_required):
    device, _ = _enrolled(iro)
    _sign_in(client, iro, password)
    response = client.post(
        reverse("accounts:mfa-verify"),
        {"token": totp_token(device, steps_ahead=1), "next": "https://evil.example/"},
    )
    assert response.url == reverse("home")


def test_sign_in_page_says_when_mfa_is_relaxed(client, settings):
    settings.MFA_REQUIRED = False
    relaxed = client.get(reverse("accounts:login")).content.decode()
    settings.MFA_REQUIRED = True
    required = client.get(reverse("accounts:login")).content.decode()
    assert "multi-factor sign-in is not required here" in relaxed
    assert "multi-factor sign-in is not required here" not in required
    assert "a code from your authenticator app" in required
