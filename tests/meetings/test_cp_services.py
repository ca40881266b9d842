"""Child protection services: strategy to conference to plan, chains, exclusions."""

from datetime import date, datetime

import pytest
from django.utils import timezone

from accounts.roles import Role
from cases.errors import DomainError
from cases.models import CPPlanEpisode
from meetings import services
from meetings.models import (
    ConferenceChild,
    Exclusion,
    Meeting,
    MeetingEvent,
    Participant,
)
from tests.factories import (
    LONDON,
    AllocationFactory,
    ChildFactory,
    CPPlanFactory,
    ParticipantFactory,
    UserFactory,
)
from tests.meetings.factories import ConferenceFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def iro():
    return UserFactory(roles=[Role.IRO])


def strategy(child, iro, *, held_on=date(2026, 3, 27), decision="s47_joint", **kw):
    return services.strategy_discussion_record(
        child=child,
        recorded_by=iro,
        held_on=held_on,
        chaired_by="Team manager",
        agencies_present=["social_care", "police", "health"],
        decision=decision,
        reasons="Bruising reported by the school.",
        **kw,
    )


def plan_for(category="PHY"):
    return {"outcome": "plan", "category": category}


# --- strategy discussions ----------------------------------------------------------------


def test_strategy_discussion_starting_s47_owes_the_initial_conference(iro):
    # given
    child = ChildFactory()
    AllocationFactory(child=child, worker=iro)
    # when
    discussion = strategy(child, iro)
    # then
    conference = discussion.conference
    assert (conference.kind, conference.due_rule, conference.due_on) == (
        "icpc",
        "cp_icpc",
        date(2026, 4, 21),
    )
    assert conference.due_start_on == date(2026, 3, 27)
    assert conference.chair == iro
    assert list(conference.cp_children.values_list("child", flat=True)) == [child.pk]
    assert conference.events.filter(code="strategy_discussion").exists()


def test_strategy_discussion_without_s47_owes_nothing(iro):
    discussion = strategy(ChildFactory(), iro, decision="cin_assessment")
    assert discussion.conference is None
    assert Meeting.objects.count() == 0


def test_brothers_and_sisters_share_one_conference(iro):
    # given
    child, sister = ChildFactory(), ChildFactory()
    # when
    discussion = strategy(child, iro, other_children=[sister])
    # then
    assert Meeting.objects.count() == 1
    assert set(discussion.conference.cp_children.values_list("child", flat=True)) == {
        child.pk,
        sister.pk,
    }
    assert set(discussion.children.values_list("pk", flat=True)) == {
        child.pk,
        sister.pk,
    }


def test_second_s47_while_a_conference_is_owed_is_refused(iro):
    child = ChildFactory()
    strategy(child, iro)
    with pytest.raises(DomainError, match="already has an open initial"):
        strategy(child, iro, held_on=date(2026, 4, 2))


def test_strategy_discussion_needs_an_agency(iro):
    with pytest.raises(DomainError, match="agencies"):
        services.strategy_discussion_record(
            child=ChildFactory(),
            recorded_by=iro,
            held_on=date(2026, 3, 27),
            chaired_by="TM",
            agencies_present=[],
            decision="nfa",
            reasons="No concerns.",
        )


# --- the initial conference -----------------------------------------------------------


def test_plan_starts_on_conference_date_and_owes_core_group_and_review(iro):
    # given
    conference = ConferenceFactory(
        chair=iro, due_start_on=date(2026, 8, 10), due_on=date(2026, 8, 31)
    )
    child = conference.child
    # when
    services.conference_hold(
        meeting=conference,
        held_by=iro,
        held_on=date(2026, 8, 24),
        outcomes={child.pk: plan_for("NEG")},
    )
    # then
    plan = CPPlanEpisode.objects.get(child=child)
    assert (plan.started_on, plan.initial_category) == (date(2026, 8, 24), "NEG")
    conference.refresh_from_db()
    assert conference.status == "held"
    assert conference.decisions_due_on == date(2026, 8, 25)  # cp_outline_plan
    assert conference.record_due_on == date(2026, 9, 15)  # cp_minutes, 31 Aug skipped
    owed = {m.kind: m for m in conference.followed_by.all()}
    assert (owed["core_group"].due_rule, owed["core_group"].due_on) == (
        "cp_core_group_1",
        date(2026, 9, 8),
    )
    assert (owed["rcpc"].due_rule, owed["rcpc"].due_on) == (
        "cp_rcpc_1",
        date(2026, 11, 24),
    )
    row = ConferenceChild.objects.get(meeting=conference)
    assert row.plan == plan


