"""LADO services: each write keeps the clock, the workflow and the audit trail."""

import csv
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
from django.core import mail

from accounts.roles import Role
from cases.errors import DomainError
from cases.models import LocalClosureDay
from lado import codes, services
from lado.models import (
    ActionChase,
    Allegation,
    AllegationEvent,
    MinutesDistribution,
    SubjectMatch,
)
from tests.factories import ChildFactory, UserFactory
from tests.lado.factories import (
    AllegationActionFactory,
    AllegationFactory,
    AllegationMeetingFactory,
    AttendeeFactory,
)

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")
SHARED_CASES = Path(__file__).resolve().parents[3] / "shared" / "timescale-cases.csv"
STORED_FIELD = {
    "lado_decision": "decision_due_on",
    "lado_1_month": "one_month_due_on",
    "lado_3_months": "three_months_due_on",
    "lado_12_months": "twelve_months_due_on",
}


def _lado_rows():
    with SHARED_CASES.open(newline="") as handle:
        return [
            pytest.param(
                row["rule"],
                date.fromisoformat(row["start"]),
                date.fromisoformat(row["due"]),
                id=f"{row['rule']}-{row['start']}",
            )
            for row in csv.DictReader(handle)
            if row["rule"].startswith("lado_")
        ]


def referral(**overrides):
    data = {
        "received_at": datetime(2026, 3, 2, 10, 30, tzinfo=LONDON),
        "referral_source": codes.ReferralSource.EMPLOYER,
        "referrer_name": "Dana Whitfield",
        "referrer_organisation": "Millbrook Primary School",
        "referrer_role": "Headteacher",
        "referrer_contact": "01632 960555",
        "setting_name": "Millbrook Primary School",
        "sector": codes.Sector.EDUCATION,
        "came_to_employer_attention_on": date(2026, 2, 27),
        "subject_first_name": "Gareth",
        "subject_last_name": "Pellow",
        "subject_date_of_birth": date(1984, 9, 3),
        "subject_role": "PE teacher",
        "subject_employer": "",
        "subject_registration": "TRN 8812345",
        "category": codes.Category.PHYSICAL,
        "details": "A pupil says he pushed her against a wall.",
    }
    data.update(overrides)
    return data


@pytest.fixture
def lado():
    return UserFactory(roles=[Role.LADO])


def test_shared_table_has_lado_rows():
    """The worked examples are read, so the table test below cannot pass empty."""
    assert len(_lado_rows()) >= 5


@pytest.mark.parametrize(("rule", "start", "expected"), _lado_rows())
def test_allegation_create_stores_the_shared_worked_examples(
    lado, rule, start, expected
):
    """Every lado_* row of shared/timescale-cases.csv is stored through the clock."""
    # when
    allegation = services.allegation_create(
        by=lado,
        **referral(
            received_at=datetime.combine(start, datetime.min.time(), tzinfo=LONDON)
            + timedelta(hours=15),
            came_to_employer_attention_on=start,
        ),
    )
    # then
    assert getattr(allegation, STORED_FIELD[rule]) == expected


def test_allegation_create_counts_the_london_date_of_a_late_evening_referral(lado):
    """A referral at 00:30 London time on 2 June (23:30 UTC on 1 June) is day 0 on 2 June."""
    allegation = services.allegation_create(
        by=lado,
        **referral(
            received_at=datetime(2026, 6, 1, 23, 30, tzinfo=UTC),
            came_to_employer_attention_on=date(2026, 6, 1),
        ),
    )
    assert allegation.received_on == date(2026, 6, 2)
    assert allegation.decision_due_on == date(2026, 6, 3)


def test_allegation_create_skips_a_local_closure_day(lado):
    """The initial-consideration date moves past a closure day an administrator added."""
    LocalClosureDay.objects.create(day=date(2026, 3, 3), name="Staff training day")
    allegation = services.allegation_create(by=lado, **referral())
    assert allegation.decision_due_on == date(2026, 3, 4)


