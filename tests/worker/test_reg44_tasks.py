"""Rendering and sending Regulation 44 reports, run by a real worker over Redis."""

from pathlib import Path

import pytest
from django.conf import settings

from reg44 import services, tasks
from reg44.models import Reg44Event, ReportSending, Visit, VisitReport
from tests.reg44.builders import home_with_visitor, recorded_visit
from tests.reg44.factories import PlacingAuthorityFactory
from tests.worker.conftest import wait_for

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def _pdf_files(visit) -> list[Path]:
    # The worker writes to the default MEDIA_ROOT, not a temporary folder.
    folder = Path(settings.MEDIA_ROOT) / "reg44"
    return sorted(folder.glob(f"*/*/reg44-{visit.home.urn}-visit{visit.pk}-v*.pdf"))


def _remove(paths) -> None:
    media = Path(settings.MEDIA_ROOT).resolve()
    for path in paths:
        path.unlink(missing_ok=True)
        for parent in path.resolve().parents:
            if (
                parent == media
                or not parent.is_relative_to(media)
                or any(parent.iterdir())
            ):
                break
            parent.rmdir()


def test_render_and_send_run_twice_give_one_pdf_and_one_sending_each(real_broker):
    """Rendered and sent by the worker, then every task delivered again: one PDF
    for the version and one sending per recipient."""
    # given: approval is committed at once, so its tasks go to the broker
    home, visitor = home_with_visitor()
    visit = recorded_visit(home=home, visitor=visitor)
    report = services.visit_report_approve(visit=visit, by=visitor)
    try:
        wait_for(lambda: Visit.objects.get(pk=visit.pk).report_sent_on)
        rendered_at = VisitReport.objects.get(pk=report.pk).rendered_at
        # when: every task runs a second time
        tasks.visit_report_render_task.delay(report.pk)
        for pk in ReportSending.objects.filter(report=report).values_list(
            "pk", flat=True
        ):
            tasks.report_sending_send_task.delay(pk)
        tasks.visit_report_render_task.delay(report.pk)
        # One solo worker takes tasks in order: once this last sending has gone,
        # every repeated task before it has run too.
        PlacingAuthorityFactory(home=home, email="marker@kingsford.example.org")
        (marker,) = services.visit_report_distribute(report=report, by=visitor)
        wait_for(lambda: ReportSending.objects.get(pk=marker.pk).status == "sent")
        # then
        rows = ReportSending.objects.filter(report=report).exclude(pk=marker.pk)
        assert sorted((r.status, r.attempts) for r in rows) == [("sent", 1)] * 5
        assert len({r.recipient_key for r in rows}) == 5
        assert VisitReport.objects.get(pk=report.pk).rendered_at == rendered_at
        assert len(_pdf_files(visit)) == 1
        assert (
            Reg44Event.objects.filter(visit=visit, code="report_rendered").count() == 1
        )
        assert (
            Reg44Event.objects.filter(visit=visit, code="report_emailed").count() == 6
        )
    finally:
        _remove(_pdf_files(visit))
