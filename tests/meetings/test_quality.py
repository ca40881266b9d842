"""The chair's quality check after a meeting, QA meetings, panel referrals and
training themes: rules, services, selectors and pages."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import AccessLog
from accounts.roles import Role
from cases.errors import DomainError
from meetings import selectors, services
from meetings.models import (
    MeetingEvent,
    PanelReferral,
    QAMeeting,
    QualityCheck,
    TrainingTheme,
)
from tests.factories import (
    ChildFactory,
    MeetingFactory,
    PanelReferralFactory,
    ParticipantFactory,
    PracticeAlertFactory,
    QAMeetingFactory,
    QualityCheckFactory,
    QualityReportRowFactory,
    TeamFactory,
    UserFactory,
)
from tests.meetings.factories import ConferenceFactory

pytestmark = pytest.mark.django_db

ANSWERS = {
    "child_seen_before": True,
    "child_views_heard": True,
    "parents_participated": "partly",
    "partners_attended": True,
    "is_quorate": True,
    "plan_smart": "partly",
    "comment": "Health plan lacks dates.",
}
FORM = {
    "child_seen_before": "yes",
    "child_views_heard": "yes",
    "parents_participated": "partly",
    "partners_attended": "yes",
    "is_quorate": "yes",
    "plan_smart": "partly",
    "comment": "Health plan lacks dates.",
    "rows-TOTAL_FORMS": "3",
    "rows-INITIAL_FORMS": "0",
    "rows-MIN_NUM_FORMS": "0",
    "rows-MAX_NUM_FORMS": "20",
    "rows-0-agency": "health",
    "rows-0-on_time": "no",
    "rows-0-quality": "poor",
    "rows-1-agency": "social_care",
    "rows-1-on_time": "yes",
    "rows-1-quality": "good",
    "rows-2-agency": "",
    "rows-2-on_time": "",
    "rows-2-quality": "",
}


@pytest.fixture
def held():
    return MeetingFactory(held=True)


@pytest.fixture
def chair_client(client, held):
    client.force_login(held.chair)
    return client


def _check_url(meeting):
    return reverse("meetings:quality-check", kwargs={"pk": meeting.pk})


# --- rules -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("agencies", "expected"),
    [
        ({"social_care", "health", "police"}, True),
        ({"social_care", "health", "education", "police"}, True),
        ({"social_care", "health"}, False),  # only one other agency
        ({"health", "police", "education"}, False),  # no children's social care
        ({"social_care", "health", "carer"}, False),  # a carer is not an agency
    ],
)
def test_is_conference_quorate_needs_social_care_and_two_agencies(agencies, expected):
    """Quorate: the chair, children's social care and at least two other agencies."""
    assert selectors.is_conference_quorate(agencies=agencies) is expected


@pytest.mark.parametrize(
    ("kind", "agency"),
    [("social_worker", "social_care"), ("pep", "education"), ("health", "health")],
)
def test_agency_for_report_kind_maps_reports_to_agencies(kind, agency):
    assert selectors.agency_for_report_kind(kind) == agency


# --- services --------------------------------------------------------------------------


def test_quality_check_save_creates_the_check_rows_and_an_event(held):
    # when
    check = services.quality_check_save(
        meeting=held,
        by=held.chair,
        rows=[{"agency": "health", "on_time": False, "quality": "poor"}],
        **ANSWERS,
    )
    # then
    assert check.plan_smart == "partly"
    assert list(check.report_rows.values_list("agency", "quality")) == [
        ("health", "poor")
    ]
    assert MeetingEvent.objects.filter(
        meeting=held, code="quality_check_completed"
    ).exists()


def test_quality_check_save_keeps_each_change_in_the_history(held):
    # given
    rows = [{"agency": "health", "on_time": False, "quality": "poor"}]
    services.quality_check_save(meeting=held, by=held.chair, rows=rows, **ANSWERS)
    # when: one answer and one row change, then the same answers again
    services.quality_check_save(
        meeting=held,
        by=held.chair,
        rows=[{"agency": "health", "on_time": True, "quality": "adequate"}],
        **{**ANSWERS, "plan_smart": "yes"},
    )
    services.quality_check_save(
        meeting=held,
        by=held.chair,
        rows=[{"agency": "health", "on_time": True, "quality": "adequate"}],
        **{**ANSWERS, "plan_smart": "yes"},
    )
    # then
    check = QualityCheck.objects.get(meeting=held)
    assert [h.plan_smart for h in check.history.order_by("history_id")] == [
        "partly",
        "yes",
    ]
    assert check.report_rows.get().history.count() == 2
    assert (
        MeetingEvent.objects.filter(meeting=held, code="quality_check_updated").count()
        == 1
    )


