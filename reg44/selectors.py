"""Reads for Regulation 44: record scope, the visit schedule, reports and the overview.

Scope (DOMAIN.md A3): a Reg 44 visitor sees the homes assigned to them today and
the visits of those homes, plus the visits they made themselves; managers see
everything; administrators see the homes register but no visits.
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime

from django.conf import settings
from django.db.models import Count, Exists, F, Min, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone

from accounts.models import User
from accounts.roles import Role
from accounts.selectors import user_list_with_role
from cases import timescales
from cases.selectors import Clock

from . import schedule
from .models import (
    FollowUp,
    Home,
    PlacingAuthority,
    Recommendation,
    ReportSending,
    Visit,
    VisitorAssignment,
    VisitReport,
)

VISITED = (Visit.Status.DRAFT, Visit.Status.APPROVED)
REPORT_TEMPLATE = "pdf/reg44_report.html"
NEGATIVE = (Visit.Opinion.NO, Visit.Opinion.PARTIALLY)


def due_soon_lead() -> int:
    """Return how many working days before a due date an item is 'due soon'."""
    return getattr(settings, "TIMESCALE_DUE_SOON_WORKING_DAYS", 5)


def _today(today: date | None) -> date:
    return today or timezone.localdate()


# --- record scope --------------------------------------------------------------------


def assignment_current_q(today: date) -> Q:
    """Return a filter for assignments that cover `today`."""
    return Q(started_on__lte=today) & (
        Q(ended_on__isnull=True) | Q(ended_on__gte=today)
    )


def _sees_everything(user: User) -> bool:
    return user.has_role(Role.MANAGER)


def home_list_visible_to(*, user: User, today: date | None = None) -> QuerySet[Home]:
    """Return the homes `user` may see."""
    if not user.is_authenticated or not user.is_active:
        return Home.objects.none()
    if _sees_everything(user) or user.has_role(Role.ADMINISTRATOR):
        return Home.objects.all()
    if user.has_role(Role.REG44_VISITOR):
        assigned = VisitorAssignment.objects.filter(
            assignment_current_q(_today(today)), home=OuterRef("pk"), visitor=user
        )
        return Home.objects.filter(Exists(assigned))
    return Home.objects.none()


def visit_list_visible_to(*, user: User, today: date | None = None) -> QuerySet[Visit]:
    """Return the visits `user` may see."""
    if not user.is_authenticated or not user.is_active:
        return Visit.objects.none()
    if _sees_everything(user):
        return Visit.objects.all()
    if user.has_role(Role.REG44_VISITOR):
        assigned = VisitorAssignment.objects.filter(
            assignment_current_q(_today(today)),
            home=OuterRef("home_id"),
            visitor=user,
        )
        return Visit.objects.filter(Q(Exists(assigned)) | Q(visitor=user))
    return Visit.objects.none()


def visit_may_change(*, user: User, visit: Visit) -> bool:
    """Return whether `user` may write `visit`'s record: only the visitor who made it."""
    return user.has_perm("reg44.change_visit") and visit.visitor_id == user.pk


def visit_may_approve(*, user: User, visit: Visit) -> bool:
    """Return whether `user` may approve and send `visit`'s report (its visitor)."""
    return user.has_perm("reg44.approve_visit_report") and visit.visitor_id == user.pk


def recommendation_may_respond(*, user: User, visit: Visit) -> bool:
    """Return whether `user` may record the provider's response to `visit`'s
    recommendations: a visitor who can see the visit (scope is checked by the caller)."""
    return user.has_perm("reg44.change_visit")


def visitor_choices() -> QuerySet[User]:
    """Return the active users who hold the Reg 44 visitor role."""
    return user_list_with_role(role=Role.REG44_VISITOR)


# --- the homes register -------------------------------------------------------------


def _current_assignments(today: date) -> Prefetch:
    return Prefetch(
        "assignments",
        queryset=VisitorAssignment.objects.filter(assignment_current_q(today))
        .select_related("visitor")
        .order_by("started_on", "id"),
        to_attr="current_assignments",
    )


def _month_visit_annotations(month: date, prefix: str) -> dict:
    in_month = Q(visits__for_month=month)
    return {
        f"{prefix}_visited_on": Min(
            "visits__visit_on", filter=in_month & Q(visits__status__in=VISITED)
        ),
        f"{prefix}_booked_for": Min(
            "visits__visit_on", filter=in_month & Q(visits__status=Visit.Status.BOOKED)
        ),
    }


def home_list_for_schedule(
    *,
    user: User,
    today: date,
    q: str = "",
    visitor_id: int | None = None,
    not_visited: bool = False,
) -> QuerySet[Home]:
    """Return visible homes with this and last month's first visit and booking,
    and their current visitors (one query for the page, one for the visitors)."""
    this_month = schedule.month_start(today)
    last_month = schedule.months_ending(today, 2)[0]
    homes = home_list_visible_to(user=user, today=today)
    if q:
        homes = homes.filter(
            Q(name__icontains=q) | Q(urn__iexact=q) | Q(postcode__icontains=q)
        )
    if visitor_id is not None:
        homes = homes_filter_by_visitor(homes, visitor_id=visitor_id, today=today)
    homes = homes.annotate(
        **_month_visit_annotations(this_month, "this_month"),
        **_month_visit_annotations(last_month, "last_month"),
    )
    if not_visited:
        homes = homes.filter(
            _needs_visit_q(this_month), this_month_visited_on__isnull=True
        )
    return homes.prefetch_related(_current_assignments(today)).order_by("name", "id")


