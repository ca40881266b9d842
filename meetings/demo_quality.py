"""Demo quality assurance: chairs' quality checks for most held reviews and
conferences of the last year, a few QA meetings, panel referrals and the
training needs the manager tagged."""

from __future__ import annotations

from datetime import timedelta

from .models import (
    Meeting,
    PanelReferral,
    QAMeeting,
    QualityCheck,
    QualityReportRow,
    TrainingTheme,
)
from .models.quality import Agency
from .selectors.quality import QUALITY_CHECK_KINDS

# Weighted as the service sees them: most reports adequate or good.
_QUALITY = ("good", "good", "adequate", "adequate", "adequate", "poor", "missing")
_OTHER_AGENCIES = (Agency.HEALTH, Agency.EDUCATION, Agency.POLICE, Agency.CARER)
_QA_CONCERNS = (
    (
        "Health assessments late for children placed out of area.",
        "Health liaison to report monthly on outstanding assessments.",
    ),
    (
        "Care plans without timescales presented at reviews.",
        "Team managers to sign off care plans before circulation.",
    ),
    (
        "Social workers' reports shared with parents late before conferences.",
        "Reports to be uploaded three working days before; IROs to escalate.",
    ),
    (
        "Children not seen by their social worker within timescale.",
        "Visit tracker reviewed weekly by each team manager.",
    ),
)
_TRAINING = (
    ("SMART plans", "Outcomes and timescales missing from plans."),
    ("Report quality", "Health and education reports rated poor or missing."),
    ("Child's voice", "Views recorded second-hand in several reviews."),
    ("Parents' participation", "Parents partly involved at conferences."),
)


def demo_quality_add(batch, *, rng, today, staff) -> None:
    """Answer the quality check for about four in five held meetings of the
    batch from the last year; add QA meetings, referrals and themes once."""
    child_ids = [child.pk for child in batch.children]
    meetings = (
        Meeting.objects.filter(
            child_id__in=child_ids,
            kind__in=QUALITY_CHECK_KINDS,
            status=Meeting.Status.HELD,
            held_on__gte=today - timedelta(days=365),
            quality_check__isnull=True,
        )
        .select_related("chair")
        .only("id", "kind", "held_on", "chair_id", "child_seen_by_chair", "chair__team")
    )
    checks, rows_for = [], []
    for meeting in meetings:
        if rng.random() > 0.8:
            continue
        is_conference = meeting.kind != Meeting.Kind.CIC_REVIEW
        checks.append(
            QualityCheck(
                meeting=meeting,
                child_seen_before=bool(meeting.child_seen_by_chair)
                or rng.random() < 0.3,
                child_views_heard=rng.random() < 0.85,
                parents_participated=rng.choice(("fully", "fully", "partly", "not")),
                partners_attended=rng.random() < 0.8,
                is_quorate=rng.random() < (0.9 if is_conference else 0.97),
                plan_smart=rng.choice(("yes", "yes", "partly", "partly", "no")),
                completed_by_id=meeting.chair_id,
                held_on=meeting.held_on,
                meeting_kind=meeting.kind,
                team_id=meeting.chair.team_id if meeting.chair_id else None,
            )
        )
        agencies = [Agency.SOCIAL_CARE, *rng.sample(_OTHER_AGENCIES, 2)]
        rows_for.append(agencies)
    QualityCheck.objects.bulk_create(checks, batch_size=2000)
    QualityReportRow.objects.bulk_create(
        [
            QualityReportRow(
                quality_check=check,
                agency=agency,
                quality=(quality := rng.choice(_QUALITY)),
                on_time=quality != "missing" and rng.random() < 0.75,
                held_on=check.held_on,
                team_id=check.team_id,
            )
            for check, agencies in zip(checks, rows_for, strict=True)
            for agency in agencies
        ],
        batch_size=2000,
    )
    if not QAMeeting.objects.exists() and child_ids:
        _demo_qa_once(child_ids, rng=rng, today=today, staff=staff)


def _demo_qa_once(child_ids, *, rng, today, staff) -> None:
    manager = staff.users["manager"]
    teams = list(staff.teams.values())
    for n, (concerns, decisions) in enumerate(_QA_CONCERNS):
        qa = QAMeeting.objects.create(
            held_on=today - timedelta(days=30 + 75 * n),
            team=rng.choice(teams),
            other_attendees="Team manager, children's social care",
            concerns=concerns,
            decisions=decisions,
            escalations="Raised with the head of service." if n % 2 else "",
            created_by=manager,
        )
        qa.attendees.set([manager, rng.choice(staff.iros)])
        referred_on = qa.held_on + timedelta(days=2)
        decided = referred_on + timedelta(days=28)
        PanelReferral.objects.create(
            child_id=rng.choice(child_ids),
            panel=rng.choice(PanelReferral.Panel.values),
            referred_on=referred_on,
            reason="Repeated concerns across agencies; learning for the partnership.",
            qa_meeting=qa,
            referred_by=manager,
            outcome="Single-agency learning review agreed." if decided < today else "",
            outcome_on=decided if decided < today else None,
        )
    for n, (tag, detail) in enumerate(_TRAINING):
        TrainingTheme.objects.create(
            tag=tag,
            detail=detail,
            noted_on=today - timedelta(days=20 + 60 * n),
            tagged_by=manager,
        )
