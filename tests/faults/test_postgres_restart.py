"""PostgreSQL restarts under load: requests fail cleanly (503), then recover."""

import http.cookiejar
import os
import re
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter
from pathlib import Path

import pytest

from tests.faults.conftest import PG_BIN, ROOT, free_port, wait_for

pytestmark = [pytest.mark.faults]

USERNAME = "fault-manager"
PASSWORD = "fault-manager-restart-1"  # noqa: S105 - a throwaway test account
PAGES = ("/", "/children/", "/reporting/dashboard/")


def _environment(private_postgres) -> dict:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.faults.settings",
        "TEST_DATABASE_URL": private_postgres.url("rv_fault_restart"),
        "TEST_CELERY_BROKER_URL": "",
        "DJANGO_CONN_MAX_AGE": "60",
    }


@pytest.fixture(scope="module")
def restart_site(private_postgres, fault_folder, django_db_setup):
    """The app under gunicorn (2 workers) on the private PostgreSQL, with a manager.

    The schema is copied from the suite's migrated test database (pg_dump reads
    it; nothing is changed there), which is much quicker than migrating again.
    """
    from django.db import connection

    private_postgres.create_database("rv_fault_restart")
    source = connection.settings_dict
    # Before the first database test the connection still names the main database.
    name = source["NAME"]
    if not name.startswith("test_"):
        name = connection.creation._get_test_db_name()
    dump = subprocess.run(
        [
            str(PG_BIN / "pg_dump"),
            "--no-owner",
            "--no-privileges",
            "-h",
            source["HOST"] or "127.0.0.1",
            "-p",
            str(source["PORT"] or 5432),
            "-U",
            source["USER"] or "postgres",
            name,
        ],
        check=True,
        capture_output=True,
    )
    subprocess.run(
        [
            str(PG_BIN / "psql"),
            "-q",
            "-v",
            "ON_ERROR_STOP=1",
            "-h",
            "127.0.0.1",
            "-p",
            str(private_postgres.port),
            "-U",
            "postgres",
            "rv_fault_restart",
        ],
        input=dump.stdout,
        check=True,
        capture_output=True,
    )
    env = _environment(private_postgres)
    setup = (
        "import django; django.setup()\n"
        "from django.contrib.auth.models import Group\n"
        "from accounts.models import User\n"
        "from accounts.roles import Role, sync_role_groups\n"
        "sync_role_groups()\n"
        f"u = User.objects.create_user({USERNAME!r}, password={PASSWORD!r},"
        " first_name='Fault', last_name='Manager')\n"
        "u.groups.set([Group.objects.get(name=Role.MANAGER.value)])\n"
    )
    subprocess.run([sys.executable, "-c", setup], cwd=ROOT, env=env, check=True)
    port = free_port()
    log = fault_folder / "gunicorn.log"
    process = subprocess.Popen(
        [
            str(Path(sys.executable).with_name("gunicorn")),
            "config.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "2",
            "--timeout",
            "30",
        ],
        cwd=ROOT,
        env=env,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    wait_for(lambda: _answers(base), timeout=30, message="gunicorn did not start")
    yield base, process
    os.killpg(process.pid, signal.SIGTERM)
    process.wait(timeout=30)


def _answers(base: str) -> bool:
    try:
        urllib.request.urlopen(f"{base}/accounts/sign-in/", timeout=2).read()
    except OSError:  # refused, reset or timed out: not up yet
        return False
    return True


def _session_cookie(base: str) -> str:
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    form = opener.open(f"{base}/accounts/sign-in/").read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form).group(1)
    data = urllib.parse.urlencode(
        {"csrfmiddlewaretoken": token, "username": USERNAME, "password": PASSWORD}
    ).encode()
    opener.open(
        urllib.request.Request(
            f"{base}/accounts/sign-in/", data=data, headers={"Referer": base + "/"}
        )
    ).read()
    return next(f"sessionid={c.value}" for c in jar if c.name == "sessionid")


def _get(base: str, path: str, cookie: str) -> tuple[int, str]:
    request = urllib.request.Request(base + path, headers={"Cookie": cookie})
    try:
        with urllib.request.urlopen(request, timeout=20) as response:
            body = response.read().decode(errors="replace")
            if "/sign-in/" in response.url:
                return -1, "signed out"
            return response.status, body
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode(errors="replace")
    except OSError as exc:  # refused, reset or timed out
        return 0, repr(exc)


def test_postgres_restart_under_load_fails_cleanly_and_recovers(
    restart_site, private_postgres
):
    """During a restart pages answer 503 with a retry hint; afterwards all 200."""
    # given: 8 signed-in users requesting pages continuously
    base, process = restart_site
    cookie = _session_cookie(base)
    # (sent at, answered at, status, body)
    results: list[tuple[float, float, int, str]] = []
    stop = threading.Event()

    def user(offset: int) -> None:
        turn = offset
        while not stop.is_set():
            sent = time.monotonic()
            status, body = _get(base, PAGES[turn % len(PAGES)], cookie)
            results.append((sent, time.monotonic(), status, body))
            turn += 1

    threads = [threading.Thread(target=user, args=(i,)) for i in range(8)]
    for thread in threads:
        thread.start()
    try:
        time.sleep(2)
        # when: the database goes down for 3 seconds, then comes back
        stopping_at = time.monotonic()
        private_postgres.stop(mode="fast")  # returns once it has stopped
        down_at = time.monotonic()
        time.sleep(3)
        starting_at = time.monotonic()
        private_postgres.start()  # it may answer before pg_ctl says so
        up_at = time.monotonic()
        time.sleep(4)
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=30)
    # then
    statuses = Counter(status for _, _, status, _ in results)
    before = [s for _, at, s, _ in results if at < stopping_at]
    # Sent once the server had stopped and answered before it was started again.
    during = [
        (s, body)
        for sent, at, s, body in results
        if down_at < sent and at < starting_at
    ]
    after = [s for sent, _, s, _ in results if sent > up_at + 1]
    assert set(statuses) <= {200, 503}, statuses
    assert before and set(before) == {200}
    assert during and {s for s, _ in during} == {503}
    assert all("briefly unavailable" in body for _, body in during)
    assert after and set(after) == {200}, Counter(after)
    assert process.poll() is None
