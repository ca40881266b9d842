"""Writes for Regulation 44: the homes register, visits, recommendations, reports
and their sending. Each service runs in one transaction and logs a Reg44Event.

Visit workflow (reg44.workflow): booked -> draft -> approved, and approved ->
draft to amend; each approval fixes a new numbered VisitReport version.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from functools import partial

from django.core.files.base import ContentFile
from django.core.mail import EmailMessage
from django.db import OperationalError, transaction
from django.db.models import Max, Q
from django.utils import timezone

from accounts.models import User
from accounts.roles import Role
from cases.errors import DomainError
from cases.selectors import clock_get

from . import schedule, selectors, tasks, workflow
from .events import reg44_event
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

logger = logging.getLogger(__name__)

HOME_FIELDS = (
    "name",
    "urn",
    "provider_name",
    "provider_email",
    "registered_manager_name",
    "registered_manager_email",
    "responsible_individual_name",
    "responsible_individual_email",
    "ofsted_email",
    "address",
    "postcode",
    "places",
    "registration_status",
    "registered_on",
    "closed_on",
    "is_local_authority_home",
    "local_authority_name",
    "local_authority_email",
)

# What a visitor writes about what they found; empty while a visit is only booked.
FINDING_FIELDS = (
    "children_spoken_to",
    "children_views",
    "staff_spoken_to",
    "others_consulted",
    "records_examined",
    "records_notes",
    "premises_inspected",
    "premises_notes",
    "safeguarding_opinion",
    "safeguarding_evidence",
    "wellbeing_opinion",
    "wellbeing_evidence",
    "findings",
)
VISIT_FIELDS = (
    "visit_at",
    "for_month",
    "is_unannounced",
    "children_consented",
    "has_conflict_of_interest",
    "conflict_details",
    "conflict_not_notified_reason",
    *FINDING_FIELDS,
)


def _set_user(instance, user: User | None) -> None:
    # simple-history reads this attribute when it writes the historical row.
    instance._history_user = user


def _require(allowed: bool, message: str) -> None:
    if not allowed:
        raise DomainError(message)


# --- the homes register -------------------------------------------------------------


@dataclass(frozen=True)
class PlacingAuthorityInput:
    name: str
    email: str = ""
    id: int | None = None
    delete: bool = False


def _check_home(home: Home) -> None:
    if home.is_local_authority_home and not home.local_authority_name.strip():
        raise DomainError("Name the local authority that runs the home.")
    if not home.is_local_authority_home:
        home.local_authority_name = ""
        home.local_authority_email = ""
    if home.is_open and home.closed_on is not None:
        raise DomainError(
            "A registered home has no closing date: change its registration status "
            "or clear the date."
        )
    if not home.is_open and home.closed_on is None:
        raise DomainError("Give the date the home closed.")
    if home.closed_on and home.registered_on and home.closed_on < home.registered_on:
        raise DomainError("The home cannot close before it was registered.")


def _placing_authorities_save(
    home: Home, rows: Sequence[PlacingAuthorityInput], by: User
) -> list[str]:
    existing = {a.pk: a for a in PlacingAuthority.objects.filter(home=home)}
    changes = []
    for row in rows:
        authority = existing.get(row.id) if row.id else None
        if row.id and authority is None:
            raise DomainError("That placing authority is not recorded for this home.")
        if row.delete:
            if authority is not None:
                _set_user(authority, by)
                authority.delete()
                changes.append(f"removed {authority.name}")
            continue
        name, email = row.name.strip(), row.email.strip()
        if not name:
            continue
        if authority is None:
            authority = PlacingAuthority(home=home, name=name, email=email)
            changes.append(f"added {name}")
        elif (authority.name, authority.email) == (name, email):
            continue
        else:
            authority.name, authority.email = name, email
            changes.append(f"changed {name}")
        _set_user(authority, by)
        authority.save()
    return changes


@transaction.atomic
def home_create(
    *,
    by: User,
    placing_authorities: Sequence[PlacingAuthorityInput] = (),
    **fields,
) -> Home:
    """Register a children's home and the placing authorities that receive its reports."""
    unknown = set(fields) - set(HOME_FIELDS)
    if unknown:
        raise TypeError(f"Not a home field: {', '.join(sorted(unknown))}")
    if Home.objects.filter(urn__iexact=fields.get("urn", "")).exists():
        raise DomainError("Another home already has this Ofsted URN.")
    home = Home(created_by=by, **fields)
    _check_home(home)
    _set_user(home, by)
    home.save()
    _placing_authorities_save(home, placing_authorities, by)
    reg44_event(home=home, by=by, code="home_registered", detail=str(home))
    return home


