from datetime import date

import pytest
from django.core import mail

from accounts.roles import Role
from cases import codes, services
from cases.errors import DomainError
from cases.models import Allocation, CareEpisode, Child, LocalClosureDay
from tests.factories import (
    AllocationFactory,
    CareEpisodeFactory,
    ChildFactory,
    CPPlanFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def _start(child, by, **overrides):
    data = {
        "started_on": date(2026, 3, 2),
        "reason_new_episode": codes.ReasonNewEpisode.S,
        "legal_status": codes.LegalStatus.C1,
        "placement_type": codes.PlacementType.U6,
    }
    data.update(overrides)
    return services.care_episode_start(child=child, started_by=by, **data)


def test_care_episode_start_stores_first_review_and_pep_due_dates(manager):
    """A new period of care starts the clock: first review in 20 working days."""
    episode = _start(ChildFactory(), manager)
    assert episode.first_review_due_on == date(2026, 3, 30)
    assert episode.pep_due_on == date(2026, 3, 16)


def test_short_break_period_uses_the_short_break_rule(manager):
    """Short-break children (V3/V4) have their first review within 3 months."""
    episode = _start(ChildFactory(), manager, legal_status=codes.LegalStatus.V3)
    assert episode.first_review_due_on == date(2026, 6, 2)


def test_change_of_placement_continues_the_period_of_care(manager):
    """A change of placement ends the open episode with X1 and keeps the clock."""
    # given
    child = ChildFactory()
    first = _start(child, manager)
    # when
    second = _start(
        child,
        manager,
        started_on=date(2026, 4, 10),
        reason_new_episode=codes.ReasonNewEpisode.P,
        placement_type=codes.PlacementType.K2,
    )
    # then
    first.refresh_from_db()
    assert (first.ended_on, first.reason_ended) == (date(2026, 4, 10), "X1")
    assert second.first_review_due_on is None
    assert first.first_review_due_on == date(2026, 3, 30)


def test_new_period_of_care_refused_while_looked_after(manager):
    child = ChildFactory()
    _start(child, manager)
    with pytest.raises(DomainError, match="already looked after"):
        _start(child, manager, started_on=date(2026, 5, 1))


def test_change_episode_refused_when_not_looked_after(manager):
    with pytest.raises(DomainError, match="choose reason S"):
        _start(ChildFactory(), manager, reason_new_episode=codes.ReasonNewEpisode.L)


def test_re_entering_care_restarts_the_chain(manager):
    """A new period of care after the previous ended gets its own first-review date."""
    # given
    child = ChildFactory()
    first = _start(child, manager)
    services.care_episode_end(
        episode=first,
        ended_by=manager,
        ended_on=date(2026, 5, 1),
        reason_ended=codes.ReasonEpisodeCeased.E4A,
    )
    # when
    again = _start(child, manager, started_on=date(2026, 8, 24))
    # then
    assert again.first_review_due_on == date(2026, 9, 22)  # summer bank holiday


def test_episode_end_before_start_is_refused(manager):
    episode = _start(ChildFactory(), manager)
    with pytest.raises(DomainError, match="before the episode started"):
        services.care_episode_end(
            episode=episode,
            ended_by=manager,
            ended_on=date(2026, 1, 1),
            reason_ended="E4A",
        )


def test_correcting_the_start_date_recalculates_the_due_date(manager):
    episode = _start(ChildFactory(), manager)
    services.care_episode_update(
        episode=episode, updated_by=manager, started_on=date(2025, 12, 19)
    )
    episode.refresh_from_db()
    assert episode.first_review_due_on == date(2026, 1, 21)


def test_cp_plan_start_stores_core_group_and_first_review(manager):
    plan = services.cp_plan_start(
        child=ChildFactory(),
        started_by=manager,
        started_on=date(2026, 8, 24),
        category="NEG",
    )
    assert plan.core_group_due_on == date(2026, 9, 8)
    assert plan.first_review_due_on == date(2026, 11, 24)


def test_second_open_cp_plan_is_refused(manager):
    plan = CPPlanFactory()
    with pytest.raises(DomainError, match="already has an open"):
        services.cp_plan_start(
            child=plan.child,
            started_by=manager,
            started_on=date(2026, 6, 1),
            category="PHY",
        )


def test_allocating_an_iro_ends_the_previous_allocation_and_emails(
    manager, django_capture_on_commit_callbacks
):
    # given
    old = AllocationFactory()
    new_iro = UserFactory(roles=[Role.IRO])
    # when
    with django_capture_on_commit_callbacks(execute=True):
        allocation = services.allocation_allocate(
            child=old.child,
            allocated_by=manager,
            role=Allocation.Role.IRO,
            worker=new_iro,
            started_on=date(2026, 6, 1),
        )
    # then
    old.refresh_from_db()
    assert old.ended_on == date(2026, 6, 1)
    assert allocation.worker == new_iro
    assert [m.to for m in mail.outbox] == [[new_iro.email]]


def test_allocation_notify_is_idempotent(manager):
    allocation = AllocationFactory()
    first = services.allocation_notify(allocation_id=allocation.pk)
    second = services.allocation_notify(allocation_id=allocation.pk)
    assert (first, second) == (True, False)
    assert len(mail.outbox) == 1


def test_only_an_iro_can_be_allocated_as_iro(manager, lado):
    with pytest.raises(DomainError, match="Independent Reviewing Officer"):
        services.allocation_allocate(
            child=ChildFactory(),
            allocated_by=manager,
            role=Allocation.Role.IRO,
            worker=lado,
            started_on=date(2026, 6, 1),
        )


def test_duplicate_la_child_id_is_refused(manager):
    ChildFactory(la_child_id="A1")
    with pytest.raises(DomainError, match="already exists"):
        services.child_create(
            created_by=manager,
            la_child_id="A1",
            first_name="A",
            last_name="B",
            date_of_birth=date(2015, 1, 1),
            gender="male",
        )


def test_child_update_writes_history_with_the_user(manager):
    child = ChildFactory(first_language="English")
    services.child_update(child=child, updated_by=manager, first_language="Polish")
    latest = Child.history.filter(id=child.pk).latest()
    assert latest.first_language == "Polish"
    assert latest.history_user == manager


def test_closure_day_recalculates_stored_due_dates_in_the_background(
    manager, django_capture_on_commit_callbacks
):
    """A new closure day moves open due dates; the background change is audited."""
    # given
    episode = CareEpisodeFactory(
        started_on=date(2026, 3, 2), first_review_due_on=date(2026, 3, 30)
    )
    # when
    with django_capture_on_commit_callbacks(execute=True):
        services.closure_day_add(
            added_by=manager, day=date(2026, 3, 10), name="Staff day"
        )
    # then
    episode.refresh_from_db()
    assert episode.first_review_due_on == date(2026, 3, 31)
    latest = CareEpisode.history.filter(id=episode.pk).latest()
    assert latest.history_user is None
    assert "recalculated" in latest.history_change_reason
    assert LocalClosureDay.objects.count() == 1


def test_due_dates_recalculate_twice_changes_nothing_the_second_time():
    CareEpisodeFactory(first_review_due_on=date(2020, 1, 1))
    assert services.due_dates_recalculate() == 1
    assert services.due_dates_recalculate() == 0


def test_local_rule_setting_is_used_by_the_clock(administrator):
    from cases import selectors

    services.timescale_setting_set(
        code="cp_minutes", amount=10, updated_by=administrator
    )
    assert selectors.clock_get().due("cp_minutes", date(2026, 3, 2)).due == date(
        2026, 3, 16
    )
