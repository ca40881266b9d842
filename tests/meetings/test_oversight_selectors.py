"""Scope, late flags, the drift panel and the oversight panel."""

from datetime import date

import pytest

from accounts.roles import Role
from cases import selectors as case_selectors
from meetings import selectors, services
from tests.factories import (
    ActionFactory,
    CareEpisodeFactory,
    ChildFactory,
    ComplaintFactory,
    DisputeFactory,
    MeetingFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def _formal(child, **kwargs):
    """A dispute formal from Mon 1 Jun 2026, due by Mon 29 Jun 2026."""
    return DisputeFactory(
        child=child,
        raised_on=date(2026, 6, 1),
        stage="stage_1",
        formal_started_on=date(2026, 6, 1),
        formal_due_on=date(2026, 6, 29),
        **kwargs,
    )


@pytest.mark.parametrize(
    ("role", "sees_inside", "sees_outside"),
    [
        (Role.IRO, True, False),
        (Role.MANAGER, True, True),
        (Role.LADO, False, False),
        (Role.MINUTE_TAKER, False, False),
        (Role.ADMINISTRATOR, False, False),
    ],
)
def test_dispute_list_visible_to_follows_child_scope(role, sees_inside, sees_outside):
    # given
    inside = DisputeFactory(child=CareEpisodeFactory().child)
    outside = DisputeFactory(child=ChildFactory())
    # when
    visible = set(selectors.dispute_list_visible_to(user=UserFactory(roles=[role])))
    # then
    assert (inside in visible, outside in visible) == (sees_inside, sees_outside)


def test_iro_keeps_sight_of_disputes_they_raised(iro):
    dispute = DisputeFactory(child=ChildFactory(), raised_by=iro)
    assert list(selectors.dispute_list_visible_to(user=iro)) == [dispute]


def test_only_the_raising_iro_or_a_manager_may_change_a_dispute(iro, manager):
    dispute = DisputeFactory(raised_by=iro)
    other_iro = UserFactory(roles=[Role.IRO])
    assert selectors.dispute_may_change(user=iro, dispute=dispute) is True
    assert selectors.dispute_may_change(user=manager, dispute=dispute) is True
    assert selectors.dispute_may_change(user=other_iro, dispute=dispute) is False


@pytest.mark.parametrize(
    ("closed_on", "today", "expected"),
    [
        (None, date(2026, 6, 29), False),  # on the due date is in time
        (None, date(2026, 6, 30), True),
        (date(2026, 6, 29), date(2026, 9, 1), False),
        (date(2026, 6, 30), date(2026, 9, 1), True),
    ],
)
def test_child_oversight_flags_late_formal_process(closed_on, today, expected):
    # given
    child = ChildFactory()
    _formal(child, closed_on=closed_on, status="resolved" if closed_on else "open")
    # when
    oversight = selectors.child_oversight_get(child=child, today=today)
    # then
    assert oversight.disputes[0].is_late is expected


def test_informal_dispute_is_never_late_on_the_formal_clock():
    child = ChildFactory()
    DisputeFactory(child=child)
    oversight = selectors.child_oversight_get(child=child, today=date(2027, 1, 1))
    assert oversight.disputes[0].is_late is False


def test_current_stage_response_overdue_is_flagged(iro):
    # given
    child = ChildFactory()
    dispute = services.dispute_raise(
        child=child,
        raised_by=iro,
        raised_on=date(2026, 6, 1),
        category="health",
        summary="Overdue health assessment",
        stage="stage_1",
        escalated_to_name="Team Manager",
    )
    # when
    on_due = selectors.child_oversight_get(child=child, today=date(2026, 6, 8))
    after = selectors.child_oversight_get(child=child, today=date(2026, 6, 9))
    # then
    assert on_due.disputes[0].is_response_overdue is False
    assert after.disputes[0].is_response_overdue is True
    assert after.disputes[0].current_with == "Team Manager"
    assert after.disputes[0] == dispute


def test_dispute_detail_explains_the_formal_clock(iro):
    """The page shows whether the formal process is in time, and why that date."""
    # given
    dispute = services.dispute_raise(
        child=ChildFactory(),
        raised_by=iro,
        raised_on=date(2026, 5, 1),
        category="health",
        summary="x",
        stage="stage_2",
        escalated_to_name="Service Manager",
    )
    loaded = selectors.dispute_get_for_detail(user=iro, pk=dispute.pk)
    # when
    detail = selectors.dispute_detail_get(
        dispute=loaded,
        user=iro,
        clock=case_selectors.clock_get(),
        today=date(2026, 6, 3),
    )
    # then
    assert detail.formal_explanation.due == date(2026, 6, 2)
    assert "Spring Bank Holiday" in detail.formal_explanation.skipped_text
    assert (detail.formal_timeliness, detail.formal_is_late) == (
        "Late: past the due date",
        True,
    )
    assert (detail.working_days_used, detail.working_days_allowed) == (21, 20)
    assert detail.next_stages == ["stage_3", "stage_4"]


def test_dispute_detail_marks_a_stage_answered_late(iro, manager):
    # given
    dispute = services.dispute_raise(
        child=ChildFactory(),
        raised_by=iro,
        raised_on=date(2026, 6, 1),
        category="health",
        summary="x",
        stage="stage_1",
        escalated_to_name="Team Manager",
    )
    services.dispute_step_respond(
        step=dispute.steps.get(),
        responded_by=manager,
        responded_on=date(2026, 6, 9),
        response="Sorry for the delay.",
    )
    loaded = selectors.dispute_get_for_detail(user=manager, pk=dispute.pk)
    # when
    detail = selectors.dispute_detail_get(
        dispute=loaded,
        user=manager,
        clock=case_selectors.clock_get(),
        today=date(2026, 6, 10),
    )
    # then
    row = detail.steps[0]
    assert (row.timeliness, row.is_late, row.can_respond) == (
        "Completed late",
        True,
        False,
    )


def test_dispute_list_open_by_stage_groups_lowest_first(manager):
    # given
    child = ChildFactory()
    informal = DisputeFactory(child=child)
    stage_2 = DisputeFactory(child=child, stage="stage_2")
    DisputeFactory(child=child, status="withdrawn", closed_on=date(2026, 5, 2))
    # when
    groups = selectors.dispute_list_open_by_stage(user=manager, today=date(2026, 6, 1))
    # then
    assert [g.stage for g in groups] == [
        "informal",
        "stage_1",
        "stage_2",
        "stage_3",
        "stage_4",
    ]
    assert [g.disputes for g in groups] == [[informal], [], [stage_2], [], []]


# --- drift and the panels ------------------------------------------------------------


@pytest.fixture
def drift():
    """An action of the first review still open when the second is held."""
    action = ActionFactory(text="Arrange the health assessment")
    later = MeetingFactory(
        period_start=action.meeting.period_start,
        sequence=2,
        held=True,
        held_on=date(2026, 6, 26),
        due_on=date(2026, 6, 27),
    )
    return action, later


def test_drift_panel_lists_earlier_open_actions_for_the_iro(drift, iro):
    action, later = drift
    context = selectors.drift_panel_context(meeting=later, user=iro)
    assert context["show_drift_panel"] is True
    assert context["drifting_actions"] == [action]
    assert context["can_raise_dispute"] is True


def test_drift_panel_shows_the_dispute_already_raised(drift, iro):
    # given
    action, later = drift
    dispute = DisputeFactory(child=action.child, source_action=action)
    # when
    context = selectors.drift_panel_context(meeting=later, user=iro)
    # then
    assert context["drifting_actions"][0].open_disputes == [dispute]


def test_drift_panel_is_hidden_from_minute_takers(drift, minute_taker):
    _, later = drift
    context = selectors.drift_panel_context(meeting=later, user=minute_taker)
    assert context == {"show_drift_panel": False, "drifting_actions": []}


def test_drift_panel_costs_two_queries(drift, iro, django_assert_num_queries):
    _, later = drift
    iro.get_all_permissions()  # permission cache, as on a page that checked them
    with django_assert_num_queries(2):
        selectors.drift_panel_context(meeting=later, user=iro)


def test_drift_summary_quotes_the_action(drift):
    action, _ = drift
    summary = selectors.drift_summary(action=action)
    assert "held on 27/03/2026" in summary
    assert '"Arrange the health assessment"' in summary


def test_oversight_panel_lists_only_open_items(manager):
    # given
    child = ChildFactory()
    open_dispute = DisputeFactory(child=child)
    DisputeFactory(child=child, status="resolved", closed_on=date(2026, 5, 3))
    waiting = ComplaintFactory(child=child)
    ComplaintFactory(
        child=child, outcome="upheld", outcome_on=date(2026, 5, 9), outcome_summary="x"
    )
    # when
    context = selectors.oversight_panel_context(child=child, user=manager)
    # then
    assert context["open_disputes"] == [open_dispute]
    assert context["open_complaints"] == [waiting]
    assert context["oversight_url"] == f"/children/{child.pk}/oversight/"