def test_each_child_has_their_own_outcome(iro):
    # given
    sister = ChildFactory()
    conference = ConferenceFactory(chair=iro, children=[sister])
    child = conference.child
    # when
    services.conference_hold(
        meeting=conference,
        held_by=iro,
        held_on=date(2026, 4, 20),
        outcomes={
            child.pk: plan_for("PHY"),
            sister.pk: {"outcome": "no_plan", "alternative": "cin_plan"},
        },
    )
    # then
    assert CPPlanEpisode.objects.filter(child=child).exists()
    assert not CPPlanEpisode.objects.filter(child=sister).exists()
    for owed in conference.followed_by.all():
        assert list(owed.cp_children.values_list("child", flat=True)) == [child.pk]
    assert (
        ConferenceChild.objects.get(meeting=conference, child=sister).alternative
        == "cin_plan"
    )


def test_a_plan_needs_its_category_and_nothing_is_saved_without_it(iro):
    conference = ConferenceFactory(chair=iro)
    with pytest.raises(DomainError, match="category of abuse"):
        services.conference_hold(
            meeting=conference,
            held_by=iro,
            held_on=date(2026, 4, 20),
            outcomes={conference.child.pk: {"outcome": "plan"}},
        )
    conference.refresh_from_db()
    assert conference.status == "scheduled"
    assert not CPPlanEpisode.objects.exists()


def test_only_the_chair_records_the_conference(iro):
    conference = ConferenceFactory()
    with pytest.raises(DomainError, match="chair"):
        services.conference_hold(
            meeting=conference,
            held_by=iro,
            held_on=date(2026, 4, 20),
            outcomes={conference.child.pk: plan_for()},
        )


def test_a_conference_cannot_precede_the_strategy_discussion(iro):
    conference = ConferenceFactory(chair=iro)
    with pytest.raises(DomainError, match="before 27/03/2026"):
        services.conference_hold(
            meeting=conference,
            held_by=iro,
            held_on=date(2026, 3, 26),
            outcomes={conference.child.pk: plan_for()},
        )


def test_dissent_is_recorded_with_the_outcome(iro):
    conference = ConferenceFactory(chair=iro)
    services.conference_hold(
        meeting=conference,
        held_by=iro,
        held_on=date(2026, 4, 20),
        outcomes={
            conference.child.pk: {
                **plan_for(),
                "dissent": "The health visitor did not agree with the category.",
            }
        },
    )
    assert "health visitor" in ConferenceChild.objects.get(meeting=conference).dissent


# --- review conferences and core groups -----------------------------------------------------


def _review(iro, child, *, held_plan_on=date(2026, 3, 16), sequence=1):
    CPPlanFactory(child=child, started_on=held_plan_on, initial_category="NEG")
    rcpc = ConferenceFactory(
        chair=iro,
        child=child,
        kind="rcpc",
        sequence=sequence,
        due_rule="cp_rcpc_1",
        due_start_on=held_plan_on,
        due_on=date(2026, 6, 16),
    )
    return rcpc


def test_review_continues_plan_with_a_new_category_and_owes_the_next(iro):
    # given
    child = ChildFactory()
    rcpc = _review(iro, child)
    # when
    services.conference_hold(
        meeting=rcpc,
        held_by=iro,
        held_on=date(2026, 6, 15),
        outcomes={child.pk: {"outcome": "continue", "category": "EMO"}},
    )
    # then
    plan = CPPlanEpisode.objects.get(child=child)
    assert (plan.initial_category, plan.latest_category) == ("NEG", "EMO")
    following = rcpc.followed_by.get()
    assert (following.kind, following.sequence, following.due_rule) == (
        "rcpc",
        2,
        "cp_rcpc_n",
    )
    assert following.due_on == date(2026, 12, 15)


