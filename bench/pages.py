"""Benchmark of the managers' dashboard and list pages under gunicorn.

Against the PostgreSQL database named by DATABASE_URL, holding national-scale data
(bench/sweep.py seeds ~3 million meetings), it migrates, vacuums the meetings table,
makes sure a manager user exists,
builds the nightly indicator summary (reporting/sweep.py) and times that,
starts gunicorn (config.wsgi, 2 workers, persistent database connections, DEBUG
off) on 127.0.0.1 at a free port, signs in through the real sign-in form, then
requests each dashboard and list page and a trivial page (the home page: the
session, the user and one small query) in turn, `--requests` times each, and
prints p50 and p95 per page and each page's p50 as a multiple of the trivial
page's. Stops gunicorn at the end. Query counts are pinned by the test suite
(tests/reporting), not measured here. Not run by the test suite.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/reviewing_bench_sweep \\
        .venv/bin/python bench/pages.py [--requests 30]
"""

from __future__ import annotations

import argparse
import http.cookiejar
import math
import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

USERNAME = "bench-manager"
PASSWORD = "bench-manager-pages-1"  # noqa: S105 - a local benchmark account
TRIVIAL = ("Trivial (home page)", "/")
PAGES = (
    ("Dashboard", "/reporting/dashboard/"),
    ("My work", "/reporting/my-work/"),
    ("List: CiC reviews", "/reporting/dashboard/indicators/cic_reviews/"),
    ("List: ICPCs", "/reporting/dashboard/indicators/icpc/"),
    ("List: review conferences", "/reporting/dashboard/indicators/rcpc/"),
    ("List: first core groups", "/reporting/dashboard/indicators/core_group_1/"),
    ("List: records", "/reporting/dashboard/indicators/records/"),
    ("List: LADO decisions", "/reporting/dashboard/indicators/lado_decision/"),
    ("List: Reg 44 visits", "/reporting/dashboard/indicators/reg44_visits/"),
    ("Returns check", "/reporting/dashboard/returns-check/"),
    ("IRO annual report", "/reporting/annual-reports/iro/"),
    ("LADO annual report", "/reporting/annual-reports/lado/"),
    ("Themes", "/reporting/themes/"),
)


def _arguments():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--timeout", type=float, default=150.0, help="whole run, s")
    return parser.parse_args()


def _manager_ensure() -> None:
    """Migrate, then create (or reset) the benchmark manager with the manager role."""
    import django

    django.setup()
    from django.contrib.auth.models import Group
    from django.core.management import call_command

    from accounts.models import User
    from accounts.roles import Role, sync_role_groups

    # Applies any missing migration and creates missing permissions (post_migrate).
    call_command("migrate", verbosity=0)
    # As autovacuum leaves a settled database: statistics, and a visibility map
    # so that covering indexes are read alone.
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM (ANALYZE) meetings_meeting")
    sync_role_groups()
    user = User.objects.filter(username=USERNAME).first() or User(username=USERNAME)
    user.first_name, user.last_name = "Bench", "Manager"
    user.is_active = True
    user.set_password(PASSWORD)
    user.save()
    user.groups.set([Group.objects.get(name=Role.MANAGER.value)])


def _summary_refresh() -> None:
    """Build the dashboard's indicator summary, as the nightly sweep does."""
    from django.utils import timezone

    from reporting.sweep import indicator_months_refresh

    started = time.perf_counter()
    rows = indicator_months_refresh(today=timezone.localdate())
    print(
        f"Nightly indicator summary: {rows} rows in {time.perf_counter() - started:.1f} s"
    )


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _gunicorn_start(port: int, workers: int) -> subprocess.Popen:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.local",
        "DJANGO_CONN_MAX_AGE": "60",
        "DJANGO_DEBUG": "false",
    }
    return subprocess.Popen(
        [
            str(Path(sys.executable).with_name("gunicorn")),
            "config.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
        start_new_session=True,
    )


def _wait_until_up(base: str, process: subprocess.Popen, deadline: float) -> None:
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit("gunicorn exited before it answered")
        try:
            urllib.request.urlopen(f"{base}/accounts/sign-in/", timeout=2).read()
            return
        except (urllib.error.URLError, OSError):  # refused, reset or timed out
            time.sleep(0.2)
    raise SystemExit("gunicorn did not answer in time")


def _sign_in(base: str) -> urllib.request.OpenerDirector:
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    form = opener.open(f"{base}/accounts/sign-in/").read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form).group(1)
    data = urllib.parse.urlencode(
        {"csrfmiddlewaretoken": token, "username": USERNAME, "password": PASSWORD}
    ).encode()
    request = urllib.request.Request(
        f"{base}/accounts/sign-in/", data=data, headers={"Referer": base + "/"}
    )
    opener.open(request).read()
    if not any(cookie.name == "sessionid" for cookie in jar):
        raise SystemExit("sign-in failed")
    return opener


def _timed_get(opener, url: str) -> float:
    started = time.perf_counter()
    try:
        with opener.open(url) as response:
            response.read()
            if "/sign-in/" in response.url:
                raise SystemExit(f"{url} sent the benchmark user to sign in")
    except urllib.error.HTTPError as error:
        raise SystemExit(f"{url} answered {error.code}") from error
    return (time.perf_counter() - started) * 1000


def _percentile(values: list[float], share: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(len(ordered) * share) - 1)]


def main() -> None:
    args = _arguments()
    deadline = time.monotonic() + args.timeout
    _manager_ensure()
    _summary_refresh()
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    process = _gunicorn_start(port, args.workers)
    try:
        _wait_until_up(base, process, time.monotonic() + 30)
        opener = _sign_in(base)
        pages = (TRIVIAL, *PAGES)
        for _, path in pages:  # warm each worker's connection and caches
            for _ in range(args.workers):
                _timed_get(opener, base + path)
        times: dict[str, list[float]] = {label: [] for label, _ in pages}
        for _ in range(args.requests):
            for label, path in pages:  # interleaved: every page sees the same load
                if time.monotonic() > deadline:
                    break
                times[label].append(_timed_get(opener, base + path))
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)
    trivial_p50 = statistics.median(times[TRIVIAL[0]])
    print(f"{'Page':28} {'n':>3} {'p50 ms':>8} {'p95 ms':>8} {'p50/trivial':>12}")
    for label, _ in pages:
        values = times[label]
        p50, p95 = statistics.median(values), _percentile(values, 0.95)
        print(
            f"{label:28} {len(values):>3} {p50:>8.1f} {p95:>8.1f} "
            f"{p50 / trivial_p50:>11.1f}x"
        )
    print(f"Trivial page p50: {trivial_p50:.1f} ms")


if __name__ == "__main__":
    main()