@pytest.mark.parametrize(
    ("came_on", "received_on", "working_days"),
    [
        (date(2026, 3, 2), date(2026, 3, 2), 0),  # same day
        (date(2026, 11, 20), date(2026, 11, 23), 1),  # Friday to Monday
        (date(2026, 4, 2), date(2026, 4, 7), 1),  # over Easter
        (date(2026, 3, 2), date(2026, 3, 4), 2),  # late
    ],
)
def test_allegation_create_counts_the_employers_referral_in_working_days(
    lado, came_on, received_on, working_days
):
    allegation = services.allegation_create(
        by=lado,
        **referral(
            received_at=datetime.combine(
                received_on, datetime.min.time(), tzinfo=LONDON
            )
            + timedelta(hours=9),
            came_to_employer_attention_on=came_on,
        ),
    )
    assert allegation.employer_referral_working_days == working_days


def test_allegation_create_refuses_an_employer_date_after_the_referral(lado):
    with pytest.raises(DomainError, match="after the LADO received it"):
        services.allegation_create(
            by=lado, **referral(came_to_employer_attention_on=date(2026, 3, 3))
        )
    assert Allegation.objects.count() == 0


def test_allegation_create_logs_an_event_and_history(lado):
    allegation = services.allegation_create(by=lado, **referral())
    assert allegation.lado_officer == lado
    assert allegation.status == codes.Status.AWAITING_DECISION
    assert list(allegation.events.values_list("code", flat=True)) == ["referral_logged"]
    assert allegation.history.get().history_user == lado


def test_allegation_create_links_a_known_child_by_la_child_id(lado):
    child = ChildFactory(la_child_id="C1234567")
    allegation = services.allegation_create(
        by=lado,
        child=services.ChildEntry(la_child_id="c1234567"),
        **referral(),
    )
    assert allegation.children.get().child == child


def test_allegation_create_refuses_an_unknown_la_child_id(lado):
    with pytest.raises(DomainError, match="No child known to the authority"):
        services.allegation_create(
            by=lado, child=services.ChildEntry(la_child_id="X999"), **referral()
        )
    assert Allegation.objects.count() == 0


def test_involved_child_recorded_minimally(lado):
    allegation = services.allegation_create(by=lado, **referral())
    row = services.involved_child_add(
        allegation=allegation,
        by=lado,
        entry=services.ChildEntry(initials="jb", age=9, gender="female"),
    )
    assert (row.child, row.initials, row.age, row.gender) == (None, "JB", 9, "female")


# --- repeat subjects ------------------------------------------------------------------


def test_earlier_allegation_about_the_same_adult_is_suggested_ignoring_case(lado):
    # given
    earlier = AllegationFactory(
        received_at=datetime(2025, 5, 12, 9, 0, tzinfo=LONDON),
        subject_first_name="GARETH",
        subject_last_name="pellow",
        subject_date_of_birth=date(1984, 9, 3),
        setting_name="Eastholme Academy",
    )
    AllegationFactory(
        subject_first_name="Gareth",
        subject_last_name="Pellow",
        subject_date_of_birth=date(1984, 9, 4),
    )
    # when
    allegation = services.allegation_create(by=lado, **referral())
    # then
    match = SubjectMatch.objects.get(allegation=allegation)
    assert (match.earlier, match.status) == (earlier, codes.MatchStatus.SUGGESTED)


def test_no_match_is_suggested_without_a_date_of_birth(lado):
    AllegationFactory(
        subject_first_name="Gareth",
        subject_last_name="Pellow",
        subject_date_of_birth=None,
        received_at=datetime(2025, 5, 12, 9, 0, tzinfo=LONDON),
    )
    allegation = services.allegation_create(
        by=lado, **referral(subject_date_of_birth=None)
    )
    assert not allegation.matches.exists()


@pytest.mark.parametrize(
    ("confirmed", "status", "code"),
    [
        (True, codes.MatchStatus.CONFIRMED, "repeat_subject_confirmed"),
        (False, codes.MatchStatus.REJECTED, "repeat_subject_rejected"),
    ],
)
def test_subject_match_decide_records_the_lados_view(lado, confirmed, status, code):
    AllegationFactory(
        subject_first_name="Gareth",
        subject_last_name="Pellow",
        subject_date_of_birth=date(1984, 9, 3),
        received_at=datetime(2025, 5, 12, 9, 0, tzinfo=LONDON),
    )
    allegation = services.allegation_create(by=lado, **referral())
    match = services.subject_match_decide(
        match=allegation.matches.get(), by=lado, confirmed=confirmed
    )
    assert (match.status, match.decided_by) == (status, lado)
    assert allegation.events.filter(code=code).exists()


