"""The Children in Care review chain: booking, holding, adjourning (DOMAIN.md CIC-02..09)."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from accounts.roles import Role
from cases import codes as case_codes
from cases import selectors as case_selectors
from cases import services as case_services
from cases.errors import DomainError
from meetings import selectors, services
from meetings.models import Action, Meeting
from tests.factories import (
    ActionFactory,
    AllocationFactory,
    ChildFactory,
    MeetingFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db
LONDON = ZoneInfo("Europe/London")


def _at(day, hour=10):
    return datetime(day.year, day.month, day.day, hour, 0, tzinfo=LONDON)


@pytest.fixture
def in_care(manager):
    """A child who became looked after on Mon 2 Mar 2026, with an allocated IRO."""
    child = ChildFactory(date_of_birth=date(2015, 6, 1))
    case_services.care_episode_start(
        child=child,
        started_by=manager,
        started_on=date(2026, 3, 2),
        reason_new_episode="S",
        legal_status="C1",
        placement_type="U6",
    )
    AllocationFactory(child=child)
    return child


def _book(child, by, day=date(2026, 3, 27)):
    return services.review_book(
        child=child, booked_by=by, scheduled_for=_at(day), venue="Foster home"
    )


def test_first_review_is_owed_from_the_period_of_care(in_care):
    due = selectors.child_review_due(child=in_care, clock=case_selectors.clock_get())
    assert (due.sequence, due.due_on, due.explanation.rule.code) == (
        1,
        date(2026, 3, 30),
        "cic_review_1",
    )


def test_booking_keeps_the_due_date_and_prepares_the_meeting(in_care, manager):
    # when
    meeting = _book(in_care, manager)
    # then
    assert meeting.due_on == date(2026, 3, 30)
    assert meeting.chair == in_care.allocations.get().worker
    assert meeting.checklist.count() == 6  # no pathway plan for a 10-year-old
    assert meeting.expected_reports.count() == 4
    assert meeting.events.get().code == "booked"


def test_rebooking_never_moves_the_due_date(in_care, manager):
    meeting = _book(in_care, manager)
    services.review_rebook(
        meeting=meeting,
        rebooked_by=manager,
        scheduled_for=_at(date(2026, 4, 2)),
        reason="Carer ill",
    )
    meeting.refresh_from_db()
    assert meeting.due_on == date(2026, 3, 30)
    assert meeting.rebookings.get().reason == "Carer ill"


def test_second_booking_of_the_same_review_is_refused(in_care, manager):
    _book(in_care, manager)
    with pytest.raises(DomainError, match="already booked"):
        _book(in_care, manager)


def test_holding_chains_the_next_review_from_the_date_held(in_care, manager):
    """A late first review does not make the second late: 3 months from held."""
    # given
    meeting = _book(in_care, manager, day=date(2026, 4, 14))
    # when
    services.meeting_hold(
        meeting=meeting,
        held_by=meeting.chair,
        held_on=date(2026, 4, 14),
        participation_code="PN1",
    )
    # then
    second = Meeting.objects.get(child=in_care, sequence=2)
    assert (second.due_rule, second.due_on) == ("cic_review_2", date(2026, 7, 14))
    third_rule = None
    services.review_book(
        child=in_care,
        booked_by=manager,
        scheduled_for=_at(date(2026, 6, 1)),
        venue="School",
    )
    second.refresh_from_db()
    services.meeting_hold(
        meeting=second,
        held_by=second.chair,
        held_on=date(2026, 6, 1),
        participation_code="PN6",
    )
    third_rule = Meeting.objects.get(child=in_care, sequence=3)
    assert (third_rule.due_rule, third_rule.due_on) == (
        "cic_review_n",
        date(2026, 12, 1),
    )


def test_holding_sets_the_record_clocks(in_care, manager):
    meeting = _book(in_care, manager)
    services.meeting_hold(
        meeting=meeting,
        held_by=meeting.chair,
        held_on=date(2026, 3, 27),
        participation_code="PN1",
    )
    meeting.refresh_from_db()
    assert meeting.decisions_due_on == date(2026, 4, 7)  # 5 wd, Easter skipped
    assert meeting.record_due_on == date(2026, 4, 28)  # 20 wd


def test_participation_code_must_fit_the_childs_age(manager):
    # given a child who turns 4 on 1 Jun 2026
    child = ChildFactory(date_of_birth=date(2022, 6, 1))
    case_services.care_episode_start(
        child=child,
        started_by=manager,
        started_on=date(2026, 3, 2),
        reason_new_episode="S",
        legal_status="C1",
        placement_type="U6",
    )
    meeting = _book(child, manager)
    meeting.chair = UserFactory(roles=[Role.IRO])
    meeting.save()
    # then
    with pytest.raises(DomainError, match="coded PN0"):
        services.meeting_hold(
            meeting=meeting,
            held_by=meeting.chair,
            held_on=date(2026, 3, 27),
            participation_code="PN1",
        )
    services.meeting_hold(
        meeting=meeting,
        held_by=meeting.chair,
        held_on=date(2026, 3, 27),
        participation_code="PN0",
    )


def test_adjourned_review_must_reconvene_and_keeps_its_first_sitting(in_care, manager):
    # given
    meeting = _book(in_care, manager)
    # when
    services.meeting_adjourn(
        meeting=meeting,
        adjourned_by=meeting.chair,
        sitting_on=date(2026, 3, 27),
        reason="No care plan",
    )
    meeting.refresh_from_db()
    reconvene_due = meeting.reconvene_due_on
    services.meeting_hold(
        meeting=meeting,
        held_by=meeting.chair,
        held_on=date(2026, 4, 10),
        participation_code="PN1",
    )
    # then
    meeting.refresh_from_db()
    assert reconvene_due == date(2026, 4, 28)
    assert (meeting.held_on, meeting.reconvened_on) == (
        date(2026, 3, 27),
        date(2026, 4, 10),
    )
    assert Meeting.objects.get(child=in_care, sequence=2).due_on == date(2026, 6, 27)


def test_a_review_is_adjourned_only_once(in_care, manager):
    meeting = _book(in_care, manager)
    services.meeting_adjourn(
        meeting=meeting,
        adjourned_by=meeting.chair,
        sitting_on=date(2026, 3, 27),
        reason="No care plan",
    )
    meeting.refresh_from_db()
    meeting.status = Meeting.Status.SCHEDULED
    meeting.save()
    with pytest.raises(DomainError, match="only once"):
        services.meeting_adjourn(
            meeting=meeting,
            adjourned_by=meeting.chair,
            sitting_on=date(2026, 3, 28),
            reason="Again",
        )


def test_early_review_resets_the_chain(in_care, manager):
    """An early review is counted from the day it is held."""
    first = _book(in_care, manager)
    services.meeting_hold(
        meeting=first,
        held_by=first.chair,
        held_on=date(2026, 3, 27),
        participation_code="PN1",
    )
    services.review_book(
        child=in_care,
        booked_by=manager,
        scheduled_for=_at(date(2026, 5, 5)),
        venue="Home",
        is_early=True,
        early_reason="iro_request",
    )
    second = Meeting.objects.get(child=in_care, sequence=2)
    services.meeting_hold(
        meeting=second,
        held_by=second.chair,
        held_on=date(2026, 5, 5),
        participation_code="PN1",
    )
    assert Meeting.objects.get(child=in_care, sequence=3).due_on == date(2026, 11, 5)


def test_re_entering_care_starts_a_new_chain(in_care, manager):
    # given a held first review and the period of care ending
    first = _book(in_care, manager)
    services.meeting_hold(
        meeting=first,
        held_by=first.chair,
        held_on=date(2026, 3, 27),
        participation_code="PN1",
    )
    episode = in_care.care_episodes.get()
    case_services.care_episode_end(
        episode=episode,
        ended_by=manager,
        ended_on=date(2026, 5, 1),
        reason_ended=case_codes.ReasonEpisodeCeased.E4A,
    )
    # when the child comes back into care
    case_services.care_episode_start(
        child=in_care,
        started_by=manager,
        started_on=date(2026, 8, 24),
        reason_new_episode="S",
        legal_status="V2",
        placement_type="U6",
    )
    meeting = _book(in_care, manager, day=date(2026, 9, 10))
    # then
    assert (meeting.sequence, meeting.due_rule, meeting.due_on) == (
        1,
        "cic_review_1",
        date(2026, 9, 22),
    )
    assert (
        Meeting.objects.get(child=in_care, sequence=2).status
        == Meeting.Status.CANCELLED
    )


def test_short_break_child_follows_reg_48(manager):
    child = ChildFactory()
    case_services.care_episode_start(
        child=child,
        started_by=manager,
        started_on=date(2026, 1, 15),
        reason_new_episode="S",
        legal_status="V3",
        placement_type="U6",
    )
    meeting = _book(child, manager, day=date(2026, 4, 1))
    services.meeting_hold(
        meeting=meeting,
        held_by=UserFactory(roles=[Role.IRO]),
        held_on=date(2026, 4, 1),
        participation_code="PN1",
    )
    assert meeting.due_rule == "cic_short_break_1"
    assert Meeting.objects.get(child=child, sequence=2).due_rule == "cic_short_break_n"


def test_no_review_to_book_for_a_child_not_in_care(manager):
    with pytest.raises(DomainError, match="not looked after"):
        _book(ChildFactory(), manager)


def test_excluded_participant_needs_a_reason(in_care, manager):
    meeting = _book(in_care, manager)
    person = services.participant_add(
        meeting=meeting, added_by=manager, name="Dad", role="parent"
    )
    with pytest.raises(DomainError, match="excluded"):
        services.participant_update(
            participant=person, updated_by=manager, attendance="excluded_part"
        )


def test_action_done_gets_a_date(manager):
    action = ActionFactory()
    services.action_update(action=action, updated_by=manager, status=Action.Status.DONE)
    assert action.completed_on == timezone.localdate()


def test_drifting_actions_are_earlier_meetings_open_actions():
    # given
    old = ActionFactory()
    later = MeetingFactory(
        period_start=old.meeting.period_start,
        sequence=2,
        held=True,
        held_on=date(2026, 6, 27),
    )
    ActionFactory(meeting=old.meeting, status="done", completed_on=date(2026, 4, 1))
    # when
    drifting = list(selectors.action_list_drifting(meeting=later))
    # then
    assert drifting == [old]