def test_quality_check_save_removes_rows_no_longer_listed(held):
    check = QualityCheckFactory(meeting=held)
    QualityReportRowFactory(quality_check=check, agency="police")
    services.quality_check_save(
        meeting=held,
        by=held.chair,
        rows=[{"agency": "health", "on_time": True, "quality": "good"}],
        **ANSWERS,
    )
    assert list(check.report_rows.values_list("agency", flat=True)) == ["health"]


def test_quality_check_save_refuses_a_meeting_not_held():
    meeting = MeetingFactory()
    with pytest.raises(DomainError, match="once the meeting is held"):
        services.quality_check_save(
            meeting=meeting, by=meeting.chair, rows=[], **ANSWERS
        )
    assert not QualityCheck.objects.exists()


def test_quality_check_save_refuses_an_agency_listed_twice(held):
    row = {"agency": "health", "on_time": True, "quality": "good"}
    with pytest.raises(DomainError, match="listed once"):
        services.quality_check_save(
            meeting=held, by=held.chair, rows=[row, row], **ANSWERS
        )


def test_panel_referral_outcome_cannot_precede_the_referral():
    referral = PanelReferralFactory(referred_on=date(2026, 5, 2))
    with pytest.raises(DomainError, match="before the referral"):
        services.panel_referral_outcome_record(
            referral=referral,
            by=referral.referred_by,
            outcome="Learning review",
            outcome_on=date(2026, 5, 1),
        )
    referral.refresh_from_db()
    assert referral.outcome == ""


def test_panel_referral_outcome_is_recorded_with_history():
    referral = PanelReferralFactory()
    services.panel_referral_outcome_record(
        referral=referral,
        by=referral.referred_by,
        outcome="Rapid review: no CSPR; single-agency learning.",
        outcome_on=date(2026, 6, 1),
    )
    referral.refresh_from_db()
    assert referral.outcome_on == date(2026, 6, 1)
    assert referral.history.count() == 2


def test_training_theme_tag_tidies_spaces_and_refuses_blank():
    manager = UserFactory(roles=[Role.MANAGER])
    theme = services.training_theme_tag(
        by=manager, tag="  SMART   plans ", noted_on=date(2026, 5, 1)
    )
    assert theme.tag == "SMART plans"
    with pytest.raises(DomainError):
        services.training_theme_tag(by=manager, tag="   ", noted_on=date(2026, 5, 1))


def test_qa_meeting_record_adds_the_recorder_as_attendee():
    iro = UserFactory(roles=[Role.IRO])
    other = UserFactory(roles=[Role.MANAGER])
    qa = services.qa_meeting_record(
        by=iro, held_on=date(2026, 5, 1), concerns="Drift", attendees=[other]
    )
    assert set(qa.attendees.all()) == {iro, other}


# --- selectors -------------------------------------------------------------------------


def test_quality_check_initial_suggests_agencies_from_the_meeting(held):
    # given: the health report came before, the social worker's never did
    held.expected_reports.create(kind="health", received_on=date(2026, 3, 20))
    held.expected_reports.create(kind="social_worker")
    ParticipantFactory(meeting=held, role="police", attendance="attended")
    ParticipantFactory(meeting=held, role="parent", attendance="attended")
    # when
    _, rows = selectors.quality_check_initial(meeting=held, check=None)
    # then
    assert rows == [
        {"agency": "social_care", "on_time": False, "quality": "missing"},
        {"agency": "health", "on_time": True},
        {"agency": "police", "on_time": False},
    ]


def test_quality_check_initial_suggests_quoracy_from_conference_attendance():
    conference = ConferenceFactory(held=True)
    for role in ("social_worker", "health", "school"):
        ParticipantFactory(meeting=conference, role=role, attendance="attended")
    answers, _ = selectors.quality_check_initial(meeting=conference, check=None)
    assert answers["is_quorate"] is True


def test_quality_check_list_outstanding_is_the_chairs_unchecked_meetings(held):
    # given
    checked = MeetingFactory(held=True, chair=held.chair)
    QualityCheckFactory(meeting=checked)
    MeetingFactory(chair=held.chair)  # not held yet
    MeetingFactory(held=True)  # another chair's
    # when
    mine = selectors.quality_check_list_outstanding(user=held.chair)
    everyone = selectors.quality_check_list_outstanding(
        user=UserFactory(roles=[Role.MANAGER])
    )
    # then
    assert list(mine) == [held]
    assert everyone.count() == 2