def test_correcting_the_name_drops_a_suggestion_but_keeps_a_decision(lado):
    # given
    for day in (date(2025, 5, 12), date(2025, 6, 12)):
        AllegationFactory(
            subject_first_name="Gareth",
            subject_last_name="Pellow",
            subject_date_of_birth=date(1984, 9, 3),
            received_at=datetime.combine(day, datetime.min.time(), tzinfo=LONDON),
        )
    allegation = services.allegation_create(by=lado, **referral())
    decided = allegation.matches.order_by("id").first()
    services.subject_match_decide(match=decided, by=lado, confirmed=True)
    # when
    services.allegation_update(
        allegation=allegation, by=lado, **referral(subject_last_name="Pellowe")
    )
    # then
    assert list(allegation.matches.values_list("pk", "status")) == [
        (decided.pk, codes.MatchStatus.CONFIRMED)
    ]


# --- initial consideration ------------------------------------------------------------------


def test_decide_threshold_met_puts_the_case_into_management(lado):
    allegation = AllegationFactory(lado_officer=lado)
    services.allegation_decide(
        allegation=allegation,
        by=lado,
        decision=codes.Decision.THRESHOLD_MET,
        decided_on=date(2026, 3, 3),
        harm_criteria=["harmed", "offence"],
        rationale="A pupil was pushed; police to consider an offence.",
    )
    allegation.refresh_from_db()
    assert allegation.status == codes.Status.IN_MANAGEMENT
    assert allegation.harm_criteria == ["harmed", "offence"]
    assert allegation.first_response_on == date(2026, 3, 3)
    assert allegation.contact_type == codes.ContactType.REFERRAL


def test_decide_threshold_met_needs_a_criterion(lado):
    allegation = AllegationFactory()
    with pytest.raises(DomainError, match="harm-test criteria"):
        services.allegation_decide(
            allegation=allegation,
            by=lado,
            decision=codes.Decision.THRESHOLD_MET,
            decided_on=date(2026, 3, 3),
            rationale="Met.",
        )


def test_decide_consultation_closes_the_contact_that_day(lado):
    allegation = AllegationFactory()
    services.allegation_decide(
        allegation=allegation,
        by=lado,
        decision=codes.Decision.CONSULTATION,
        decided_on=date(2026, 3, 2),
        rationale="Advice on a low-level concern.",
    )
    allegation.refresh_from_db()
    assert (allegation.status, allegation.closed_on) == (
        codes.Status.CLOSED,
        date(2026, 3, 2),
    )
    assert allegation.contact_type == codes.ContactType.CONSULTATION


def test_more_information_counts_as_the_first_response_and_waits(lado):
    # given
    allegation = AllegationFactory()
    services.allegation_decide(
        allegation=allegation,
        by=lado,
        decision=codes.Decision.MORE_INFORMATION,
        decided_on=date(2026, 3, 3),
        rationale="Asked the school for the incident log.",
    )
    # when
    services.allegation_decide(
        allegation=allegation,
        by=lado,
        decision=codes.Decision.THRESHOLD_NOT_MET,
        decided_on=date(2026, 3, 6),
        rationale="A conduct matter for the school.",
    )
    # then
    allegation.refresh_from_db()
    assert allegation.first_response_on == date(2026, 3, 3)
    assert allegation.status == codes.Status.CLOSED


def test_a_contact_closing_after_a_month_needs_a_reason(lado):
    allegation = AllegationFactory()
    with pytest.raises(DomainError, match="after the 1-month mark"):
        services.allegation_decide(
            allegation=allegation,
            by=lado,
            decision=codes.Decision.CONSULTATION,
            decided_on=date(2026, 4, 3),
            rationale="Advice.",
        )


def test_a_decided_allegation_cannot_be_decided_again(lado):
    allegation = AllegationFactory(managed=True)
    with pytest.raises(DomainError, match="already been recorded"):
        services.allegation_decide(
            allegation=allegation,
            by=lado,
            decision=codes.Decision.CONSULTATION,
            decided_on=date(2026, 3, 3),
            rationale="Advice.",
        )


