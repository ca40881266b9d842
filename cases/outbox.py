"""The outbox of background work: a task that cannot reach the broker is kept in
the database and sent when the broker returns; the worker's heartbeat; and the
read behind the administrators' "Background work delayed" notice."""

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Count, Min
from django.utils import timezone

from .models import PendingTask, WorkerHeartbeat

logger = logging.getLogger(__name__)

RELAY_HEARTBEAT = "outbox-relay"


def pending_task_record(
    *, task_name: str, args: list, kwargs: dict, error: str
) -> PendingTask:
    """Keep a task the broker refused, to be sent when the broker returns."""
    row = PendingTask.objects.create(
        task_name=task_name,
        args=list(args),
        kwargs=dict(kwargs),
        attempts=1,
        last_error=error[:500],
    )
    logger.warning(
        "Broker unreachable: %s kept as pending task %s (%s)", task_name, row.pk, error
    )
    return row


@transaction.atomic
def pending_tasks_relay(*, limit: int = 500) -> int:
    """Send waiting tasks to the broker, oldest first; return how many were sent.

    Rows are locked with SKIP LOCKED so two relays never send the same row; a
    row whose sending fails stays waiting with the error, and the relay stops,
    since the broker is down again. A row sent but not marked (the commit fails)
    is sent again later, which every task in this project tolerates.
    """
    from celery import current_app

    sent = 0
    rows = PendingTask.objects.select_for_update(skip_locked=True).filter(
        relayed_at__isnull=True
    )[:limit]
    for row in rows:
        task = current_app.tasks.get(row.task_name)
        try:
            if task is None:
                current_app.send_task(row.task_name, args=row.args, kwargs=row.kwargs)
            else:
                task.apply_async(args=row.args, kwargs=row.kwargs, outbox=False)
        except Exception as exc:  # the broker is down again: keep the row waiting
            row.attempts += 1
            row.last_error = f"{type(exc).__name__}: {exc}"[:500]
            row.save(update_fields=["attempts", "last_error"])
            logger.warning("Relay of pending task %s failed: %s", row.pk, exc)
            break
        row.relayed_at = timezone.now()
        row.save(update_fields=["relayed_at"])
        sent += 1
    return sent


def worker_heartbeat_record(*, name: str = RELAY_HEARTBEAT) -> WorkerHeartbeat:
    """Note that the background worker ran just now."""
    beat, _ = WorkerHeartbeat.objects.update_or_create(
        name=name, defaults={"seen_at": timezone.now()}
    )
    return beat



@dataclass(frozen=True)
class BackgroundDelay:
    waiting: int
    oldest_at: datetime | None
    worker_seen_at: datetime | None
    worker_stale: bool

    @property
    def is_delayed(self) -> bool:
        return bool(self.waiting) or self.worker_stale


def background_delay_get(
    *, now: datetime, stale_after: timedelta, broker_configured: bool
) -> BackgroundDelay:
    """Return how much work waits for the broker and whether the worker has gone quiet.

    The worker is stale when a broker is configured and the relay, which beat
    queues every minute, last ran longer ago than `stale_after`.
    """
    waiting = PendingTask.objects.filter(relayed_at__isnull=True).aggregate(
        count=Count("pk"), oldest=Min("created_at")
    )
    beat = WorkerHeartbeat.objects.filter(name=RELAY_HEARTBEAT).first()
    seen_at = beat.seen_at if beat else None
    return BackgroundDelay(
        waiting=waiting["count"],
        oldest_at=waiting["oldest"],
        worker_seen_at=seen_at,
        worker_stale=bool(
            broker_configured and seen_at is not None and now - seen_at > stale_after
        ),
    )