def test_review_ending_the_plan_ends_it_and_closes_the_core_group(iro):
    # given
    child = ChildFactory()
    rcpc = _review(iro, child)
    core = ConferenceFactory(
        chair=iro,
        child=child,
        kind="core_group",
        due_rule="cp_core_group_1",
        due_start_on=date(2026, 3, 16),
        due_on=date(2026, 3, 30),
        scheduled_for=None,
    )
    # when
    services.conference_hold(
        meeting=rcpc,
        held_by=iro,
        held_on=date(2026, 6, 15),
        outcomes={
            child.pk: {
                "outcome": "end",
                "end_reason": "no_longer_at_risk",
                "alternative": "cin_plan",
            }
        },
    )
    # then
    plan = CPPlanEpisode.objects.get(child=child)
    assert (plan.ended_on, plan.end_reason) == (date(2026, 6, 15), "no_longer_at_risk")
    assert not rcpc.followed_by.exists()
    core.refresh_from_db()
    assert core.status == "cancelled"


def test_review_needs_an_open_plan(iro):
    rcpc = ConferenceFactory(chair=iro, kind="rcpc", due_rule="cp_rcpc_1")
    with pytest.raises(DomainError, match="no open child protection plan"):
        services.conference_hold(
            meeting=rcpc,
            held_by=iro,
            held_on=date(2026, 4, 20),
            outcomes={rcpc.child.pk: {"outcome": "continue", "category": "NEG"}},
        )


def test_transfer_in_is_due_from_notification_and_starts_a_plan(iro):
    # given
    child = ChildFactory()
    conference = services.transfer_in_record(
        child=child,
        recorded_by=iro,
        notified_on=date(2026, 5, 1),
        transferred_from="Northshire County Council",
    )
    assert (conference.due_rule, conference.due_on) == (
        "cp_transfer_in",
        date(2026, 5, 26),
    )
    conference.chair = iro
    conference.save()
    # when
    services.conference_hold(
        meeting=conference,
        held_by=iro,
        held_on=date(2026, 5, 20),
        outcomes={child.pk: plan_for("SAB")},
    )
    # then
    assert CPPlanEpisode.objects.get(child=child).started_on == date(2026, 5, 20)
    assert conference.cp_children.get().transferred_from == "Northshire County Council"


def _core_group(iro, child):
    CPPlanFactory(child=child, started_on=date(2026, 8, 24))
    return ConferenceFactory(
        chair=iro,
        child=child,
        kind="core_group",
        due_rule="cp_core_group_1",
        due_start_on=date(2026, 8, 24),
        due_on=date(2026, 9, 8),
    )


def test_later_core_groups_follow_the_local_frequency(iro):
    """After the first, each core group is owed by cp_core_group_n from the last."""
    # given
    child = ChildFactory()
    core = _core_group(iro, child)
    # when
    services.cp_meeting_hold(meeting=core, held_by=iro, held_on=date(2026, 9, 7))
    # then: 20 working days from the date held
    following = core.followed_by.get()
    assert (following.sequence, following.due_rule, following.due_on) == (
        2,
        "cp_core_group_n",
        date(2026, 10, 5),
    )


def test_core_group_is_recorded_by_whoever_arranges_it():
    manager = UserFactory(roles=[Role.MANAGER])
    core = _core_group(UserFactory(roles=[Role.IRO]), ChildFactory())
    services.cp_meeting_hold(meeting=core, held_by=manager, held_on=date(2026, 9, 7))
    core.refresh_from_db()
    assert core.held_on == date(2026, 9, 7)


# --- other chaired meetings ----------------------------------------------------------


