"""Reads for quality assurance: the chair's quality check, QA meetings, panel
referrals, training themes and the aggregates the themes page shows."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from django.db.models import Count, Exists, Min, OuterRef, Q, QuerySet
from django.db.models.functions import Lower

from accounts.models import User
from accounts.roles import Role
from cases import selectors as case_selectors

from .. import codes
from ..models import (
    Meeting,
    PanelReferral,
    QAMeeting,
    QualityCheck,
    QualityReportRow,
    TrainingTheme,
)
from ..models.quality import Agency, ParentParticipation, PlanSmart, ReportQuality
from .scheduling import meeting_list_visible_to, meeting_may_chair

__all__ = [
    "QUALITY_CHECK_KINDS",
    "agency_for_participant_role",
    "agency_for_report_kind",
    "is_conference_quorate",
    "panel_referral_get_for_change",
    "panel_referral_list_visible_to",
    "qa_meeting_get_for_detail",
    "qa_meeting_list_visible_to",
    "qa_theme_counts",
    "quality_check_get",
    "quality_check_initial",
    "quality_check_list_outstanding",
    "quality_check_may_answer",
    "quality_check_facts",
    "quality_check_may_read",
    "quality_panel_context",
    "quality_theme_tables",
    "training_theme_counts",
]

# The meetings the chair checks afterwards: Children in Care reviews and child
# protection conferences (initial, transfer-in and review).
QUALITY_CHECK_KINDS = (
    Meeting.Kind.CIC_REVIEW,
    Meeting.Kind.ICPC,
    Meeting.Kind.TRANSFER_IN,
    Meeting.Kind.RCPC,
)
_CONFERENCE_KINDS = (Meeting.Kind.ICPC, Meeting.Kind.TRANSFER_IN, Meeting.Kind.RCPC)

_REPORT_AGENCY = {
    codes.ReportKind.SOCIAL_WORKER: Agency.SOCIAL_CARE,
    codes.ReportKind.CARE_PLAN: Agency.SOCIAL_CARE,
    codes.ReportKind.PLACEMENT_PLAN: Agency.SOCIAL_CARE,
    codes.ReportKind.PATHWAY_PLAN: Agency.SOCIAL_CARE,
    codes.ReportKind.PEP: Agency.EDUCATION,
    codes.ReportKind.HEALTH: Agency.HEALTH,
    codes.ReportKind.CARER: Agency.CARER,
    codes.ReportKind.OTHER: Agency.OTHER,
}
# Professionals only: family members, advocates and interpreters are no agency.
_ROLE_AGENCY = {
    codes.ParticipantRole.SOCIAL_WORKER: Agency.SOCIAL_CARE,
    codes.ParticipantRole.TEAM_MANAGER: Agency.SOCIAL_CARE,
    codes.ParticipantRole.SCHOOL: Agency.EDUCATION,
    codes.ParticipantRole.HEALTH: Agency.HEALTH,
    codes.ParticipantRole.POLICE: Agency.POLICE,
    codes.ParticipantRole.CARER: Agency.CARER,
    codes.ParticipantRole.OTHER_PROFESSIONAL: Agency.OTHER,
}
_ATTENDED = (codes.Attendance.ATTENDED, codes.Attendance.EXCLUDED_PART)


def agency_for_report_kind(kind: str) -> str | None:
    """Return the agency that writes a report of `kind` (None when unknown)."""
    return _REPORT_AGENCY.get(kind)


def agency_for_participant_role(role: str) -> str | None:
    """Return the agency a participant of `role` speaks for (None: not an agency)."""
    return _ROLE_AGENCY.get(role)


def is_conference_quorate(*, agencies: Iterable[str]) -> bool:
    """Whether the agencies present make a child protection conference quorate.

    Working Together to Safeguard Children 2023, ch. 2 (initial conferences):
    as a minimum the chair, children's social care and at least two other
    professional agencies. Carers and "other" are not counted as agencies here.
    """
    present = set(agencies)
    others = present - {Agency.SOCIAL_CARE, Agency.CARER, Agency.OTHER}
    return Agency.SOCIAL_CARE in present and len(others) >= 2


def quality_check_may_answer(*, user: User, meeting: Meeting) -> bool:
    """The chair answers the check, once the meeting is held."""
    return (
        meeting.kind in QUALITY_CHECK_KINDS
        and meeting.status == Meeting.Status.HELD
        and meeting_may_chair(user=user, meeting=meeting)
    )


def quality_check_may_read(*, user: User, meeting: Meeting) -> bool:
    """The chair and managers read the check; other readers of the meeting do not."""
    return meeting.kind in QUALITY_CHECK_KINDS and (
        meeting_may_chair(user=user, meeting=meeting) or user.has_role(Role.MANAGER)
    )


def _suggested_rows(meeting: Meeting) -> list[dict]:
    """Agencies from the meeting's expected reports and professional invitees."""
    rows: dict[str, dict] = {}
    for report in meeting.expected_reports.all():
        agency = agency_for_report_kind(report.kind)
        if agency is None:
            continue
        on_time = bool(
            report.received_on
            and meeting.held_on
            and report.received_on < meeting.held_on
        )
        row = rows.setdefault(agency, {"agency": agency, "on_time": on_time})
        # An agency is on time only if every report it owed arrived before.
        row["on_time"] = row["on_time"] and on_time
        if report.received_on is None:
            row["quality"] = ReportQuality.MISSING
    for participant in meeting.participants.all():
        agency = agency_for_participant_role(participant.role)
        if agency is not None:
            rows.setdefault(agency, {"agency": agency, "on_time": False})
    return sorted(rows.values(), key=lambda r: list(Agency.values).index(r["agency"]))