def _needs_visit_q(month: date) -> Q:
    """Return a filter for open homes registered for the whole of `month`."""
    return Q(
        registration_status__in=[
            Home.RegistrationStatus.REGISTERED,
            Home.RegistrationStatus.SUSPENDED,
        ]
    ) & (Q(registered_on__isnull=True) | Q(registered_on__lte=month))


def homes_filter_by_visitor(
    homes: QuerySet[Home], *, visitor_id: int, today: date
) -> QuerySet[Home]:
    """Return the homes assigned today to the visitor `visitor_id` (0: to nobody)."""
    current = VisitorAssignment.objects.filter(
        assignment_current_q(today), home=OuterRef("pk")
    )
    if visitor_id == 0:
        return homes.filter(~Exists(current))
    return homes.filter(Exists(current.filter(visitor_id=visitor_id)))


@dataclass(frozen=True)
class HomeScheduleRow:
    home: Home
    this_month: schedule.MonthStanding
    last_month: schedule.MonthStanding
    visitors: list[User]


def _standing(
    home: Home,
    month: date,
    clock: Clock,
    today: date,
    visited,
    booked,
    due_on: date | None = None,
    lead: int | None = None,
) -> schedule.MonthStanding:
    if due_on is None:
        due_on = clock.due("reg44_visit", month).due
    return schedule.month_standing(
        month=month,
        due_on=due_on,
        today=today,
        calendar=clock.calendar,
        lead_working_days=due_soon_lead() if lead is None else lead,
        required=schedule.month_required(
            month=month,
            month_end=due_on,
            registered_on=home.registered_on,
            closed_on=home.closed_on,
        ),
        first_visited_on=visited,
        first_booked_for=booked,
    )


def home_schedule_rows(*, homes, clock: Clock, today: date) -> list[HomeScheduleRow]:
    """Return each home (from home_list_for_schedule) with how this and last
    month stand. Runs no queries."""
    this_month = schedule.month_start(today)
    last_month = schedule.months_ending(today, 2)[0]
    return [
        HomeScheduleRow(
            home=home,
            this_month=_standing(
                home,
                this_month,
                clock,
                today,
                home.this_month_visited_on,
                home.this_month_booked_for,
            ),
            last_month=_standing(
                home,
                last_month,
                clock,
                today,
                home.last_month_visited_on,
                home.last_month_booked_for,
            ),
            visitors=[a.visitor for a in home.current_assignments],
        )
        for home in homes
    ]


def month_is_due_soon(*, clock: Clock, today: date) -> bool:
    """Return whether this month's visits fall due within the due-soon lead."""
    status = timescales.due_status(
        due_on=clock.due("reg44_visit", today).due,
        today=today,
        calendar=clock.calendar,
        lead_working_days=due_soon_lead(),
    )
    return status is timescales.Status.DUE_SOON


def home_not_visited_count(*, user: User, today: date) -> int:
    """Return how many of the homes `user` sees are open and not yet visited
    this month."""
    visited = Visit.objects.filter(
        home=OuterRef("pk"),
        for_month=schedule.month_start(today),
        status__in=VISITED,
    )
    return (
        home_list_visible_to(user=user, today=today)
        .filter(_needs_visit_q(schedule.month_start(today)))
        .exclude(Exists(visited))
        .count()
    )


def home_get_for_record(*, user: User, pk: int, today: date) -> Home | None:
    """Return one visible home with its assignments and placing authorities, or None."""
    return (
        home_list_visible_to(user=user, today=today)
        .prefetch_related(
            Prefetch(
                "assignments",
                queryset=VisitorAssignment.objects.select_related(
                    "visitor", "assigned_by"
                ).order_by("-started_on", "-id"),
            ),
            Prefetch("placing_authorities", queryset=PlacingAuthority.objects.all()),
            _current_assignments(today),
        )
        .filter(pk=pk)
        .first()
    )


def home_visits(*, home: Home, user: User, today: date) -> QuerySet[Visit]:
    """Return the visits of `home` that `user` may see, newest first."""
    return (
        visit_list_visible_to(user=user, today=today)
        .filter(home=home)
        .select_related("visitor")
        .annotate(
            recommendation_count=Count("recommendations", distinct=True),
        )
        .order_by("-visit_at", "-id")
    )


def home_schedule(
    *, home: Home, clock: Clock, today: date, months: int = 12
) -> list[schedule.MonthStanding]:
    """Return how each of the last `months` months stands for `home`, newest first."""
    window = schedule.months_ending(today, months)
    per_month = {
        row["for_month"]: row
        for row in Visit.objects.filter(home=home, for_month__gte=window[0])
        .values("for_month")
        .annotate(
            visited=Min("visit_on", filter=Q(status__in=VISITED)),
            booked=Min("visit_on", filter=Q(status=Visit.Status.BOOKED)),
        )
    }
    return [
        _standing(
            home,
            month,
            clock,
            today,
            per_month.get(month, {}).get("visited"),
            per_month.get(month, {}).get("booked"),
        )
        for month in reversed(window)
    ]