def test_meeting_without_a_timescale_is_due_when_arranged(iro):
    when = datetime(2026, 12, 3, 10, 0, tzinfo=LONDON)
    meeting = services.meeting_arrange(
        child=ChildFactory(),
        arranged_by=iro,
        kind="disruption_meeting",
        scheduled_for=when,
        venue="Family centre",
    )
    assert (meeting.due_rule, meeting.due_on, meeting.sequence) == (
        "",
        date(2026, 12, 3),
        1,
    )


def test_short_break_review_runs_on_its_statutory_clock(iro):
    # given
    meeting = services.meeting_arrange(
        child=ChildFactory(),
        arranged_by=iro,
        kind="short_break_review",
        scheduled_for=datetime(2026, 5, 28, 10, 0, tzinfo=LONDON),
        venue="Short-break home",
        chair=iro,
        clock_start_on=date(2026, 3, 2),
    )
    assert (meeting.due_rule, meeting.due_on) == ("cic_short_break_1", date(2026, 6, 2))
    # when
    services.cp_meeting_hold(meeting=meeting, held_by=iro, held_on=date(2026, 5, 28))
    # then
    following = meeting.followed_by.get()
    assert (following.due_rule, following.due_on) == (
        "cic_short_break_n",
        date(2026, 11, 28),
    )


def test_a_kind_with_a_clock_needs_its_start(iro):
    with pytest.raises(DomainError, match="short-break placement"):
        services.meeting_arrange(
            child=ChildFactory(),
            arranged_by=iro,
            kind="short_break_review",
            scheduled_for=timezone.now(),
            venue="Home",
        )


def test_a_closed_meeting_says_why(iro):
    conference = ConferenceFactory(chair=iro, scheduled_for=None)
    services.cp_meeting_close(
        meeting=conference, by=iro, reason="Section 47 enquiries: no conference needed."
    )
    conference.refresh_from_db()
    assert (conference.status, conference.cancelled_reason) == (
        "cancelled",
        "Section 47 enquiries: no conference needed.",
    )


def test_booking_assigns_the_minute_taker_and_keeps_the_due_date(iro):
    conference = ConferenceFactory(chair=iro, scheduled_for=None)
    taker = UserFactory(roles=[Role.MINUTE_TAKER])
    services.cp_meeting_book(
        meeting=conference,
        booked_by=iro,
        scheduled_for=datetime(2026, 4, 28, 10, 0, tzinfo=LONDON),
        venue="Civic Centre",
        minute_taker=taker,
    )
    conference.refresh_from_db()
    assert (conference.minute_taker, conference.due_on) == (taker, date(2026, 4, 21))


def test_minute_taker_must_have_the_role(iro):
    conference = ConferenceFactory(chair=iro)
    with pytest.raises(DomainError, match="minute-taker role"):
        services.minute_taker_assign(meeting=conference, by=iro, minute_taker=iro)


# --- exclusions ------------------------------------------------------------------------


def test_chair_excludes_from_part_with_the_reason(iro):
    conference = ConferenceFactory(chair=iro)
    father = ParticipantFactory(meeting=conference, name="Mark Reid", role="parent")
    exclusion = services.exclusion_record(
        meeting=conference,
        by=iro,
        participant=father,
        whole_meeting=False,
        part="while the police shared intelligence",
        reason="Bail conditions prevent contact with the mother.",
    )
    father.refresh_from_db()
    assert exclusion.reason.startswith("Bail conditions")
    assert father.attendance == "excluded_part"
    assert "police shared intelligence" in father.exclusion_reason
    assert MeetingEvent.objects.filter(meeting=conference, code="excluded").exists()


def test_exclusion_from_the_whole_meeting(iro):
    conference = ConferenceFactory(chair=iro)
    person = ParticipantFactory(meeting=conference, role="other")
    services.exclusion_record(
        meeting=conference,
        by=iro,
        participant=person,
        whole_meeting=True,
        part="",
        reason="Threatening behaviour.",
    )
    person.refresh_from_db()
    assert person.attendance == "did_not_attend"
    assert Exclusion.objects.get().whole_meeting is True