@transaction.atomic
def home_update(
    *,
    home: Home,
    by: User,
    placing_authorities: Sequence[PlacingAuthorityInput] = (),
    **fields,
) -> Home:
    """Change a home's details and its placing authorities."""
    unknown = set(fields) - set(HOME_FIELDS)
    if unknown:
        raise TypeError(f"Not a home field: {', '.join(sorted(unknown))}")
    home = Home.objects.select_for_update().get(pk=home.pk)
    if (
        "urn" in fields
        and Home.objects.filter(urn__iexact=fields["urn"]).exclude(pk=home.pk).exists()
    ):
        raise DomainError("Another home already has this Ofsted URN.")
    changed = [name for name, value in fields.items() if getattr(home, name) != value]
    for name in changed:
        setattr(home, name, fields[name])
    _check_home(home)
    if changed:
        _set_user(home, by)
        home.save()
    authority_changes = _placing_authorities_save(home, placing_authorities, by)
    if changed or authority_changes:
        reg44_event(
            home=home,
            by=by,
            code="home_updated",
            detail="; ".join(
                ([f"changed {', '.join(changed)}"] if changed else [])
                + authority_changes
            ),
        )
    return home


@transaction.atomic
def visitor_assign(
    *,
    home: Home,
    visitor: User,
    started_on: date,
    ended_on: date | None,
    by: User,
) -> VisitorAssignment:
    """Assign an independent person to visit `home` from `started_on`."""
    home = Home.objects.select_for_update().get(pk=home.pk)
    if not visitor.has_role(Role.REG44_VISITOR):
        raise DomainError(f"{visitor} does not hold the Regulation 44 visitor role.")
    if ended_on is not None and ended_on < started_on:
        raise DomainError("The assignment cannot end before it starts.")
    overlapping = VisitorAssignment.objects.filter(home=home, visitor=visitor).filter(
        _overlap_q(started_on, ended_on)
    )
    if overlapping.exists():
        raise DomainError(
            f"{visitor} is already assigned to this home for some of those dates."
        )
    assignment = VisitorAssignment(
        home=home,
        visitor=visitor,
        started_on=started_on,
        ended_on=ended_on,
        assigned_by=by,
    )
    _set_user(assignment, by)
    assignment.save()
    until = f" to {ended_on:%d/%m/%Y}" if ended_on else ""
    reg44_event(
        home=home,
        by=by,
        code="visitor_assigned",
        detail=f"{visitor} from {started_on:%d/%m/%Y}{until}",
    )
    return assignment


def _overlap_q(started_on: date, ended_on: date | None) -> Q:
    """Return a filter for assignments whose dates overlap the given period."""
    overlap = Q(ended_on__isnull=True) | Q(ended_on__gte=started_on)
    if ended_on is not None:
        overlap &= Q(started_on__lte=ended_on)
    return overlap


@transaction.atomic
def visitor_assignment_end(
    *, assignment: VisitorAssignment, ended_on: date, by: User
) -> VisitorAssignment:
    """End a visitor's assignment to a home on `ended_on`."""
    assignment = (
        VisitorAssignment.objects.select_for_update(of=("self",))
        .select_related("home", "visitor")
        .get(pk=assignment.pk)
    )
    if ended_on < assignment.started_on:
        raise DomainError("The assignment cannot end before it starts.")
    assignment.ended_on = ended_on
    _set_user(assignment, by)
    assignment.save(update_fields=["ended_on"])
    reg44_event(
        home=assignment.home,
        by=by,
        code="visitor_assignment_ended",
        detail=f"{assignment.visitor} to {ended_on:%d/%m/%Y}",
    )
    return assignment


