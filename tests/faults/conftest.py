"""Private PostgreSQL and Redis servers, and Celery workers on them, for fault tests.

The machine's own PostgreSQL and Redis are shared with other users of the suite,
so a test that stops or restarts a server starts its own throwaway one on a free
port (initdb into a temporary folder; redis-server with no persistence). Workers
read and write the suite's test database, as in tests/worker, and take tasks from
the private Redis.
"""

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
import redis

ROOT = Path(__file__).resolve().parents[2]
PG_BIN = Path(os.environ.get("FAULT_PG_BIN", "/usr/lib/postgresql/15/bin"))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(predicate, timeout=30.0, interval=0.1, message="Condition not met"):
    """Poll until `predicate()` is truthy; return its value or fail after `timeout`."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    pytest.fail(f"{message} within {timeout} s")


class PrivateRedis:
    """A redis-server on its own port that a test may stop and start again."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        executable = shutil.which("redis-server")
        if executable is None:
            pytest.fail("redis-server is not installed; `make test` installs it.")
        self.process = subprocess.Popen(
            [
                executable,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.folder),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_for(self.answers, timeout=10, message="Private Redis did not start")

    def answers(self) -> bool:
        try:
            return redis.Redis(port=self.port, socket_connect_timeout=0.5).ping()
        except redis.ConnectionError:
            return False

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)


class PrivatePostgres:
    """A PostgreSQL cluster in a temporary folder, on its own port."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.data = folder / "data"
        self.port = free_port()
        self.log = folder / "postgres.log"

    def _run(self, *command: str, check=True) -> subprocess.CompletedProcess:
        # initdb and postgres refuse to run as root: run them as postgres.
        prefix = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        return subprocess.run(
            [*prefix, *command], check=check, capture_output=True, text=True
        )

    def init(self) -> None:
        if not (PG_BIN / "initdb").exists():
            pytest.fail(f"PostgreSQL server binaries are missing from {PG_BIN}.")
        if os.geteuid() == 0:
            shutil.chown(self.folder, "postgres")
        self._run(
            str(PG_BIN / "initdb"),
            "-D",
            str(self.data),
            "-A",
            "trust",
            "-U",
            "postgres",
            "--no-sync",
        )
        self.start()

    def start(self) -> None:
        options = (
            f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 "
            "-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        )
        self._run(
            str(PG_BIN / "pg_ctl"),
            "-D",
            str(self.data),
            "-l",
            str(self.log),
            "-o",
            options,
            "-w",
            "start",
        )

    def stop(self, mode="fast") -> None:
        self._run(
            str(PG_BIN / "pg_ctl"),
            "-D",
            str(self.data),
            "-m",
            mode,
            "-w",
            "stop",
            check=False,
        )

    def url(self, name: str) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{name}"

    def create_database(self, name: str) -> None:
        self._run(
            str(PG_BIN / "createdb"),
            "-h",
            "127.0.0.1",
            "-p",
            str(self.port),
            "-U",
            "postgres",
            name,
        )


class Worker:
    """A Celery worker process (its own process group) on the private Redis."""

    def __init__(self, *, database_url: str, broker_url: str, pool: str, env: dict):
        self.log = Path(tempfile.mkstemp(prefix="fault-worker-", suffix=".log")[1])
        pool_args = (
            ["--pool=solo"] if pool == "solo" else ["--pool=prefork", "--concurrency=1"]
        )
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "tests.faults.fault_app",
                "worker",
                *pool_args,
                "--loglevel=INFO",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
                "-n",
                f"fault-{os.getpid()}-{time.time_ns()}@%h",
            ],
            cwd=ROOT,
            env={
                **os.environ,
                "DJANGO_SETTINGS_MODULE": "tests.faults.settings",
                "TEST_DATABASE_URL": database_url,
                "TEST_CELERY_BROKER_URL": broker_url,
                **env,
            },
            stdout=self.log.open("w"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + 60
        while " ready." not in self.text():
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.kill()
                pytest.fail(f"The Celery worker did not start:\n{self.text()[-3000:]}")
            time.sleep(0.2)

    def text(self) -> str:
        return self.log.read_text(errors="replace")

    def kill(self) -> None:
        """SIGKILL the whole worker (main process and pool), as a dying host would."""
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.kill()
        self.log.unlink(missing_ok=True)


@pytest.fixture(scope="session")
def fault_folder():
    folder = Path(tempfile.mkdtemp(prefix="rv-faults-"))
    os.chmod(folder, 0o755)
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def private_redis(fault_folder):
    """A Redis of this test's own; stopped at the end."""
    folder = Path(tempfile.mkdtemp(dir=fault_folder))
    server = PrivateRedis(folder)
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def private_postgres(fault_folder):
    """A PostgreSQL cluster of this session's own; removed at the end."""
    folder = fault_folder / "pg"
    folder.mkdir()
    server = PrivatePostgres(folder)
    server.init()
    yield server
    server.stop(mode="immediate")


@pytest.fixture
def media_root(fault_folder, settings):
    folder = Path(tempfile.mkdtemp(dir=fault_folder))
    settings.MEDIA_ROOT = str(folder)
    return folder


@pytest.fixture
def start_worker(private_redis, media_root, django_db_blocker):
    """Start workers on the private Redis against the test database; stop them after."""
    from django.db import connection

    database_url = (
        f"postgres://postgres@{connection.settings_dict['HOST'] or '127.0.0.1'}:"
        f"{connection.settings_dict['PORT'] or 5432}/{connection.settings_dict['NAME']}"
    )
    workers: list[Worker] = []

    def start(*, pool="solo", **env) -> Worker:
        worker = Worker(
            database_url=database_url,
            broker_url=private_redis.url,
            pool=pool,
            env={"DJANGO_MEDIA_ROOT": str(media_root), **env},
        )
        workers.append(worker)
        return worker

    yield start
    for worker in workers:
        worker.stop()


@pytest.fixture
def fault_broker(private_redis):
    """Send tasks from this process to the private Redis for the test's duration."""
    from config.celery import app

    previous = {
        "broker_url": app.conf.broker_url,
        "task_always_eager": app.conf.task_always_eager,
    }
    _reset_connections(app)
    app.conf.update(broker_url=private_redis.url, task_always_eager=False)
    yield app
    _reset_connections(app)
    app.conf.update(**previous)


def _reset_connections(app):
    # Connections are made lazily from the configuration; drop any made so far.
    from kombu import pools

    pools.reset()
    app._pool = None
    app.amqp._producer_pool = None
