"""Writes for accounts: the access log, sessions and multi-factor sign-in."""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.db.models import F

from . import selectors
from .errors import AccountError
from .models import AccessLog, User


def _client_ip(request) -> str | None:
    if request is None:
        return None
    return request.META.get("REMOTE_ADDR") or None


def access_log_record(
    *,
    user: User | None,
    action: str,
    obj: models.Model | None = None,
    model: type[models.Model] | None = None,
    object_id: str | int | None = None,
    request=None,
    detail: str = "",
) -> AccessLog:
    """Record one access (view, refusal, search, export) to a record or list."""
    # `obj._meta.model`, not type(obj): request.user is a lazy proxy.
    model = model or (obj._meta.model if obj is not None else None)
    content_type = ContentType.objects.get_for_model(model) if model else None
    if obj is not None and object_id is None:
        object_id = obj.pk
    is_real_user = user is not None and getattr(user, "is_authenticated", False)
    return AccessLog.objects.create(
        user=user if is_real_user else None,
        username=user.get_username() if is_real_user else "",
        action=action,
        content_type=content_type,
        object_id="" if object_id is None else str(object_id)[:64],
        object_repr=str(obj)[:200] if obj is not None else "",
        path=(request.get_full_path()[:500] if request is not None else ""),
        ip_address=_client_ip(request),
        detail=detail[:500],
    )


# ----------------------------------------------------------- sessions and accounts


def _epoch_raise(user: User) -> None:
    User.objects.filter(pk=user.pk).update(session_epoch=F("session_epoch") + 1)
    user.refresh_from_db(fields=["session_epoch"])


@transaction.atomic
def user_sessions_end(*, user: User, by: User, request=None) -> User:
    """End every signed-in session of `user` at its next request."""
    _epoch_raise(user)
    access_log_record(
        user=by, action=AccessLog.Action.SESSIONS_ENDED, obj=user, request=request
    )
    return user


@transaction.atomic
def user_disable(*, user: User, by: User, request=None) -> User:
    """Disable the account of `user` and end its sessions at once."""
    if user.pk == by.pk:
        raise AccountError("You cannot disable your own account.")
    user.is_active = False
    user.save(update_fields=["is_active"])
    _epoch_raise(user)
    access_log_record(
        user=by, action=AccessLog.Action.ACCOUNT_DISABLED, obj=user, request=request
    )
    return user


@transaction.atomic
def user_password_change(*, user: User, password: str, request=None) -> User:
    """Set a new password and end every other session of the user.

    The caller keeps its own session by storing the new epoch in it.
    """
    user.set_password(password)
    user.save(update_fields=["password"])
    _epoch_raise(user)
    access_log_record(
        user=user, action=AccessLog.Action.PASSWORD_CHANGED, obj=user, request=request
    )
    return user


# -------------------------------------------------------- multi-factor sign-in


def _backup_codes_replace(*, user: User) -> list[str]:
    from django.conf import settings
    from django_otp.plugins.otp_static.models import StaticDevice, StaticToken

    device, _ = StaticDevice.objects.get_or_create(
        user=user, name="Backup codes", defaults={"confirmed": True}
    )
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(settings.MFA_BACKUP_CODE_COUNT)]
    StaticToken.objects.bulk_create(
        StaticToken(device=device, token=code) for code in codes
    )
    return codes


@transaction.atomic
def mfa_totp_device_pending(*, user: User):
    """Return the user's authenticator device awaiting its first code, made once."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = (
        TOTPDevice.objects.filter(user=user, confirmed=False).order_by("id").first()
    )
    if device is None:
        device = TOTPDevice.objects.create(
            user=user, name="Authenticator app", confirmed=False
        )
    return device


@transaction.atomic
def mfa_enrol_confirm(*, user: User, token: str, request=None):
    """Confirm the pending authenticator with its first code and issue backup codes.

    Returns (device, codes); raises AccountError for a wrong or expired code.
    """
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = (
        TOTPDevice.objects.select_for_update()
        .filter(user=user, confirmed=False)
        .order_by("id")
        .first()
    )
    if device is None:
        raise AccountError("Start setting up multi-factor sign-in again.")
    if not device.verify_token(_token_clean(token)):
        raise AccountError(
            "That code was not accepted. Check the time on your phone and enter "
            "the code the app shows now."
        )
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    codes = _backup_codes_replace(user=user)
    access_log_record(
        user=user, action=AccessLog.Action.MFA_ENROLLED, obj=user, request=request
    )
    return device, codes


def _token_clean(token: str) -> str:
    return "".join(token.split()).lower()


def mfa_verify(*, user: User, token: str, request=None):
    """Check an authenticator code; return the device, or None when refused.

    Refusals are logged and throttled by the device (doubling delays).
    """
    from django_otp.plugins.otp_totp.models import TOTPDevice

    with transaction.atomic():
        device = (
            TOTPDevice.objects.select_for_update()
            .filter(user=user, confirmed=True)
            .order_by("id")
            .first()
        )
        accepted = device is not None and device.verify_token(_token_clean(token))
        access_log_record(
            user=user,
            action=(
                AccessLog.Action.MFA_VERIFIED
                if accepted
                else AccessLog.Action.MFA_FAILED
            ),
            obj=user,
            request=request,
        )
    return device if accepted else None


def mfa_recover(*, user: User, code: str, request=None):
    """Accept one unused backup code, which can never be used again.

    Returns the backup device, or None when refused (logged and throttled).
    """
    from django_otp.plugins.otp_static.models import StaticDevice

    with transaction.atomic():
        device = (
            StaticDevice.objects.select_for_update()
            .filter(user=user, confirmed=True)
            .order_by("id")
            .first()
        )
        accepted = device is not None and device.verify_token(_token_clean(code))
        left = device.token_set.count() if accepted else None
        access_log_record(
            user=user,
            action=(
                AccessLog.Action.MFA_BACKUP_USED
                if accepted
                else AccessLog.Action.MFA_FAILED
            ),
            obj=user,
            request=request,
            detail=f"{left} backup codes left" if accepted else "backup code",
        )
    return device if accepted else None


@transaction.atomic
def mfa_backup_codes_renew(*, user: User, request=None) -> list[str]:
    """Replace the user's backup codes with a new set; the old ones stop working."""
    if not selectors.user_has_second_factor(user=user):
        raise AccountError("Set up multi-factor sign-in before asking for codes.")
    codes = _backup_codes_replace(user=user)
    access_log_record(
        user=user, action=AccessLog.Action.MFA_CODES_RENEWED, obj=user, request=request
    )
    return codes


@transaction.atomic
def mfa_reset(*, user: User, by: User, request=None) -> User:
    """Remove the user's authenticator and backup codes and end their sessions.

    At the next sign-in the user sets up multi-factor sign-in again.
    """
    from django_otp.plugins.otp_static.models import StaticDevice
    from django_otp.plugins.otp_totp.models import TOTPDevice

    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    _epoch_raise(user)
    access_log_record(
        user=by, action=AccessLog.Action.MFA_RESET, obj=user, request=request
    )
    return user