# --- visits ----------------------------------------------------------------------------


def _visit_dates(visit: Visit, clock) -> None:
    """Set the visit's civil date and its stored due dates from visit_at and for_month."""
    visit.visit_on = timezone.localdate(visit.visit_at)
    visit.for_month = schedule.month_start(visit.for_month)
    allowed = schedule.months_ending(visit.visit_on, 2)
    if visit.for_month not in allowed:
        raise DomainError(
            f"A visit on {visit.visit_on:%d/%m/%Y} counts for "
            f"{allowed[1]:%B %Y}, or for {allowed[0]:%B %Y} as a late visit."
        )
    visit.due_on = clock.due("reg44_visit", visit.for_month).due
    visit.report_due_on = clock.due("reg44_report", visit.visit_on).due


def _has_findings(values: Mapping) -> bool:
    return any(values.get(name) for name in FINDING_FIELDS)


@transaction.atomic
def visit_create(
    *,
    home: Home,
    by: User,
    visit_at: datetime,
    for_month: date,
    is_unannounced: bool = False,
    now: datetime | None = None,
) -> Visit:
    """Book a visit (a future date) or start recording one that took place."""
    now = now or timezone.now()
    home = Home.objects.select_for_update().get(pk=home.pk)
    assigned = VisitorAssignment.objects.filter(
        selectors.assignment_current_q(timezone.localdate(now)),
        home=home,
        visitor=by,
    ).exists()
    _require(
        by.has_perm("reg44.add_visit") and assigned,
        "Only a visitor assigned to this home can record its visits.",
    )
    if not home.is_open:
        raise DomainError("This home has closed; it needs no more visits.")
    visit = Visit(
        home=home,
        visitor=by,
        visit_at=visit_at,
        for_month=for_month,
        is_unannounced=is_unannounced,
        status=Visit.Status.BOOKED if visit_at > now else Visit.Status.DRAFT,
    )
    _visit_dates(visit, clock_get())
    _set_user(visit, by)
    visit.save()
    kind = "unannounced" if is_unannounced else "announced"
    reg44_event(
        home=home,
        visit=visit,
        by=by,
        code="visit_booked"
        if visit.status == Visit.Status.BOOKED
        else "visit_recorded",
        detail=f"{kind} visit on {visit.visit_on:%d/%m/%Y} for {visit.for_month:%B %Y}",
    )
    return visit


def _lock_visit(visit: Visit) -> Visit:
    return (
        Visit.objects.select_for_update(of=("self",))
        .select_related("home", "visitor")
        .get(pk=visit.pk)
    )


def _require_writable(visit: Visit, by: User, *, allow_booked: bool = True) -> None:
    _require(
        selectors.visit_may_change(user=by, visit=visit),
        "Only the visitor who made this visit can change its record.",
    )
    if visit.status == Visit.Status.APPROVED:
        raise DomainError(
            "The report of this visit is approved: amend it to make changes."
        )
    if not allow_booked and visit.status == Visit.Status.BOOKED:
        raise DomainError("Record the visit first: it is still only booked.")


