"""The report PDF: what it prints, read back with pdftotext."""

import subprocess
from datetime import timedelta

import pytest
from django.utils import timezone

from reg44 import services

from .builders import approved_visit, home_with_visitor

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def _text(path) -> str:
    return subprocess.run(
        ["pdftotext", path, "-"], capture_output=True, check=True, text=True
    ).stdout


def test_report_pdf_prints_the_statutory_content():
    """Opinions, recommendations with their timescales, follow-ups, conflict,
    recipients and the version's identity on every page."""
    # given
    home, visitor = home_with_visitor(name="Rowan House", urn="SC246810")
    approved_visit(
        home=home,
        visitor=visitor,
        on=TODAY - timedelta(days=40),
        recommendations=[("Repair the bathroom flooring.", TODAY)],
    )
    visit = approved_visit(
        home=home,
        visitor=visitor,
        recommendations=[("Hold monthly supervision.", TODAY + timedelta(days=28))],
    )
    report = visit.reports.get()
    # when
    report = services.visit_report_render(report_id=report.pk)
    # then
    text = " ".join(_text(report.pdf.path).split())
    for expected in (
        "Rowan House",
        "Ofsted URN SC246810",
        "Are children effectively safeguarded? Yes",
        "Partially",
        "Hold monthly supervision.",
        "Repair the bathroom flooring.",
        "Met",
        "declared no conflict of interest",
        "Ofsted (HMCI)",
        "Placing authority",
        "AB, CD, each with their agreement",
        f"Content SHA-256: {report.content_hash}",
        "Page 1 of",
    ):
        assert expected in text, expected


def test_report_pdf_escapes_what_users_typed():
    """Text that looks like HTML is printed, never interpreted."""
    home, visitor = home_with_visitor()
    visit = approved_visit(
        home=home,
        visitor=visitor,
        recommendations=[("<b>Bold</b> <img src='http://x/y.png'>", TODAY)],
    )
    report = services.visit_report_render(report_id=visit.reports.get().pk)
    assert "<b>Bold</b>" in _text(report.pdf.path)