def test_qa_meetings_are_seen_by_attendees_and_managers():
    qa = QAMeetingFactory()
    attendee = UserFactory(roles=[Role.IRO])
    qa.attendees.add(attendee)
    stranger = UserFactory(roles=[Role.IRO])
    manager = UserFactory(roles=[Role.MANAGER])
    assert list(selectors.qa_meeting_list_visible_to(user=attendee)) == [qa]
    assert list(selectors.qa_meeting_list_visible_to(user=qa.created_by)) == [qa]
    assert list(selectors.qa_meeting_list_visible_to(user=stranger)) == []
    assert list(selectors.qa_meeting_list_visible_to(user=manager)) == [qa]


def test_quality_theme_tables_count_by_agency_and_rate_participation():
    # given: three checks in May, one in March outside the period
    period = {"date_from": date(2026, 5, 1), "date_to": date(2026, 5, 31)}
    for on_time, quality, seen in ((True, "good", True), (False, "poor", False)):
        check = QualityCheckFactory(
            meeting__held_on=date(2026, 5, 4), child_seen_before=seen
        )
        QualityReportRowFactory(
            quality_check=check, agency="health", on_time=on_time, quality=quality
        )
    conference = ConferenceFactory(held=True, held_on=date(2026, 5, 6))
    QualityCheckFactory(meeting=conference, is_quorate=False, plan_smart="no")
    QualityReportRowFactory(
        quality_check=QualityCheckFactory(), agency="health", quality="missing"
    )
    # when
    tables = selectors.quality_theme_tables(**period)
    # then
    (health,) = tables["agencies"]
    assert (health["reports"], health["on_time"], health["good"], health["poor"]) == (
        2,
        1,
        1,
        1,
    )
    assert health["on_time_rate"] == 50
    participation = tables["participation"]
    assert (participation["checks"], participation["child_seen"]) == (3, 2)
    assert (participation["conferences"], participation["quorate_rate"]) == (1, 0)
    assert participation["smart_no"] == 1


def test_quality_theme_tables_filter_by_the_chairs_team():
    team = TeamFactory()
    QualityCheckFactory(meeting__held_on=date(2026, 5, 4), meeting__chair__team=team)
    QualityCheckFactory(meeting__held_on=date(2026, 5, 4))
    tables = selectors.quality_theme_tables(
        date_from=date(2026, 5, 1), date_to=date(2026, 5, 31), team_id=team.pk
    )
    assert tables["participation"]["checks"] == 1


# --- pages -----------------------------------------------------------------------------


def test_chair_sees_the_outstanding_prompt_on_the_meeting_page(chair_client, held):
    response = chair_client.get(held.get_absolute_url())
    content = response.content.decode()
    assert "Answer the quality check" in content
    assert _check_url(held) in content


def test_conference_page_shows_the_prompt_to_its_chair(client):
    conference = ConferenceFactory(held=True)
    client.force_login(conference.chair)
    response = client.get(conference.get_absolute_url())
    assert "Answer the quality check" in response.content.decode()


def test_chair_answers_the_check_and_returns_to_the_meeting(chair_client, held):
    # when
    response = chair_client.post(_check_url(held), FORM)
    # then
    assert response.status_code == 302
    assert response.url == held.get_absolute_url()
    check = QualityCheck.objects.get(meeting=held)
    assert sorted(check.report_rows.values_list("agency", "quality")) == [
        ("health", "poor"),
        ("social_care", "good"),
    ]
    page = chair_client.get(held.get_absolute_url()).content.decode()
    assert "View or change the quality check" in page


def test_opening_the_check_is_written_to_the_access_log(chair_client, held):
    chair_client.get(_check_url(held))
    entry = AccessLog.objects.get(action=AccessLog.Action.VIEW, detail="quality check")
    assert entry.object_id == str(held.pk)


def test_an_incomplete_check_keeps_what_was_typed(chair_client, held):
    # given: no answer to "plan SMART" and a half-filled agency row
    data = {
        **FORM,
        "plan_smart": "",
        "rows-2-agency": "police",
        "comment": "Typed before the error",
    }
    # when
    response = chair_client.post(_check_url(held), data)
    # then
    content = response.content.decode()
    assert response.status_code == 200
    assert "Nothing you typed has been lost" in content
    assert "Typed before the error" in content
    assert "or leave the whole row blank" in content
    assert not QualityCheck.objects.exists()


def test_manager_reads_the_check_but_cannot_change_it(client, held):
    QualityCheckFactory(meeting=held, comment="Plan is vague")
    client.force_login(UserFactory(roles=[Role.MANAGER]))
    page = client.get(_check_url(held))
    refused = client.post(_check_url(held), FORM)
    assert "Plan is vague" in page.content.decode()
    assert refused.status_code == 403


