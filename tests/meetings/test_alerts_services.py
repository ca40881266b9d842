"""Practice alerts and good practice: the rule, services, selectors and sweep."""

from datetime import date

import pytest

from accounts.models import Notification
from accounts.roles import Role
from cases import sweep
from cases.calendar import ClosedDays
from cases.errors import DomainError
from cases.models import TimescaleSetting
from cases.timescales import RULES, WorkingCalendar, due_date
from meetings import selectors, services, tasks
from meetings.models import AlertEntry, Dispute, PracticeAlert
from tests.factories import (
    AllocationFactory,
    ChildFactory,
    GoodPracticeFactory,
    MeetingFactory,
    PracticeAlertFactory,
    TeamFactory,
    UserFactory,
)

ENGLAND = WorkingCalendar(closed=ClosedDays())


# --- the rule ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raised_on", "expected"),
    [
        (date(2026, 3, 2), date(2026, 3, 9)),  # Monday: the next Monday
        (date(2026, 5, 1), date(2026, 5, 11)),  # skips the Early May bank holiday
        (date(2025, 12, 22), date(2025, 12, 31)),  # skips Christmas and Boxing Day
        (date(2026, 3, 7), date(2026, 3, 13)),  # Saturday is day 0
    ],
)
def test_practice_alert_response_is_five_working_days(raised_on, expected):
    """The response is due 5 working days after the alert is raised (day 0)."""
    assert due_date("practice_alert_response", raised_on, calendar=ENGLAND).due == (
        expected
    )


def test_practice_alert_response_is_a_local_rule_explained():
    """Local practice, so an administrator may change it; it explains itself."""
    rule = RULES["practice_alert_response"]
    text = due_date("practice_alert_response", date(2026, 5, 1), calendar=ENGLAND)
    assert rule.is_local
    assert "(Mon 4 May 2026)" in text.explain()


# --- fixtures ------------------------------------------------------------------------


@pytest.fixture
def people(db):
    team_manager = UserFactory(roles=[Role.MANAGER])
    team = TeamFactory(name="Children in Care Team North", manager=team_manager)
    child = ChildFactory()
    AllocationFactory(
        child=child, role="social_worker", worker=None, worker_name="Sam", team=team
    )
    return {
        "iro": UserFactory(roles=[Role.IRO]),
        "team_manager": team_manager,
        "team": team,
        "child": child,
    }


def _raise(people, **kwargs):
    params = {
        "child": people["child"],
        "raised_by": people["iro"],
        "category": PracticeAlert.Category.VISITS_OVERDUE,
        "concern": "No statutory visit for 10 weeks.",
        "asked": "Visit within the week and confirm.",
        "addressed_to": people["team_manager"],
        "raised_on": date(2026, 5, 1),
    }
    return services.practice_alert_raise(**{**params, **kwargs})


# --- raising -------------------------------------------------------------------------


@pytest.mark.django_db
def test_practice_alert_raise_stores_due_date_team_and_first_entry(people):
    # when
    alert = _raise(people)
    # then
    assert alert.due_on == date(2026, 5, 11)
    assert alert.team == people["team"]
    assert alert.status == PracticeAlert.Status.OPEN
    entry = alert.entries.get()
    assert (entry.kind, entry.by) == ("raised", people["iro"])


@pytest.mark.django_db
def test_practice_alert_raise_notifies_the_addressee(people):
    alert = _raise(people)
    note = Notification.objects.get(user=people["team_manager"])
    assert note.url == alert.get_absolute_url()
    assert "respond by 11/05/2026" in note.text


@pytest.mark.django_db
def test_practice_alert_raise_follows_the_administrators_setting(people):
    """practice_alert_response is local: the administrator's value applies."""
    TimescaleSetting.objects.create(code="practice_alert_response", amount=10)
    assert _raise(people).due_on == date(2026, 5, 18)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"concern": "  "}, "Say what is wrong."),
        ({"asked": ""}, "Say what you are asking"),
        ({"addressed_to": None}, "Choose the team manager"),
    ],
)
def test_practice_alert_raise_refuses_incomplete_alerts(people, change, message):
    with pytest.raises(DomainError, match=message):
        _raise(people, **change)
    assert not PracticeAlert.objects.exists()


@pytest.mark.django_db
def test_practice_alert_raise_refuses_a_non_manager_addressee(people):
    with pytest.raises(DomainError, match="is not a manager"):
        _raise(people, addressed_to=UserFactory(roles=[Role.IRO]))


@pytest.mark.django_db
def test_practice_alert_raise_from_a_meeting_logs_a_meeting_event(people):
    meeting = MeetingFactory(
        child=people["child"], period_start=None, due_start_on=date(2026, 3, 2)
    )
    alert = _raise(people, meeting=meeting)
    assert alert.meeting == meeting
    assert meeting.events.filter(code="practice_alert_raised").exists()


