"""Reads for accounts: users by role, and the access log of a record."""

from django.contrib.contenttypes.models import ContentType
from django.db.models import QuerySet

from .models import AccessLog, User


def user_list_with_role(*, role: str) -> QuerySet[User]:
    """Return active users holding `role`, ordered by name."""
    return User.objects.filter(is_active=True, groups__name=role).order_by(
        "last_name", "first_name"
    )


def access_log_list_for(*, model, object_ids) -> QuerySet[AccessLog]:
    """Return access-log rows about the given records of `model`, newest first."""
    content_type = ContentType.objects.get_for_model(model)
    return AccessLog.objects.filter(
        content_type=content_type, object_id__in=[str(i) for i in object_ids]
    ).select_related("user")


def user_totp_device(*, user: User, confirmed: bool = True):
    """Return the user's authenticator-app device (confirmed or pending), or None."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    return (
        TOTPDevice.objects.filter(user=user, confirmed=confirmed).order_by("id").first()
    )


def user_backup_device(*, user: User):
    """Return the user's confirmed device of single-use backup codes, or None."""
    from django_otp.plugins.otp_static.models import StaticDevice

    return StaticDevice.objects.filter(user=user, confirmed=True).order_by("id").first()


def user_has_second_factor(*, user: User) -> bool:
    """Return whether the user has set up multi-factor sign-in."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def user_backup_codes_left(*, user: User) -> int:
    """Return how many unused backup codes the user has."""
    from django_otp.plugins.otp_static.models import StaticToken

    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()
