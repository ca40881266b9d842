"""Writes to the child record. Each service runs in one transaction and keeps
stored due dates in step with the inputs it changes."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from simple_history.utils import update_change_reason

from accounts.models import Team, User
from accounts.roles import Role

from . import codes, selectors
from .errors import DomainError
from .models import (
    Allocation,
    CareEpisode,
    Child,
    CPPlanEpisode,
    KeyPerson,
    LocalClosureDay,
    TimescaleSetting,
)

CHILD_FIELDS = (
    "la_child_id",
    "upn",
    "first_name",
    "last_name",
    "preferred_name",
    "date_of_birth",
    "gender",
    "ethnicity",
    "first_language",
    "interpreter_needed",
    "interpreter_language",
    "advocacy_needed",
    "advocacy_details",
    "has_disability",
    "disability_details",
)


def _set_history_user(instance, user: User | None) -> None:
    # simple-history reads this attribute when it writes the historical row.
    instance._history_user = user


def _apply(instance, data: dict, allowed) -> list[str]:
    changed = []
    for name in allowed:
        if name in data and getattr(instance, name) != data[name]:
            setattr(instance, name, data[name])
            changed.append(name)
    return changed


@transaction.atomic
def child_create(*, created_by: User, **data) -> Child:
    """Create a child record."""
    if Child.objects.filter(la_child_id=data.get("la_child_id")).exists():
        raise DomainError(
            f"A child with LA child ID {data['la_child_id']} already exists."
        )
    child = Child(
        created_by=created_by, **{k: v for k, v in data.items() if k in CHILD_FIELDS}
    )
    _set_history_user(child, created_by)
    child.full_clean()
    child.save()
    return child


@transaction.atomic
def child_update(*, child: Child, updated_by: User, **data) -> Child:
    """Change a child's identity and needs; a no-op when nothing differs."""
    if (
        "la_child_id" in data
        and data["la_child_id"] != child.la_child_id
        and Child.objects.filter(la_child_id=data["la_child_id"]).exists()
    ):
        raise DomainError(
            f"A child with LA child ID {data['la_child_id']} already exists."
        )
    changed = _apply(child, data, CHILD_FIELDS)
    if changed:
        _set_history_user(child, updated_by)
        child.full_clean()
        child.save()
    return child


# --- care episodes -------------------------------------------------------------------


def _period_start(episode: CareEpisode) -> CareEpisode | None:
    """Return the episode that started the period of care `episode` belongs to."""
    return (
        CareEpisode.objects.filter(
            child_id=episode.child_id,
            reason_new_episode=codes.ReasonNewEpisode.S,
            started_on__lte=episode.started_on,
        )
        .order_by("-started_on", "-id")
        .first()
    )


def _care_clock(
    episode: CareEpisode, clock: selectors.Clock
) -> tuple[date | None, date | None]:
    if not episode.starts_period_of_care:
        return None, None
    code = "cic_short_break_1" if episode.is_short_break else "cic_review_1"
    return clock.due(code, episode.started_on).due, clock.due(
        "pep_initial", episode.started_on
    ).due


