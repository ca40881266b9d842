"""The daily timescale sweep: marks, notifications and digests (cases.sweep)."""

from datetime import date, timedelta

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core import mail
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import DigestSent, Notification
from accounts.roles import Role
from cases import sweep, timescales
from cases.models import TimescaleMark
from cases.selectors import working_calendar
from meetings.models import Meeting
from tests.factories import (
    ActionFactory,
    DisputeFactory,
    MeetingFactory,
    TeamFactory,
    UserFactory,
)
from tests.lado.factories import AllegationFactory
from tests.reg44.factories import HomeFactory, VisitFactory, VisitorAssignmentFactory

pytestmark = pytest.mark.django_db

# Monday 23 March 2026; 5 working days later is Monday 30 March.
TODAY = date(2026, 3, 23)


def _mark(obj, rule_code=None):
    marks = TimescaleMark.objects.filter(
        content_type=ContentType.objects.get_for_model(obj), object_id=obj.pk
    )
    if rule_code:
        marks = marks.filter(rule_code=rule_code)
    return marks.get()


@pytest.mark.parametrize(
    ("due_on", "state"),
    [
        (date(2026, 3, 20), "overdue"),
        (date(2026, 3, 22), "overdue"),
        (date(2026, 3, 23), "due_soon"),
        (date(2026, 3, 30), "due_soon"),
        (date(2026, 3, 31), "on_track"),
    ],
)
def test_sweep_all_marks_a_review_by_its_due_date(due_on, state):
    """An open review is overdue after its due date, due soon within the lead."""
    meeting = MeetingFactory(due_on=due_on)

    result = sweep.sweep_all(today=TODAY)

    mark = _mark(meeting)
    assert result.ran is True
    assert (mark.state, mark.rule_code, mark.due_on) == (state, "cic_review_1", due_on)
    assert (mark.owner, mark.child_id) == (meeting.chair, meeting.child_id)
    assert mark.url == f"/meetings/{meeting.pk}/"


def test_thresholds_agree_with_due_status_over_a_year():
    """The SQL thresholds give the state cases.timescales.due_status gives."""
    calendar = working_calendar()
    for offset in range(0, 365, 3):
        today = TODAY + timedelta(days=offset)
        t = sweep.thresholds_for(today=today, calendar=calendar, lead_working_days=5)
        for delta in range(-3, 12):
            due_on = today + timedelta(days=delta)
            sql_state = (
                "overdue"
                if due_on < t.today
                else "due_soon"
                if due_on <= t.soon_until
                else "on_track"
            )
            expected = timescales.due_status(
                due_on=due_on, today=today, calendar=calendar, lead_working_days=5
            )
            assert sql_state == expected.value


def test_sweep_all_uses_the_lead_from_settings(settings):
    """TIMESCALE_DUE_SOON_WORKING_DAYS sets how early an item is due soon."""
    settings.TIMESCALE_DUE_SOON_WORKING_DAYS = 1
    meeting = MeetingFactory(due_on=date(2026, 3, 25))

    sweep.sweep_all(today=TODAY)

    assert _mark(meeting).state == "on_track"


def test_sweep_all_marks_every_kind_of_open_item():
    """Reviews, records, disputes, actions, LADO and Reg 44 items are all marked."""
    # given
    held = MeetingFactory(
        held=True,
        decisions_due_on=date(2026, 3, 20),
        record_due_on=date(2026, 4, 24),
    )
    action = ActionFactory(due_on=date(2026, 3, 24))
    dispute = DisputeFactory(formal_due_on=date(2026, 3, 27))
    step = dispute.steps.create(
        stage="stage_1",
        escalated_to_name="Team manager",
        requested_on=date(2026, 3, 2),
        response_due_on=date(2026, 3, 16),
    )
    allegation = AllegationFactory()
    home = HomeFactory()
    VisitorAssignmentFactory(home=home)
    visit = VisitFactory(visit_on=date(2026, 2, 10))
    # when
    sweep.sweep_all(today=TODAY)
    # then
    assert _mark(held, "cic_decisions").state == "overdue"
    assert _mark(held, "cic_record").state == "on_track"
    assert _mark(action).state == "due_soon"
    assert _mark(step).state == "overdue"
    assert _mark(dispute, "drp_formal").state == "due_soon"
    assert _mark(allegation, "lado_decision").state == "overdue"
    assert _mark(allegation, "lado_1_month").due_on == allegation.one_month_due_on
    assert _mark(home, "reg44_visit").due_on == date(2026, 3, 31)
    assert _mark(home, "reg44_visit").owner is not None
    assert _mark(visit, "reg44_report").due_on == date(2026, 3, 31)
    assert "LADO-" in _mark(allegation, "lado_decision").label


def test_sweep_all_removes_marks_of_items_no_longer_open():
    """A review held since the last sweep loses its mark."""
    meeting = MeetingFactory(due_on=date(2026, 3, 30))
    sweep.sweep_all(today=TODAY)

    Meeting.objects.filter(pk=meeting.pk).update(status="held", held_on=TODAY)
    result = sweep.sweep_all(today=TODAY)

    assert result.removed == 1
    assert not TimescaleMark.objects.filter(object_id=meeting.pk).exists()


def test_sweep_all_skips_visited_homes_and_sent_reports():
    """A home visited this month and a sent report are not open items."""
    visit = VisitFactory(visit_on=date(2026, 3, 10), report_sent_on=date(2026, 3, 12))

    sweep.sweep_all(today=TODAY)

    assert not TimescaleMark.objects.filter(rule_code="reg44_report").exists()
    assert not TimescaleMark.objects.filter(
        rule_code="reg44_visit", object_id=visit.home_id
    ).exists()


