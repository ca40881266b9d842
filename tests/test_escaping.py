"""Hostile text typed into records comes out as text, in PDFs and in emails.

Markup typed by a user (a script, an image with an error handler, a link that
would attach a server file) must be printed as the characters typed in every PDF
(read back with pdftotext) and never embed, fetch or run anything. Emails are
plain text only, with no HTML part a mail client could render, so the same text
arrives as inert characters.
"""

import subprocess
from datetime import date, timedelta
from io import BytesIO

import pytest
from django.core import mail
from django.utils import timezone
from pypdf import PdfReader

from accounts.roles import Role
from cases import sweep
from cases.pdf import render_pdf
from lado import selectors as lado_selectors
from meetings import services as meetings_services
from reg44 import services as reg44_services
from tests.cases.test_pdf import approved_context
from tests.factories import MeetingFactory, TeamFactory, UserFactory
from tests.lado.factories import MinutesVersionFactory
from tests.meetings.test_cp_minutes import Conference
from tests.reg44.builders import approved_visit, home_with_visitor

pytestmark = pytest.mark.django_db

PIECES = (
    '<script>alert("owned")</script>',
    '<img src="x" onerror="alert(1)">',
    '<link rel="attachment" href="file:///etc/passwd">',
)
HOSTILE = " ".join(PIECES)


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


def pdf_text(pdf: bytes) -> str:
    result = subprocess.run(
        ["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True
    )
    return " ".join(result.stdout.decode("utf-8").split())


def assert_printed_not_obeyed(pdf: bytes) -> None:
    text = pdf_text(pdf)
    # The PDF may break a long line anywhere, so spaces are left out of the match.
    squeezed = "".join(text.split())
    for piece in PIECES:
        assert "".join(piece.split()) in squeezed, piece
    assert "root:x:0:0" not in text
    assert b"/EmbeddedFile" not in pdf
    assert PdfReader(BytesIO(pdf)).attachments == {}


def test_chairs_report_pdf_prints_hostile_text():
    _, context = approved_context(summary=HOSTILE, chair_view=HOSTILE)
    assert_printed_not_obeyed(render_pdf("pdf/review_record.html", context))


def test_cp_minutes_pdf_prints_hostile_text():
    conf = Conference()
    minutes = conf.start()
    decision = minutes.sections.get(heading="Decision and reasons")
    minutes = meetings_services.minutes_save(
        minutes=minutes,
        by=conf.taker,
        expected_lock_version=0,
        sections={decision.pk: {"text": HOSTILE}},
    )
    meetings_services.minutes_submit(minutes=minutes, by=conf.taker)
    minutes = meetings_services.minutes_approve(minutes=minutes, by=conf.chair)
    minutes = meetings_services.minutes_render(minutes_id=minutes.pk)
    with minutes.pdf.open("rb") as stored:
        assert_printed_not_obeyed(stored.read())


def test_lado_minutes_pdf_prints_hostile_text():
    minutes = MinutesVersionFactory(discussion=HOSTILE, decisions=HOSTILE)
    pdf = render_pdf(
        "pdf/lado_minutes.html",
        lado_selectors.minutes_pdf_context(minutes_id=minutes.pk),
    )
    assert_printed_not_obeyed(pdf)


def test_reg44_report_pdf_prints_hostile_text():
    home, visitor = home_with_visitor()
    visit = approved_visit(
        home=home,
        visitor=visitor,
        recommendations=[(HOSTILE, timezone.localdate() + timedelta(days=28))],
    )
    report = reg44_services.visit_report_render(report_id=visit.reports.get().pk)
    with report.pdf.open("rb") as stored:
        assert_printed_not_obeyed(stored.read())


def test_the_pdf_check_would_notice_markup_that_was_obeyed():
    """The control: markup rendered as HTML leaves no such text behind."""
    from cases.pdf import render_html_pdf

    pdf = render_html_pdf(
        '<html><body><p>Shown</p><script>alert("owned")</script></body></html>'
    )
    with pytest.raises(AssertionError):
        assert_printed_not_obeyed(pdf)


def assert_plain_text_email(message, *expected: str) -> None:
    """Only a text/plain body: no HTML alternative that could render markup."""
    assert message.content_subtype == "plain"
    assert getattr(message, "alternatives", []) == []
    mime = message.message()
    parts = [part.get_content_type() for part in mime.walk()]
    assert "text/html" not in parts
    assert "text/plain" in parts
    for text in expected:
        assert text in message.body


def test_digest_email_carries_hostile_names_as_plain_text():
    """A hostile name reaches the team manager's daily digest as inert text."""
    manager = UserFactory(roles=[Role.MANAGER], first_name=PIECES[0])
    team = TeamFactory(kind="iro_service", manager=manager)
    chair = UserFactory(roles=[Role.IRO], team=team, first_name=PIECES[1])
    MeetingFactory(due_on=date(2026, 3, 20), chair=chair)
    sweep.sweep_all(today=date(2026, 3, 23))
    digest = next(m for m in mail.outbox if m.to == [manager.email])
    assert_plain_text_email(digest, PIECES[0], PIECES[1])


def test_record_distribution_email_carries_hostile_names_as_plain_text():
    report, _ = approved_context(summary=HOSTILE)
    report = meetings_services.chair_report_render(report_id=report.pk)
    distribution = report.distributions.create(
        recipient_name=PIECES[2],
        recipient_key="p@example.org",
        recipient_email="p@example.org",
    )
    meetings_services.distribution_send(distribution_id=distribution.pk)
    (message,) = mail.outbox
    assert_plain_text_email(message, PIECES[2])
    assert [name for name, _, _ in message.attachments][0].endswith(".pdf")
