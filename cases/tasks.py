"""Background jobs for the child record: thin wrappers around services."""

from celery import shared_task
from django.db import OperationalError


@shared_task(
    acks_late=True, autoretry_for=(OperationalError,), retry_backoff=True, max_retries=5
)
def due_dates_recalculate_task() -> int:
    from . import services

    return services.due_dates_recalculate()


@shared_task(
    acks_late=True, autoretry_for=(OperationalError,), retry_backoff=True, max_retries=5
)
def allocation_notify_task(allocation_id: int) -> bool:
    from . import services

    return services.allocation_notify(allocation_id=allocation_id)