def test_outstanding_list_query_budget(client, django_assert_max_num_queries):
    """The list costs the same with one meeting or many."""
    # given
    chair = UserFactory(roles=[Role.IRO])
    client.force_login(chair)

    def count():
        with CaptureQueriesContext(connection) as queries:
            response = client.get(reverse("meetings:quality-check-list"))
        assert response.status_code == 200
        return len(queries)

    MeetingFactory(held=True, chair=chair)
    one = count()
    for _ in range(8):
        MeetingFactory(held=True, chair=chair)
    # when / then
    with django_assert_max_num_queries(one):
        response = client.get(reverse("meetings:quality-check-list"))
    assert response.content.decode().count("Answer the check") == 9


def test_qa_meeting_is_recorded_through_the_form(client):
    # given
    iro = UserFactory(roles=[Role.IRO])
    client.force_login(iro)
    # when
    response = client.post(
        reverse("meetings:qa-meeting-create"),
        {
            "held_on": "2026-05-01",
            "concerns": "Late PEPs across the east team.",
            "decisions": "Head of virtual school to attend next month.",
            "escalations": "Raise with the service manager.",
            "other_attendees": "Jo Team Manager\nSam Deputy",
        },
    )
    # then
    qa = QAMeeting.objects.get()
    assert response.url == qa.get_absolute_url()
    page = client.get(qa.get_absolute_url()).content.decode()
    assert "Late PEPs across the east team." in page
    assert "Jo Team Manager" in page


def test_qa_meeting_in_the_future_is_refused_and_text_kept(client):
    client.force_login(UserFactory(roles=[Role.IRO]))
    response = client.post(
        reverse("meetings:qa-meeting-create"),
        {"held_on": "2099-01-01", "concerns": "Written in advance"},
    )
    assert response.status_code == 200
    assert "cannot be in the future" in response.content.decode()
    assert "Written in advance" in response.content.decode()
    assert not QAMeeting.objects.exists()


def test_panel_referral_is_made_and_its_outcome_recorded(client):
    # given
    child = MeetingFactory().child
    iro = UserFactory(roles=[Role.IRO])
    client.force_login(iro)
    # when
    client.post(
        reverse("meetings:panel-referral-create", kwargs={"pk": child.pk}),
        {"panel": "rapid_review", "referred_on": "2026-05-02", "reason": "Injury"},
    )
    referral = PanelReferral.objects.get()
    response = client.post(
        reverse("meetings:panel-referral-outcome", kwargs={"pk": referral.pk}),
        {"outcome": "CSPR commissioned", "outcome_on": "2026-05-20"},
    )
    # then
    referral.refresh_from_db()
    assert response.status_code == 302
    assert (referral.referred_by, referral.outcome) == (iro, "CSPR commissioned")
    listing = client.get(reverse("meetings:panel-referral-list")).content.decode()
    assert "CSPR commissioned" in listing


def test_panel_referral_for_a_child_out_of_scope_is_a_logged_404(client):
    outside = ChildFactory()
    client.force_login(UserFactory(roles=[Role.IRO]))
    response = client.get(
        reverse("meetings:panel-referral-create", kwargs={"pk": outside.pk})
    )
    assert response.status_code == 404
    assert AccessLog.objects.filter(
        action=AccessLog.Action.DENIED, object_id=str(outside.pk)
    ).exists()


def test_manager_tags_a_training_need_and_returns_to_the_themes(client):
    client.force_login(UserFactory(roles=[Role.MANAGER]))
    back = reverse("reporting:themes") + "?date_from=2026-01-01"
    response = client.post(
        reverse("meetings:training-theme-create"),
        {"tag": "Child's voice", "noted_on": "2026-05-01", "next": back},
    )
    assert response.url == back
    assert TrainingTheme.objects.get().tag == "Child's voice"


def test_training_need_redirect_never_leaves_the_site(client):
    client.force_login(UserFactory(roles=[Role.MANAGER]))
    response = client.post(
        reverse("meetings:training-theme-create"),
        {"tag": "Reports", "noted_on": "2026-05-01", "next": "https://evil.example/"},
    )
    assert response.url == reverse("reporting:themes")


def test_qa_meeting_links_a_practice_alert_the_recorder_can_see(client):
    # given: an alert the IRO raised, and a number that is not one
    alert = PracticeAlertFactory()
    client.force_login(alert.raised_by)
    url = reverse("meetings:qa-meeting-create")
    data = {"held_on": "2026-05-01", "concerns": "Alert not answered"}
    # when
    refused = client.post(url, {**data, "escalated_alert_id": alert.pk + 1000})
    saved = client.post(url, {**data, "escalated_alert_id": alert.pk})
    # then
    assert f"no practice alert number {alert.pk + 1000}" in refused.content.decode()
    qa = QAMeeting.objects.get()
    page = client.get(saved.url).content.decode()
    assert reverse("meetings:alert-detail", kwargs={"pk": alert.pk}) in page
    assert qa.escalated_alert_id == alert.pk