def test_exclusion_needs_a_reason_and_the_chair(iro):
    conference = ConferenceFactory(chair=iro)
    person = ParticipantFactory(meeting=conference)
    with pytest.raises(DomainError, match="reason"):
        services.exclusion_record(
            meeting=conference,
            by=iro,
            participant=person,
            whole_meeting=True,
            part="",
            reason=" ",
        )
    with pytest.raises(DomainError, match="Only the chair"):
        services.exclusion_record(
            meeting=conference,
            by=UserFactory(roles=[Role.IRO]),
            participant=person,
            whole_meeting=True,
            part="",
            reason="Shouting.",
        )
    assert Participant.objects.get(pk=person.pk).attendance == "invited"


# --- the shared timescale table, stored by the services ------------------------------------


def _table_rows():
    from tests.meetings.test_cp_rules import _cp_rows

    # A row starting in the future cannot be entered as an event that happened;
    # tests/meetings/test_cp_rules.py checks every row through the clock.
    return [
        row
        for row in _cp_rows()
        if date.fromisoformat(row["start"]) <= timezone.localdate()
    ]


def _stored_due(rule, start, iro):
    child = ChildFactory(date_of_birth=date(2015, 1, 1))
    if rule == "cp_icpc":
        return strategy(child, iro, held_on=start).conference
    if rule == "cp_transfer_in":
        return services.transfer_in_record(
            child=child, recorded_by=iro, notified_on=start, transferred_from="X"
        )
    if rule == "cp_rcpc_n":
        rcpc = _review(iro, child, held_plan_on=start.replace(day=1))
        rcpc.due_start_on = start.replace(day=1)
        rcpc.save()
        services.conference_hold(
            meeting=rcpc,
            held_by=iro,
            held_on=start,
            outcomes={child.pk: {"outcome": "continue", "category": "NEG"}},
        )
        return rcpc.followed_by.get()
    conference = ConferenceFactory(chair=iro, child=child, due_start_on=start)
    services.conference_hold(
        meeting=conference,
        held_by=iro,
        held_on=start,
        outcomes={child.pk: plan_for()},
    )
    kind = "core_group" if rule == "cp_core_group_1" else "rcpc"
    return conference.followed_by.get(kind=kind)


@pytest.mark.parametrize(
    "row", _table_rows(), ids=lambda r: f"{r['rule']}-{r['start']}"
)
def test_services_store_the_shared_table_due_dates(row, iro):
    """Each cp_* row entered as the event it counts from is owed by the table's date."""
    owed = _stored_due(row["rule"], date.fromisoformat(row["start"]), iro)
    assert (owed.due_rule, owed.due_on) == (row["rule"], date.fromisoformat(row["due"]))


def test_other_meetings_share_the_written_record_and_its_pdf(iro, settings, tmp_path):
    """A foster carer review is written, approved and printed like any record."""
    # given
    settings.MEDIA_ROOT = tmp_path
    meeting = services.meeting_arrange(
        child=ChildFactory(),
        arranged_by=iro,
        kind="foster_carer_review",
        scheduled_for=datetime(2026, 5, 28, 10, 0, tzinfo=LONDON),
        venue="Foster home",
        chair=iro,
    )
    services.cp_meeting_hold(meeting=meeting, held_by=iro, held_on=date(2026, 5, 28))
    report = services.chair_report_start(meeting=meeting, by=iro)
    report = services.chair_report_save(
        report=report,
        by=iro,
        expected_lock_version=0,
        summary="The carers continue to meet the standards.",
        chair_view="Approval continues.",
    )
    services.chair_report_submit(report=report, by=iro)
    report = services.chair_report_approve(report=report, by=iro)
    # when
    report = services.chair_report_render(report_id=report.pk)
    # then
    import subprocess

    text = subprocess.run(
        ["pdftotext", report.pdf.path, "-"], capture_output=True, check=True
    ).stdout.decode()
    assert "Foster carer review: record" in text
    assert "The carers continue to meet the standards." in text
    assert not report.letter_pdf