@transaction.atomic
def visit_update(
    *, visit: Visit, by: User, now: datetime | None = None, **fields
) -> Visit:
    """Save the record of a visit; a booked visit whose time has come becomes a draft."""
    unknown = set(fields) - set(VISIT_FIELDS)
    if unknown:
        raise TypeError(f"Not a visit field: {', '.join(sorted(unknown))}")
    now = now or timezone.now()
    visit = _lock_visit(visit)
    _require_writable(visit, by)
    changed = [name for name, value in fields.items() if getattr(visit, name) != value]
    for name in changed:
        setattr(visit, name, fields[name])
    values = {name: getattr(visit, name) for name in FINDING_FIELDS}
    if visit.visit_at > now:
        if visit.status == Visit.Status.DRAFT:
            raise DomainError(
                "This visit has been recorded as having taken place; its date "
                "cannot move into the future."
            )
        if _has_findings(values):
            raise DomainError(
                "The visit is booked for a future date: record what you found once "
                "it has taken place."
            )
    if visit.children_spoken_to and not visit.children_consented:
        raise DomainError(
            "Children are spoken to only with their consent: confirm that each "
            "child agreed, or remove their initials."
        )
    if visit.has_conflict_of_interest is False:
        visit.conflict_details = ""
        visit.conflict_not_notified_reason = ""
    if {"visit_at", "for_month"} & set(changed):
        _visit_dates(visit, clock_get())
    recorded = (
        visit.status == Visit.Status.BOOKED
        and visit.visit_at <= now
        and workflow.can_move(visit.status, Visit.Status.DRAFT)
    )
    if recorded:
        visit.status = Visit.Status.DRAFT
    if not changed and not recorded:
        return visit
    _set_user(visit, by)
    visit.save()
    reg44_event(
        home=visit.home,
        visit=visit,
        by=by,
        code="visit_recorded" if recorded else "visit_updated",
        detail=", ".join(changed),
    )
    return visit


# --- recommendations and follow-ups ----------------------------------------------


def _check_consider_by(visit: Visit, consider_by: date) -> None:
    if consider_by < visit.visit_on:
        raise DomainError(
            "The date by which the registered person must consider the "
            "recommendation cannot be before the visit."
        )


@transaction.atomic
def recommendation_add(
    *, visit: Visit, by: User, text: str, consider_by: date
) -> Recommendation:
    """Add a recommendation to a draft report, numbered after the others."""
    visit = _lock_visit(visit)
    _require_writable(visit, by, allow_booked=False)
    text = text.strip()
    if not text:
        raise DomainError("Write the recommendation.")
    _check_consider_by(visit, consider_by)
    last = visit.recommendations.aggregate(n=Max("number"))["n"] or 0
    recommendation = Recommendation(
        visit=visit, number=last + 1, text=text, consider_by=consider_by
    )
    _set_user(recommendation, by)
    recommendation.save()
    reg44_event(
        home=visit.home,
        visit=visit,
        by=by,
        code="recommendation_added",
        detail=f"{recommendation.number}: to be considered by {consider_by:%d/%m/%Y}",
    )
    return recommendation


def _lock_recommendation(recommendation: Recommendation) -> Recommendation:
    return (
        Recommendation.objects.select_for_update(of=("self",))
        .select_related("visit", "visit__home")
        .get(pk=recommendation.pk)
    )


@transaction.atomic
def recommendation_update(
    *, recommendation: Recommendation, by: User, text: str, consider_by: date
) -> Recommendation:
    """Change a recommendation of a draft report."""
    recommendation = _lock_recommendation(recommendation)
    visit = _lock_visit(recommendation.visit)
    _require_writable(visit, by, allow_booked=False)
    text = text.strip()
    if not text:
        raise DomainError("Write the recommendation.")
    _check_consider_by(visit, consider_by)
    recommendation.text, recommendation.consider_by = text, consider_by
    _set_user(recommendation, by)
    recommendation.save(update_fields=["text", "consider_by"])
    reg44_event(
        home=visit.home,
        visit=visit,
        by=by,
        code="recommendation_changed",
        detail=str(recommendation.number),
    )
    return recommendation


@transaction.atomic
def recommendation_delete(*, recommendation: Recommendation, by: User) -> None:
    """Remove a recommendation from a draft report and renumber the ones after it."""
    recommendation = _lock_recommendation(recommendation)
    visit = _lock_visit(recommendation.visit)
    _require_writable(visit, by, allow_booked=False)
    if recommendation.follow_ups.exists():
        raise DomainError(
            "This recommendation was followed up at a later visit; it cannot be "
            "removed."
        )
    number = recommendation.number
    _set_user(recommendation, by)
    recommendation.delete()
    for later in Recommendation.objects.filter(visit=visit, number__gt=number).order_by(
        "number"
    ):
        later.number -= 1
        _set_user(later, by)
        later.save(update_fields=["number"])
    reg44_event(
        home=visit.home,
        visit=visit,
        by=by,
        code="recommendation_removed",
        detail=str(number),
    )


