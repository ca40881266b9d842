"""Print a statutory due date and its explanation, or a CSV of due dates."""

import csv
import sys
from datetime import date

from django.core.management.base import BaseCommand, CommandError

from cases import selectors
from cases.timescales import UnknownRule


def _parse_date(value: str, where: str) -> date:
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise CommandError(
            f"{where}: {value!r} is not a date in the form YYYY-MM-DD."
        ) from None


def _open(path: str):
    if path == "-":
        return sys.stdin
    return open(path, newline="", encoding="utf-8")  # noqa: SIM115 - closed by caller


class Command(BaseCommand):
    help = (
        "Show the due date under a timescale rule: `timescale RULE START_DATE`, "
        "or `timescale --csv FILE` for rows of rule,start (header first)."
    )

    def add_arguments(self, parser):
        parser.add_argument("rule", nargs="?", help="Rule code, e.g. cic_review_1")
        parser.add_argument("start", nargs="?", help="Start date, YYYY-MM-DD")
        parser.add_argument(
            "--csv", dest="csv_path", help="CSV file with rule,start rows"
        )

    def handle(self, *args, rule=None, start=None, csv_path=None, **options):
        clock = selectors.clock_get()
        if csv_path:
            if rule or start:
                raise CommandError(
                    "Give either RULE START_DATE or --csv FILE, not both."
                )
            self._csv(clock, csv_path)
            return
        if not rule or not start:
            raise CommandError(
                "Usage: timescale RULE START_DATE, or timescale --csv FILE."
            )
        try:
            result = clock.due(rule, _parse_date(start, "START_DATE"))
        except UnknownRule as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(result.due.isoformat())
        self.stdout.write(result.explain())

    def _csv(self, clock, path):
        try:
            handle = _open(path)
        except OSError as exc:
            raise CommandError(f"Cannot read {path}: {exc.strerror}.") from None
        with handle:
            reader = csv.DictReader(handle)
            if not reader.fieldnames or not {"rule", "start"} <= set(reader.fieldnames):
                raise CommandError(
                    "The CSV needs a header line with the columns rule,start."
                )
            rows = []
            for line, row in enumerate(reader, start=2):
                code = (row.get("rule") or "").strip()
                start = _parse_date(row.get("start") or "", f"line {line}")
                try:
                    rows.append((code, start, clock.due(code, start).due))
                except UnknownRule as exc:
                    raise CommandError(f"line {line}: {exc}") from None
        writer = csv.writer(self.stdout, lineterminator="\n")
        writer.writerow(["rule", "start", "due"])
        for code, start, due in rows:
            writer.writerow([code, start.isoformat(), due.isoformat()])
