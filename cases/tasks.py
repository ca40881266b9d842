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


@shared_task(
    acks_late=True, autoretry_for=(OperationalError,), retry_backoff=True, max_retries=5
)
def timescale_sweep_task(today: str | None = None) -> dict:
    """Run the daily sweep once for `today` (ISO; default: today in London).

    "Today" is computed once, here, so a retry sweeps the same day; the sweep
    takes an advisory lock and is idempotent, so a redelivery is harmless.
    """
    from datetime import date

    from django.utils import timezone

    from . import sweep

    day = date.fromisoformat(today) if today else timezone.localdate()
    result = sweep.sweep_all(today=day)
    return {"ran": result.ran, "due_soon": result.due_soon, "overdue": result.overdue}


@shared_task(outbox=False)
def pending_tasks_relay_task() -> int:
    from . import outbox

    outbox.worker_heartbeat_record()
    return outbox.pending_tasks_relay()
