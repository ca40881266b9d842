"""Benchmark of the Regulation 44 overview at 2,500 homes x 12 months.

Seeds, once, a number of homes (default 2,500) with a year of monthly visits and
recommendations into the PostgreSQL database named by DATABASE_URL (migrating it
first), then times the overview selectors a manager's page uses, for every home
and for one page of homes, and prints the queries each made. Not run by the test
suite (tests/reg44/test_selectors.py pins the query count).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/reviewing_bench \\
        .venv/bin/python bench/reg44_overview.py [--homes 2500] [--repeat 5]
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from datetime import datetime
from datetime import time as clock_time
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

LONDON = ZoneInfo("Europe/London")
BENCH_PREFIX = "Bench home"
PAGE = 50


def _arguments():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--homes", type=int, default=2500)
    parser.add_argument("--repeat", type=int, default=5)
    return parser.parse_args()


def _require_postgres() -> None:
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        sys.exit(
            "Set DATABASE_URL to a PostgreSQL database, e.g. "
            "postgres://postgres@127.0.0.1:5432/reviewing_bench"
        )


def _seed(homes_wanted: int, today) -> None:
    from django.contrib.auth.models import Group

    from accounts.models import User
    from accounts.roles import Role, sync_role_groups
    from cases.selectors import clock_get
    from reg44 import schedule
    from reg44.models import Home, Recommendation, Visit, VisitorAssignment

    have = Home.objects.filter(name__startswith=BENCH_PREFIX).count()
    if have >= homes_wanted:
        print(f"{have:,} bench homes already seeded.")
        return
    sync_role_groups()
    visitor, _ = User.objects.get_or_create(username="bench_visitor")
    visitor.groups.add(Group.objects.get(name=Role.REG44_VISITOR))
    rng = random.Random(44)
    clock = clock_get()
    window = schedule.months_ending(today, 12)
    started = time.perf_counter()
    homes = Home.objects.bulk_create(
        [
            Home(
                name=f"{BENCH_PREFIX} {n:05d}",
                urn=f"{9000000 + n}",
                provider_name="Bench Care Ltd",
                provider_email="provider@bench.example.org",
                ofsted_email="reg44@ofsted.example.org",
                address=f"{n} Bench Street",
                postcode="BN1 1AA",
                places=4,
            )
            for n in range(have, homes_wanted)
        ],
        batch_size=1000,
    )
    VisitorAssignment.objects.bulk_create(
        [
            VisitorAssignment(home=home, visitor=visitor, started_on=window[0])
            for home in homes
            if rng.random() < 0.9
        ],
        batch_size=2000,
    )
    visits = []
    for home in homes:
        for month in window:
            if rng.random() < 0.05:
                continue  # missed
            day = month.replace(day=rng.randint(1, 28))
            if month == window[-1] and day > today:
                day = today
            visits.append(
                Visit(
                    home=home,
                    visitor=visitor,
                    status=Visit.Status.APPROVED
                    if month != window[-1]
                    else Visit.Status.DRAFT,
                    visit_at=datetime.combine(day, clock_time(10), tzinfo=LONDON),
                    visit_on=day,
                    for_month=month,
                    due_on=clock.due("reg44_visit", month).due,
                    report_due_on=clock.due("reg44_report", day).due,
                    safeguarding_opinion=Visit.Opinion.PARTIALLY
                    if rng.random() < 0.1
                    else Visit.Opinion.YES,
                    wellbeing_opinion=Visit.Opinion.YES,
                )
            )
    Visit.objects.bulk_create(visits, batch_size=2000)
    Recommendation.objects.bulk_create(
        [
            Recommendation(
                visit=visit,
                number=1,
                text="Hold and record staff supervision at least monthly.",
                consider_by=visit.report_due_on,
            )
            for visit in visits
            if rng.random() < 0.6
        ],
        batch_size=2000,
    )
    print(
        f"Seeded {len(homes):,} homes and {len(visits):,} visits in "
        f"{time.perf_counter() - started:.1f} s."
    )


def _time(label: str, repeat: int, run) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    timings, queries = [], 0
    for _ in range(repeat):
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            rows = run()
            timings.append(time.perf_counter() - started)
        queries = len(captured.captured_queries)
    print(
        f"{label}: {rows:,} rows, {queries} queries, median "
        f"{statistics.median(timings) * 1000:.0f} ms (min "
        f"{min(timings) * 1000:.0f} ms, max {max(timings) * 1000:.0f} ms)"
    )


def main() -> None:
    arguments = _arguments()
    _require_postgres()
    import django

    django.setup()
    from django.core.management import call_command
    from django.utils import timezone

    call_command("migrate", verbosity=0)
    today = timezone.localdate()
    _seed(arguments.homes, today)

    from django.contrib.auth.models import Group

    from accounts.models import User
    from accounts.roles import Role, sync_role_groups
    from cases.selectors import clock_get
    from reg44 import selectors

    sync_role_groups()
    manager, _ = User.objects.get_or_create(username="bench_manager")
    manager.groups.add(Group.objects.get(name=Role.MANAGER))
    manager = User.objects.get(pk=manager.pk)
    manager.has_role(Role.MANAGER)  # read the roles once, as a request would

    def every_home():
        clock = clock_get()
        homes = selectors.overview_home_list(user=manager, today=today)
        overview = selectors.reg44_overview(homes=homes, clock=clock, today=today)
        selectors.reg44_indicators(homes=homes, clock=clock, today=today)
        return len(overview.rows)

    def one_page():
        clock = clock_get()
        homes = selectors.overview_home_list(user=manager, today=today)
        overview = selectors.reg44_overview(
            homes=homes[:PAGE], clock=clock, today=today
        )
        selectors.reg44_indicators(homes=homes, clock=clock, today=today)
        selectors.recommendations_overdue_count(homes=homes, today=today)
        return len(overview.rows)

    _time("Overview of every home x 12 months", arguments.repeat, every_home)
    _time(
        f"Overview page of {PAGE} homes (as the page shows)", arguments.repeat, one_page
    )


if __name__ == "__main__":
    main()