@transaction.atomic
def recommendation_record_response(
    *,
    recommendation: Recommendation,
    by: User,
    response_status: str,
    response_text: str,
    response_received_on: date | None,
    today: date | None = None,
) -> Recommendation:
    """Record the registered person's response to a recommendation (reg 44(5))."""
    today = today or timezone.localdate()
    recommendation = _lock_recommendation(recommendation)
    visit = recommendation.visit
    _require(
        selectors.recommendation_may_respond(user=by, visit=visit),
        "Only a Regulation 44 visitor can record the provider's response.",
    )
    if visit.report_version < 1:
        raise DomainError(
            "The provider responds to the report once it is approved and sent."
        )
    if response_status == Recommendation.Response.AWAITING:
        response_received_on = None
    else:
        if response_received_on is None:
            raise DomainError("Give the date the provider's response was received.")
        if response_received_on > today:
            raise DomainError("The response date cannot be in the future.")
        if response_received_on < visit.visit_on:
            raise DomainError("The response cannot come before the visit.")
    recommendation.response_status = response_status
    recommendation.response_text = response_text.strip()
    recommendation.response_received_on = response_received_on
    _set_user(recommendation, by)
    recommendation.save(
        update_fields=["response_status", "response_text", "response_received_on"]
    )
    reg44_event(
        home=visit.home,
        visit=visit,
        by=by,
        code="recommendation_response",
        detail=f"{recommendation.number}: {recommendation.get_response_status_display()}",
    )
    return recommendation


def _recommendation_refresh(recommendation: Recommendation, by: User | None) -> None:
    """Set whether a recommendation is open from its latest follow-up."""
    latest = (
        FollowUp.objects.filter(recommendation=recommendation)
        .exclude(visit__status=Visit.Status.BOOKED)
        .order_by("-visit__visit_at", "-id")
        .first()
    )
    outcome = latest.outcome if latest else ""
    is_open = outcome != Recommendation.Outcome.MET
    if (recommendation.latest_outcome, recommendation.is_open) != (outcome, is_open):
        recommendation.latest_outcome, recommendation.is_open = outcome, is_open
        _set_user(recommendation, by)
        recommendation.save(update_fields=["latest_outcome", "is_open"])


@transaction.atomic
def follow_ups_record(
    *, visit: Visit, by: User, outcomes: Mapping[int, tuple[str, str]]
) -> list[FollowUp]:
    """Record how far each open recommendation of earlier visits has been met.

    `outcomes` maps a recommendation id to (outcome, notes); an empty outcome
    removes this visit's follow-up of it. A recommendation judged met is closed
    and no longer appears for follow-up at later visits.
    """
    visit = _lock_visit(visit)
    _require_writable(visit, by, allow_booked=False)
    candidates = {r.pk: r for r in selectors.visit_follow_up_candidates(visit=visit)}
    strangers = set(outcomes) - set(candidates)
    if strangers:
        raise DomainError(
            "Only open recommendations of earlier visits to this home can be "
            "followed up."
        )
    saved, summary = [], []
    for pk, (outcome, notes) in outcomes.items():
        recommendation = candidates[pk]
        existing = recommendation.this_follow_up
        if not outcome:
            if existing is not None:
                _set_user(existing, by)
                existing.delete()
                summary.append(f"{recommendation.number} cleared")
        elif existing is None or (existing.outcome, existing.notes) != (
            outcome,
            notes.strip(),
        ):
            follow_up = existing or FollowUp(recommendation=recommendation, visit=visit)
            follow_up.outcome, follow_up.notes = outcome, notes.strip()
            _set_user(follow_up, by)
            follow_up.save()
            saved.append(follow_up)
            summary.append(
                f"{recommendation.number} of {recommendation.visit.visit_on:%d/%m/%Y}: "
                f"{follow_up.get_outcome_display()}"
            )
        _recommendation_refresh(recommendation, by)
    if summary:
        reg44_event(
            home=visit.home,
            visit=visit,
            by=by,
            code="recommendations_followed_up",
            detail="; ".join(summary),
        )
    return saved