def _agencies_attended(meeting: Meeting) -> set[str]:
    return {
        agency
        for p in meeting.participants.all()
        if p.attendance in _ATTENDED
        and (agency := agency_for_participant_role(p.role)) is not None
    }


def quality_check_get(*, meeting: Meeting) -> QualityCheck | None:
    """Return the meeting's quality check with its agency rows, or None."""
    return (
        QualityCheck.objects.filter(meeting=meeting)
        .select_related("completed_by")
        .prefetch_related("report_rows")
        .first()
    )


def quality_check_initial(
    *, meeting: Meeting, check: QualityCheck | None
) -> tuple[dict, list[dict]]:
    """Return (answers, agency rows) to start the form: the saved check, or
    suggestions from what the meeting's page already records."""
    if check is not None:
        answers = {
            name: getattr(check, name)
            for name in (
                "child_seen_before",
                "child_views_heard",
                "parents_participated",
                "partners_attended",
                "is_quorate",
                "plan_smart",
                "comment",
            )
        }
        rows = [
            {"agency": r.agency, "on_time": r.on_time, "quality": r.quality}
            for r in check.report_rows.all()
        ]
        return answers, rows
    answers: dict = {}
    if meeting.child_seen_by_chair is not None:
        answers["child_seen_before"] = meeting.child_seen_by_chair
    if meeting.kind in _CONFERENCE_KINDS:
        answers["is_quorate"] = is_conference_quorate(
            agencies=_agencies_attended(meeting)
        )
    return answers, _suggested_rows(meeting)


def quality_check_facts(*, meeting: Meeting) -> dict:
    """What the page shows beside the form: the agencies recorded as attending
    and, for a conference, whether they make it quorate."""
    agencies = _agencies_attended(meeting)
    is_conference = meeting.kind in _CONFERENCE_KINDS
    return {
        "agencies_attended": sorted(Agency(a).label for a in agencies),
        "is_conference": is_conference,
        "quorate_by_attendance": (
            is_conference_quorate(agencies=agencies) if is_conference else None
        ),
    }


def quality_check_list_outstanding(*, user: User) -> QuerySet[Meeting]:
    """Held reviews and conferences with no quality check yet: the chair's own,
    or every chair's for a manager; most recently held first."""
    queryset = meeting_list_visible_to(user=user).filter(
        kind__in=QUALITY_CHECK_KINDS, status=Meeting.Status.HELD
    )
    if not user.has_role(Role.MANAGER):
        queryset = queryset.filter(chair=user)
    return (
        queryset.filter(~Exists(QualityCheck.objects.filter(meeting=OuterRef("pk"))))
        .select_related("child", "chair")
        .order_by("-held_on", "-id")
    )