# --- management --------------------------------------------------------------------------


def test_manage_records_police_and_interim_measures(lado):
    allegation = AllegationFactory(managed=True)
    services.allegation_manage(
        allegation=allegation,
        by=lado,
        police_involved=True,
        police_reference="WX/1234/26",
        interim_measure=codes.InterimMeasure.SUSPENSION,
        interim_measure_on=date(2026, 3, 4),
    )
    allegation.refresh_from_db()
    assert (allegation.police_reference, allegation.interim_measure) == (
        "WX/1234/26",
        "suspension",
    )
    assert allegation.events.filter(code="management_updated").exists()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"police_reference": "X1"}, "needs the police to be involved"),
        ({"interim_measure": "suspension"}, "date the interim measure started"),
        ({"interim_measure_on": date(2026, 3, 4)}, "Choose the interim measure"),
    ],
)
def test_manage_refuses_inconsistent_entries(lado, data, message):
    allegation = AllegationFactory(managed=True)
    with pytest.raises(DomainError, match=message):
        services.allegation_manage(allegation=allegation, by=lado, **data)


def test_manage_waits_for_the_harm_test(lado):
    with pytest.raises(DomainError, match="once the harm test is met"):
        services.allegation_manage(
            allegation=AllegationFactory(), by=lado, police_involved=True
        )


def test_meeting_record_keeps_attendees(lado):
    allegation = AllegationFactory(managed=True)
    meeting = services.meeting_record(
        allegation=allegation,
        by=lado,
        kind=codes.MeetingKind.STRATEGY,
        held_on=date(2026, 3, 4),
        decisions="Police to lead.",
        attendees=[
            services.AttendeeEntry(
                name="DC Rowe", role="Police", email="rowe@example.org"
            ),
            services.AttendeeEntry(name="Dana Whitfield", role="Headteacher"),
        ],
    )
    assert sorted(meeting.attendees.values_list("name", flat=True)) == [
        "DC Rowe",
        "Dana Whitfield",
    ]
    assert meeting.chair == lado


def test_meeting_cannot_predate_the_referral(lado):
    with pytest.raises(DomainError, match="before the referral"):
        services.meeting_record(
            allegation=AllegationFactory(managed=True),
            by=lado,
            kind=codes.MeetingKind.STRATEGY,
            held_on=date(2026, 3, 1),
        )


# --- chasing overdue actions --------------------------------------------------------------


def test_actions_chase_overdue_is_idempotent_within_a_day():
    # given
    action = AllegationActionFactory(due_on=date(2026, 3, 11))
    # when
    first = services.actions_chase_overdue(today=date(2026, 3, 12))
    second = services.actions_chase_overdue(today=date(2026, 3, 12))
    # then
    assert (first, second) == (1, 0)
    assert ActionChase.objects.get().action == action
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [action.owner_email]
    assert "Overdue action" in mail.outbox[0].subject


def test_actions_chase_again_the_next_day_and_stop_when_done(lado):
    action = AllegationActionFactory(due_on=date(2026, 3, 11))
    services.actions_chase_overdue(today=date(2026, 3, 12))
    services.actions_chase_overdue(today=date(2026, 3, 13))
    services.action_complete(action=action, by=lado, completed_on=date(2026, 3, 13))
    services.actions_chase_overdue(today=date(2026, 3, 14))
    assert sorted(ActionChase.objects.values_list("day", flat=True)) == [
        date(2026, 3, 12),
        date(2026, 3, 13),
    ]


def test_actions_not_yet_due_or_without_email_are_not_chased():
    AllegationActionFactory(due_on=date(2026, 3, 12))
    AllegationActionFactory(due_on=date(2026, 3, 1), owner_email="")
    assert services.actions_chase_overdue(today=date(2026, 3, 12)) == 0
    assert mail.outbox == []


