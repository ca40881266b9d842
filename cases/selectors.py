"""Reads for the child record, the working-day calendar and record scope."""

from __future__ import annotations

import functools
import operator
from dataclasses import dataclass
from datetime import date, datetime
from itertools import groupby

from django.conf import settings
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone

from accounts.models import AccessLog, User
from accounts.roles import Role
from accounts.selectors import access_log_list_for

from . import timescales
from .calendar import ClosedDays
from .models import (
    Allocation,
    BreakGlassGrant,
    CareEpisode,
    Child,
    CPPlanEpisode,
    KeyPerson,
    LocalClosureDay,
    TimescaleSetting,
)

# --- the statutory clock -----------------------------------------------------------


def working_calendar() -> timescales.WorkingCalendar:
    """Return the calendar of non-working days: bank holidays and local closures."""
    local = dict(LocalClosureDay.objects.values_list("day", "name"))
    return timescales.WorkingCalendar(closed=ClosedDays(local))


def timescale_overrides() -> dict[str, int]:
    """Return the administrator's values for local-practice rules."""
    return dict(TimescaleSetting.objects.values_list("code", "amount"))


def timescale_convention() -> timescales.Convention:
    return timescales.Convention(
        getattr(settings, "TIMESCALE_COUNTING_CONVENTION", "exclusive")
    )


@dataclass(frozen=True)
class Clock:
    """A calendar and local settings loaded once, to compute many due dates."""

    calendar: timescales.WorkingCalendar
    overrides: dict[str, int]
    convention: timescales.Convention

    def due(self, code: str, start: date) -> timescales.DueDate:
        return timescales.due_date(
            code,
            start,
            calendar=self.calendar,
            overrides=self.overrides,
            convention=self.convention,
        )


def clock_get() -> Clock:
    """Return a Clock with the current calendar and local rule settings."""
    return Clock(working_calendar(), timescale_overrides(), timescale_convention())


# --- record scope --------------------------------------------------------------------


def child_list_visible_to(*, user: User, many: bool = False) -> QuerySet[Child]:
    """Return the children `user` may see (DOMAIN.md A3); `many` for list pages
    (see iro_scope_q)."""
    if not user.is_authenticated or not user.is_active:
        return Child.objects.none()
    if user.has_role(Role.MANAGER):
        return Child.objects.all()
    if user.has_role(Role.IRO):
        return Child.objects.filter(iro_scope_q(user=user, many=many))
    return Child.objects.none()


def iro_scope_q(*, user: User, child: str = "", many: bool = False) -> Q:
    """The condition for an IRO's children (DOMAIN.md A3), on Child itself or, with
    `child="child"`, on a model with a `child` foreign key (meetings, say).

    For one record or a few, correlated EXISTS: an index lookup per row. For list
    pages (`many`), uncorrelated IN subqueries: PostgreSQL reads each once into a
    hash and probes it per row, which at national scale, where nearly every child
    is in an IRO's scope, is many times faster than a search per row; but for one
    row it would read whole tables."""
    outer = f"{child}_id" if child else "pk"
    # Emergency access (cases.breakglass): an unexpired grant opens the child to
    # this user alone until it expires.
    granted = BreakGlassGrant.objects.filter(user=user, expires_at__gt=timezone.now())
    allocated = Allocation.objects.filter(worker=user)
    # An IRO also keeps the children they registered, so a new record can be
    # completed before the child's first episode or allocation is recorded.
    registered = Child.objects.filter(created_by=user)
    sources = (
        (CareEpisode.objects.all(), "child_id"),
        (CPPlanEpisode.objects.all(), "child_id"),
        (allocated, "child_id"),
        (registered, "pk"),
        (granted, "child_id"),
    )
    if many:
        parts = [Q(**{f"{outer}__in": rows.values(column)}) for rows, column in sources]
    else:
        parts = [
            Q(Exists(rows.filter(**{column: OuterRef(outer)})))
            for rows, column in sources
        ]
    return functools.reduce(operator.or_, parts)


