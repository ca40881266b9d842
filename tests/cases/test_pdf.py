"""PDFs of the record: text, page numbers, footer, and nothing loaded but static files."""

import socket
import subprocess
from datetime import date
from io import BytesIO

import pytest
from pypdf import PdfReader

from cases.pdf import (
    PdfResourceRefused,
    StaticFileFetcher,
    render_html_pdf,
    render_pdf,
)
from meetings import selectors, services
from tests.factories import ActionFactory, MeetingFactory

pytestmark = pytest.mark.django_db

PASSWD_LINK = '<link rel="attachment" href="file:///etc/passwd">'


@pytest.fixture(autouse=True)
def no_network(monkeypatch):
    """Any attempt to open a socket fails the test."""

    def refuse(*args, **kwargs):
        raise AssertionError("A PDF tried to reach the network.")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)


def pdf_text(pdf: bytes) -> str:
    result = subprocess.run(
        ["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True
    )
    return result.stdout.decode("utf-8")


def approved_context(**text):
    meeting = MeetingFactory(held=True)
    meeting.child.preferred_name = "Evie"
    meeting.child.save()
    ActionFactory(
        meeting=meeting,
        text="Arrange the health assessment",
        owner_name="Sam Green",
        owner_role="social_worker",
        due_on=date(2026, 4, 30),
    )
    chair = meeting.chair
    report = services.chair_report_start(meeting=meeting, by=chair)
    report = services.chair_report_save(
        report=report,
        by=chair,
        expected_lock_version=0,
        **{"summary": "Evie is settled.", "chair_view": "Endorsed.", **text},
    )
    services.chair_report_submit(report=report, by=chair)
    report = services.chair_report_approve(report=report, by=chair)
    return report, selectors.chair_report_pdf_context(report_id=report.pk)


def test_record_pdf_prints_the_content_and_a_footer_on_every_page():
    # given
    report, context = approved_context(discussion="Progress at school. " * 900)
    # when
    text = pdf_text(render_pdf("pdf/review_record.html", context))
    # then
    pages = text.split("\f")[:-1]
    assert len(pages) >= 2
    for number, page in enumerate(pages, start=1):
        assert f"Page {number} of {len(pages)}" in page
        assert report.content_hash in page
        assert "Children in Care review record" in page
        assert f"Version 1 · Approved by {report.approved_by}" in page
    assert "Evie is settled." in text
    assert "Arrange the health assessment" in text


def test_record_pdf_template_runs_no_queries(django_assert_num_queries):
    _, context = approved_context()
    with django_assert_num_queries(0):
        pdf = render_pdf("pdf/review_record.html", context)
    assert "Page 1 of 1" in pdf_text(pdf)


def test_letter_is_written_from_the_decisions_in_plain_words():
    _, context = approved_context()
    text = " ".join(pdf_text(render_pdf("pdf/letter_to_child.html", context)).split())
    assert "Dear Evie," in text
    assert "What we decided" in text
    assert (
        "Who will do it: Sam Green (your social worker). By when: Thursday 30 April 2026."
        in text
    )


def test_letter_written_by_the_iro_replaces_the_generated_one():
    _, context = approved_context(letter_to_child="Hello Evie, well done at school.")
    text = pdf_text(render_pdf("pdf/letter_to_child.html", context))
    assert "Hello Evie, well done at school." in text
    assert "What we decided" not in text


def test_text_that_looks_like_html_is_printed_not_obeyed():
    """An attachment link typed into the record neither embeds nor reads a file."""
    # given
    _, context = approved_context(summary=f"Note {PASSWD_LINK} end")
    # when
    pdf = render_pdf("pdf/review_record.html", context)
    # then
    reader = PdfReader(BytesIO(pdf))
    assert reader.attachments == {}
    assert b"/EmbeddedFile" not in pdf
    text = pdf_text(pdf)
    assert "root:x:0:0" not in text
    assert '<link rel="attachment" href="file:///etc/passwd">' in text


def test_render_refuses_an_attachment_from_the_file_system():
    with pytest.raises(PdfResourceRefused, match="/etc/passwd"):
        render_html_pdf(f"<html><head>{PASSWD_LINK}</head><body>x</body></html>")


def test_render_refuses_an_image_over_the_network():
    with pytest.raises(PdfResourceRefused, match="example.org"):
        render_html_pdf('<img src="https://example.org/track.png">')


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "file:///static/../../etc/passwd",
        "file:///static/../config/settings/base.py",
        "http://127.0.0.1:8000/static/css/pdf.css",
        "https://example.org/static/css/pdf.css",
        "data:text/plain;base64,cm9vdDp4OjA6MA==",
        "ftp://example.org/file",
    ],
)
def test_static_file_fetcher_refuses_anything_but_static_files(url):
    with pytest.raises(BaseException, match="Refused to load"):
        StaticFileFetcher().fetch(url)


def test_static_file_fetcher_reads_the_stylesheet_from_disk():
    response = StaticFileFetcher().fetch("file:///static/css/pdf.css")
    assert response.content_type == "text/css"
    assert b"@page" in response.read()