def test_a_failed_chase_leaves_no_record_and_the_others_are_sent():
    # given
    failing = AllegationActionFactory(due_on=date(2026, 3, 10))
    working = AllegationActionFactory(due_on=date(2026, 3, 11))
    real_send = services._chase_email

    def send(action, today):
        if action.pk == failing.pk:
            raise ConnectionError("mail server down")
        return real_send(action, today)

    # when
    with (
        mock.patch.object(services, "_chase_email", side_effect=send),
        pytest.raises(services.ChaseFailed),
    ):
        services.actions_chase_overdue(today=date(2026, 3, 12))
    # then
    assert list(ActionChase.objects.values_list("action", flat=True)) == [working.pk]


# --- minutes ------------------------------------------------------------------------------


def test_minutes_issue_fixes_a_new_version_only_when_the_text_changed(lado):
    # given
    meeting = AllegationMeetingFactory()
    AttendeeFactory(meeting=meeting, name="DC Rowe")
    first = services.minutes_issue(meeting=meeting, by=lado)
    # when / then
    with pytest.raises(DomainError, match="already holds these minutes"):
        services.minutes_issue(meeting=meeting, by=lado)
    services.meeting_update(
        meeting=meeting,
        by=lado,
        kind=meeting.kind,
        held_on=meeting.held_on,
        venue=meeting.venue,
        discussion=meeting.discussion,
        decisions="Amended: the school to suspend pending the police.",
    )
    second = services.minutes_issue(meeting=meeting, by=lado)
    assert (first.version, second.version) == (1, 2)
    assert first.attendees[0]["name"] == "DC Rowe"
    assert first.content_hash != second.content_hash


def test_minutes_distribute_sends_each_attendee_once_per_version(
    lado, django_capture_on_commit_callbacks
):
    # given
    meeting = AllegationMeetingFactory()
    people = AttendeeFactory.create_batch(2, meeting=meeting)
    minutes = services.minutes_issue(meeting=meeting, by=lado)
    # when
    with django_capture_on_commit_callbacks(execute=True):
        services.minutes_distribute(minutes=minutes, by=lado, attendees=people)
    with django_capture_on_commit_callbacks(execute=True):
        services.minutes_distribute(minutes=minutes, by=lado, attendees=people)
    # then
    rows = MinutesDistribution.objects.filter(minutes=minutes)
    assert sorted(rows.values_list("recipient_key", "status")) == sorted(
        (p.email, "sent") for p in people
    )
    assert len(mail.outbox) == 2
    message = mail.outbox[0]
    assert message.subject.startswith("RESTRICTED")
    assert message.attachments[0][2] == "application/pdf"


def test_minutes_distribute_keeps_to_the_restricted_circulation(lado):
    meeting = AllegationMeetingFactory()
    minutes = services.minutes_issue(meeting=meeting, by=lado)
    outsider = AttendeeFactory()  # of another meeting
    no_copy = AttendeeFactory(meeting=meeting, receives_minutes=False)
    with pytest.raises(DomainError, match="did not attend"):
        services.minutes_distribute(minutes=minutes, by=lado, attendees=[outsider])
    with pytest.raises(DomainError, match="restricted circulation"):
        services.minutes_distribute(minutes=minutes, by=lado, attendees=[no_copy])


def test_only_the_latest_version_of_the_minutes_is_sent(lado):
    meeting = AllegationMeetingFactory()
    person = AttendeeFactory(meeting=meeting)
    old = services.minutes_issue(meeting=meeting, by=lado)
    meeting.decisions = "Changed."
    meeting.save()
    services.minutes_issue(meeting=meeting, by=lado)
    with pytest.raises(DomainError, match="has been replaced"):
        services.minutes_distribute(minutes=old, by=lado, attendees=[person])


def test_minutes_send_is_safe_to_run_twice(lado):
    meeting = AllegationMeetingFactory()
    person = AttendeeFactory(meeting=meeting)
    minutes = services.minutes_issue(meeting=meeting, by=lado)
    row = services.minutes_distribute(minutes=minutes, by=lado, attendees=[person])[0]
    assert services.minutes_send(distribution_id=row.pk) is True
    assert services.minutes_send(distribution_id=row.pk) is False
    assert len(mail.outbox) == 1


# --- outcome and closure ------------------------------------------------------------------


