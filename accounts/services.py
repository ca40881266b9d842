"""Writes for accounts: the access log."""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.db import models

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
    model = model or (type(obj) if obj is not None else None)
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
