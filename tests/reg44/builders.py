"""State built through the services, for tests of the steps after it."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.utils import timezone

from accounts.roles import Role
from reg44 import schedule, selectors, services
from reg44.models import ReportSending, Visit, VisitReport
from tests.factories import LONDON, UserFactory

from .factories import (
    HomeFactory,
    PlacingAuthorityFactory,
    RecommendationFactory,
    VisitFactory,
    VisitorAssignmentFactory,
)

COMPLETE = {
    "children_spoken_to": "AB, CD",
    "children_consented": True,
    "children_views": "Both said they feel safe and like their key workers.",
    "staff_spoken_to": "The registered manager and a support worker",
    "records_examined": ["daily_log", "incidents", "missing"],
    "premises_inspected": True,
    "safeguarding_opinion": Visit.Opinion.YES,
    "safeguarding_evidence": "Incidents were notified promptly.",
    "wellbeing_opinion": Visit.Opinion.PARTIALLY,
    "wellbeing_evidence": "One child has no school place.",
    "has_conflict_of_interest": False,
}


def at(day: date, hour: int = 10, minute: int = 30) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=LONDON)


def visitor_for(home, **kwargs):
    """Return a Reg 44 visitor assigned to `home` from long ago."""
    visitor = UserFactory(roles=[Role.REG44_VISITOR], **kwargs)
    VisitorAssignmentFactory(home=home, visitor=visitor, started_on=date(2020, 1, 1))
    return visitor


def home_with_visitor(**kwargs):
    home = HomeFactory(**kwargs)
    PlacingAuthorityFactory(home=home, email="placements@northshire.example.org")
    return home, visitor_for(home)


def recorded_visit(*, home, visitor, on: date | None = None, **fields) -> Visit:
    """Return a draft visit on `on` (default: a week ago) ready to approve."""
    on = on or timezone.localdate() - timedelta(days=7)
    visit = services.visit_create(
        home=home, by=visitor, visit_at=at(on), for_month=schedule.month_start(on)
    )
    return services.visit_update(visit=visit, by=visitor, **{**COMPLETE, **fields})


def approved_visit(*, home, visitor, on: date | None = None, recommendations=()):
    """Return an approved visit with the given (text, consider_by) recommendations,
    its earlier open recommendations followed up as met."""
    visit = recorded_visit(home=home, visitor=visitor, on=on)
    for text, consider_by in recommendations:
        services.recommendation_add(
            visit=visit, by=visitor, text=text, consider_by=consider_by
        )
    pending = selectors.visit_follow_up_candidates(visit=visit)
    if pending:
        services.follow_ups_record(
            visit=visit, by=visitor, outcomes={r.pk: ("met", "") for r in pending}
        )
    services.visit_report_approve(visit=visit, by=visitor)
    visit.refresh_from_db()
    return visit


def visit_with_report(*, home, visitor, on: date, recommendation: str):
    """Return an approved visit, its one recommendation and its version 1 with one
    pending sending, made directly (few queries: for the access matrix)."""
    visit = VisitFactory(
        home=home,
        visitor=visitor,
        visit_on=on,
        status=Visit.Status.APPROVED,
        report_version=1,
        **COMPLETE,
    )
    made = RecommendationFactory(
        visit=visit, number=1, text=recommendation, consider_by=on + timedelta(28)
    )
    authorities = list(home.placing_authorities.all())
    content = selectors.visit_report_content(
        visit=visit,
        recommendations=[made],
        follow_ups=[],
        recipients=selectors.home_report_recipients(
            home=home, placing_authorities=authorities
        ),
    )
    report = VisitReport.objects.create(
        visit=visit,
        version=1,
        content=content,
        content_hash=selectors.visit_report_content_hash(content),
        approved_by=visitor,
        approved_at=at(on, 17),
    )
    sending = ReportSending.objects.create(
        report=report,
        recipient_roles="Registered provider",
        recipient_name=home.provider_name,
        recipient_email=home.provider_email,
        recipient_key=home.provider_email.lower(),
    )
    return visit, made, report, sending