@transaction.atomic
def care_episode_start(
    *,
    child: Child,
    started_by: User,
    started_on: date,
    reason_new_episode: str,
    legal_status: str,
    placement_type: str,
    category_of_need: str = codes.CategoryOfNeed.N1,
    placement_postcode: str = "",
) -> CareEpisode:
    """Start a care episode; a new period of care (RNE 'S') starts the review clock.

    A change of legal status or placement (RNE other than 'S') continues the period:
    the open episode ends that day with reason X1 (DOMAIN.md CIC-08).
    """
    child = Child.objects.select_for_update().get(pk=child.pk)
    if started_on < child.date_of_birth:
        raise DomainError("An episode cannot start before the child's date of birth.")
    open_episode = child.care_episodes.filter(ended_on__isnull=True).first()
    latest = child.care_episodes.order_by("-started_on", "-id").first()
    if latest and started_on < latest.started_on:
        raise DomainError(
            f"The new episode must start on or after the latest episode "
            f"({latest.started_on:%d/%m/%Y})."
        )
    if reason_new_episode == codes.ReasonNewEpisode.S:
        if open_episode:
            raise DomainError(
                "The child is already looked after. End the current episode before "
                "starting a new period of care, or choose the reason for the change."
            )
        if (
            latest
            and latest.ended_on
            and started_on <= latest.ended_on
            and latest.ended_on != started_on
        ):
            raise DomainError(
                "A new period of care must start after the previous one ended."
            )
    else:
        if not open_episode:
            raise DomainError(
                "The child is not looked after now, so this episode starts a new period "
                "of care: choose reason S."
            )
        open_episode.ended_on = started_on
        open_episode.reason_ended = codes.ReasonEpisodeCeased.X1
        _set_history_user(open_episode, started_by)
        open_episode.save()
    episode = CareEpisode(
        child=child,
        started_on=started_on,
        reason_new_episode=reason_new_episode,
        legal_status=legal_status,
        placement_type=placement_type,
        category_of_need=category_of_need,
        placement_postcode=placement_postcode,
    )
    episode.first_review_due_on, episode.pep_due_on = _care_clock(
        episode, selectors.clock_get()
    )
    _set_history_user(episode, started_by)
    episode.full_clean()
    episode.save()
    return episode


@transaction.atomic
def care_episode_update(
    *, episode: CareEpisode, updated_by: User, **data
) -> CareEpisode:
    """Correct an episode's details; recalculates the period's due dates."""
    _apply(
        episode,
        data,
        (
            "started_on",
            "legal_status",
            "placement_type",
            "category_of_need",
            "placement_postcode",
        ),
    )
    if episode.started_on < episode.child.date_of_birth:
        raise DomainError("An episode cannot start before the child's date of birth.")
    if episode.ended_on and episode.ended_on < episode.started_on:
        raise DomainError("The episode cannot start after it ended.")
    episode.first_review_due_on, episode.pep_due_on = _care_clock(
        episode, selectors.clock_get()
    )
    _set_history_user(episode, updated_by)
    episode.full_clean()
    episode.save()
    return episode


@transaction.atomic
def care_episode_end(
    *, episode: CareEpisode, ended_by: User, ended_on: date, reason_ended: str
) -> CareEpisode:
    """End the open episode (and with it the period of care)."""
    if not episode.is_open:
        raise DomainError("This episode has already ended.")
    if ended_on < episode.started_on:
        raise DomainError(
            f"The end date cannot be before the episode started ({episode.started_on:%d/%m/%Y})."
        )
    if reason_ended == codes.ReasonEpisodeCeased.X1:
        raise DomainError(
            "X1 is used only when a new episode starts; record the new episode instead."
        )
    episode.ended_on = ended_on
    episode.reason_ended = reason_ended
    _set_history_user(episode, ended_by)
    episode.save()
    return episode


# --- child protection plans ------------------------------------------------------------


def _plan_clock(plan: CPPlanEpisode, clock: selectors.Clock) -> tuple[date, date]:
    return (
        clock.due("cp_rcpc_1", plan.started_on).due,
        clock.due("cp_core_group_1", plan.started_on).due,
    )


@transaction.atomic
def cp_plan_start(
    *, child: Child, started_by: User, started_on: date, category: str
) -> CPPlanEpisode:
    """Start a child protection plan on the conference date (DOMAIN.md CP-04)."""
    child = Child.objects.select_for_update().get(pk=child.pk)
    if child.cp_plans.filter(ended_on__isnull=True).exists():
        raise DomainError("The child already has an open child protection plan.")
    latest = child.cp_plans.order_by("-started_on").first()
    if latest and latest.ended_on and started_on < latest.ended_on:
        raise DomainError(
            f"A new plan cannot start before the previous plan ended ({latest.ended_on:%d/%m/%Y})."
        )
    plan = CPPlanEpisode(
        child=child,
        started_on=started_on,
        initial_category=category,
        latest_category=category,
    )
    plan.first_review_due_on, plan.core_group_due_on = _plan_clock(
        plan, selectors.clock_get()
    )
    _set_history_user(plan, started_by)
    plan.full_clean()
    plan.save()
    return plan


