"""Records for the retention and export tests: a child's whole record, long closed,
with something in every app that hangs off it, a stored PDF included."""

from datetime import date

from django.core.files.base import ContentFile

from accounts.models import AccessLog
from accounts.services import access_log_record
from cases import services as case_services
from cases.models import Allocation
from meetings.models import MeetingEvent
from tests.factories import (
    ActionFactory,
    AllocationFactory,
    CareEpisodeFactory,
    ChairReportFactory,
    ChildFactory,
    ComplaintFactory,
    CPPlanFactory,
    DisputeFactory,
    KeyPersonFactory,
    MeetingFactory,
    MonitoringNoteFactory,
    ParticipantFactory,
    UserFactory,
)
from tests.lado.factories import AllegationFactory, InvolvedChildFactory

SURNAME = "Quillfeather"
PDF = b"%PDF-1.4 a chair's report for the retention tests"


def closed_child_record(*, surname: str = SURNAME, viewer=None):
    """Return a child born in 1940, looked after and on a plan, all long ended."""
    child = ChildFactory(
        first_name="Wren", last_name=surname, date_of_birth=date(1940, 1, 1)
    )
    episode = CareEpisodeFactory(
        child=child,
        started_on=date(2026, 3, 2),
        ended_on=date(2026, 4, 30),
        reason_ended="E11",
    )
    CPPlanFactory(
        child=child,
        started_on=date(2026, 1, 5),
        ended_on=date(2026, 2, 27),
        end_reason="no_longer_at_risk",
    )
    AllocationFactory(child=child, role=Allocation.Role.IRO)
    KeyPersonFactory(child=child, name=f"Mum {surname}")
    removed = KeyPersonFactory(child=child, name=f"Uncle {surname}")
    user = viewer or UserFactory()
    case_services.key_person_remove(person=removed, removed_by=user)
    meeting = MeetingFactory(period_start=episode, held=True, due_on=date(2026, 3, 30))
    ParticipantFactory(meeting=meeting, name=f"Dad {surname}")
    ActionFactory(meeting=meeting)
    MeetingEvent.objects.create(meeting=meeting, code="held", detail="held")
    report = ChairReportFactory(meeting=meeting, summary=f"{surname} is settled.")
    report.pdf.save(f"{surname.lower()}-review.pdf", ContentFile(PDF))
    MonitoringNoteFactory(child=child, text=f"Spoke to {surname}'s social worker.")
    DisputeFactory(child=child, source_meeting=meeting)
    ComplaintFactory(child=child, meeting=meeting)
    access_log_record(user=user, action=AccessLog.Action.VIEW, obj=child)
    allegation = AllegationFactory(closed=True)
    InvolvedChildFactory(allegation=allegation, child=child, initials="")
    return child, report, allegation
