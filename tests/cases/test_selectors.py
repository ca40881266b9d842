from datetime import date

import pytest

from accounts.roles import Role
from cases import selectors, services
from cases.models import Child
from tests.factories import (
    AllocationFactory,
    CareEpisodeFactory,
    ChildFactory,
    CPPlanFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def test_iro_sees_children_in_care_on_plans_or_allocated_only(iro):
    # given
    in_care = CareEpisodeFactory().child
    on_plan = CPPlanFactory().child
    allocated = AllocationFactory(worker=iro).child
    neither = ChildFactory()
    # when
    visible = set(selectors.child_list_visible_to(user=iro))
    # then
    assert visible == {in_care, on_plan, allocated}
    assert neither not in visible


def test_manager_sees_every_child(manager):
    ChildFactory.create_batch(3)
    assert selectors.child_list_visible_to(user=manager).count() == 3


@pytest.mark.parametrize(
    "role", [Role.LADO, Role.REG44_VISITOR, Role.MINUTE_TAKER, Role.ADMINISTRATOR]
)
def test_other_roles_see_no_child_records(role):
    CareEpisodeFactory()
    user = UserFactory(roles=[role])
    assert selectors.child_list_visible_to(user=user).count() == 0


def test_inactive_user_sees_nothing(manager):
    ChildFactory()
    manager.is_active = False
    assert selectors.child_list_visible_to(user=manager).count() == 0


def test_change_history_shows_old_and_new_values(manager):
    child = ChildFactory(first_language="English")
    services.child_update(child=child, updated_by=manager, first_language="Arabic")
    changes = selectors.child_change_history(child=child)
    changed = [c for c in changes if c.kind == "Changed"]
    assert changed[0].fields == (("first language", "English", "Arabic"),)
    assert changed[0].who == str(manager)


def test_care_periods_group_episodes_by_reason_s():
    a = CareEpisodeFactory.build(
        id=1, started_on=date(2024, 1, 1), reason_new_episode="S"
    )
    b = CareEpisodeFactory.build(
        id=2, started_on=date(2024, 5, 1), reason_new_episode="P"
    )
    c = CareEpisodeFactory.build(
        id=3, started_on=date(2025, 1, 1), reason_new_episode="S"
    )
    assert selectors.care_periods([c, a, b]) == [[c], [a, b]]


def test_child_record_loads_in_a_fixed_number_of_queries(
    manager, django_assert_max_num_queries
):
    """The record query count does not grow with episodes, plans or people."""
    child = ChildFactory()
    for year in range(2018, 2024):
        CareEpisodeFactory(
            child=child,
            started_on=date(year, 1, 1),
            ended_on=date(year, 6, 1),
            reason_ended="E4A",
        )
    with django_assert_max_num_queries(6):
        loaded = selectors.child_get_for_record(user=manager, pk=child.pk)
        list(loaded.care_episodes.all())
        list(loaded.key_people.all())
    assert Child.objects.count() == 1


def test_change_history_names_linked_people_not_ids(manager):
    """A change to an allocation shows the worker's name, not a number."""
    allocation = AllocationFactory()
    changes = selectors.child_change_history(child=allocation.child)
    created = next(c for c in changes if c.record.startswith("Allocation"))
    assert ("worker", "", str(allocation.worker)) in created.fields
