"""Load test: many concurrent users work through the main journeys under gunicorn.

Against the PostgreSQL database named by DATABASE_URL (seeded with national-scale
data: `manage.py seed_demo --children 85000`), it migrates, starts gunicorn
(config.wsgi, threaded workers, persistent database connections, DEBUG off) on
127.0.0.1 at a free port, signs each virtual user in through the real sign-in form
as one of the demo staff, then for `--duration` seconds every user works through
the journey of their role (starting at a random moment within the first pause),
pausing `--think` seconds (on average) between pages:

- IRO: home, My work, children list, a child's record, meetings, a meeting, the
  child's oversight page, and adds a monitoring note (a write, with CSRF);
- manager: dashboard, an indicator drill-down, a child's record and audit trail;
- LADO: allegations list and an allegation;
- Regulation 44 visitor: homes list and a home.

Links are followed from the pages themselves, as a person would. It prints
requests, throughput, p50/p95/p99 overall and per page, and every error; an error
is any answer other than 200 (or a redirect after a form), a redirect to sign-in,
or a connection failure. Exits 1 if there was any error. Plain asyncio sockets
on loopback, keep-alive, no extra dependency. Not run by the test suite.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/reviewing_bench \\
        .venv/bin/python bench/load.py --users 200 --duration 60
"""

from __future__ import annotations

import argparse
import asyncio
import math
import os
import random
import re
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.parse
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

DEMO_PASSWORD = "reviewing-demo"  # noqa: S105 - the documented demo password
ROLES = (  # (demo user names, share of the virtual users)
    ("iro", ("iro", "iro2", "iro3"), 0.5),
    ("manager", ("manager",), 0.25),
    ("lado", ("lado",), 0.15),
    ("visitor", ("visitor",), 0.10),
)


def _arguments():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=200)
    parser.add_argument("--duration", type=float, default=60.0, help="seconds")
    parser.add_argument("--think", type=float, default=1.0, help="mean pause, s")
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--timeout", type=float, default=30.0, help="per request")
    return parser.parse_args()


class HttpError(Exception):
    pass


@dataclass
class Response:
    status: int
    headers: dict[str, str]
    set_cookies: list[str]
    body: str


class Connection:
    """One keep-alive HTTP/1.1 connection to the server."""

    def __init__(self, host: str, port: int):
        self.host, self.port = host, port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def _open(self):
        self.reader, self.writer = await asyncio.open_connection(self.host, self.port)

    async def close(self):
        if self.writer is not None:
            self.writer.close()
            self.reader = self.writer = None

    async def request(self, method, path, headers, body=b"") -> Response:
        for attempt in (1, 2):
            if self.writer is None:
                await self._open()
            try:
                return await self._exchange(method, path, headers, body)
            except (ConnectionError, asyncio.IncompleteReadError) as exc:
                # The server closed an idle keep-alive connection: retry once.
                await self.close()
                if attempt == 2:
                    raise HttpError(f"connection: {exc!r}") from exc
        raise AssertionError("unreachable")

    async def _exchange(self, method, path, headers, body) -> Response:
        lines = [f"{method} {path} HTTP/1.1", f"Host: {self.host}:{self.port}"]
        lines += [f"{k}: {v}" for k, v in headers.items()]
        if body:
            lines.append(f"Content-Length: {len(body)}")
        self.writer.write(("\r\n".join(lines) + "\r\n\r\n").encode() + body)
        await self.writer.drain()
        status_line = await self.reader.readline()
        if not status_line:
            raise ConnectionResetError("closed before the answer")
        status = int(status_line.split()[1])
        response_headers, cookies = {}, []
        while (line := await self.reader.readline()) not in (b"\r\n", b""):
            name, _, value = line.decode("latin-1").partition(":")
            name, value = name.strip().lower(), value.strip()
            if name == "set-cookie":
                cookies.append(value)
            response_headers[name] = value
        if response_headers.get("transfer-encoding") == "chunked":
            data = b""
            while True:
                size = int((await self.reader.readline()).split(b";")[0], 16)
                chunk = await self.reader.readexactly(size + 2)
                if size == 0:
                    break
                data += chunk[:-2]
        else:
            data = await self.reader.readexactly(
                int(response_headers.get("content-length", "0"))
            )
        if response_headers.get("connection", "").lower() == "close":
            await self.close()
        return Response(
            status, response_headers, cookies, data.decode(errors="replace")
        )


@dataclass
class Results:
    times: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: list[str] = field(default_factory=list)
    measuring: bool = False


