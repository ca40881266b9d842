"""Background jobs for the record: thin, idempotent wrappers around services."""

from celery import shared_task
from django.db import OperationalError


@shared_task(
    acks_late=True, autoretry_for=(OperationalError,), retry_backoff=True, max_retries=5
)
def chair_report_render_task(report_id: int) -> None:
    from . import services  # services import this module

    services.chair_report_render(report_id=report_id)


@shared_task(
    acks_late=True, autoretry_for=(OperationalError,), retry_backoff=True, max_retries=5
)
def distribution_send_task(distribution_id: int) -> bool:
    from . import services

    return services.distribution_send(distribution_id=distribution_id)


@shared_task(
    acks_late=True, autoretry_for=(OperationalError,), retry_backoff=True, max_retries=5
)
def cp_minutes_render_task(minutes_id: int) -> None:
    from . import services

    services.minutes_render(minutes_id=minutes_id)


@shared_task(
    acks_late=True, autoretry_for=(OperationalError,), retry_backoff=True, max_retries=5
)
def cp_sending_send_task(sending_id: int) -> bool:
    from . import services

    return services.cp_sending_send(sending_id=sending_id)


@shared_task(
    acks_late=True, autoretry_for=(OperationalError,), retry_backoff=True, max_retries=5
)
def practice_alerts_chase_overdue_task(today: str | None = None) -> int:
    """Chase overdue practice alerts once for `today` (ISO; default: today in London).

    Idempotent: an alert chased since its due date passed is not chased again.
    """
    from datetime import date

    from django.utils import timezone

    from . import services

    day = date.fromisoformat(today) if today else timezone.localdate()
    return services.practice_alerts_chase_overdue(today=day)