def home_open_recommendations(*, home: Home) -> QuerySet[Recommendation]:
    """Return the recommendations of `home` that are still open, oldest first."""
    return (
        Recommendation.objects.filter(visit__home=home, is_open=True)
        .exclude(visit__status=Visit.Status.BOOKED)
        .select_related("visit")
        .order_by("visit__visit_at", "number")
    )


# --- recipients named by reg 44(7) ---------------------------------------------------


@dataclass(frozen=True)
class Recipient:
    """Someone reg 44(7) says receives the report, with the address held for them."""

    roles: tuple[str, ...]
    names: tuple[str, ...]
    email: str

    @property
    def key(self) -> str:
        return self.email.strip().lower()

    @property
    def roles_text(self) -> str:
        return "; ".join(self.roles)

    @property
    def name_text(self) -> str:
        return "; ".join(dict.fromkeys(self.names))


@dataclass(frozen=True)
class RecipientList:
    with_email: list[Recipient]
    # (role, name) of recipients with no email address held on the home.
    missing: list[tuple[str, str]]


def home_report_recipients(
    *, home: Home, placing_authorities: list[PlacingAuthority] | None = None
) -> RecipientList:
    """Return who receives reports about `home` (reg 44(7)), one entry per address.

    Uses the home's prefetched placing authorities unless they are given. People
    sharing an address are sent one email, naming all of them.
    """
    if placing_authorities is None:
        placing_authorities = list(home.placing_authorities.all())
    named: list[tuple[str, str, str]] = [
        ("Ofsted (HMCI)", "Ofsted", home.ofsted_email),
        ("Registered provider", home.provider_name, home.provider_email),
    ]
    if home.registered_manager_name or home.registered_manager_email:
        named.append(
            (
                "Registered manager",
                home.registered_manager_name or "Registered manager",
                home.registered_manager_email,
            )
        )
    if home.responsible_individual_name or home.responsible_individual_email:
        named.append(
            (
                "Responsible individual",
                home.responsible_individual_name or "Responsible individual",
                home.responsible_individual_email,
            )
        )
    for authority in placing_authorities:
        named.append(("Placing authority", authority.name, authority.email))
    if home.is_local_authority_home:
        named.append(
            (
                "Local authority running the home",
                home.local_authority_name,
                home.local_authority_email,
            )
        )
    by_key: dict[str, tuple[list[str], list[str], str]] = {}
    missing: list[tuple[str, str]] = []
    for role, name, email in named:
        email = (email or "").strip()
        if not email:
            missing.append((role, name))
            continue
        roles, names, _ = by_key.setdefault(email.lower(), ([], [], email))
        roles.append(role)
        names.append(name)
    return RecipientList(
        with_email=[
            Recipient(tuple(roles), tuple(names), email)
            for roles, names, email in by_key.values()
        ],
        missing=missing,
    )


# --- one visit -------------------------------------------------------------------------


def _visit_prefetched(visits: QuerySet[Visit]) -> QuerySet[Visit]:
    return visits.select_related("home", "visitor").prefetch_related(
        Prefetch("home__placing_authorities", queryset=PlacingAuthority.objects.all()),
        Prefetch("recommendations", queryset=Recommendation.objects.order_by("number")),
        Prefetch(
            "reports",
            queryset=VisitReport.objects.select_related("approved_by")
            .prefetch_related(
                Prefetch("sendings", queryset=ReportSending.objects.order_by("id"))
            )
            .order_by("-version"),
        ),
    )


def visit_get_for_record(*, user: User, pk: int, today: date) -> Visit | None:
    """Return one visible visit with its home, recommendations and report
    versions with their sendings, or None."""
    return (
        _visit_prefetched(visit_list_visible_to(user=user, today=today))
        .filter(pk=pk)
        .first()
    )


def visit_for_report(*, pk: int) -> Visit:
    """Return a visit with everything its report prints, whoever asks (for
    services and background jobs, which check rights themselves)."""
    return _visit_prefetched(Visit.objects.all()).get(pk=pk)


def visit_follow_up_candidates(*, visit: Visit) -> list[Recommendation]:
    """Return the recommendations of earlier visits to the same home that this
    visit follows up: those still open, and those it already followed up.

    Each carries `this_follow_up` (this visit's follow-up, or None) and
    `previous_follow_ups` (follow-ups at visits before this one).
    """
    recommendations = list(
        Recommendation.objects.filter(
            visit__home_id=visit.home_id, visit__visit_at__lt=visit.visit_at
        )
        .exclude(visit__status=Visit.Status.BOOKED)
        .exclude(visit_id=visit.pk)
        .filter(Q(is_open=True) | Q(follow_ups__visit=visit))
        .select_related("visit")
        .prefetch_related(
            Prefetch(
                "follow_ups",
                queryset=FollowUp.objects.select_related("visit").order_by(
                    "visit__visit_at", "id"
                ),
            )
        )
        .distinct()
        .order_by("visit__visit_at", "number")
    )
    for recommendation in recommendations:
        ups = list(recommendation.follow_ups.all())
        recommendation.this_follow_up = next(
            (f for f in ups if f.visit_id == visit.pk), None
        )
        recommendation.previous_follow_ups = [
            f
            for f in ups
            if f.visit_id != visit.pk and f.visit.visit_at < visit.visit_at
        ]
    return recommendations