def test_sweep_all_notifies_owner_and_team_manager_once():
    """An item newly overdue notifies its owner and the owner's team manager."""
    # given
    manager = UserFactory(roles=[Role.MANAGER])
    team = TeamFactory(kind="iro_service", manager=manager)
    chair = UserFactory(roles=[Role.IRO], team=team)
    MeetingFactory(due_on=date(2026, 3, 20), chair=chair)
    # when
    first = sweep.sweep_all(today=TODAY)
    second = sweep.sweep_all(today=TODAY)
    # then
    assert (first.notifications, second.notifications) == (2, 0)
    notes = Notification.objects.order_by("user__username")
    assert {n.user for n in notes} == {chair, manager}
    assert all(n.kind == "overdue" and n.day == TODAY for n in notes)
    assert Notification.objects.get(user=manager).text.endswith(
        f"for {chair.get_full_name()}"
    )


def test_sweep_all_notifies_only_when_the_state_changes():
    """An item still overdue the next day adds no notification; one becoming
    overdue from due soon does."""
    # given
    overdue = MeetingFactory(due_on=date(2026, 3, 20))
    soon = MeetingFactory(due_on=date(2026, 3, 23))
    sweep.sweep_all(today=TODAY)
    # when
    result = sweep.sweep_all(today=TODAY + timedelta(days=1))
    # then
    assert result.notifications == 1
    note = Notification.objects.get(day=TODAY + timedelta(days=1))
    assert note.user == soon.chair
    assert note.kind == "overdue"
    assert _mark(overdue).state_changed_on == TODAY
    assert _mark(soon).first_marked_on == TODAY


def test_sweep_all_does_not_notify_on_track_items():
    """Nothing is due soon or overdue, so nobody is told anything."""
    MeetingFactory(due_on=date(2026, 6, 1))

    result = sweep.sweep_all(today=TODAY)

    assert result.notifications == 0
    assert result.digests == 0
    assert mail.outbox == []


def test_sweep_all_sends_each_digest_once():
    """Each notified user gets one email a day, however often the sweep runs."""
    # given
    meeting = MeetingFactory(due_on=date(2026, 3, 20))
    MeetingFactory(due_on=date(2026, 3, 24), chair=meeting.chair)
    # when
    sweep.sweep_all(today=TODAY)
    sweep.sweep_all(today=TODAY)
    # then
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [meeting.chair.email]
    assert "Overdue: Children in Care review 1" in message.body
    assert "Due soon:" in message.body
    digest = DigestSent.objects.get()
    assert (digest.user, digest.day, digest.notification_count) == (
        meeting.chair,
        TODAY,
        2,
    )


def test_sweep_all_runs_alone():
    """A sweep finding the advisory lock held elsewhere does nothing."""
    import psycopg

    MeetingFactory(due_on=date(2026, 3, 20))
    db = connection.settings_dict
    with psycopg.connect(
        host=db["HOST"] or "127.0.0.1",
        port=db["PORT"] or 5432,
        user=db["USER"],
        dbname=db["NAME"],
        autocommit=True,
    ) as other:
        other.execute("SELECT pg_advisory_lock(%s)", [sweep.SWEEP_LOCK_KEY])
        result = sweep.sweep_all(today=TODAY)

    assert result.ran is False
    assert not TimescaleMark.objects.exists()


def test_sweep_all_query_count_does_not_grow_with_items():
    """The sweep runs a fixed number of statements whatever the caseload."""

    def count():
        sweep.sweep_all(today=TODAY)
        with CaptureQueriesContext(connection) as ctx:
            sweep.sweep_all(today=TODAY + timedelta(days=1))
        return len(ctx.captured_queries)

    MeetingFactory(due_on=date(2026, 3, 20))
    few = count()
    for _ in range(5):
        MeetingFactory(due_on=date(2026, 3, 20))
        ActionFactory(due_on=date(2026, 3, 20))
    assert count() == few


def test_sweep_timescales_command_prints_counts():
    """The command sweeps the given day and prints due soon and overdue counts."""
    from io import StringIO

    MeetingFactory(due_on=date(2026, 3, 20))
    MeetingFactory(due_on=date(2026, 3, 24))
    out = StringIO()

    call_command("sweep_timescales", "--today", "2026-03-23", stdout=out)

    assert "Swept 2026-03-23: 1 due soon, 1 overdue" in out.getvalue()


def test_sweep_timescales_command_rejects_a_bad_date():
    """A malformed --today is a clear error, and nothing is swept."""
    with pytest.raises(CommandError, match="not a date in the form YYYY-MM-DD"):
        call_command("sweep_timescales", "--today", "23/03/2026")
    assert not TimescaleMark.objects.exists()


def test_timescale_sweep_task_runs_the_sweep_for_the_given_day():
    """The task sweeps the ISO day it is given and is safe to run twice."""
    from cases.tasks import timescale_sweep_task

    MeetingFactory(due_on=date(2026, 3, 20))

    first = timescale_sweep_task.delay("2026-03-23").get()
    second = timescale_sweep_task.delay("2026-03-23").get()

    assert first == second == {"ran": True, "due_soon": 0, "overdue": 1}
    assert Notification.objects.count() == 1
    assert DigestSent.objects.count() == 1
