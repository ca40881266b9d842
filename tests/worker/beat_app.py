"""The project's Celery app with a beat schedule that sweeps every 2 seconds.

Used only by tests/worker/test_sweep_tasks.py to run a real `celery beat`:
`celery -A tests.worker.beat_app beat -S celery.beat:PersistentScheduler`.
"""

from config.celery import app

app.conf.beat_schedule = {
    "timescale-sweep-test": {
        "task": "cases.tasks.timescale_sweep_task",
        "schedule": 2.0,
    }
}

__all__ = ["app"]