@pytest.mark.django_db
def test_practice_alert_raise_refuses_another_childs_meeting(people):
    meeting = MeetingFactory(
        child=ChildFactory(), period_start=None, due_start_on=date(2026, 3, 2)
    )
    with pytest.raises(DomainError, match="another child's"):
        _raise(people, meeting=meeting)


# --- responding ----------------------------------------------------------------------


@pytest.mark.django_db
def test_practice_alert_respond_after_due_date_is_late_and_final(people):
    # given
    alert = _raise(people)
    # when
    services.practice_alert_respond(
        alert=alert,
        responded_by=people["team_manager"],
        responded_on=date(2026, 5, 13),
        response="Visit booked.",
        action_agreed="Visit on 15 May.",
    )
    # then
    alert.refresh_from_db()
    assert alert.status == PracticeAlert.Status.RESPONDED
    assert alert.is_responded_late is True
    assert "Late: due 11/05/2026" in alert.entries.get(kind="response").text
    with pytest.raises(DomainError, match="add anything further as a comment"):
        services.practice_alert_respond(
            alert=alert,
            responded_by=people["team_manager"],
            responded_on=date(2026, 5, 14),
            response="Changed my mind.",
            action_agreed="None.",
        )


@pytest.mark.django_db
def test_practice_alert_comment_adds_an_entry_and_changes_nothing_else(people):
    alert = _raise(people)
    services.practice_alert_respond(
        alert=alert,
        responded_by=people["team_manager"],
        responded_on=date(2026, 5, 5),
        response="Visit booked.",
        action_agreed="Visit on 7 May.",
    )
    services.practice_alert_comment(
        alert=alert, by=people["iro"], text="Visit confirmed by the carer."
    )
    alert.refresh_from_db()
    assert alert.response == "Visit booked."
    assert list(alert.entries.values_list("kind", flat=True)) == [
        "raised",
        "response",
        "comment",
    ]


# --- chasing -------------------------------------------------------------------------


@pytest.mark.django_db
def test_practice_alerts_chase_overdue_chases_once(people):
    # given
    alert = _raise(people)
    # when
    first = services.practice_alerts_chase_overdue(today=date(2026, 5, 12))
    second = services.practice_alerts_chase_overdue(today=date(2026, 5, 12))
    third = services.practice_alerts_chase_overdue(today=date(2026, 5, 13))
    # then
    assert (first, second, third) == (1, 0, 0)
    entry = alert.entries.get(kind="chased")
    assert entry.by is None
    assert Notification.objects.filter(
        user=people["team_manager"], kind="overdue", day=date(2026, 5, 12)
    ).exists()


@pytest.mark.django_db
def test_practice_alerts_chase_overdue_leaves_alerts_in_time(people):
    _raise(people)
    assert services.practice_alerts_chase_overdue(today=date(2026, 5, 11)) == 0


@pytest.mark.django_db
def test_a_chase_before_the_due_date_does_not_stop_the_overdue_chase(people):
    alert = _raise(people)
    services.practice_alert_chase(
        alert=alert, chased_by=people["iro"], today=date(2026, 5, 6)
    )
    assert services.practice_alerts_chase_overdue(today=date(2026, 5, 12)) == 1
    assert alert.entries.filter(kind="chased").count() == 2


@pytest.mark.django_db
def test_practice_alert_chase_refuses_a_second_chase_the_same_day(people):
    alert = _raise(people)
    services.practice_alert_chase(
        alert=alert, chased_by=people["iro"], today=date(2026, 5, 6)
    )
    with pytest.raises(DomainError, match="already chased today"):
        services.practice_alert_chase(
            alert=alert, chased_by=people["iro"], today=date(2026, 5, 6)
        )


@pytest.mark.django_db
def test_chase_task_is_idempotent(people):
    _raise(people)
    assert tasks.practice_alerts_chase_overdue_task.delay("2026-05-12").get() == 1
    assert tasks.practice_alerts_chase_overdue_task.delay("2026-05-12").get() == 0
    assert AlertEntry.objects.filter(kind="chased").count() == 1


# --- escalating ----------------------------------------------------------------------


@pytest.mark.django_db
def test_practice_alert_escalate_creates_a_dispute_carrying_the_history(people):
    # given
    alert = _raise(people)
    services.practice_alerts_chase_overdue(today=date(2026, 5, 12))
    # when
    dispute = services.practice_alert_escalate(
        alert=alert, escalated_by=people["iro"], escalated_on=date(2026, 5, 13)
    )
    # then
    alert.refresh_from_db()
    assert alert.status == PracticeAlert.Status.ESCALATED
    assert alert.dispute == dispute
    assert dispute.stage == "stage_1"
    assert dispute.raised_by == people["iro"]
    assert "Visits overdue" in dispute.summary
    assert "Visit within the week and confirm." in dispute.summary
    assert "Chased by The service (automatic)" in dispute.summary
    step = dispute.steps.get()
    assert step.escalated_to == people["team_manager"]
    assert list(alert.entries.values_list("kind", flat=True))[-1] == "escalated"