class User:
    """A virtual user: one connection, one session, one role's journey."""

    def __init__(self, base, role, username, results: Results, args):
        parts = urllib.parse.urlsplit(base)
        self.connection = Connection(parts.hostname, parts.port)
        self.base, self.role, self.username = base, role, username
        self.cookies: dict[str, str] = {}
        self.results, self.args = results, args
        self.rng = random.Random(f"{username}:{id(self)}")

    def _headers(self, extra=None) -> dict[str, str]:
        headers = {"Accept": "text/html"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        return headers | (extra or {})

    async def fetch(self, label, path, *, form=None, expect=(200,)) -> Response:
        body = urllib.parse.urlencode(form, doseq=True).encode() if form else b""
        extra = {}
        if form is not None:
            extra = {
                "Content-Type": "application/x-www-form-urlencoded",
                "Referer": self.base + path,
            }
        started = time.perf_counter()
        try:
            response = await asyncio.wait_for(
                self.connection.request(
                    "POST" if form is not None else "GET",
                    path,
                    self._headers(extra),
                    body,
                ),
                self.args.timeout,
            )
        except (HttpError, TimeoutError, OSError) as exc:
            await self.connection.close()
            self._error(f"{label} {path}: {exc!r}")
            raise
        elapsed = (time.perf_counter() - started) * 1000
        for cookie in response.set_cookies:
            name, _, rest = cookie.partition("=")
            self.cookies[name] = rest.split(";", 1)[0]
        location = response.headers.get("location", "")
        if response.status not in expect or "/sign-in/" in location:
            self._error(f"{label} {path}: {response.status} {location}")
            raise HttpError(label)
        if self.results.measuring:
            self.results.times[label].append(elapsed)
        return response

    def _error(self, text):
        if self.results.measuring:
            self.results.errors.append(f"{self.username}: {text}")

    async def sign_in(self):
        page = await self.fetch("sign-in form", "/accounts/sign-in/")
        token = _csrf(page.body)
        await self.fetch(
            "sign-in",
            "/accounts/sign-in/",
            form={
                "csrfmiddlewaretoken": token,
                "username": self.username,
                "password": DEMO_PASSWORD,
            },
            expect=(302,),
        )

    async def think(self):
        await asyncio.sleep(self.rng.uniform(0.5, 1.5) * self.args.think)

    async def step(self, label, path, **kwargs) -> Response:
        response = await self.fetch(label, path, **kwargs)
        await self.think()
        return response

    def pick(self, body: str, pattern: str) -> str | None:
        found = re.findall(pattern, body)
        return self.rng.choice(found) if found else None

    async def journey(self):
        await getattr(self, f"journey_{self.role}")()

    async def journey_iro(self):
        await self.step("home", "/")
        await self.step("my work", "/reporting/my-work/")
        children = await self.step("children list", "/children/")
        child = self.pick(children.body, r'href="(/children/\d+/)"')
        if child:
            await self.step("child record", child)
            await self.step("child oversight", child + "oversight/")
            form = await self.fetch("note form", child + "oversight/notes/new/")
            kind = self.pick(
                form.body.split('name="kind"', 1)[-1].split("</select>", 1)[0],
                r'<option value="([a-z_]+)"',
            )
            await self.step(
                "note saved",
                child + "oversight/notes/new/",
                form={
                    "csrfmiddlewaretoken": _csrf(form.body),
                    "noted_on": date.today().isoformat(),
                    "kind": kind or "",
                    "text": "Load test: spoke with the social worker about the plan.",
                },
                expect=(302,),
            )
        meetings = await self.step("meetings list", "/meetings/")
        meeting = self.pick(meetings.body, r'href="(/meetings/\d+/)"')
        if meeting:
            await self.step("meeting", meeting)

    async def journey_manager(self):
        dashboard = await self.step("dashboard", "/reporting/dashboard/")
        indicator = self.pick(
            dashboard.body, r'href="(/reporting/dashboard/indicators/[a-z0-9_]+/)\?'
        )
        if indicator:
            listing = await self.step("indicator list", indicator)
            child = self.pick(listing.body, r'href="(/children/\d+/)"')
            if child:
                await self.step("child record", child)
                await self.step("child audit", child + "audit/")

    async def journey_lado(self):
        await self.step("lado home", "/lado/")
        listing = await self.step("allegations list", "/lado/allegations/")
        allegation = self.pick(listing.body, r'href="(/lado/allegations/\d+/)"')
        if allegation:
            await self.step("allegation", allegation)

    async def journey_visitor(self):
        homes = await self.step("homes list", "/reg44/")
        home = self.pick(homes.body, r'href="(/reg44/homes/\d+/)"')
        if home:
            await self.step("home", home)

    async def run(self, until: float):
        # People do not all click at the same instant: each user starts at a
        # random moment within one pause, so the run opens at its steady rate
        # rather than with every user's first page at once.
        await asyncio.sleep(self.rng.uniform(0, 1.5) * self.args.think)
        while time.monotonic() < until:
            try:
                await self.journey()
            except (HttpError, TimeoutError, OSError):
                await self.think()
        await self.connection.close()


def _csrf(body: str) -> str:
    match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', body)
    if match is None:
        raise HttpError("no CSRF token on the page")
    return match.group(1)


def _prepare() -> None:
    """Migrate, make sure the demo staff exist, build the nightly summary."""
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from django.utils import timezone

    from cases.demo import demo_staff_ensure
    from reporting.sweep import indicator_months_refresh

    demo_staff_ensure()
    # The dashboard reads the summary the nightly sweep builds.
    indicator_months_refresh(today=timezone.localdate())


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _gunicorn_start(port: int, args) -> subprocess.Popen:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.local",
        "DJANGO_CONN_MAX_AGE": "60",
        "DJANGO_DEBUG": "false",
        "DJANGO_LOG_LEVEL": "WARNING",
    }
    return subprocess.Popen(
        [
            str(Path(sys.executable).with_name("gunicorn")),
            "config.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--worker-class",
            "gthread",
            "--workers",
            str(args.workers),
            "--threads",
            str(args.threads),
            "--backlog",
            "2048",
            "--keep-alive",
            "30",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
        start_new_session=True,
    )


async def _wait_until_up(host: str, port: int, process, deadline: float):
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit("gunicorn exited before it answered")
        try:
            response = await Connection(host, port).request(
                "GET", "/accounts/sign-in/", {}
            )
            if response.status == 200:
                return
        except (HttpError, OSError):
            pass
        await asyncio.sleep(0.3)
    raise SystemExit("gunicorn did not answer in time")


def _percentile(values: list[float], share: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(len(ordered) * share) - 1)]