def visit_recommendations(*, visit: Visit, today: date) -> list[Recommendation]:
    """Return the visit's prefetched recommendations, each with `is_overdue`."""
    recommendations = list(visit.recommendations.all())
    for recommendation in recommendations:
        recommendation.is_overdue = recommendation.is_overdue_on(today)
    return recommendations


def visit_report_current(visit: Visit) -> VisitReport | None:
    """Return the current approved version among the visit's prefetched reports."""
    return next(
        (r for r in visit.reports.all() if r.status == VisitReport.Status.CURRENT),
        None,
    )


def visit_approval_problems(
    *, visit: Visit, follow_ups: list[Recommendation], today: date
) -> list[str]:
    """Return what must be done before the visit's report can be approved."""
    problems = []
    if visit.status == Visit.Status.BOOKED:
        problems.append("Record the visit first: it is still only booked.")
    if visit.visit_on > today:
        problems.append("The visit date is in the future.")
    for label, opinion, evidence in (
        (
            "whether children are effectively safeguarded",
            visit.safeguarding_opinion,
            visit.safeguarding_evidence,
        ),
        (
            "whether the conduct of the home promotes children's well-being",
            visit.wellbeing_opinion,
            visit.wellbeing_evidence,
        ),
    ):
        if not opinion:
            problems.append(f"Give your opinion on {label} (reg 44(4)).")
        elif not evidence.strip():
            problems.append(f"Give the evidence for your opinion on {label}.")
    if visit.has_conflict_of_interest is None:
        problems.append("Say whether you have a conflict of interest (reg 44(6)).")
    elif visit.has_conflict_of_interest and not visit.conflict_details.strip():
        problems.append("Describe the conflict of interest you declared.")
    if visit.children_spoken_to and not visit.children_consented:
        problems.append("Confirm that each child spoken to agreed to talk to you.")
    pending = [r for r in follow_ups if r.this_follow_up is None]
    if pending:
        listed = ", ".join(
            f"{r.number} of {r.visit.visit_on:%d/%m/%Y}" for r in pending
        )
        problems.append(
            f"Follow up every open recommendation from earlier visits ({listed})."
        )
    return problems


# --- the report content, fixed at approval ----------------------------------------


