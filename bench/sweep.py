"""Benchmark of the daily timescale sweep at national volume (~3 million meetings).

Seeds, once, children and meetings into the PostgreSQL database named by
DATABASE_URL (migrating it first) with COPY: by default 85,000 children and
3,000,000 meetings, of which about 100,000 are still to be held and the rest
held over ten years (a few per cent with their record still to distribute).
Then times `cases.sweep.sweep_all` twice for one day (the first run marks and
notifies everything; the second is a normal day's rerun) and prints the
seconds, the marks by state and the peak memory of this process. Not run by
the test suite.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/reviewing_bench \\
        .venv/bin/python bench/sweep.py [--children 85000] [--meetings 3000000]
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import sys
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

BENCH_PREFIX = "B"  # la_child_id prefix of benchmark children
PARTICIPATION = ("PN1", "PN1", "PN1", "PN2", "PN3", "PN4", "PN5", "PN6", "PN7")


def _arguments():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--children", type=int, default=85_000)
    parser.add_argument("--meetings", type=int, default=3_000_000)
    parser.add_argument("--today", default="2026-11-23")
    return parser.parse_args()


def _column_values(model, overrides: dict) -> tuple[list[str], list]:
    """Return the columns of `model` (but its id) and a row template: each field's
    default, None where nullable, "" for blank text, now() for timestamps."""
    from django.db.models import NOT_PROVIDED
    from django.utils import timezone

    columns, template = [], []
    now = timezone.now()
    for field in model._meta.concrete_fields:
        if field.primary_key:
            continue
        columns.append(field.column)
        if field.attname in overrides or field.name in overrides:
            template.append(overrides.get(field.attname, overrides.get(field.name)))
        elif field.default is not NOT_PROVIDED:
            template.append(field.get_default())
        elif getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            template.append(now)
        elif field.null:
            template.append(None)
        else:
            template.append("")
    return columns, template


def _copy(model, columns: list[str], rows) -> int:
    import psycopg  # noqa: F401 - the driver Django uses here
    from django.db import connection

    count = 0
    with connection.cursor() as cursor:
        raw = cursor.cursor
        sql = f"COPY {model._meta.db_table} ({', '.join(columns)}) FROM STDIN"
        with raw.copy(sql) as copy:
            for row in rows:
                copy.write_row(row)
                count += 1
    return count


def _seed(children: int, meetings: int, today: date) -> None:
    from django.db import connection, transaction

    from accounts.models import User
    from cases.models import Child
    from meetings.models import Meeting

    have = Meeting.objects.count()
    if have >= meetings:
        print(f"Reusing {have:,} meetings already in the database.")
        return
    rng = random.Random(7)
    started = time.perf_counter()
    with transaction.atomic():
        chairs = []
        for n in range(40):
            user, _ = User.objects.get_or_create(
                username=f"bench-iro-{n}",
                defaults={"email": f"bench-iro-{n}@example.org", "first_name": "Iro"},
            )
            chairs.append(user.pk)
        first_child = Child.objects.count()
        columns, template = _column_values(
            Child,
            {
                "first_name": "Bench",
                "last_name": "Child",
                "date_of_birth": date(2012, 1, 1),
                "gender": "female",
                "ethnicity": "WBRI",
                "first_language": "English",
            },
        )
        id_at = columns.index("la_child_id")

        dob_at = columns.index("date_of_birth")
        # Ages 0 to 17, as in a real caseload.
        births = [
            today - timedelta(days=rng.randint(30, 18 * 365)) for _ in range(children)
        ]

        def child_rows():
            for n in range(children):
                row = list(template)
                row[id_at] = f"{BENCH_PREFIX}{first_child + n:08d}"
                row[dob_at] = births[n]
                yield row

        _copy(Child, columns, child_rows())
        child_ids = list(
            Child.objects.filter(la_child_id__startswith=BENCH_PREFIX)
            .order_by("id")
            .values_list("id", flat=True)
        )
        columns, template = _column_values(
            Meeting,
            {
                "kind": "cic_review",
                "sequence": 1,
                "due_rule": "cic_review_n",
                "status": "held",
                "is_early": False,
                "is_online": False,
            },
        )
        at = {name: columns.index(name) for name in columns}
        open_count = min(100_000, meetings // 30)

        def meeting_rows():
            sequence = {}
            for n in range(meetings):
                row = list(template)
                child = child_ids[n % len(child_ids)]
                is_open = n >= meetings - open_count
                kind = "cic_review"
                if is_open and n - (meetings - open_count) >= len(child_ids):
                    kind = "rcpc"  # a second open meeting for the child
                sequence[(child, kind)] = sequence.get((child, kind), 0) + 1
                row[at["kind"]] = kind
                row[at["child_id"]] = child
                row[at["chair_id"]] = rng.choice(chairs)
                row[at["sequence"]] = sequence[(child, kind)]
                row[at["due_rule"]] = (
                    "cic_review_n" if kind == "cic_review" else "cp_rcpc_n"
                )
                if is_open:
                    due = today + timedelta(days=rng.randint(-20, 180))
                    row[at["status"]] = "scheduled"
                    row[at["due_on"]] = due
                    row[at["due_start_on"]] = due - timedelta(days=182)
                else:
                    held = today - timedelta(days=rng.randint(1, 3650))
                    row[at["due_on"]] = held + timedelta(days=rng.randint(0, 30))
                    row[at["due_start_on"]] = held - timedelta(days=150)
                    row[at["held_on"]] = held
                    # Nearly every review has its participation code (SSDA903).
                    if kind == "cic_review" and rng.random() > 0.01:
                        born = births[n % len(child_ids)]
                        under_4 = held < born.replace(year=born.year + 4, day=1)
                        row[at["participation_code"]] = (
                            "PN0" if under_4 else rng.choice(PARTICIPATION)
                        )
                    row[at["decisions_due_on"]] = held + timedelta(days=7)
                    row[at["record_due_on"]] = held + timedelta(days=28)
                    # A few per cent of records are still to be distributed.
                    if rng.random() > 0.02 or held < today - timedelta(days=60):
                        row[at["decisions_circulated_on"]] = held + timedelta(days=5)
                        row[at["record_distributed_on"]] = held + timedelta(days=20)
                yield row

        copied = _copy(Meeting, columns, meeting_rows())
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(
        f"Seeded {children:,} children and {copied:,} meetings "
        f"({open_count:,} open) in {time.perf_counter() - started:.1f} s."
    )


def main() -> None:
    args = _arguments()
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    # The digest goes nowhere: the benchmark measures the sweep, not SMTP.
    settings.EMAIL_BACKEND = "django.core.mail.backends.dummy.EmailBackend"
    if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        sys.exit("Set DATABASE_URL to a PostgreSQL database.")
    call_command("migrate", verbosity=0)
    today = date.fromisoformat(args.today)
    _seed(args.children, args.meetings, today)

    from cases import sweep
    from cases.models import TimescaleMark
    from meetings.models import Meeting

    print(f"Meetings in the database: {Meeting.objects.count():,}")
    before_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(f"Peak memory before sweeping: {before_kib / 1024:.0f} MiB")
    for label, day in (
        ("first run (marks and notifies everything)", today),
        ("rerun the same day (idempotent)", today),
        ("next day", today + timedelta(days=1)),
    ):
        started = time.perf_counter()
        result = sweep.sweep_all(today=day)
        seconds = time.perf_counter() - started
        print(
            f"{label}: {seconds:.2f} s; {result.marked:,} marked, "
            f"{result.removed:,} removed, {result.due_soon:,} due soon, "
            f"{result.overdue:,} overdue, {result.notifications:,} notifications, "
            f"{result.digests:,} digests"
        )
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(f"Marks stored: {TimescaleMark.objects.count():,}")
    print(f"Peak memory of this process: {peak_kib / 1024:.0f} MiB")


if __name__ == "__main__":
    main()
