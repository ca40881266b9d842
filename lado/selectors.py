"""Reads for LADO allegations: record scope, lists, the clock, the timeline,
retention, minutes for PDFs, annual figures and employer patterns."""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from dataclasses import dataclass, field
from datetime import date

from django.conf import settings
from django.db.models import (
    BooleanField,
    Case,
    Count,
    DurationField,
    Exists,
    ExpressionWrapper,
    F,
    Max,
    Min,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.functions import Concat, Lower
from django.utils import timezone

from accounts.models import User
from accounts.roles import Role
from cases.models import Child
from cases.selectors import Clock
from cases.timescales import DueDate, is_in_time

from . import codes, retention, workflow
from .models import (
    Allegation,
    AllegationAction,
    AllegationEvent,
    AllegationMeeting,
    Attendee,
    InvolvedChild,
    LegalHold,
    MinutesDistribution,
    MinutesVersion,
    SubjectMatch,
)

DEFAULT_PENSION_AGE_YEARS = 67

# --- record scope ----------------------------------------------------------------------


def allegation_list_visible_to(*, user: User) -> QuerySet[Allegation]:
    """Return the allegations `user` may see: all for LADOs and managers, else none
    (DOMAIN.md A3; administrators manage users, not case records)."""
    if not user.is_authenticated or not user.is_active:
        return Allegation.objects.none()
    if user.has_role(Role.LADO, Role.MANAGER):
        return Allegation.objects.all()
    return Allegation.objects.none()


def allegation_may_change(*, user: User) -> bool:
    """Return whether `user` may change allegations (LADOs)."""
    return user.has_perm("lado.change_allegation")


def allegation_list_search(
    *,
    user: User,
    today: date,
    mine: bool = False,
    status: str = "",
    sector: str = "",
    overdue_decision: bool = False,
    q: str = "",
    setting: str = "",
) -> QuerySet[Allegation]:
    """Return visible allegations, filtered, with `is_decision_overdue` annotated."""
    queryset = (
        allegation_list_visible_to(user=user)
        .select_related("lado_officer")
        .annotate(
            is_decision_overdue=Case(
                When(
                    first_response_on__isnull=True,
                    status=codes.Status.AWAITING_DECISION,
                    decision_due_on__lt=today,
                    then=Value(True),
                ),
                default=Value(False),
                output_field=BooleanField(),
            )
        )
    )
    if mine:
        queryset = queryset.filter(lado_officer=user)
    if status:
        queryset = queryset.filter(status=status)
    if sector:
        queryset = queryset.filter(sector=sector)
    if overdue_decision:
        queryset = queryset.filter(is_decision_overdue=True)
    for word in q.split():
        queryset = queryset.filter(
            Q(subject_first_name__icontains=word) | Q(subject_last_name__icontains=word)
        )
    if setting:
        queryset = queryset.filter(setting_name__iexact=setting.strip())
    return queryset.order_by("-received_at", "-id")


def allegation_get_for_detail(*, user: User, pk: int) -> Allegation:
    """Return one visible allegation with everything its pages show, or raise."""
    meetings = AllegationMeeting.objects.select_related("chair").prefetch_related(
        Prefetch("attendees", queryset=Attendee.objects.order_by("name", "id")),
        Prefetch("actions", queryset=AllegationAction.objects.order_by("due_on", "id")),
        Prefetch(
            "minutes_versions",
            queryset=MinutesVersion.objects.select_related("issued_by")
            .prefetch_related(
                Prefetch(
                    "distributions",
                    queryset=MinutesDistribution.objects.order_by("recipient_name"),
                )
            )
            .order_by("-version"),
        ),
    )
    return (
        allegation_list_visible_to(user=user)
        .select_related("lado_officer", "decided_by", "closed_by", "created_by")
        .prefetch_related(
            Prefetch(
                "children",
                queryset=InvolvedChild.objects.select_related("child").order_by("id"),
            ),
            Prefetch("meetings", queryset=meetings.order_by("held_on", "id")),
            Prefetch(
                "matches",
                queryset=SubjectMatch.objects.select_related(
                    "earlier", "decided_by"
                ).order_by("-earlier__received_at", "id"),
            ),
            Prefetch(
                "legal_holds",
                queryset=LegalHold.objects.select_related(
                    "placed_by", "lifted_by"
                ).order_by("-placed_at", "-id"),
            ),
            Prefetch(
                "events",
                queryset=AllegationEvent.objects.select_related("by").order_by(
                    "-at", "-id"
                ),
            ),
        )
        .get(pk=pk)
    )


def child_find_by_la_child_id(*, la_child_id: str) -> Child | None:
    """Return the child known to the authority by this LA child ID, or None.

    A LADO may see a linked child's summary (DOMAIN.md A3), not the child record.
    """
    value = la_child_id.strip()
    if not value:
        return None
    return Child.objects.filter(la_child_id__iexact=value).first()


def subject_matches_find(*, allegation: Allegation) -> QuerySet[Allegation]:
    """Return earlier allegations about an adult of the same name and date of birth.

    Names are compared case-insensitively; without a date of birth nothing matches.
    """
    if allegation.subject_date_of_birth is None:
        return Allegation.objects.none()
    return (
        Allegation.objects.filter(
            subject_first_name__iexact=allegation.subject_first_name.strip(),
            subject_last_name__iexact=allegation.subject_last_name.strip(),
            subject_date_of_birth=allegation.subject_date_of_birth,
            received_at__lte=allegation.received_at,
        )
        .exclude(pk=allegation.pk)
        .order_by("-received_at")
    )


def setting_other_allegation_count(*, allegation: Allegation) -> int:
    """Return how many other allegations name the same employer or setting."""
    return (
        Allegation.objects.filter(setting_name__iexact=allegation.setting_name)
        .exclude(pk=allegation.pk)
        .count()
    )


def action_list_overdue(*, today: date) -> QuerySet[AllegationAction]:
    """Return open actions past their due date whose owner can be emailed."""
    return (
        AllegationAction.objects.filter(
            status=AllegationAction.Status.OPEN, due_on__lt=today
        )
        .exclude(owner_email="")
        .select_related("allegation", "meeting")
        .order_by("due_on", "id")
    )


def meeting_overdue_action_ids(*, meeting: AllegationMeeting, today: date) -> set[int]:
    """Return the ids of the meeting's open actions past their due date (prefetched)."""
    return {
        a.pk
        for a in meeting.actions.all()
        if a.status == AllegationAction.Status.OPEN and a.due_on < today
    }


# --- the clock and what it says on the record -------------------------------------------


@dataclass(frozen=True)
class ClockItem:
    label: str
    stored_due_on: date
    explanation: DueDate
    done_on: date | None

    @property
    def in_time(self) -> bool | None:
        if self.done_on is None:
            return None
        return is_in_time(held_on=self.done_on, due_on=self.stored_due_on)


def allegation_clock_items(*, allegation: Allegation, clock: Clock) -> list[ClockItem]:
    """Return the allegation's stored due dates, each with its explanation."""
    start = allegation.received_on
    return [
        ClockItem(
            "Initial consideration",
            allegation.decision_due_on,
            clock.due("lado_decision", start),
            allegation.first_response_on,
        ),
        ClockItem(
            "Resolved: 1-month mark",
            allegation.one_month_due_on,
            clock.due("lado_1_month", start),
            allegation.closed_on,
        ),
        ClockItem(
            "Resolved: 3-month mark",
            allegation.three_months_due_on,
            clock.due("lado_3_months", start),
            allegation.closed_on,
        ),
        ClockItem(
            "Resolved: 12-month mark",
            allegation.twelve_months_due_on,
            clock.due("lado_12_months", start),
            allegation.closed_on,
        ),
    ]


def _fmt(day: date) -> str:
    return f"{day:%a} {day.day} {day:%b %Y}"


@dataclass(frozen=True)
class EmployerReferral:
    known: bool
    in_time: bool | None
    working_days: int | None
    came_on: date | None
    received_on: date

    @property
    def text(self) -> str:
        if not self.known:
            return (
                "The date the allegation came to the employer's attention is not "
                "recorded."
            )
        days = self.working_days
        unit = "working day" if days == 1 else "working days"
        verdict = (
            "within one working day" if self.in_time else "later than one working day"
        )
        return (
            f"Came to the employer's attention on {_fmt(self.came_on)}; the LADO "
            f"received it on {_fmt(self.received_on)}, {days} {unit} later: "
            f"{verdict} (Working Together 2023, ch.4)."
        )


def allegation_employer_referral(*, allegation: Allegation) -> EmployerReferral:
    """Return whether the employer told the LADO within one working day."""
    days = allegation.employer_referral_working_days
    return EmployerReferral(
        known=allegation.came_to_employer_attention_on is not None and days is not None,
        in_time=workflow.employer_referred_in_time(days),
        working_days=days,
        came_on=allegation.came_to_employer_attention_on,
        received_on=allegation.received_on,
    )


def allegation_is_decision_overdue(*, allegation: Allegation, today: date) -> bool:
    """Return whether the initial consideration is past due with no response."""
    return allegation.first_response_on is None and today > allegation.decision_due_on


@dataclass(frozen=True)
class Mark:
    label: str
    due_on: date
    state: str  # "met", "missed", "passed" (open and past it), "ahead"


@dataclass(frozen=True)
class Duration:
    days: int
    is_closed: bool
    marks: tuple[Mark, ...]
    needs_delay_reason: bool

    @property
    def summary(self) -> str:
        if self.is_closed:
            met = [m.label for m in self.marks if m.state == "met"]
            within = f"within {met[0]}" if met else "after 12 months"
            return f"Took {self.days} days from referral to closure: {within}."
        passed = [m.label for m in self.marks if m.state == "passed"]
        if passed:
            return f"Open for {self.days} days: past the {passed[-1]} mark."
        return f"Open for {self.days} days."


def allegation_duration(*, allegation: Allegation, today: date) -> Duration:
    """Return how long the case took, or has taken, against 1, 3 and 12 months."""
    end = allegation.closed_on or today
    marks = []
    for label, due in (
        ("1 month", allegation.one_month_due_on),
        ("3 months", allegation.three_months_due_on),
        ("12 months", allegation.twelve_months_due_on),
    ):
        if allegation.closed_on is not None:
            state = "met" if is_in_time(held_on=end, due_on=due) else "missed"
        else:
            state = "passed" if today > due else "ahead"
        marks.append(Mark(label, due, state))
    return Duration(
        days=(end - allegation.received_on).days,
        is_closed=allegation.closed_on is not None,
        marks=tuple(marks),
        needs_delay_reason=workflow.needs_delay_reason(
            closed_on=end, one_month_due_on=allegation.one_month_due_on
        ),
    )


@dataclass(frozen=True)
class TimelineEntry:
    day: date
    label: str
    detail: str = ""
    is_due: bool = False


def allegation_timeline(*, allegation: Allegation) -> list[TimelineEntry]:
    """Return the key dates of the allegation in order, with the due dates among them.

    Uses the prefetched meetings of `allegation_get_for_detail`.
    """
    a = allegation
    entries = [
        TimelineEntry(
            a.received_on,
            "Referral received by the LADO",
            f"{timezone.localtime(a.received_at):%H:%M} from {a.referrer_name}",
        ),
        TimelineEntry(a.decision_due_on, "Initial consideration due", is_due=True),
        TimelineEntry(a.one_month_due_on, "1-month mark", is_due=True),
        TimelineEntry(a.three_months_due_on, "3-month mark", is_due=True),
        TimelineEntry(a.twelve_months_due_on, "12-month mark", is_due=True),
    ]
    if a.came_to_employer_attention_on:
        entries.append(
            TimelineEntry(
                a.came_to_employer_attention_on, "Came to the employer's attention"
            )
        )
    if a.decided_on:
        entries.append(
            TimelineEntry(
                a.decided_on, "Initial consideration", a.get_decision_display()
            )
        )
    if a.interim_measure_on and a.interim_measure != codes.InterimMeasure.NONE:
        entries.append(
            TimelineEntry(
                a.interim_measure_on,
                "Interim measure",
                a.get_interim_measure_display(),
            )
        )
    if a.subject_informed_on:
        entries.append(TimelineEntry(a.subject_informed_on, "Adult told"))
    for meeting in a.meetings.all():
        entries.append(
            TimelineEntry(meeting.held_on, meeting.get_kind_display(), meeting.venue)
        )
    if a.outcome_on:
        entries.append(TimelineEntry(a.outcome_on, "Outcome", a.get_outcome_display()))
    if a.dbs_referred_on:
        entries.append(TimelineEntry(a.dbs_referred_on, "Referred to the DBS"))
    if a.closed_on:
        entries.append(TimelineEntry(a.closed_on, "Case closed"))
    # Events before due dates on the same day: what happened, then what was due.
    return sorted(entries, key=lambda e: (e.day, e.is_due))


# --- retention ---------------------------------------------------------------------------


def retention_pension_age() -> int:
    """Return the normal pension age used by the retention rule (setting, default 67)."""
    return int(getattr(settings, "LADO_NORMAL_PENSION_AGE", DEFAULT_PENSION_AGE_YEARS))


@dataclass(frozen=True)
class RetentionPanel:
    due: retention.RetentionDue
    is_due_for_review: bool
    active_hold: LegalHold | None
    holds: list[LegalHold]
    remove_from_personnel_records: bool
    not_in_references: bool

    @property
    def disposal_blocked(self) -> bool:
        return self.active_hold is not None


def allegation_retention(*, allegation: Allegation, today: date) -> RetentionPanel:
    """Return when the record falls due for review, and any legal hold on it.

    Uses the prefetched legal holds of `allegation_get_for_detail`.
    """
    due = retention.retention_review_due(
        allegation_on=allegation.came_to_employer_attention_on
        or allegation.received_on,
        subject_date_of_birth=allegation.subject_date_of_birth,
        pension_age_years=retention_pension_age(),
    )
    holds = list(allegation.legal_holds.all())
    outcome = allegation.outcome
    return RetentionPanel(
        due=due,
        is_due_for_review=today >= due.review_on,
        active_hold=next((h for h in holds if h.is_active), None),
        holds=holds,
        remove_from_personnel_records=outcome == codes.Outcome.MALICIOUS,
        not_in_references=outcome
        in (
            codes.Outcome.FALSE,
            codes.Outcome.MALICIOUS,
            codes.Outcome.UNSUBSTANTIATED,
        ),
    )


# --- minutes ------------------------------------------------------------------------------


def minutes_content(*, meeting: AllegationMeeting) -> dict:
    """Return a meeting's minutes as they would be issued now (text, people, actions)."""
    return {
        "discussion": meeting.discussion,
        "decisions": meeting.decisions,
        "attendees": [
            {
                "name": a.name,
                "role": a.role,
                "attended": a.attended,
            }
            for a in sorted(meeting.attendees.all(), key=lambda a: (a.name, a.pk))
        ],
        "actions": [
            {
                "text": a.text,
                "owner_name": a.owner_name,
                "due_on": a.due_on.isoformat(),
            }
            for a in sorted(meeting.actions.all(), key=lambda a: (a.due_on, a.pk))
        ],
    }


def minutes_content_hash(content: dict) -> str:
    """Return the SHA-256 of minutes content, stable across key order."""
    encoded = json.dumps(content, sort_keys=True, ensure_ascii=False).encode()
    return hashlib.sha256(encoded).hexdigest()


def minutes_pdf_context(*, minutes_id: int) -> dict:
    """Return everything the minutes PDF shows, so the template runs no queries."""
    minutes = MinutesVersion.objects.select_related(
        "meeting__allegation", "meeting__chair", "issued_by"
    ).get(pk=minutes_id)
    meeting = minutes.meeting
    allegation = meeting.allegation
    return {
        "title": meeting.get_kind_display(),
        "reference": allegation.reference,
        "minutes": {
            "version": minutes.version,
            "issued_at": minutes.issued_at,
            "issued_by": str(minutes.issued_by) if minutes.issued_by else "",
            "content_hash": minutes.content_hash,
            "discussion": minutes.discussion,
            "decisions": minutes.decisions,
        },
        "meeting": {
            "held_on": meeting.held_on,
            "venue": meeting.venue,
            "chair": str(meeting.chair) if meeting.chair else "",
        },
        "allegation": {
            "subject_name": allegation.subject_name,
            "subject_role": allegation.subject_role,
            "setting_name": allegation.setting_name,
            "sector": allegation.get_sector_display(),
            "category": allegation.get_category_display(),
            "received_on": allegation.received_on,
        },
        "attendees": minutes.attendees,
        "actions": [
            {**a, "due_on": date.fromisoformat(a["due_on"])} for a in minutes.actions
        ],
    }


def minutes_get_for_meeting(
    *, meeting: AllegationMeeting, pk: int
) -> MinutesVersion | None:
    """Return a version of the meeting's minutes from the prefetched rows, or None."""
    return next((m for m in meeting.minutes_versions.all() if m.pk == pk), None)


# --- annual figures ------------------------------------------------------------------------


def _percent(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


@dataclass(frozen=True)
class Row:
    key: str
    label: str
    consultations: int = 0
    referrals: int = 0
    total: int = 0


@dataclass(frozen=True)
class Tally:
    key: str
    label: str
    count: int


@dataclass(frozen=True)
class Timeliness:
    label: str
    within: int
    of: int

    @property
    def percent(self) -> float | None:
        return _percent(self.within, self.of)


@dataclass(frozen=True)
class LongCase:
    pk: int
    reference: str
    sector: str
    days: int
    delay_reason: str


@dataclass
class LadoFigures:
    start: date
    end: date
    contacts: int = 0
    consultations: int = 0
    referrals: int = 0
    undecided: int = 0
    threshold_met: int = 0
    repeat_subjects: int = 0
    by_sector: list[Row] = field(default_factory=list)
    by_source: list[Row] = field(default_factory=list)
    by_criterion: list[Tally] = field(default_factory=list)
    by_outcome: list[Tally] = field(default_factory=list)
    by_employer_action: list[Tally] = field(default_factory=list)
    by_regulator: list[Tally] = field(default_factory=list)
    response: Timeliness | None = None
    employer_referral: Timeliness | None = None
    resolution: list[Timeliness] = field(default_factory=list)
    closed: int = 0
    dbs_referrals: int = 0
    longest: list[LongCase] = field(default_factory=list)

    @property
    def threshold_met_percent(self) -> float | None:
        return _percent(self.threshold_met, self.referrals)

    def chart_data(self) -> dict:
        """Return the series the charts draw (the tables show the same numbers)."""
        return {
            "sector": {
                "labels": [r.label for r in self.by_sector],
                "consultations": [r.consultations for r in self.by_sector],
                "referrals": [r.referrals for r in self.by_sector],
            },
            "source": {
                "labels": [r.label for r in self.by_source],
                "consultations": [r.consultations for r in self.by_source],
                "referrals": [r.referrals for r in self.by_source],
            },
            "outcome": {
                "labels": [c.label for c in self.by_outcome],
                "counts": [c.count for c in self.by_outcome],
            },
            "criterion": {
                "labels": [c.label for c in self.by_criterion],
                "counts": [c.count for c in self.by_criterion],
            },
            "timeliness": {
                "labels": [t.label for t in self.resolution],
                "percents": [t.percent or 0 for t in self.resolution],
            },
        }


_SHORT_CRITERION = {
    codes.HarmCriterion.HARMED: "Harmed or may have harmed a child",
    codes.HarmCriterion.OFFENCE: "Possible criminal offence",
    codes.HarmCriterion.RISK: "May pose a risk of harm",
    codes.HarmCriterion.SUITABILITY: "May not be suitable (transferable risk)",
}

_CONSULTATION = Q(decision=codes.Decision.CONSULTATION)
_REFERRAL = Q(
    decision__in=[codes.Decision.THRESHOLD_MET, codes.Decision.THRESHOLD_NOT_MET]
)


def _rows_by(queryset, field_name: str, choices) -> list[Row]:
    counted = {
        row[field_name]: row
        for row in queryset.values(field_name).annotate(
            consultations=Count("id", filter=_CONSULTATION),
            referrals=Count("id", filter=_REFERRAL),
            total=Count("id"),
        )
    }
    return [
        Row(
            value,
            label,
            counted.get(value, {}).get("consultations", 0),
            counted.get(value, {}).get("referrals", 0),
            counted.get(value, {}).get("total", 0),
        )
        for value, label in choices
    ]


def lado_figures(*, start: date, end: date) -> LadoFigures:
    """Return the LADO annual report figures for contacts received, and cases closed,
    between `start` and `end` inclusive (DOMAIN.md 4.1, 4.3).

    Timeliness counts allegations that met the harm test, from the date the
    referral was received to the date the case closed (LA-04).
    """
    figures = LadoFigures(start=start, end=end)
    received = Allegation.objects.filter(received_on__range=(start, end))
    confirmed_repeat = SubjectMatch.objects.filter(
        allegation=OuterRef("pk"), status=codes.MatchStatus.CONFIRMED
    )
    totals = received.aggregate(
        contacts=Count("id"),
        consultations=Count("id", filter=_CONSULTATION),
        referrals=Count("id", filter=_REFERRAL),
        threshold_met=Count("id", filter=Q(decision=codes.Decision.THRESHOLD_MET)),
        responded=Count("id", filter=Q(first_response_on__isnull=False)),
        responded_in_time=Count(
            "id", filter=Q(first_response_on__lte=F("decision_due_on"))
        ),
        employer_known=Count(
            "id", filter=Q(employer_referral_working_days__isnull=False)
        ),
        employer_in_time=Count(
            "id",
            filter=Q(
                employer_referral_working_days__lte=workflow.EMPLOYER_REFERRAL_WORKING_DAYS
            ),
        ),
        repeat=Count("id", filter=Q(Exists(confirmed_repeat))),
        **{
            f"harm_{value}": Count(
                "id",
                filter=Q(
                    decision=codes.Decision.THRESHOLD_MET, **{f"harm_{value}": True}
                ),
            )
            for value in codes.HarmCriterion.values
        },
    )
    figures.contacts = totals["contacts"]
    figures.consultations = totals["consultations"]
    figures.referrals = totals["referrals"]
    figures.threshold_met = totals["threshold_met"]
    figures.undecided = figures.contacts - figures.consultations - figures.referrals
    figures.repeat_subjects = totals["repeat"]
    figures.response = Timeliness(
        "Initial consideration within 1 working day",
        totals["responded_in_time"],
        totals["contacts"],
    )
    figures.employer_referral = Timeliness(
        "Employer referred within 1 working day",
        totals["employer_in_time"],
        totals["employer_known"],
    )
    figures.by_sector = _rows_by(received, "sector", codes.Sector.choices)
    figures.by_source = _rows_by(
        received, "referral_source", codes.ReferralSource.choices
    )
    figures.by_criterion = [
        Tally(value, _SHORT_CRITERION[value], totals[f"harm_{value}"])
        for value in codes.HarmCriterion.values
    ]

    closed = Allegation.objects.filter(
        closed_on__range=(start, end), decision=codes.Decision.THRESHOLD_MET
    )
    marks = closed.aggregate(
        total=Count("id"),
        one=Count("id", filter=Q(closed_on__lte=F("one_month_due_on"))),
        three=Count("id", filter=Q(closed_on__lte=F("three_months_due_on"))),
        twelve=Count("id", filter=Q(closed_on__lte=F("twelve_months_due_on"))),
        dbs=Count("id", filter=Q(dbs_referred=True)),
    )
    figures.closed = marks["total"]
    figures.dbs_referrals = marks["dbs"]
    figures.resolution = [
        Timeliness(
            "Resolved within 1 month (target 80%)", marks["one"], marks["total"]
        ),
        Timeliness(
            "Resolved within 3 months (target 90%)", marks["three"], marks["total"]
        ),
        Timeliness(
            "Resolved within 12 months (all but exceptional)",
            marks["twelve"],
            marks["total"],
        ),
    ]
    outcomes = {
        row["outcome"]: row["n"]
        for row in closed.values("outcome").annotate(n=Count("id"))
    }
    figures.by_outcome = [
        Tally(value, label, outcomes.get(value, 0))
        for value, label in codes.Outcome.choices
    ]
    actions, regulators = Counter(), Counter()
    for employer_actions, referrals in closed.values_list(
        "employer_actions", "regulator_referrals"
    ):
        actions.update(employer_actions or ())
        regulators.update(referrals or ())
    figures.by_employer_action = [
        Tally(value, label, actions.get(value, 0))
        for value, label in codes.EmployerAction.choices
    ]
    figures.by_regulator = [
        Tally(value, label, regulators.get(value, 0))
        for value, label in codes.Regulator.choices
    ]
    figures.longest = [
        LongCase(
            a.pk,
            a.reference,
            a.get_sector_display(),
            (a.closed_on - a.received_on).days,
            a.delay_reason,
        )
        for a in closed.filter(closed_on__gt=F("one_month_due_on"))
        .annotate(
            took=ExpressionWrapper(
                F("closed_on") - F("received_on"), output_field=DurationField()
            )
        )
        .order_by("-took", "pk")[:5]
    ]
    return figures


def lado_figures_csv_rows(figures: LadoFigures) -> list[list]:
    """Return the figures as CSV rows: section, item, measure, value."""
    rows: list[list] = [["section", "item", "measure", "value"]]
    rows.append(["period", "start", "date", figures.start.isoformat()])
    rows.append(["period", "end", "date", figures.end.isoformat()])
    for measure in ("contacts", "consultations", "referrals", "threshold_met"):
        rows.append(["contacts", "all", measure, getattr(figures, measure)])
    rows.append(["contacts", "all", "repeat_subjects", figures.repeat_subjects])
    for section, table in (
        ("sector", figures.by_sector),
        ("source", figures.by_source),
    ):
        for row in table:
            for measure in ("consultations", "referrals", "total"):
                rows.append([section, row.key, measure, getattr(row, measure)])
    for section, counts in (
        ("harm_criterion", figures.by_criterion),
        ("outcome", figures.by_outcome),
        ("employer_action", figures.by_employer_action),
        ("regulator_referral", figures.by_regulator),
    ):
        for count in counts:
            rows.append([section, count.key, "count", count.count])
    rows.append(["closed", "all", "count", figures.closed])
    rows.append(["closed", "all", "dbs_referrals", figures.dbs_referrals])
    for key, timeliness in (
        ("decision_within_1_working_day", figures.response),
        ("employer_within_1_working_day", figures.employer_referral),
        ("resolved_within_1_month", figures.resolution[0]),
        ("resolved_within_3_months", figures.resolution[1]),
        ("resolved_within_12_months", figures.resolution[2]),
    ):
        rows.append(["timeliness", key, "within", timeliness.within])
        rows.append(["timeliness", key, "of", timeliness.of])
        percent = timeliness.percent
        rows.append(["timeliness", key, "percent", "" if percent is None else percent])
    return rows


# --- patterns by employer or setting --------------------------------------------------------


@dataclass(frozen=True)
class SettingPattern:
    setting_name: str
    sectors: str
    total: int
    open: int
    subjects: int
    first_on: date
    last_on: date
    outcomes: list[tuple[str, int]]


def employer_patterns(*, since: date | None = None) -> list[SettingPattern]:
    """Return employers or settings named in more than one allegation, most first.

    Names are grouped case-insensitively; outcomes are counted per setting.
    """
    queryset = Allegation.objects.all()
    if since is not None:
        queryset = queryset.filter(received_on__gte=since)
    grouped = (
        queryset.annotate(key=Lower("setting_name"))
        .values("key")
        .annotate(
            name=Min("setting_name"),
            sector_min=Min("sector"),
            sector_max=Max("sector"),
            total=Count("id"),
            open=Count("id", filter=~Q(status=codes.Status.CLOSED)),
            subjects=Count(
                Concat(
                    Lower("subject_first_name"),
                    Value(" "),
                    Lower("subject_last_name"),
                ),
                distinct=True,
            ),
            first_on=Min("received_on"),
            last_on=Max("received_on"),
            **{
                f"outcome_{value}": Count("id", filter=Q(outcome=value))
                for value in codes.Outcome.values
            },
        )
        .filter(total__gt=1)
        .order_by("-total", "key")
    )
    sector_label = dict(codes.Sector.choices)
    patterns = []
    for row in grouped:
        sectors = sector_label.get(row["sector_min"], row["sector_min"])
        if row["sector_max"] != row["sector_min"]:
            sectors += ", " + sector_label.get(row["sector_max"], row["sector_max"])
        patterns.append(
            SettingPattern(
                setting_name=row["name"],
                sectors=sectors,
                total=row["total"],
                open=row["open"],
                subjects=row["subjects"],
                first_on=row["first_on"],
                last_on=row["last_on"],
                outcomes=[
                    (label, row[f"outcome_{value}"])
                    for value, label in codes.Outcome.choices
                    if row[f"outcome_{value}"]
                ],
            )
        )
    return patterns


# --- the daily timescale sweep (cases.sweep) ---------------------------------------


def allegation_mark_sources(*, today: date):
    """Return open LADO items for the sweep: initial considerations not yet made
    (lado_decision) and referrals not yet resolved against their 1, 3 and 12
    month marks (lado_1_month, lado_3_months, lado_12_months)."""
    from django.db.models import CharField, Value
    from django.db.models.functions import Cast, LPad

    from cases.sweep import MarkSource, mark_columns, url_expression

    url = url_expression("lado:allegation-detail")

    def label(what: str):
        # The allegation number, not the adult's name: labels go into emails.
        return Concat(
            Value(what),
            Value("LADO-"),
            LPad(Cast("pk", output_field=CharField()), 5, Value("0")),
            output_field=CharField(),
        )

    awaiting = Allegation.objects.filter(
        status=codes.Status.AWAITING_DECISION, first_response_on__isnull=True
    )
    unresolved = Allegation.objects.filter(
        closed_on__isnull=True, decision__in=["", codes.Decision.THRESHOLD_MET]
    )
    sources = [
        MarkSource(
            "LADO initial considerations",
            awaiting.annotate(
                **mark_columns(
                    rule="lado_decision",
                    child=None,
                    owner="lado_officer_id",
                    due_on="decision_due_on",
                    label=label("LADO initial consideration: "),
                    url=url,
                )
            ),
        )
    ]
    for rule, field_name, what in (
        ("lado_1_month", "one_month_due_on", "1 month"),
        ("lado_3_months", "three_months_due_on", "3 months"),
        ("lado_12_months", "twelve_months_due_on", "12 months"),
    ):
        sources.append(
            MarkSource(
                f"LADO cases against the {what} mark",
                unresolved.annotate(
                    **mark_columns(
                        rule=rule,
                        child=None,
                        owner="lado_officer_id",
                        due_on=field_name,
                        label=label(f"LADO case resolved within {what}: "),
                        url=url,
                    )
                ),
            )
        )
    return sources


# --- managers' dashboard indicators (DOMAIN.md 4.1) ---------------------------------


@dataclass(frozen=True)
class LadoIndicator:
    """One LADO timeliness indicator: which allegations count, on which date they
    fall in a period, and when one is in time. The LADO officer is the person
    responsible for it on the dashboard."""

    code: str
    title: str
    definition: str
    scope: Q
    date_field: str
    met: Q


_RESOLVED = Q(decision=codes.Decision.THRESHOLD_MET, closed_on__isnull=False)

LADO_INDICATORS: dict[str, LadoIndicator] = {
    i.code: i
    for i in (
        LadoIndicator(
            "lado_decision",
            "LADO decisions within 1 working day",
            "Contacts received by the LADO in the period whose initial consideration "
            "(the first response) was made on or before the next working day "
            "(rule lado_decision), as a share of all contacts received in the "
            "period. A contact not yet considered counts as late.",
            Q(),
            "received_on",
            Q(first_response_on__lte=F("decision_due_on")),
        ),
        LadoIndicator(
            "lado_1_month",
            "LADO allegations resolved within 1 month",
            "Allegations meeting the harm test closed in the period whose closure "
            "came within 1 calendar month of the referral being received (rule "
            "lado_1_month; KCSIE target 80%), as a share of all such allegations "
            "closed in the period.",
            _RESOLVED,
            "closed_on",
            Q(closed_on__lte=F("one_month_due_on")),
        ),
        LadoIndicator(
            "lado_3_months",
            "LADO allegations resolved within 3 months",
            "Allegations meeting the harm test closed in the period whose closure "
            "came within 3 calendar months of the referral (rule lado_3_months; "
            "target 90%), as a share of all such allegations closed in the period.",
            _RESOLVED,
            "closed_on",
            Q(closed_on__lte=F("three_months_due_on")),
        ),
        LadoIndicator(
            "lado_12_months",
            "LADO allegations resolved within 12 months",
            "Allegations meeting the harm test closed in the period whose closure "
            "came within 12 calendar months of the referral (rule lado_12_months; "
            "all but the most exceptional), as a share of all such allegations "
            "closed in the period.",
            _RESOLVED,
            "closed_on",
            Q(closed_on__lte=F("twelve_months_due_on")),
        ),
    )
}


def _lado_indicator_queryset(
    indicator: LadoIndicator,
    *,
    start: date,
    end: date,
    officer_id: int | None = None,
    team_id: int | None = None,
) -> QuerySet[Allegation]:
    allegations = Allegation.objects.filter(
        indicator.scope, **{f"{indicator.date_field}__range": (start, end)}
    )
    if officer_id:
        allegations = allegations.filter(lado_officer_id=officer_id)
    if team_id:
        allegations = allegations.filter(lado_officer__team_id=team_id)
    return allegations


def lado_indicator_totals(
    code: str, *, start: date, end: date, officer_id=None, team_id=None
) -> tuple[int, int]:
    """Return (in time, all) for a LADO indicator over a period, in one query."""
    indicator = LADO_INDICATORS[code]
    totals = _lado_indicator_queryset(
        indicator, start=start, end=end, officer_id=officer_id, team_id=team_id
    ).aggregate(met=Count("id", filter=indicator.met), total=Count("id"))
    return totals["met"], totals["total"]


def lado_indicator_trend(
    code: str, *, start: date, end: date, officer_id=None, team_id=None
) -> dict[date, tuple[int, int]]:
    """Return {first day of month: (in time, all)} over a period, in one query."""
    from django.db.models.functions import TruncMonth

    indicator = LADO_INDICATORS[code]
    rows = (
        _lado_indicator_queryset(
            indicator, start=start, end=end, officer_id=officer_id, team_id=team_id
        )
        .annotate(month=TruncMonth(indicator.date_field))
        .order_by()
        .values("month")
        .annotate(met=Count("id", filter=indicator.met), total=Count("id"))
        .values_list("month", "met", "total")
    )
    return {month: (met, total) for month, met, total in rows}


def lado_indicator_months(code: str):
    """Return (first day of month, LADO officer id, in time, all) over all history,
    in one query: the rows the nightly dashboard summary stores."""
    from django.db.models.functions import TruncMonth

    indicator = LADO_INDICATORS[code]
    return (
        Allegation.objects.filter(
            indicator.scope, **{f"{indicator.date_field}__isnull": False}
        )
        .annotate(month=TruncMonth(indicator.date_field))
        .order_by()
        .values("month", "lado_officer_id")
        .annotate(met=Count("id", filter=indicator.met), total=Count("id"))
        .values_list("month", "lado_officer_id", "met", "total")
    )


def lado_indicator_rows(
    code: str, *, start: date, end: date, officer_id=None, team_id=None
) -> QuerySet[Allegation]:
    """Return the allegations behind a LADO indicator, with whether each was in
    time (`is_in_time`), oldest first."""
    indicator = LADO_INDICATORS[code]
    return (
        _lado_indicator_queryset(
            indicator, start=start, end=end, officer_id=officer_id, team_id=team_id
        )
        .annotate(
            is_in_time=Case(
                When(indicator.met, then=Value(True)),
                default=Value(False),
                output_field=BooleanField(),
            )
        )
        .select_related("lado_officer")
        .order_by(indicator.date_field, "id")
    )


def lado_officer_choices() -> QuerySet[User]:
    """Return the active users who hold the LADO role."""
    from accounts.selectors import user_list_with_role

    return user_list_with_role(role=Role.LADO)


# --- the LADO annual report (DOMAIN.md 4.3) -------------------------------------------


@dataclass
class LadoAnnualExtras:
    """Annual-report counts that lado_figures does not give."""

    by_category: list[Tally] = field(default_factory=list)
    by_subject_age: list[Tally] = field(default_factory=list)
    by_interim_measure: list[Tally] = field(default_factory=list)
    by_police_outcome: list[Tally] = field(default_factory=list)
    by_meeting_kind: list[Tally] = field(default_factory=list)
    by_child_gender: list[Tally] = field(default_factory=list)
    police_involved: int = 0
    section47_involved: int = 0
    children_involved: int = 0
    open_at_end: int = 0


# (label, youngest, oldest): the adult's age, as the year of the referral less
# the year of birth.
SUBJECT_AGE_BANDS = (
    ("Under 25", 0, 24),
    ("25 to 34", 25, 34),
    ("35 to 44", 35, 44),
    ("45 to 54", 45, 54),
    ("55 and over", 55, 200),
)


def lado_annual_extras(*, start: date, end: date) -> LadoAnnualExtras:
    """Return the LADO annual report's further breakdowns of the referrals received
    between `start` and `end` (category, the adult's age band, interim measures,
    police involvement and outcomes, children involved) and of the meetings held:
    four aggregate queries whatever the number of allegations."""
    from django.db.models import ExpressionWrapper as Wrapper
    from django.db.models import IntegerField
    from django.db.models.functions import ExtractYear

    referrals = Allegation.objects.filter(_REFERRAL, received_on__range=(start, end))
    police_outcomes = [("", "Not recorded"), *codes.PoliceOutcome.choices]
    # Every breakdown of the referrals as filtered counts of one scan:
    # (prefix, field, choices).
    split = (
        ("category", "category", codes.Category.choices),
        ("interim", "interim_measure", codes.InterimMeasure.choices),
    )
    counts = {
        f"{prefix}_{i}": Count("id", filter=Q(**{field_name: value}))
        for prefix, field_name, choices in split
        for i, (value, _) in enumerate(choices)
    }
    counts |= {
        f"police_{i}": Count("id", filter=Q(police_involved=True, police_outcome=value))
        for i, (value, _) in enumerate(police_outcomes)
    }
    # The year of the referral less the year of birth: the bands are ten years
    # wide, and a year's precision is what the annual report asks for.
    age = Wrapper(
        ExtractYear("received_on") - ExtractYear("subject_date_of_birth"),
        output_field=IntegerField(),
    )
    counts |= {
        f"age_{i}": Count("id", filter=Q(age__gte=low, age__lte=high))
        for i, (_, low, high) in enumerate(SUBJECT_AGE_BANDS)
    }
    totals = referrals.annotate(age=age).aggregate(
        age_unknown=Count("id", filter=Q(subject_date_of_birth__isnull=True)),
        police=Count("id", filter=Q(police_involved=True)),
        s47=Count("id", filter=Q(section47_involved=True)),
        **counts,
    )
    extras = LadoAnnualExtras(
        police_involved=totals["police"], section47_involved=totals["s47"]
    )
    extras.by_category, extras.by_interim_measure = (
        [
            Tally(value, label, totals[f"{prefix}_{i}"])
            for i, (value, label) in enumerate(choices)
        ]
        for prefix, _, choices in split
    )
    extras.by_police_outcome = [
        Tally(value, label, totals[f"police_{i}"])
        for i, (value, label) in enumerate(police_outcomes)
    ]
    extras.by_subject_age = [
        Tally(f"band_{i}", label, totals[f"age_{i}"])
        for i, (label, _, _) in enumerate(SUBJECT_AGE_BANDS)
    ]
    extras.by_subject_age.append(
        Tally("unknown", "Date of birth not known", totals["age_unknown"])
    )
    genders = [*InvolvedChild._meta.get_field("gender").choices, ("", "Not recorded")]
    children = InvolvedChild.objects.filter(allegation__in=referrals).aggregate(
        total=Count("id"),
        **{
            f"gender_{i}": Count("id", filter=Q(gender=value))
            for i, (value, _) in enumerate(genders)
        },
    )
    extras.children_involved = children["total"]
    extras.by_child_gender = [
        Tally(value, label, children[f"gender_{i}"])
        for i, (value, label) in enumerate(genders)
    ]
    held = dict(
        AllegationMeeting.objects.filter(held_on__range=(start, end))
        .order_by()
        .values("kind")
        .annotate(n=Count("id"))
        .values_list("kind", "n")
    )
    extras.by_meeting_kind = [
        Tally(value, label, held.get(value, 0))
        for value, label in codes.MeetingKind.choices
    ]
    extras.open_at_end = (
        Allegation.objects.filter(_REFERRAL, received_on__lte=end)
        .filter(Q(closed_on__isnull=True) | Q(closed_on__gt=end))
        .count()
    )
    return extras
