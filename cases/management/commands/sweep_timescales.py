"""Run the daily timescale sweep once and print how many items are due soon and overdue."""

from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from cases import sweep


class Command(BaseCommand):
    help = (
        "Mark every open statutory item as on track, due soon or overdue, notify "
        "owners and managers, and send the day's digests (safe to run twice)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--today", help="The day to sweep as, YYYY-MM-DD (default: today in London)"
        )

    def handle(self, *args, **options):
        today = timezone.localdate()
        if options["today"]:
            try:
                today = date.fromisoformat(options["today"].strip())
            except ValueError:
                raise CommandError(
                    f"--today: {options['today']!r} is not a date in the form "
                    "YYYY-MM-DD."
                ) from None
        result = sweep.sweep_all(today=today)
        if not result.ran:
            raise CommandError(
                "Another timescale sweep is running; nothing was done. Try again "
                "when it has finished."
            )
        self.stdout.write(
            f"Swept {result.today.isoformat()}: {result.due_soon} due soon, "
            f"{result.overdue} overdue ({result.marked} open items marked, "
            f"{result.removed} no longer open, {result.notifications} new "
            f"notifications, {result.digests} digests sent)."
        )
