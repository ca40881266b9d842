"""Write the SSDA903 CSV files and the CIN census child protection XML for a year."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from reporting import returns


class Command(BaseCommand):
    help = (
        "Write header.csv, episodes.csv, reviews.csv (SSDA903) and cin.xml (CIN "
        "census child protection modules) for the collection year ending 31 March "
        "YYYY into DIR."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--year", required=True, help="YYYY: the year ending 31 March"
        )
        parser.add_argument("--out", required=True, help="Directory to write into")

    def handle(self, *args, **options):
        year = options["year"].strip()
        if not (year.isdigit() and len(year) == 4 and 2000 <= int(year) <= 2100):
            raise CommandError(f"--year: {year!r} is not a year in the form YYYY.")
        out = Path(options["out"])
        if out.exists() and not out.is_dir():
            raise CommandError(f"--out: {out} exists and is not a directory.")
        out.mkdir(parents=True, exist_ok=True)
        period = returns.CollectionYear(int(year))
        files = returns.ssda903_files(period)
        for name, text in files.items():
            (out / name).write_text(text, encoding="utf-8")
        (out / "cin.xml").write_bytes(returns.cin_census_xml(period))
        counts = {name: text.count("\n") - 1 for name, text in files.items()}
        self.stdout.write(
            f"Wrote the returns for {period.start:%d/%m/%Y} to {period.end:%d/%m/%Y} "
            f"into {out}: header.csv ({counts['header.csv']} children), episodes.csv "
            f"({counts['episodes.csv']} episodes), reviews.csv "
            f"({counts['reviews.csv']} reviews) and cin.xml."
        )
