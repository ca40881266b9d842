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