# --- the report: approval, amendment, PDF, sending ---------------------------------


@transaction.atomic
def visit_report_approve(
    *, visit: Visit, by: User, today: date | None = None
) -> VisitReport:
    """Approve the report: fix its content as a new version, then have it
    rendered and sent to everyone reg 44(7) names once the approval is committed."""
    today = today or timezone.localdate()
    locked = _lock_visit(visit)
    _require(
        selectors.visit_may_approve(user=by, visit=locked),
        "Only the visitor who made this visit can approve its report.",
    )
    if not workflow.can_move(locked.status, Visit.Status.APPROVED):
        raise DomainError(
            f"This visit is {locked.get_status_display().lower()}; "
            "only a draft report can be approved."
        )
    visit = selectors.visit_for_report(pk=locked.pk)
    follow_ups = selectors.visit_follow_up_candidates(visit=visit)
    problems = selectors.visit_approval_problems(
        visit=visit, follow_ups=follow_ups, today=today
    )
    if problems:
        raise DomainError(" ".join(problems))
    content = selectors.visit_report_content(
        visit=visit,
        recommendations=list(visit.recommendations.all()),
        follow_ups=follow_ups,
        recipients=selectors.home_report_recipients(home=visit.home),
    )
    now = timezone.now()
    for previous in VisitReport.objects.select_for_update().filter(
        visit=visit, status=VisitReport.Status.CURRENT
    ):
        previous.status = VisitReport.Status.SUPERSEDED
        _set_user(previous, by)
        previous.save(update_fields=["status"])
    version = (visit.reports.aggregate(v=Max("version"))["v"] or 0) + 1
    report = VisitReport(
        visit=visit,
        version=version,
        content=content,
        content_hash=selectors.visit_report_content_hash(content),
        amendment_reason=visit.amendment_reason,
        approved_by=by,
        approved_at=now,
    )
    _set_user(report, by)
    report.save()
    visit.status = Visit.Status.APPROVED
    visit.report_version = version
    visit.amendment_reason = ""
    _set_user(visit, by)
    visit.save(update_fields=["status", "report_version", "amendment_reason"])
    reg44_event(
        home=visit.home,
        visit=visit,
        by=by,
        code="report_approved",
        detail=f"Version {version}; SHA-256 {report.content_hash}",
    )
    transaction.on_commit(partial(tasks.visit_report_render_task.delay, report.pk))
    _sendings_request(report=report, visit=visit, by=by)
    return report


@transaction.atomic
def visit_report_amend(*, visit: Visit, by: User, reason: str) -> Visit:
    """Reopen an approved report as a draft; approving it again makes a new version."""
    visit = _lock_visit(visit)
    _require(
        selectors.visit_may_change(user=by, visit=visit),
        "Only the visitor who made this visit can amend its report.",
    )
    if visit.status != Visit.Status.APPROVED:
        raise DomainError("Only an approved report can be amended.")
    reason = reason.strip()
    if not reason:
        raise DomainError("Say why the report is being amended.")
    visit.status = Visit.Status.DRAFT
    visit.amendment_reason = reason[:300]
    _set_user(visit, by)
    visit.save(update_fields=["status", "amendment_reason"])
    reg44_event(
        home=visit.home,
        visit=visit,
        by=by,
        code="report_amended",
        detail=f"After version {visit.report_version}: {reason}",
    )
    return visit


