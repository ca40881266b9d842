"""A real Celery worker, on a real Redis broker, against the test database."""

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
import redis

BROKER_URL = os.environ.get("TEST_WORKER_BROKER_URL", "redis://127.0.0.1:6379/15")
ROOT = Path(__file__).resolve().parents[2]


def _start_worker(database_name: str):
    log = tempfile.NamedTemporaryFile(  # noqa: SIM115 - the worker writes to it
        prefix="celery-worker-", suffix=".log", delete=False
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "TEST_DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{database_name}",
        "TEST_CELERY_BROKER_URL": BROKER_URL,
    }
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "config",
            "worker",
            "--pool=solo",
            "--loglevel=INFO",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            "-n",
            f"test-{os.getpid()}@%h",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        text = Path(log.name).read_text(errors="replace")
        if " ready." in text:
            return process, log.name
        if process.poll() is not None:
            break
        time.sleep(0.3)
    process.kill()
    raise RuntimeError(
        f"The Celery worker did not start:\n{Path(log.name).read_text()[-3000:]}"
    )


@pytest.fixture(scope="session")
def celery_worker_process(django_db_setup, django_db_blocker):
    """Start one worker process for the session; fail loudly if Redis is absent."""
    from django.db import connection

    try:
        redis.Redis.from_url(BROKER_URL).flushdb()
    except redis.ConnectionError as exc:
        pytest.fail(
            f"Redis is not running at {BROKER_URL} ({exc}); run `make test`, "
            "which starts it."
        )
    process, log = _start_worker(connection.settings_dict["NAME"])
    yield process
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
    Path(log).unlink(missing_ok=True)


@pytest.fixture
def real_broker(celery_worker_process):
    """Send tasks to the real broker (not in-process) for the duration of a test."""
    from config.celery import app

    previous = {
        "broker_url": app.conf.broker_url,
        "task_always_eager": app.conf.task_always_eager,
    }
    _reset_connections(app)
    app.conf.update(broker_url=BROKER_URL, task_always_eager=False)
    yield app
    _reset_connections(app)
    app.conf.update(**previous)


def _reset_connections(app):
    # Connections are made lazily from the configuration; drop any made so far.
    from kombu import pools

    pools.reset()
    app._pool = None
    app.amqp._producer_pool = None


def wait_for(predicate, timeout=30.0, interval=0.2):
    """Poll until `predicate()` is truthy; return its value or fail after `timeout`."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    pytest.fail(f"Condition not met within {timeout} s")
