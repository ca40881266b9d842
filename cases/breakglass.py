"""Break-glass: time-limited emergency access to a child outside one's scope.

Who may ask (DOMAIN.md A3): only Independent Reviewing Officers. Managers already
read every child; LADOs, Regulation 44 visitors, minute-takers and administrators
hold no child records by design, so a pressing need of theirs goes through a
manager rather than around the scope rules.

Every grant is written with its reason before any access; the child's allocated
workers (and their team managers) and the service's managers are notified at
once; every page opened under a grant is marked in the access log; a manager
reviews each grant afterwards.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Count
from django.urls import reverse
from django.utils import timezone

from accounts.models import AccessLog, Notification, User
from accounts.roles import Role
from accounts.services import access_log_record

from . import selectors
from .errors import DomainError
from .models import Allocation, BreakGlassGrant, Child

ELIGIBLE_ROLES = (Role.IRO,)
REASON_MIN_LENGTH = 20
# Stored on accounts.Notification.kind; the notice is shown by its text.
NOTIFICATION_KIND = Notification.Kind.BREAK_GLASS


def grant_hours() -> int:
    """Return how long a grant lasts (setting BREAKGLASS_GRANT_HOURS, default 4)."""
    return int(getattr(settings, "BREAKGLASS_GRANT_HOURS", 4))


def is_eligible(*, user: User) -> bool:
    """Return whether `user` may ask for emergency access to a child."""
    return (
        user.is_authenticated
        and user.has_role(*ELIGIBLE_ROLES)
        and not user.has_role(Role.MANAGER)
        and user.has_perm("cases.request_breakglass")
    )


def audit_detail(grant: BreakGlassGrant) -> str:
    """Return the access-log mark of a page opened under `grant`."""
    return f"Emergency access grant #{grant.pk}"


# --- reads ---------------------------------------------------------------------------


def breakglass_grant_active(
    *, user: User, child_id: int, now: datetime | None = None
) -> BreakGlassGrant | None:
    """Return the user's unexpired grant for the child, or None."""
    if not is_eligible(user=user):
        return None
    return (
        BreakGlassGrant.objects.filter(
            user=user, child_id=child_id, expires_at__gt=now or timezone.now()
        )
        .order_by("-expires_at")
        .first()
    )


def breakglass_access_counts(grants) -> dict[int, int]:
    """Return, per grant id, how many pages were opened under it (one query)."""
    marks = {audit_detail(g): g.pk for g in grants}
    if not marks:
        return {}
    rows = (
        AccessLog.objects.filter(detail__in=list(marks))
        .order_by()
        .values("detail")
        .annotate(n=Count("pk"))
    )
    return {marks[row["detail"]]: row["n"] for row in rows}


@dataclass(frozen=True)
class ReviewQueue:
    grants: list[BreakGlassGrant]
    pending_count: int


def breakglass_review_queue(*, pending_only: bool, limit: int = 200) -> ReviewQueue:
    """Return the grants a manager reviews, awaiting review first, each with
    `access_count` (pages opened under it), in three queries."""
    grants = BreakGlassGrant.objects.select_related("user", "child", "reviewed_by")
    pending = grants.filter(reviewed_at__isnull=True)
    shown = pending if pending_only else grants
    rows = list(shown.order_by("-reviewed_at", "-granted_at", "-id")[:limit])
    counts = breakglass_access_counts(rows)
    for grant in rows:
        grant.access_count = counts.get(grant.pk, 0)
    return ReviewQueue(grants=rows, pending_count=pending.count())


# --- writes --------------------------------------------------------------------------


def _audience(*, child: Child, requester: User) -> dict[int, str]:
    """Return who is told of a grant: user id -> the link they are sent to."""
    record_url = child.get_absolute_url()
    queue_url = reverse("cases:breakglass-queue")
    audience: dict[int, str] = {}
    current = Allocation.objects.filter(
        child=child, ended_on__isnull=True, worker__isnull=False
    ).select_related("worker__team")
    for allocation in current:
        audience[allocation.worker_id] = record_url
        team = allocation.worker.team
        if team is not None and team.manager_id:
            audience[team.manager_id] = queue_url
    managers = User.objects.filter(is_active=True, groups__name=Role.MANAGER)
    for manager_id in managers.values_list("pk", flat=True):
        audience[manager_id] = queue_url
    audience.pop(requester.pk, None)
    return audience