def cp_plan_list_during(*, start: date, end: date) -> QuerySet[CPPlanEpisode]:
    """Return the child protection plans open at any time from `start` to `end`."""
    return CPPlanEpisode.objects.filter(started_on__lte=end).filter(
        Q(ended_on__isnull=True) | Q(ended_on__gte=start)
    )


def child_may_change(*, user: User, child: Child) -> bool:
    """Return whether `user` may edit `child`'s record (scope checked separately)."""
    return user.has_perm("cases.change_child")


def child_list_search(*, user: User) -> QuerySet[Child]:
    """Return visible children with their current IRO and open episodes annotated."""
    return _with_list_details(child_list_visible_to(user=user, many=True))


def _with_list_details(children: QuerySet[Child]) -> QuerySet[Child]:
    current_iro = Allocation.objects.filter(
        role=Allocation.Role.IRO, ended_on__isnull=True
    ).select_related("worker")
    open_care = CareEpisode.objects.filter(ended_on__isnull=True)
    open_plan = CPPlanEpisode.objects.filter(ended_on__isnull=True)
    return children.prefetch_related(
        Prefetch(
            "allocations", queryset=current_iro, to_attr="current_iro_allocations"
        ),
        Prefetch("care_episodes", queryset=open_care, to_attr="open_care_episodes"),
        Prefetch("cp_plans", queryset=open_plan, to_attr="open_cp_plans"),
    )


def child_get_for_record(*, user: User, pk: int) -> Child:
    """Return one visible child with everything the record page shows, or raise."""
    return (
        child_list_visible_to(user=user)
        .prefetch_related(
            Prefetch(
                "care_episodes",
                queryset=CareEpisode.objects.order_by("-started_on", "-id"),
            ),
            Prefetch(
                "cp_plans",
                queryset=CPPlanEpisode.objects.order_by("-started_on", "-id"),
            ),
            Prefetch(
                "allocations",
                queryset=Allocation.objects.select_related(
                    "worker", "team", "allocated_by"
                ),
            ),
            Prefetch(
                "key_people",
                queryset=KeyPerson.objects.order_by("relationship", "name"),
            ),
        )
        .get(pk=pk)
    )


def child_caseload_for(*, user: User) -> QuerySet[Child]:
    """Return the children currently allocated to `user` as their IRO (in their
    scope by that allocation)."""
    if not user.is_authenticated or not user.is_active:
        return Child.objects.none()
    return _with_list_details(
        Child.objects.filter(
            allocations__worker=user,
            allocations__role=Allocation.Role.IRO,
            allocations__ended_on__isnull=True,
        )
    )


def care_periods(episodes: list[CareEpisode]) -> list[list[CareEpisode]]:
    """Group episodes (any order) into periods of care, newest period first."""
    periods: list[list[CareEpisode]] = []
    for episode in sorted(episodes, key=lambda e: (e.started_on, e.id)):
        if episode.starts_period_of_care or not periods:
            periods.append([])
        periods[-1].append(episode)
    return list(reversed(periods))


# --- the audit panel --------------------------------------------------------------


@dataclass(frozen=True)
class Change:
    at: datetime
    who: str
    record: str
    kind: str
    reason: str
    fields: tuple[tuple[str, str, str], ...]


_HISTORY_LABEL = {"+": "Created", "~": "Changed", "-": "Deleted"}


def _history_changes(history_rows, record_label, model) -> list[Change]:
    out: list[Change] = []
    rows = sorted(history_rows, key=lambda h: (h.id, h.history_date, h.history_id))
    tracked = {f.attname for f in model.history.model._meta.concrete_fields}
    fields = [
        f
        for f in model._meta.concrete_fields
        if f.name not in ("id", "child")
        and f.attname in tracked
        and not getattr(f, "auto_now", False)
        and not getattr(f, "auto_now_add", False)
    ]
    names = _related_names(rows, fields)
    for _, versions in groupby(rows, key=lambda h: h.id):
        previous = None
        for version in versions:
            changed = []
            for f in fields:
                new = getattr(version, f.attname)
                old = getattr(previous, f.attname) if previous is not None else None
                if previous is None and version.history_type == "+":
                    if new in (None, "", False):
                        continue
                    changed.append((f.verbose_name, "", _display(f, new, names)))
                elif previous is not None and old != new:
                    changed.append(
                        (
                            f.verbose_name,
                            _display(f, old, names),
                            _display(f, new, names),
                        )
                    )
            if version.history_type == "~" and not changed:
                previous = version
                continue
            user = version.history_user
            out.append(
                Change(
                    at=version.history_date,
                    who=str(user) if user else "System (background job)",
                    record=record_label(version),
                    kind=_HISTORY_LABEL.get(version.history_type, version.history_type),
                    reason=version.history_change_reason or "",
                    fields=tuple(changed),
                )
            )
            previous = version
    return out


