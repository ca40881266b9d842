"""Celery application: reads CELERY_* settings and discovers each app's tasks.

Every task is a `ResilientTask`: when the broker cannot be reached, the task is
kept in the database (cases.PendingTask) instead of failing the request that
queued it, and the outbox relay, which beat queues every minute, sends it once the
broker is back. Tasks are idempotent, so a task sent twice is harmless.
"""

import logging
import os

from celery import Celery, Task

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

logger = logging.getLogger(__name__)


def _broker_errors() -> tuple[type[BaseException], ...]:
    from kombu.exceptions import OperationalError as KombuOperationalError

    errors: list[type[BaseException]] = [KombuOperationalError, ConnectionError]
    try:
        from redis.exceptions import ConnectionError as RedisConnectionError
        from redis.exceptions import TimeoutError as RedisTimeoutError
    except ImportError:  # another broker transport
        pass
    else:
        errors += [RedisConnectionError, RedisTimeoutError]
    return tuple(errors)


class ResilientTask(Task):
    """A task whose sending never fails for want of a broker: it waits in the outbox."""

    #: False for tasks that are pointless to keep (the relay itself).
    outbox = True

    def apply_async(self, args=None, kwargs=None, task_id=None, **options):
        keep = options.pop("outbox", self.outbox)
        if not keep or self.app.conf.task_always_eager:
            return super().apply_async(args, kwargs, task_id=task_id, **options)
        try:
            return super().apply_async(args, kwargs, task_id=task_id, **options)
        except _broker_errors() as exc:
            from cases.outbox import pending_task_record

            pending_task_record(
                task_name=self.name,
                args=list(args or ()),
                kwargs=dict(kwargs or {}),
                error=f"{type(exc).__name__}: {exc}",
            )
            return None


app = Celery("reviewing", task_cls=ResilientTask)
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