@transaction.atomic
def breakglass_grant_request(
    *, user: User, child: Child, reason: str, request=None
) -> BreakGlassGrant:
    """Grant `user` time-limited access to `child`, notify, and log the grant."""
    reason = (reason or "").strip()
    if not is_eligible(user=user):
        raise DomainError("Your role cannot ask for emergency access to a child.")
    if len(reason) < REASON_MIN_LENGTH:
        raise DomainError(
            f"Say why you need this record now, in at least {REASON_MIN_LENGTH} "
            "characters."
        )
    # Lock the child so two requests at once make one grant, not two.
    child = Child.objects.select_for_update().get(pk=child.pk)
    now = timezone.now()
    existing = breakglass_grant_active(user=user, child_id=child.pk, now=now)
    if existing is not None:
        return existing
    if selectors.child_list_visible_to(user=user).filter(pk=child.pk).exists():
        raise DomainError("This record is already open to you.")
    grant = BreakGlassGrant(
        user=user,
        child=child,
        reason=reason,
        granted_at=now,
        expires_at=now + timedelta(hours=grant_hours()),
    )
    grant._history_user = user
    grant._change_reason = "Emergency access granted"
    grant.save()
    day = timezone.localdate(now)
    summary = (
        f"Emergency access: {user} opened {child.full_name} ({child.la_child_id}) "
        f"until {timezone.localtime(grant.expires_at):%H:%M on %d/%m/%Y}. "
        f"Reason: {reason}"
    )[:400]
    Notification.objects.bulk_create(
        [
            Notification(
                user_id=user_id,
                day=day,
                kind=NOTIFICATION_KIND,
                text=summary,
                url=url,
                source_key=f"breakglass:{grant.pk}",
            )
            for user_id, url in _audience(child=child, requester=user).items()
        ],
        ignore_conflicts=True,
    )
    access_log_record(
        user=user,
        action=AccessLog.Action.VIEW,
        obj=child,
        request=request,
        detail=f"{audit_detail(grant)} granted: {reason}",
    )
    return grant


@transaction.atomic
def breakglass_grant_review(
    *, grant: BreakGlassGrant, by: User, outcome: str, note: str
) -> BreakGlassGrant:
    """Record a manager's review of a grant: appropriate or not, with a note."""
    grant = BreakGlassGrant.objects.select_for_update().get(pk=grant.pk)
    note = (note or "").strip()
    if not by.has_perm("cases.review_breakglass"):
        raise DomainError("Only a manager can review emergency access.")
    if grant.user_id == by.pk:
        raise DomainError("Someone else must review your own emergency access.")
    if grant.reviewed_at is not None:
        raise DomainError(
            f"Already reviewed by {grant.reviewed_by} on "
            f"{timezone.localtime(grant.reviewed_at):%d/%m/%Y at %H:%M}."
        )
    if outcome not in BreakGlassGrant.Outcome.values:
        raise DomainError("Choose whether the access was appropriate.")
    if outcome == BreakGlassGrant.Outcome.NOT_APPROPRIATE and not note:
        raise DomainError("Say why the access was not appropriate.")
    grant.outcome = outcome
    grant.review_note = note
    grant.reviewed_by = by
    grant.reviewed_at = timezone.now()
    grant._history_user = by
    grant._change_reason = f"Reviewed: {grant.get_outcome_display()}"
    grant.save(update_fields=["outcome", "review_note", "reviewed_by", "reviewed_at"])
    return grant


def breakglass_access_record(*, grant: BreakGlassGrant, request, child: Child) -> None:
    """Mark in the access log one page opened (or form sent) under `grant`."""
    access_log_record(
        user=request.user,
        action=AccessLog.Action.VIEW,
        obj=child,
        request=request,
        detail=audit_detail(grant),
    )