@transaction.atomic
def visit_report_render(*, report_id: int) -> VisitReport | None:
    """Render a report version's PDF from its fixed content, once.

    Safe to run twice: a version already rendered whose file exists is returned
    untouched, so each version has one PDF.
    """
    report = (
        VisitReport.objects.select_for_update(of=("self",))
        .select_related("visit", "visit__home")
        .filter(pk=report_id)
        .first()
    )
    if report is None:
        return None
    if selectors.visit_report_is_rendered(report):
        return report
    if report.pdf.name:
        report.pdf.delete(save=False)
    visit = report.visit
    report.pdf.save(
        f"reg44-{visit.home.urn}-visit{visit.pk}-v{report.version}.pdf",
        ContentFile(selectors.visit_report_pdf_bytes(report=report)),
        save=False,
    )
    report.rendered_at = timezone.now()
    _set_user(report, None)
    report.save(update_fields=["pdf", "rendered_at"])
    reg44_event(
        home=visit.home,
        visit=visit,
        by=None,
        code="report_rendered",
        detail=f"Version {report.version}",
    )
    return report


def _sendings_request(
    *, report: VisitReport, visit: Visit, by: User
) -> list[ReportSending]:
    """Record one sending per recipient address not yet given this version, and
    queue the pending ones once committed."""
    recipients = selectors.home_report_recipients(home=visit.home)
    created = []
    for recipient in recipients.with_email:
        row, was_created = ReportSending.objects.get_or_create(
            report=report,
            recipient_key=recipient.key,
            defaults={
                "recipient_roles": recipient.roles_text[:300],
                "recipient_name": recipient.name_text[:300],
                "recipient_email": recipient.email,
                "requested_by": by,
            },
        )
        if was_created:
            created.append(row)
            transaction.on_commit(partial(tasks.report_sending_send_task.delay, row.pk))
    if created:
        reg44_event(
            home=visit.home,
            visit=visit,
            by=by,
            code="report_sending_requested",
            detail=f"Version {report.version} to "
            + "; ".join(f"{r.recipient_roles} ({r.recipient_email})" for r in created),
        )
    return created


@transaction.atomic
def visit_report_distribute(*, report: VisitReport, by: User) -> list[ReportSending]:
    """Send the current version to any recipient added to the home since it was
    sent; a recipient already sent this version is not sent it again."""
    report = (
        VisitReport.objects.select_for_update(of=("self",))
        .select_related("visit")
        .get(pk=report.pk)
    )
    _require(
        selectors.visit_may_approve(user=by, visit=report.visit),
        "Only the visitor who made this visit can send its report.",
    )
    if report.status != VisitReport.Status.CURRENT:
        raise DomainError(
            f"Version {report.version} has been superseded; only the current "
            "version is sent."
        )
    visit = selectors.visit_for_report(pk=report.visit_id)
    if not selectors.home_report_recipients(home=visit.home).with_email:
        raise DomainError(
            "No recipient of this home has an email address: ask a manager to add "
            "them to the home's record."
        )
    created = _sendings_request(report=report, visit=visit, by=by)
    if not created:
        raise DomainError("Every recipient has already been sent this version.")
    return created


def _email_for(sending: ReportSending, report: VisitReport) -> EmailMessage:
    visit = report.visit
    home = visit.home
    message = EmailMessage(
        subject=(
            f"Regulation 44 report: {home.name} ({home.urn}), visit of "
            f"{visit.visit_on:%d/%m/%Y}, version {report.version}"
        ),
        body=(
            f"Dear {sending.recipient_name},\n\n"
            f"Attached is the independent person's report (Children's Homes "
            f"(England) Regulations 2015, regulation 44) on the visit to "
            f"{home.name}, Ofsted URN {home.urn}, on {visit.visit_on:%d %B %Y}, "
            f"version {report.version}. You receive it as: {sending.recipient_roles}.\n"
            "It may contain sensitive information: please keep it securely.\n\n"
            "Regulation 44 Visiting Service"
        ),
        to=[sending.recipient_email],
    )
    with report.pdf.open("rb") as pdf:
        message.attach(
            f"reg44-report-{home.urn}-{visit.visit_on:%Y-%m-%d}-v{report.version}.pdf",
            pdf.read(),
            "application/pdf",
        )
    return message