@transaction.atomic
def cp_plan_update(*, plan: CPPlanEpisode, updated_by: User, **data) -> CPPlanEpisode:
    """Correct a plan's start date or categories; recalculates its due dates."""
    _apply(plan, data, ("started_on", "initial_category", "latest_category"))
    if plan.ended_on and plan.ended_on < plan.started_on:
        raise DomainError("The plan cannot start after it ended.")
    plan.first_review_due_on, plan.core_group_due_on = _plan_clock(
        plan, selectors.clock_get()
    )
    _set_history_user(plan, updated_by)
    plan.full_clean()
    plan.save()
    return plan


@transaction.atomic
def cp_plan_end(
    *, plan: CPPlanEpisode, ended_by: User, ended_on: date, end_reason: str
) -> CPPlanEpisode:
    """End an open child protection plan with its reason."""
    if not plan.is_open:
        raise DomainError("This plan has already ended.")
    if ended_on < plan.started_on:
        raise DomainError(
            f"The end date cannot be before the plan started ({plan.started_on:%d/%m/%Y})."
        )
    plan.ended_on = ended_on
    plan.end_reason = end_reason
    _set_history_user(plan, ended_by)
    plan.save()
    return plan


# --- allocations -------------------------------------------------------------------------


@transaction.atomic
def allocation_allocate(
    *,
    child: Child,
    allocated_by: User,
    role: str,
    started_on: date,
    worker: User | None = None,
    worker_name: str = "",
    worker_email: str = "",
    team: Team | None = None,
) -> Allocation:
    """Allocate a worker to a child, ending the previous allocation for that role."""
    if role == Allocation.Role.IRO:
        if worker is None or not worker.has_role(Role.IRO):
            raise DomainError(
                "Choose an Independent Reviewing Officer with an account."
            )
    elif worker is None and not worker_name.strip():
        raise DomainError("Give the social worker's name.")
    current = (
        Allocation.objects.select_for_update()
        .filter(child=child, role=role, ended_on__isnull=True)
        .first()
    )
    if current:
        if started_on < current.started_on:
            raise DomainError(
                f"The new allocation must start on or after the current one "
                f"({current.started_on:%d/%m/%Y})."
            )
        if worker is not None and current.worker_id == worker.pk:
            raise DomainError(f"{worker} is already allocated.")
        current.ended_on = started_on
        _set_history_user(current, allocated_by)
        current.save()
    allocation = Allocation(
        child=child,
        role=role,
        worker=worker,
        worker_name=worker_name.strip(),
        worker_email=worker_email,
        team=team,
        started_on=started_on,
        allocated_by=allocated_by,
    )
    _set_history_user(allocation, allocated_by)
    allocation.full_clean()
    allocation.save()
    if worker is not None and worker.email:
        from .tasks import allocation_notify_task

        transaction.on_commit(lambda: allocation_notify_task.delay(allocation.pk))
    return allocation


def allocation_notify(*, allocation_id: int) -> bool:
    """Email the allocated worker once; return whether an email was sent."""
    from django.core.mail import send_mail

    with transaction.atomic():
        allocation = (
            Allocation.objects.select_for_update(of=("self",))
            .select_related("child", "worker")
            .filter(pk=allocation_id)
            .first()
        )
        if (
            allocation is None
            or allocation.notified_at is not None
            or allocation.worker is None
        ):
            return False
        child = allocation.child
        send_mail(
            subject=f"New allocation: {child.la_child_id}",
            message=(
                f"You have been allocated as {allocation.get_role_display()} for the child "
                f"with LA child ID {child.la_child_id} from "
                f"{allocation.started_on:%d/%m/%Y}. Open the record in the reviewing service."
            ),
            from_email=None,
            recipient_list=[allocation.worker.email],
        )
        from django.utils import timezone

        Allocation.objects.filter(pk=allocation.pk).update(notified_at=timezone.now())
        return True


# --- key people ------------------------------------------------------------------------

KEY_PERSON_FIELDS = (
    "name",
    "relationship",
    "organisation",
    "has_parental_responsibility",
    "phone",
    "email",
    "address",
    "is_address_restricted",
    "notes",
)