@pytest.mark.django_db
def test_practice_alert_escalate_only_once(people):
    alert = _raise(people)
    services.practice_alert_escalate(
        alert=alert,
        escalated_by=people["iro"],
        escalated_on=date(2026, 5, 13),
        stage="informal",
    )
    with pytest.raises(DomainError, match="already in dispute resolution"):
        services.practice_alert_escalate(
            alert=alert, escalated_by=people["iro"], escalated_on=date(2026, 5, 14)
        )
    assert Dispute.objects.count() == 1


# --- good practice -------------------------------------------------------------------


@pytest.mark.django_db
def test_good_practice_record_notifies_worker_and_team_manager(people):
    # given
    worker = UserFactory(roles=[Role.IRO], team=people["team"])
    # when
    record = services.good_practice_record(
        recorded_by=people["iro"],
        what="Prepared the child for the review with a visual plan.",
        worker=worker,
        child=people["child"],
        recorded_on=date(2026, 5, 2),
    )
    # then
    assert record.team == people["team"]
    assert record.worker_name == worker.get_full_name()
    assert set(Notification.objects.values_list("user", flat=True)) == {
        worker.pk,
        people["team_manager"].pk,
    }


@pytest.mark.django_db
def test_good_practice_record_needs_a_worker_or_team(people):
    with pytest.raises(DomainError, match="Name the worker or choose the team"):
        services.good_practice_record(recorded_by=people["iro"], what="Good work.")


# --- scope, counts and the sweep -----------------------------------------------------


@pytest.mark.django_db
def test_alerts_are_visible_to_the_people_involved_and_managers():
    alert = PracticeAlertFactory()
    other_iro = UserFactory(roles=[Role.IRO])
    manager = UserFactory(roles=[Role.MANAGER])

    def sees(user):
        return (
            selectors.practice_alert_list_visible_to(user=user)
            .filter(pk=alert.pk)
            .exists()
        )

    assert (sees(alert.raised_by), sees(alert.addressed_to)) == (True, True)
    assert (sees(other_iro), sees(manager)) == (False, True)


@pytest.mark.django_db
def test_alert_theme_counts_in_two_queries(django_assert_num_queries):
    # given
    team = TeamFactory()
    PracticeAlertFactory(team=team, category="child_not_seen")
    PracticeAlertFactory(
        team=team,
        status="responded",
        responded_on=date(2026, 5, 11),
        response="Done.",
        action_agreed="Done.",
    )
    PracticeAlertFactory(team=team, status="escalated", escalated_on=date(2026, 5, 12))
    PracticeAlertFactory(raised_on=date(2026, 1, 5), due_on=date(2026, 1, 12))
    # when
    with django_assert_num_queries(2):
        counts = selectors.alert_theme_counts(
            date_from=date(2026, 4, 1), date_to=date(2026, 5, 31), team=team
        )
    # then
    assert (counts["total"], counts["open"], counts["overdue"]) == (3, 1, 1)
    assert (counts["responded_late"], counts["escalated"]) == (1, 1)
    assert counts["average_response_days"] == 10.0
    by_category = {row["category"]: row["count"] for row in counts["by_category"]}
    assert (by_category["child_not_seen"], by_category["planning_drift"]) == (1, 2)
    assert len(counts["by_category"]) == len(PracticeAlert.Category.choices)


@pytest.mark.django_db
def test_good_practice_counts_by_team(django_assert_num_queries):
    team = TeamFactory(name="North")
    GoodPracticeFactory(team=team)
    GoodPracticeFactory(team=team, worker_name="Another Worker")
    GoodPracticeFactory(recorded_on=date(2025, 1, 1))
    with django_assert_num_queries(2):
        counts = selectors.good_practice_counts(
            date_from=date(2026, 1, 1), date_to=date(2026, 12, 31)
        )
    assert (counts["total"], counts["workers"]) == (2, 2)
    assert counts["by_team"] == [{"team_id": team.pk, "team": "North", "count": 2}]


@pytest.mark.django_db
def test_sweep_source_gives_open_alerts_to_their_addressee():
    """The daily sweep (cases.sweep registry) marks open alerts against
    practice_alert_response, owed by the addressee; answered ones drop out."""
    # given
    alert = PracticeAlertFactory()
    PracticeAlertFactory(status="escalated", escalated_on=date(2026, 5, 2))
    # when
    sources = [
        source
        for sweeper in sweep.sweepers()
        for source in sweeper(date(2026, 5, 11))
        if source.queryset.model is PracticeAlert
    ]
    # then
    rows = [
        row for source in sources for row in source.queryset.values(*sweep.MARK_COLUMNS)
    ]
    assert rows == [
        {
            "mark_object_id": alert.pk,
            "mark_rule_code": "practice_alert_response",
            "mark_child_id": alert.child_id,
            "mark_owner_id": alert.addressed_to_id,
            "mark_due_on": alert.due_on,
            "mark_label": (
                f"Practice alert response (Planning drift) for {alert.child.la_child_id}"
            ),
            "mark_url": alert.get_absolute_url(),
        }
    ]
