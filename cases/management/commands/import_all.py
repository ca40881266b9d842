"""Load an export_all directory into an empty, freshly migrated instance."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from cases.continuity import ContinuityError, import_all


class Command(BaseCommand):
    help = (
        "Import everything `export_all` wrote: `import_all DIR`. Checks every hash "
        "and the migrations first; refuses a database that holds any data."
    )

    def add_arguments(self, parser):
        parser.add_argument("source", help="Directory export_all wrote")

    def handle(self, *args, source, **options):
        try:
            summary = import_all(source=Path(source))
        except ContinuityError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(
            f"Imported {summary.rows} rows of {summary.models} models and "
            f"{summary.files} stored files from {source}."
        )