def _virtual_users(base, results, args) -> list[User]:
    users = []
    for role, names, share in ROLES:
        count = max(1, round(args.users * share))
        users += [
            User(base, role, names[i % len(names)], results, args) for i in range(count)
        ]
    return users[: args.users]


async def _run(base, args) -> Results:
    results = Results()
    users = _virtual_users(base, results, args)
    # Sign everyone in first (a few at a time: password hashing is slow on
    # purpose); sign-in is not part of the measured journeys.
    gate = asyncio.Semaphore(8)

    async def sign_in(user):
        async with gate:
            await user.sign_in()

    await asyncio.gather(*(sign_in(user) for user in users))
    print(f"{len(users)} users signed in; running for {args.duration:.0f} s")
    results.measuring = True
    started = time.monotonic()
    until = started + args.duration
    await asyncio.gather(*(user.run(until) for user in users))
    results.measuring = False
    results.elapsed = time.monotonic() - started
    return results


def _report(results: Results, args) -> None:
    every = [t for values in results.times.values() for t in values]
    total = len(every)
    print(
        f"\n{args.users} users, {args.duration:.0f} s, think {args.think:.1f} s, "
        f"gunicorn {args.workers} workers x {args.threads} threads"
    )
    print(f"{'Page':20} {'n':>6} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8}")
    for label in sorted(results.times):
        values = results.times[label]
        print(
            f"{label:20} {len(values):>6} {statistics.median(values):>8.1f} "
            f"{_percentile(values, 0.95):>8.1f} {_percentile(values, 0.99):>8.1f}"
        )
    if total:
        print(
            f"{'All requests':20} {total:>6} {statistics.median(every):>8.1f} "
            f"{_percentile(every, 0.95):>8.1f} {_percentile(every, 0.99):>8.1f}"
        )
    print(f"Throughput: {total / results.elapsed:.1f} requests/s")
    print(f"Errors: {len(results.errors)}")
    for error in results.errors[:20]:
        print(f"  {error}")


def main() -> None:
    args = _arguments()
    _prepare()
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    process = _gunicorn_start(port, args)
    try:
        asyncio.run(_wait_until_up("127.0.0.1", port, process, time.monotonic() + 60))
        results = asyncio.run(_run(base, args))
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)
    _report(results, args)
    if results.errors or not results.times:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
