"""Template context for every page."""

from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from accounts.roles import Role


def background_notice(request):
    """For administrators: whether background work is delayed, and why.

    Other users get nothing and cost no query.
    """
    user = getattr(request, "user", None)
    if (
        user is None
        or not user.is_authenticated
        or not user.has_role(Role.ADMINISTRATOR)
    ):
        return {}
    from .outbox import background_delay_get

    delay = background_delay_get(
        now=timezone.now(),
        stale_after=timedelta(minutes=settings.BACKGROUND_DELAY_NOTICE_MINUTES),
        broker_configured=not settings.CELERY_TASK_ALWAYS_EAGER,
    )
    return {"background_delay": delay if delay.is_delayed else None}