def _related_names(rows, fields) -> dict[str, dict]:
    """Return display names of the rows foreign keys point at: one query per field."""
    names: dict[str, dict] = {}
    for f in fields:
        if f.is_relation:
            ids = {getattr(row, f.attname) for row in rows} - {None}
            objects = f.related_model.objects.in_bulk(ids) if ids else {}
            names[f.attname] = {pk: str(obj) for pk, obj in objects.items()}
    return names


def _display(field, value, names) -> str:
    if value is None or value == "":
        return "—"
    if field.is_relation:
        return names.get(field.attname, {}).get(value, f"#{value} (removed)")
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    return str(value)


def child_change_history(*, child: Child, limit: int = 200) -> list[Change]:
    """Return every recorded change to the child and its related rows, newest first."""
    sources = [
        (Child.history.filter(id=child.pk), lambda v: "Child record", Child),
        (
            CareEpisode.history.filter(child_id=child.pk),
            lambda v: f"Care episode from {v.started_on:%d/%m/%Y}",
            CareEpisode,
        ),
        (
            CPPlanEpisode.history.filter(child_id=child.pk),
            lambda v: f"CP plan from {v.started_on:%d/%m/%Y}",
            CPPlanEpisode,
        ),
        (
            Allocation.history.filter(child_id=child.pk),
            lambda v: f"Allocation ({v.get_role_display()})",
            Allocation,
        ),
        (
            KeyPerson.history.filter(child_id=child.pk),
            lambda v: f"Key person {v.name}",
            KeyPerson,
        ),
    ]
    changes: list[Change] = []
    for queryset, label, model in sources:
        changes.extend(
            _history_changes(queryset.select_related("history_user"), label, model)
        )
    changes.sort(key=lambda c: c.at, reverse=True)
    return changes[:limit]


def child_access_log(*, child: Child, limit: int = 100) -> QuerySet[AccessLog]:
    """Return who viewed (or was refused) this child's record, newest first."""
    return access_log_list_for(model=Child, object_ids=[child.pk])[:limit]


@dataclass(frozen=True)
class ClockItem:
    label: str
    stored_due_on: date | None
    explanation: timescales.DueDate


def child_clock_items(*, child: Child, clock: Clock) -> list[ClockItem]:
    """Return the explained statutory due dates held on the child's open records.

    Uses the prefetched episodes and plans of `child_get_for_record`.
    """
    items: list[ClockItem] = []
    open_care = [e for e in child.care_episodes.all() if e.is_open]
    if open_care:
        periods = care_periods(list(child.care_episodes.all()))
        start = periods[0][0] if periods else None
        if start is not None and start.starts_period_of_care:
            code = "cic_short_break_1" if start.is_short_break else "cic_review_1"
            items.append(
                ClockItem(
                    "First review of this period of care",
                    start.first_review_due_on,
                    clock.due(code, start.started_on),
                )
            )
            items.append(
                ClockItem(
                    "Personal Education Plan initiated",
                    start.pep_due_on,
                    clock.due("pep_initial", start.started_on),
                )
            )
    for plan in child.cp_plans.all():
        if plan.is_open:
            items.append(
                ClockItem(
                    "First core group",
                    plan.core_group_due_on,
                    clock.due("cp_core_group_1", plan.started_on),
                )
            )
            items.append(
                ClockItem(
                    "First review conference",
                    plan.first_review_due_on,
                    clock.due("cp_rcpc_1", plan.started_on),
                )
            )
    return items