def _iso(value: date | datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def visit_report_content(
    *,
    visit: Visit,
    recommendations: list[Recommendation],
    follow_ups: list[Recommendation],
    recipients: RecipientList,
) -> dict:
    """Return what an approved version prints, as plain JSON-ready data.

    Runs no queries: `visit` carries its home and visitor, `follow_ups` come
    from visit_follow_up_candidates and `recipients` from home_report_recipients.
    """
    home = visit.home
    opinions = Visit.Opinion
    return {
        "home": {
            "name": home.name,
            "urn": home.urn,
            "address": home.address,
            "postcode": home.postcode,
            "places": home.places,
            "provider": home.provider_name,
            "registered_manager": home.registered_manager_name,
            "responsible_individual": home.responsible_individual_name,
            "local_authority": home.local_authority_name
            if home.is_local_authority_home
            else "",
        },
        "visit": {
            "visit_at": _iso(timezone.localtime(visit.visit_at)),
            "visit_on": _iso(visit.visit_on),
            "for_month": _iso(visit.for_month),
            "due_on": _iso(visit.due_on),
            "is_unannounced": visit.is_unannounced,
            "visitor": visit.visitor.get_full_name() or visit.visitor.username,
            "visitor_title": visit.visitor.job_title,
        },
        "children": {
            "initials": [i for i in visit.children_spoken_to.split(", ") if i],
            "consented": visit.children_consented,
            "views": visit.children_views,
        },
        "staff_spoken_to": visit.staff_spoken_to,
        "others_consulted": visit.others_consulted,
        "records_examined": visit.records_examined_labels,
        "records_notes": visit.records_notes,
        "premises_inspected": visit.premises_inspected,
        "premises_notes": visit.premises_notes,
        "opinions": [
            {
                "question": str(
                    Visit._meta.get_field("safeguarding_opinion").verbose_name
                ),
                "answer": opinions(visit.safeguarding_opinion).label
                if visit.safeguarding_opinion
                else "",
                "evidence": visit.safeguarding_evidence,
            },
            {
                "question": str(
                    Visit._meta.get_field("wellbeing_opinion").verbose_name
                ),
                "answer": opinions(visit.wellbeing_opinion).label
                if visit.wellbeing_opinion
                else "",
                "evidence": visit.wellbeing_evidence,
            },
        ],
        "findings": visit.findings,
        "recommendations": [
            {
                "number": r.number,
                "text": r.text,
                "consider_by": _iso(r.consider_by),
            }
            for r in recommendations
        ],
        "follow_ups": [
            {
                "visit_on": _iso(r.visit.visit_on),
                "number": r.number,
                "text": r.text,
                "outcome": r.this_follow_up.get_outcome_display()
                if r.this_follow_up
                else "",
                "notes": r.this_follow_up.notes if r.this_follow_up else "",
            }
            for r in follow_ups
        ],
        "conflict": {
            "declared": bool(visit.has_conflict_of_interest),
            "details": visit.conflict_details,
            "not_notified_reason": visit.conflict_not_notified_reason,
        },
        "recipients": [
            {"roles": r.roles_text, "name": r.name_text} for r in recipients.with_email
        ]
        + [{"roles": role, "name": name} for role, name in recipients.missing],
        "report_due_on": _iso(visit.report_due_on),
    }


def visit_report_content_hash(content: dict) -> str:
    """Return the SHA-256 of a version's content, printed on every page of its PDF."""
    canonical = json.dumps(content, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def _date(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def visit_report_pdf_context(*, report: VisitReport) -> dict:
    """Return the context of the report PDF template, from the version's fixed
    content only: the template runs no queries."""
    content = report.content
    visit = content["visit"]
    return {
        "report": {
            "version": report.version,
            "content_hash": report.content_hash,
            "approved_at": timezone.localtime(report.approved_at),
            "approved_by": visit["visitor"],
            "amendment_reason": report.amendment_reason,
        },
        "home": content["home"],
        "visit": {
            **visit,
            "visit_at": datetime.fromisoformat(visit["visit_at"]),
            "visit_on": _date(visit["visit_on"]),
            "for_month": _date(visit["for_month"]),
            "due_on": _date(visit["due_on"]),
        },
        "children": content["children"],
        "staff_spoken_to": content["staff_spoken_to"],
        "others_consulted": content["others_consulted"],
        "records_examined": content["records_examined"],
        "records_notes": content["records_notes"],
        "premises_inspected": content["premises_inspected"],
        "premises_notes": content["premises_notes"],
        "opinions": content["opinions"],
        "findings": content["findings"],
        "recommendations": [
            {**r, "consider_by": _date(r["consider_by"])}
            for r in content["recommendations"]
        ],
        "follow_ups": [
            {**f, "visit_on": _date(f["visit_on"])} for f in content["follow_ups"]
        ],
        "conflict": content["conflict"],
        "recipients": content["recipients"],
        "report_due_on": _date(content["report_due_on"]),
        "title": "Regulation 44 independent visit report",
    }


def visit_report_is_rendered(report: VisitReport) -> bool:
    """Return whether the version's PDF has been rendered and its file exists."""
    return (
        report.rendered_at is not None
        and bool(report.pdf.name)
        and report.pdf.storage.exists(report.pdf.name)
    )


def visit_report_pdf_bytes(*, report: VisitReport) -> bytes:
    """Return the version's PDF made from its fixed content, without storing it."""
    from cases.pdf import render_pdf  # WeasyPrint is heavy: load it only to render

    return render_pdf(REPORT_TEMPLATE, visit_report_pdf_context(report=report))


# --- the overview for managers ------------------------------------------------------


@dataclass(frozen=True)
class OverviewCell:
    standing: schedule.MonthStanding
    negative_opinions: int = 0
    overdue_recommendations: int = 0

    @property
    def css_class(self) -> str:
        if self.standing.state in (schedule.MonthState.MISSED,):
            return "cell-bad"
        if self.negative_opinions or self.overdue_recommendations:
            return "cell-warn"
        if self.standing.state in (
            schedule.MonthState.LATE,
            schedule.MonthState.DUE_SOON,
        ):
            return "cell-warn"
        if self.standing.state is schedule.MonthState.ON_TIME:
            return "cell-good"
        return "cell-neutral"


@dataclass(frozen=True)
class OverviewRow:
    home: Home
    visitors: list[User]
    cells: list[OverviewCell]


@dataclass(frozen=True)
class MonthIndicator:
    month: date
    homes_required: int = 0
    visited_on_time: int = 0
    reports_due: int = 0
    reports_sent_in_time: int = 0

    @property
    def visited_percent(self) -> int | None:
        if not self.homes_required:
            return None
        return round(100 * self.visited_on_time / self.homes_required)

    @property
    def reports_percent(self) -> int | None:
        if not self.reports_due:
            return None
        return round(100 * self.reports_sent_in_time / self.reports_due)


@dataclass
class Overview:
    months: list[date]
    rows: list[OverviewRow] = field(default_factory=list)


def overview_home_list(
    *, user: User, today: date, visitor_id: int | None = None
) -> QuerySet[Home]:
    """Return the visible homes for the overview, optionally those of one visitor,
    with their current visitors."""
    homes = home_list_visible_to(user=user, today=today)
    if visitor_id is not None:
        homes = homes_filter_by_visitor(homes, visitor_id=visitor_id, today=today)
    return homes.prefetch_related(_current_assignments(today)).order_by("name", "id")


def reg44_overview(*, homes, clock: Clock, today: date, months: int = 12) -> Overview:
    """Return the heat-map of `homes` (from overview_home_list, sliced to a page
    or not) over the last `months` calendar months.

    A fixed number of queries whatever the number of homes or months: the homes
    with their current visitors, and one aggregate of their visits per month.
    """
    window = schedule.months_ending(today, months)
    homes = list(homes)
    ids = [home.pk for home in homes]
    visited = Q(status__in=VISITED)
    negative = Q(status=Visit.Status.APPROVED) & (
        Q(safeguarding_opinion__in=NEGATIVE) | Q(wellbeing_opinion__in=NEGATIVE)
    )
    # Recommendation.is_overdue_on, as a filter.
    overdue = Q(
        recommendations__consider_by__lt=today,
        recommendations__response_status=Recommendation.Response.AWAITING,
    )
    aggregates = {
        (row["home_id"], row["for_month"]): row
        for row in Visit.objects.filter(
            home_id__in=ids, for_month__gte=window[0], for_month__lte=window[-1]
        )
        .values("home_id", "for_month")
        .annotate(
            visited=Min("visit_on", filter=visited),
            booked=Min("visit_on", filter=Q(status=Visit.Status.BOOKED)),
            negative=Count("id", filter=negative, distinct=True),
            overdue=Count("recommendations", filter=overdue, distinct=True),
        )
        .order_by()
    }
    dues = {month: clock.due("reg44_visit", month).due for month in window}
    lead = due_soon_lead()
    overview = Overview(months=window)
    for home in homes:
        cells = []
        for month in window:
            row = aggregates.get((home.pk, month), {})
            cells.append(
                OverviewCell(
                    standing=_standing(
                        home,
                        month,
                        clock,
                        today,
                        row.get("visited"),
                        row.get("booked"),
                        due_on=dues[month],
                        lead=lead,
                    ),
                    negative_opinions=row.get("negative", 0),
                    overdue_recommendations=row.get("overdue", 0),
                )
            )
        overview.rows.append(
            OverviewRow(
                home=home,
                visitors=[a.visitor for a in home.current_assignments],
                cells=cells,
            )
        )
    return overview


def reg44_indicators(
    *, homes: QuerySet[Home], clock: Clock, today: date, months: int = 12
) -> list[MonthIndicator]:
    """Return, per month, the DOMAIN.md 4.1 Reg 44 indicators for `homes`: homes
    visited in the month, and reports sent by their deadline. Two queries."""
    window = schedule.months_ending(today, months)
    dues = {month: clock.due("reg44_visit", month).due for month in window}
    required: dict[date, int] = defaultdict(int)
    for registered_on, closed_on in homes.values_list("registered_on", "closed_on"):
        for month in window:
            required[month] += schedule.month_required(
                month=month,
                month_end=dues[month],
                registered_on=registered_on,
                closed_on=closed_on,
            )
    per_month = {
        row["for_month"]: row
        for row in Visit.objects.filter(
            home__in=homes.values("pk"),
            for_month__gte=window[0],
            for_month__lte=window[-1],
        )
        .values("for_month")
        .annotate(
            on_time=Count(
                "home",
                filter=Q(status__in=VISITED, visit_on__lte=F("due_on")),
                distinct=True,
            ),
            reports_due=Count(
                "id",
                filter=Q(status__in=VISITED, report_due_on__lt=today)
                | Q(report_sent_on__isnull=False),
            ),
            reports_in_time=Count(
                "id", filter=Q(report_sent_on__lte=F("report_due_on"))
            ),
        )
        .order_by()
    }
    return [
        MonthIndicator(
            month=month,
            homes_required=required[month],
            visited_on_time=per_month.get(month, {}).get("on_time", 0),
            reports_due=per_month.get(month, {}).get("reports_due", 0),
            reports_sent_in_time=per_month.get(month, {}).get("reports_in_time", 0),
        )
        for month in reversed(window)
    ]


def recommendations_overdue_count(*, homes: QuerySet[Home], today: date) -> int:
    """Return how many recommendations of `homes` passed their consideration date
    with no response from the registered person recorded."""
    return Recommendation.objects.filter(
        visit__home__in=homes.values("pk"),
        consider_by__lt=today,
        response_status=Recommendation.Response.AWAITING,
    ).count()


# --- the daily timescale sweep (cases.sweep) ---------------------------------------


def reg44_mark_sources(*, today: date, clock: Clock):
    """Return open Reg 44 items for the sweep: homes not yet visited in `today`'s
    month (reg44_visit, owed by the current visitor) and visit reports not yet
    sent (reg44_report)."""
    from django.db.models import CharField, Subquery, Value
    from django.db.models.functions import Concat

    from cases.sweep import MarkSource, mark_columns, url_expression

    month = schedule.month_start(today)
    month_due = clock.due("reg44_visit", today).due
    visited = Visit.objects.filter(
        home=OuterRef("pk"), for_month=month, status__in=VISITED
    )
    visitor = (
        VisitorAssignment.objects.filter(
            assignment_current_q(today), home=OuterRef("pk")
        )
        .order_by("started_on", "id")
        .values("visitor_id")[:1]
    )
    homes = Home.objects.filter(
        _needs_visit_q(month), Q(closed_on__isnull=True) | Q(closed_on__gte=month_due)
    ).filter(~Exists(visited))
    reports = Visit.objects.filter(
        status__in=VISITED, report_sent_on__isnull=True, report_due_on__isnull=False
    )
    return [
        MarkSource(
            "homes to visit this month",
            homes.annotate(
                **mark_columns(
                    rule="reg44_visit",
                    child=None,
                    owner=Subquery(visitor),
                    due_on=Value(month_due),
                    label=Concat(
                        Value(f"Regulation 44 visit for {month:%B %Y}: "),
                        F("name"),
                        output_field=CharField(),
                    ),
                    url=url_expression("reg44:home-detail"),
                )
            ),
        ),
        MarkSource(
            "visit reports to send",
            reports.annotate(
                **mark_columns(
                    rule="reg44_report",
                    child=None,
                    owner="visitor_id",
                    due_on="report_due_on",
                    label=Concat(
                        Value("Regulation 44 report to send: "),
                        F("home__name"),
                        output_field=CharField(),
                    ),
                    url=url_expression("reg44:visit-detail"),
                )
            ),
        ),
    ]


# --- managers' dashboard indicators (DOMAIN.md 4.1) ---------------------------------


@dataclass(frozen=True)
class Reg44Indicator:
    code: str
    title: str
    definition: str


REG44_INDICATORS: dict[str, Reg44Indicator] = {
    i.code: i
    for i in (
        Reg44Indicator(
            "reg44_visits",
            "Regulation 44: homes visited each month",
            "For each calendar month in the period that has ended, the homes "
            "registered for the whole month that had an independent person's visit "
            "on or before the month's last day (Children's Homes Regulations 2015 "
            "reg 44(1), rule reg44_visit), as a share of all such homes. Counted "
            "from the first month with a visit recorded here. Each home-month "
            "belongs to the visitor assigned to the home that month (else the "
            "visitor who went).",
        ),
        Reg44Indicator(
            "reg44_reports",
            "Regulation 44: reports sent on time",
            "Reports of visits made for months in the period whose report was sent "
            "on or before its deadline (the last day of the month after the visit: "
            "local rule reg44_report), as a share of all such reports already sent "
            "or already past their deadline. A report past its deadline and not "
            "sent counts as late.",
        ),
    )
}


@dataclass(frozen=True)
class HomeMonth:
    """One home that needed a visit in one calendar month, and how it was met."""

    home_id: int
    home_name: str
    urn: str
    month: date
    due_on: date
    visitor_id: int | None
    visitor_name: str
    team_id: int | None
    visited_on: date | None

    @property
    def is_in_time(self) -> bool:
        return self.visited_on is not None and self.visited_on <= self.due_on


def _reg44_last_ended_month(clock: Clock, today: date) -> date:
    month = schedule.month_start(today)
    if clock.due("reg44_visit", month).due < today:
        return month
    return timescales.add_months(month, -1)


def home_months_required(
    *,
    clock: Clock,
    today: date,
    start: date | None = None,
    end: date | None = None,
    visitor_id: int | None = None,
    team_id: int | None = None,
) -> Iterator[HomeMonth]:
    """Yield every home-month that needed a visit (reg 44(1)) in the ended months
    from `start`'s to `end`'s (all history by default, from the first month with
    a visit recorded), by month then home name, with the responsible visitor and
    the first visit. Four queries, then one per month reached; rows are made
    as they are taken, so a page of them reads only the months it shows."""
    first = Visit.objects.aggregate(first=Min("for_month"))["first"]
    if first is None:
        return
    last = _reg44_last_ended_month(clock, today)
    if start is not None:
        first = max(first, schedule.month_start(start))
    if end is not None:
        last = min(last, schedule.month_start(end))
    months = []
    month = first
    while month <= last:
        months.append(month)
        month = timescales.add_months(month, 1)
    if not months:
        return
    dues = {month: clock.due("reg44_visit", month).due for month in months}
    window_assignments = VisitorAssignment.objects.filter(
        started_on__lte=dues[months[-1]]
    ).filter(Q(ended_on__isnull=True) | Q(ended_on__gte=months[0]))
    window_visits = Visit.objects.filter(
        status__in=VISITED, for_month__range=(months[0], months[-1])
    )
    homes = Home.objects.all()
    if visitor_id or team_id:
        # Only homes this visitor (or team) was assigned to or visited can
        # hold one of their home-months.
        person = (
            {"visitor_id": visitor_id} if visitor_id else {"visitor__team_id": team_id}
        )
        homes = homes.filter(
            Q(pk__in=window_assignments.filter(**person).values("home_id"))
            | Q(pk__in=window_visits.filter(**person).values("home_id"))
        )
    homes = list(
        homes.order_by("name", "id").values_list(
            "pk", "name", "urn", "registered_on", "closed_on"
        )
    )
    assignments = defaultdict(list)
    for home_id, visitor, started_on, ended_on in window_assignments.order_by(
        "-started_on", "-id"
    ).values_list("home_id", "visitor_id", "started_on", "ended_on"):
        assignments[home_id].append((visitor, started_on, ended_on))
    people = {
        pk: (f"{first_name} {last_name}".strip() or username, team)
        for pk, first_name, last_name, username, team in User.objects.filter(
            Q(pk__in=window_assignments.values("visitor_id"))
            | Q(pk__in=window_visits.values("visitor_id"))
        ).values_list("pk", "first_name", "last_name", "username", "team_id")
    }
    for month in months:
        due_on = dues[month]
        # One month's first visits at a time: a page of the list reads one
        # month, an export or the nightly summary one query per month.
        visits = {
            home_id: (visited_on, visitor)
            for home_id, visited_on, visitor in window_visits.filter(for_month=month)
            .order_by()
            .values("home_id")
            .annotate(first=Min("visit_on"), visitor=Min("visitor_id"))
            .values_list("home_id", "first", "visitor")
        }
        for home_id, name, urn, registered_on, closed_on in homes:
            if not schedule.month_required(
                month=month,
                month_end=due_on,
                registered_on=registered_on,
                closed_on=closed_on,
            ):
                continue
            visited_on, went = visits.get(home_id, (None, None))
            visitor = next(
                (
                    v
                    for v, started_on, ended_on in assignments[home_id]
                    if started_on <= due_on and (ended_on is None or ended_on >= month)
                ),
                went,
            )
            visitor_name, team = people.get(visitor, ("", None))
            if (visitor_id and visitor != visitor_id) or (team_id and team != team_id):
                continue
            yield HomeMonth(
                home_id,
                name,
                urn,
                month,
                due_on,
                visitor,
                visitor_name,
                team,
                visited_on,
            )


def _report_queryset(
    *, today: date, start=None, end=None, visitor_id=None, team_id=None
) -> QuerySet[Visit]:
    visits = Visit.objects.filter(
        Q(report_due_on__lt=today) | Q(report_sent_on__isnull=False),
        status__in=VISITED,
        report_due_on__isnull=False,
    )
    if start is not None:
        visits = visits.filter(for_month__range=(schedule.month_start(start), end))
    if visitor_id:
        visits = visits.filter(visitor_id=visitor_id)
    if team_id:
        visits = visits.filter(visitor__team_id=team_id)
    return visits


_REPORT_IN_TIME = Q(report_sent_on__lte=F("report_due_on"))


def reg44_indicator_months(
    code: str, *, clock: Clock, today: date
) -> list[tuple[date, int | None, int, int]]:
    """Return (month, visitor id, in time, all) over all history: the rows the
    nightly dashboard summary stores."""
    if code == "reg44_reports":
        return list(
            _report_queryset(today=today)
            .order_by()
            .values("for_month", "visitor_id")
            .annotate(met=Count("id", filter=_REPORT_IN_TIME), total=Count("id"))
            .values_list("for_month", "visitor_id", "met", "total")
        )
    counted: dict[tuple, list[int]] = defaultdict(lambda: [0, 0])
    for row in home_months_required(clock=clock, today=today):
        tally = counted[(row.month, row.visitor_id)]
        tally[0] += row.is_in_time
        tally[1] += 1
    return [(m, v, met, total) for (m, v), (met, total) in counted.items()]


def reg44_indicator_trend(
    code: str,
    *,
    start: date,
    end: date,
    clock: Clock,
    today: date,
    visitor_id=None,
    team_id=None,
) -> dict[date, tuple[int, int]]:
    """Return {first day of month: (in time, all)} over a period."""
    scope = {"visitor_id": visitor_id, "team_id": team_id}
    if code == "reg44_reports":
        rows = (
            _report_queryset(today=today, start=start, end=end, **scope)
            .order_by()
            .values("for_month")
            .annotate(met=Count("id", filter=_REPORT_IN_TIME), total=Count("id"))
            .values_list("for_month", "met", "total")
        )
        return {month: (met, total) for month, met, total in rows}
    counted: dict[date, list[int]] = defaultdict(lambda: [0, 0])
    for row in home_months_required(
        clock=clock, today=today, start=start, end=end, **scope
    ):
        counted[row.month][0] += row.is_in_time
        counted[row.month][1] += 1
    return {month: (met, total) for month, (met, total) in counted.items()}


def reg44_indicator_totals(code: str, **kwargs) -> tuple[int, int]:
    """Return (in time, all) for a Reg 44 indicator over a period (months whose
    first day falls in it)."""
    trend = reg44_indicator_trend(code, **kwargs)
    return sum(m for m, _ in trend.values()), sum(t for _, t in trend.values())


def reg44_report_rows(
    *, start: date, end: date, today: date, visitor_id=None, team_id=None
) -> QuerySet[Visit]:
    """Return the visits behind the reports-on-time indicator, with whether each
    report was sent in time (`is_in_time`), oldest first."""
    from django.db.models import BooleanField, Case, Value, When

    return (
        _report_queryset(
            today=today, start=start, end=end, visitor_id=visitor_id, team_id=team_id
        )
        .annotate(
            is_in_time=Case(
                When(_REPORT_IN_TIME, then=Value(True)),
                default=Value(False),
                output_field=BooleanField(),
            )
        )
        .select_related("home", "visitor")
        .order_by("for_month", "visit_on", "id")
    )