def test_outcome_then_close_within_a_month(lado):
    # given
    allegation = AllegationFactory(managed=True)
    # when
    services.allegation_record_outcome(
        allegation=allegation,
        by=lado,
        outcome=codes.Outcome.SUBSTANTIATED,
        outcome_on=date(2026, 3, 20),
        employer_actions=["dismissal"],
        dbs_referred=True,
        dbs_referred_on=date(2026, 3, 25),
        regulator_referrals=["tra"],
    )
    services.allegation_close(
        allegation=allegation, by=lado, closed_on=date(2026, 3, 30)
    )
    # then
    allegation.refresh_from_db()
    assert allegation.status == codes.Status.CLOSED
    assert allegation.regulator_labels == ["Teaching Regulation Agency"]
    assert list(allegation.events.values_list("code", flat=True)[:2]) == [
        "closed",
        "outcome_recorded",
    ]


def test_closing_after_the_one_month_mark_needs_a_reason(lado):
    allegation = AllegationFactory(managed=True)
    services.allegation_record_outcome(
        allegation=allegation,
        by=lado,
        outcome=codes.Outcome.UNFOUNDED,
        outcome_on=date(2026, 4, 10),
        employer_actions=["no_action"],
    )
    with pytest.raises(DomainError, match="say why it took longer"):
        services.allegation_close(
            allegation=allegation, by=lado, closed_on=date(2026, 4, 10)
        )
    services.allegation_close(
        allegation=allegation,
        by=lado,
        closed_on=date(2026, 4, 10),
        delay_reason="Waited for the police decision.",
    )
    allegation.refresh_from_db()
    assert allegation.delay_reason == "Waited for the police decision."


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"employer_actions": ["no_action", "training"]}, "No action"),
        ({"dbs_referred_on": date(2026, 3, 20)}, "needs the DBS referral ticked"),
        ({"outcome": "guilty"}, "Choose an outcome"),
        ({"regulator_referrals": ["fa"]}, "regulators from the list"),
    ],
)
def test_record_outcome_refuses_inconsistent_entries(lado, data, message):
    kwargs = {"outcome": codes.Outcome.FALSE, "outcome_on": date(2026, 3, 20), **data}
    with pytest.raises(DomainError, match=message):
        services.allegation_record_outcome(
            allegation=AllegationFactory(managed=True), by=lado, **kwargs
        )


def test_close_needs_an_outcome_first(lado):
    with pytest.raises(DomainError, match="cannot be closed"):
        services.allegation_close(
            allegation=AllegationFactory(managed=True),
            by=lado,
            closed_on=date(2026, 3, 20),
        )


# --- retention ----------------------------------------------------------------------------


def test_legal_hold_place_and_lift(lado):
    allegation = AllegationFactory(closed=True)
    services.legal_hold_place(allegation=allegation, by=lado, reason="Civil claim.")
    with pytest.raises(DomainError, match="already in place"):
        services.legal_hold_place(allegation=allegation, by=lado, reason="Again.")
    with pytest.raises(DomainError, match="why the legal hold is lifted"):
        services.legal_hold_lift(allegation=allegation, by=lado, reason=" ")
    hold = services.legal_hold_lift(
        allegation=allegation, by=lado, reason="Claim settled."
    )
    assert (hold.lifted_by, hold.lift_reason) == (lado, "Claim settled.")
    assert list(
        AllegationEvent.objects.filter(allegation=allegation).values_list(
            "code", flat=True
        )
    ) == ["legal_hold_lifted", "legal_hold_placed"]


def test_a_manager_cannot_place_a_legal_hold():
    manager = UserFactory(roles=[Role.MANAGER])
    with pytest.raises(DomainError, match="Only a LADO"):
        services.legal_hold_place(
            allegation=AllegationFactory(), by=manager, reason="Claim."
        )


def test_due_dates_recalculate_after_a_closure_day_is_added():
    allegation = AllegationFactory()
    assert allegation.decision_due_on == date(2026, 3, 3)
    LocalClosureDay.objects.create(day=date(2026, 3, 3), name="Closure")
    assert services.allegation_due_dates_recalculate() == 1
    allegation.refresh_from_db()
    assert allegation.decision_due_on == date(2026, 3, 4)
    assert services.allegation_due_dates_recalculate() == 0