@transaction.atomic
def key_person_create(*, child: Child, created_by: User, **data) -> KeyPerson:
    """Add a parent, carer or professional to the child's key people."""
    person = KeyPerson(
        child=child, **{k: v for k, v in data.items() if k in KEY_PERSON_FIELDS}
    )
    _set_history_user(person, created_by)
    person.full_clean()
    person.save()
    return person


@transaction.atomic
def key_person_update(*, person: KeyPerson, updated_by: User, **data) -> KeyPerson:
    """Change a key person's details."""
    if _apply(person, data, KEY_PERSON_FIELDS):
        _set_history_user(person, updated_by)
        person.full_clean()
        person.save()
    return person


@transaction.atomic
def key_person_remove(*, person: KeyPerson, removed_by: User) -> None:
    """Remove a key person; the history keeps what was removed and by whom."""
    _set_history_user(person, removed_by)
    person.delete()


# --- calendar and local rules -----------------------------------------------------------


@transaction.atomic
def closure_day_add(*, added_by: User, day: date, name: str) -> LocalClosureDay:
    """Add a local closure day and recalculate stored due dates afterwards."""
    if LocalClosureDay.objects.filter(day=day).exists():
        raise DomainError(f"{day:%d/%m/%Y} is already a closure day.")
    closure = LocalClosureDay(day=day, name=name, added_by=added_by)
    _set_history_user(closure, added_by)
    closure.save()
    _schedule_recalculation()
    return closure


@transaction.atomic
def closure_day_remove(*, closure: LocalClosureDay, removed_by: User) -> None:
    """Remove a local closure day and recalculate stored due dates afterwards."""
    _set_history_user(closure, removed_by)
    closure.delete()
    _schedule_recalculation()


@transaction.atomic
def timescale_setting_set(
    *, code: str, amount: int, updated_by: User
) -> TimescaleSetting:
    """Set the amount of a local-practice rule and recalculate stored due dates."""
    setting, _ = TimescaleSetting.objects.get_or_create(
        code=code, defaults={"amount": amount, "updated_by": updated_by}
    )
    setting.amount = amount
    setting.updated_by = updated_by
    _set_history_user(setting, updated_by)
    setting.full_clean()
    setting.save()
    _schedule_recalculation()
    return setting


def _schedule_recalculation() -> None:
    from .tasks import due_dates_recalculate_task

    transaction.on_commit(lambda: due_dates_recalculate_task.delay())


RECALCULATION_REASON = "Due dates recalculated after the working-day calendar changed"


def due_dates_recalculate(*, batch_size: int = 2000) -> int:
    """Recompute stored due dates on open records; return how many rows changed.

    Safe to run twice: a second run finds nothing to change.
    """
    clock = selectors.clock_get()
    changed = 0
    episodes = CareEpisode.objects.filter(
        reason_new_episode=codes.ReasonNewEpisode.S, ended_on__isnull=True
    ).only(
        "id",
        "started_on",
        "legal_status",
        "reason_new_episode",
        "first_review_due_on",
        "pep_due_on",
        "child_id",
    )
    for episode in episodes.iterator(chunk_size=batch_size):
        due = _care_clock(episode, clock)
        if (episode.first_review_due_on, episode.pep_due_on) != due:
            with transaction.atomic():
                episode.first_review_due_on, episode.pep_due_on = due
                _set_history_user(episode, None)
                episode.save(update_fields=["first_review_due_on", "pep_due_on"])
                update_change_reason(episode, RECALCULATION_REASON)
            changed += 1
    plans = CPPlanEpisode.objects.filter(ended_on__isnull=True).only(
        "id", "started_on", "first_review_due_on", "core_group_due_on", "child_id"
    )
    for plan in plans.iterator(chunk_size=batch_size):
        due = _plan_clock(plan, clock)
        if (plan.first_review_due_on, plan.core_group_due_on) != due:
            with transaction.atomic():
                plan.first_review_due_on, plan.core_group_due_on = due
                _set_history_user(plan, None)
                plan.save(update_fields=["first_review_due_on", "core_group_due_on"])
                update_change_reason(plan, RECALCULATION_REASON)
            changed += 1
    return changed