def _note_fully_sent(report: VisitReport) -> None:
    """Stamp the day the report was first sent to every recipient."""
    # Lock the visit before looking at the other sendings: two workers finishing
    # the last two sendings at once then see each other's, and one stamps.
    visit = (
        Visit.objects.select_for_update(of=("self",))
        .select_related("home")
        .get(pk=report.visit_id)
    )
    if visit.report_sent_on is not None:
        return
    if report.sendings.exclude(status=ReportSending.Status.SENT).exists():
        return
    visit.report_sent_on = timezone.localdate()
    _set_user(visit, None)
    visit.save(update_fields=["report_sent_on"])
    reg44_event(
        home=visit.home,
        visit=visit,
        by=None,
        code="report_sent",
        detail=f"Version {report.version} sent to every recipient on "
        f"{visit.report_sent_on:%d/%m/%Y} (due by {visit.report_due_on:%d/%m/%Y})",
    )


@transaction.atomic
def report_sending_send(*, sending_id: int) -> bool:
    """Email one pending sending with the version's PDF; return whether it went now.

    Safe to run twice: the row is locked and only a pending sending is tried, so
    a recipient is never sent the same version twice. A failure is recorded on
    the row for the visitor to send again.
    """
    row = (
        ReportSending.objects.select_for_update(of=("self",))
        .filter(pk=sending_id)
        .first()
    )
    if row is None or row.status != ReportSending.Status.PENDING:
        return False
    report = VisitReport.objects.select_related("visit", "visit__home").get(
        pk=row.report_id
    )
    visit = report.visit
    row.attempts += 1
    try:
        if not selectors.visit_report_is_rendered(report):
            report = visit_report_render(report_id=report.pk)
        _email_for(row, report).send(fail_silently=False)
    except OperationalError:
        raise  # the database is unavailable: the task retries
    except Exception as exc:  # any failure to prepare or send is shown on the ledger
        logger.warning("Sending Reg 44 report %s failed: %s", row.pk, exc)
        row.status = ReportSending.Status.FAILED
        row.last_error = f"{type(exc).__name__}: {exc}"[:500]
        row.save(update_fields=["status", "attempts", "last_error"])
        reg44_event(
            home=visit.home,
            visit=visit,
            by=None,
            code="report_send_failed",
            detail=f"Version {report.version} to {row.recipient_email}: {row.last_error}",
        )
        return False
    row.status = ReportSending.Status.SENT
    row.sent_at = timezone.now()
    row.last_error = ""
    row.save(update_fields=["status", "attempts", "last_error", "sent_at"])
    reg44_event(
        home=visit.home,
        visit=visit,
        by=None,
        code="report_emailed",
        detail=f"Version {report.version} to {row.recipient_roles} ({row.recipient_email})",
    )
    _note_fully_sent(report)
    return True


@transaction.atomic
def report_sending_resend(*, sending: ReportSending, by: User) -> ReportSending:
    """Queue a failed sending again."""
    row = (
        ReportSending.objects.select_for_update(of=("self",))
        .select_related("report", "report__visit", "report__visit__home")
        .get(pk=sending.pk)
    )
    visit = row.report.visit
    _require(
        selectors.visit_may_approve(user=by, visit=visit),
        "Only the visitor who made this visit can send its report again.",
    )
    if row.status != ReportSending.Status.FAILED:
        raise DomainError(
            f"This sending is {row.get_status_display().lower()}; only a failed "
            "sending can be sent again."
        )
    row.status = ReportSending.Status.PENDING
    row.save(update_fields=["status"])
    reg44_event(
        home=visit.home,
        visit=visit,
        by=by,
        code="report_resend_requested",
        detail=f"Version {row.report.version} to {row.recipient_email}",
    )
    transaction.on_commit(partial(tasks.report_sending_send_task.delay, row.pk))
    return row
