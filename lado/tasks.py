"""Background jobs for LADO allegations: thin, idempotent wrappers around services."""

from datetime import date

from celery import shared_task
from django.db import OperationalError


@shared_task(
    acks_late=True, autoretry_for=(OperationalError,), retry_backoff=True, max_retries=5
)
def actions_chase_overdue_task(today: str | None = None) -> int:
    from . import services  # services import this module

    return services.actions_chase_overdue(
        today=date.fromisoformat(today) if today else None
    )


@shared_task(
    acks_late=True, autoretry_for=(OperationalError,), retry_backoff=True, max_retries=5
)
def minutes_send_task(distribution_id: int) -> bool:
    from . import services

    return services.minutes_send(distribution_id=distribution_id)


@shared_task(
    acks_late=True, autoretry_for=(OperationalError,), retry_backoff=True, max_retries=5
)
def allegation_due_dates_recalculate_task() -> int:
    from . import services

    return services.allegation_due_dates_recalculate()