def quality_panel_context(*, meeting: Meeting, user: User) -> dict:
    """The meeting page's prompt: an outstanding check, or the check's summary."""
    if meeting.kind not in QUALITY_CHECK_KINDS or meeting.status != (
        Meeting.Status.HELD
    ):
        return {"quality_panel": None}
    if not quality_check_may_read(user=user, meeting=meeting):
        return {"quality_panel": None}
    check = QualityCheck.objects.filter(meeting=meeting).first()
    return {
        "quality_panel": {
            "check": check,
            "is_outstanding": check is None,
            "can_answer": quality_check_may_answer(user=user, meeting=meeting),
        }
    }


# --- QA meetings and panel referrals --------------------------------------------------


def qa_meeting_list_visible_to(*, user: User) -> QuerySet[QAMeeting]:
    """Managers see every QA meeting; others those they recorded or attended."""
    if not user.is_authenticated or not user.has_perm("meetings.record_qa"):
        return QAMeeting.objects.none()
    queryset = QAMeeting.objects.all()
    if not user.has_role(Role.MANAGER):
        attended = QAMeeting.attendees.through.objects.filter(
            qameeting_id=OuterRef("pk"), user_id=user.pk
        )
        queryset = queryset.filter(Q(created_by=user) | Q(Exists(attended)))
    return queryset.select_related("team", "created_by", "escalated_dispute")


def qa_meeting_get_for_detail(*, user: User, pk: int) -> QAMeeting:
    """Return one visible QA meeting with attendees and referrals, or raise."""
    return (
        qa_meeting_list_visible_to(user=user)
        .prefetch_related("attendees", "referrals__child")
        .get(pk=pk)
    )


def panel_referral_list_visible_to(*, user: User) -> QuerySet[PanelReferral]:
    """Managers see every referral; others those they made about children they
    may still see."""
    if not user.is_authenticated or not user.has_perm("meetings.record_qa"):
        return PanelReferral.objects.none()
    queryset = PanelReferral.objects.all()
    if not user.has_role(Role.MANAGER):
        visible = case_selectors.child_list_visible_to(user=user).filter(
            pk=OuterRef("child_id")
        )
        queryset = queryset.filter(Exists(visible), referred_by=user)
    return queryset.select_related("child", "referred_by", "qa_meeting")


def panel_referral_get_for_change(*, user: User, pk: int) -> PanelReferral:
    """Return one visible referral, or raise PanelReferral.DoesNotExist."""
    return panel_referral_list_visible_to(user=user).get(pk=pk)


# --- aggregates for the themes page ---------------------------------------------------
# Each is a fixed number of grouped queries, whatever the number of rows.


def _in_period(queryset, date_from: date, date_to: date, team_id: int | None):
    queryset = queryset.filter(held_on__gte=date_from, held_on__lte=date_to)
    return queryset if team_id is None else queryset.filter(team_id=team_id)


def _rate(part: int, whole: int) -> int | None:
    return round(100 * part / whole) if whole else None


