"""Write every record and stored PDF to a directory, for business continuity."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from cases.continuity import ContinuityError, export_all


class Command(BaseCommand):
    help = (
        "Export everything: `export_all --out DIR` writes one JSON file per model, "
        "the stored files and manifest.json (row counts, SHA-256 hashes). DIR must "
        "be new or empty."
    )

    def add_arguments(self, parser):
        parser.add_argument("--out", required=True, help="Directory to write")

    def handle(self, *args, out, **options):
        try:
            summary = export_all(out=Path(out))
        except ContinuityError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(
            f"Exported {summary.rows} rows of {summary.models} models and "
            f"{summary.files} stored files to {out}."
        )
        for name in summary.missing_files:
            self.stderr.write(f"Warning: {name} is named by a record but not stored.")