def quality_theme_tables(
    *, date_from: date, date_to: date, team_id: int | None = None
) -> dict:
    """Return report timeliness and quality by agency, and participation,
    quoracy and SMART-plan rates, from the quality checks of meetings held in
    the period (chaired by members of `team_id` when given). Two queries, each
    on one table through its (held_on) index.

    {"agencies": [{"agency", "label", "reports", "on_time", "on_time_rate",
    "good", "adequate", "poor", "missing"}], "participation": {"checks",
    "child_seen", "child_seen_rate", "views_heard", ..., "conferences",
    "quorate", "quorate_rate"}}
    """
    checks = _in_period(QualityCheck.objects, date_from, date_to, team_id)
    by_quality = {q: Count("id", filter=Q(quality=q)) for q in ReportQuality.values}
    agency_rows = (
        _in_period(QualityReportRow.objects, date_from, date_to, team_id)
        .values("agency")
        .annotate(
            reports=Count("id"),
            on_time=Count("id", filter=Q(on_time=True)),
            **by_quality,
        )
        .order_by("agency")
    )
    agencies = [
        {
            **row,
            "label": Agency(row["agency"]).label,
            "on_time_rate": _rate(row["on_time"], row["reports"]),
        }
        for row in agency_rows
    ]
    conference = Q(meeting_kind__in=_CONFERENCE_KINDS)
    totals = checks.aggregate(
        checks=Count("id"),
        child_seen=Count("id", filter=Q(child_seen_before=True)),
        views_heard=Count("id", filter=Q(child_views_heard=True)),
        parents_fully=Count(
            "id", filter=Q(parents_participated=ParentParticipation.FULLY)
        ),
        parents_partly=Count(
            "id", filter=Q(parents_participated=ParentParticipation.PARTLY)
        ),
        parents_not=Count("id", filter=Q(parents_participated=ParentParticipation.NOT)),
        partners_attended=Count("id", filter=Q(partners_attended=True)),
        conferences=Count("id", filter=conference),
        quorate=Count("id", filter=conference & Q(is_quorate=True)),
        smart_yes=Count("id", filter=Q(plan_smart=PlanSmart.YES)),
        smart_partly=Count("id", filter=Q(plan_smart=PlanSmart.PARTLY)),
        smart_no=Count("id", filter=Q(plan_smart=PlanSmart.NO)),
    )
    whole = totals["checks"]
    participation = {
        **totals,
        "child_seen_rate": _rate(totals["child_seen"], whole),
        "views_heard_rate": _rate(totals["views_heard"], whole),
        "parents_fully_rate": _rate(totals["parents_fully"], whole),
        "partners_attended_rate": _rate(totals["partners_attended"], whole),
        "quorate_rate": _rate(totals["quorate"], totals["conferences"]),
        "smart_yes_rate": _rate(totals["smart_yes"], whole),
    }
    return {"agencies": agencies, "participation": participation}


def qa_theme_counts(
    *, date_from: date, date_to: date, team_id: int | None = None
) -> dict:
    """Return QA meetings held (and how many escalated) and panel referrals made
    in the period, by panel, with how many have an outcome.

    {"qa_meetings": int, "qa_escalations": int, "referrals": [{"panel",
    "label", "referred", "with_outcome"}]}
    """
    meetings = QAMeeting.objects.filter(held_on__gte=date_from, held_on__lte=date_to)
    referrals = PanelReferral.objects.filter(
        referred_on__gte=date_from, referred_on__lte=date_to
    )
    if team_id is not None:
        meetings = meetings.filter(team_id=team_id)
        referrals = referrals.filter(referred_by__team_id=team_id)
    qa = meetings.aggregate(
        qa_meetings=Count("id"),
        qa_escalations=Count(
            "id",
            filter=~Q(escalations="")
            | Q(escalated_dispute__isnull=False)
            | Q(escalated_alert_id__isnull=False),
        ),
    )
    by_panel = {
        row["panel"]: row
        for row in referrals.values("panel")
        .annotate(referred=Count("id"), with_outcome=Count("id", filter=~Q(outcome="")))
        .order_by()
    }
    rows = [
        {
            "panel": value,
            "label": label,
            "referred": by_panel.get(value, {}).get("referred", 0),
            "with_outcome": by_panel.get(value, {}).get("with_outcome", 0),
        }
        for value, label in PanelReferral.Panel.choices
    ]
    return {**qa, "referrals": rows}


def training_theme_counts(
    *, date_from: date, date_to: date, team_id: int | None = None, latest: int = 20
) -> dict:
    """Return the training needs tagged in the period: each tag (compared without
    case) with how often, and the latest entries.

    {"tags": [{"tag", "count"}], "latest": [TrainingTheme]}
    """
    themes = TrainingTheme.objects.filter(
        noted_on__gte=date_from, noted_on__lte=date_to
    )
    if team_id is not None:
        themes = themes.filter(team_id=team_id)
    # One spelling stands for the tag's variants ("SMART plans", "smart plans").
    tags = list(
        themes.annotate(key=Lower("tag"))
        .values("key")
        .annotate(count=Count("id"), label=Min("tag"))
        .order_by("-count", "key")
    )
    return {
        "tags": [{"tag": row["label"], "count": row["count"]} for row in tags],
        "latest": list(
            themes.select_related("team", "tagged_by").order_by("-noted_on", "-id")[
                :latest
            ]
        ),
    }
