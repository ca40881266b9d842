"""Practice alert and good practice pages: forms, scope, audit and query budgets."""

from datetime import date

import pytest
from django.urls import reverse

from accounts.models import AccessLog
from accounts.roles import Role
from meetings import services
from meetings.models import GoodPractice, PracticeAlert
from tests.factories import (
    AllocationFactory,
    CareEpisodeFactory,
    GoodPracticeFactory,
    MeetingFactory,
    PracticeAlertFactory,
    TeamFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def setting():
    """A child in care in the IRO's scope, whose social work team has a manager."""
    child = CareEpisodeFactory().child
    team_manager = UserFactory(roles=[Role.MANAGER], first_name="Tina")
    team = TeamFactory(name="Children in Care Team South", manager=team_manager)
    AllocationFactory(
        child=child, role="social_worker", worker=None, worker_name="Sam", team=team
    )
    return {"child": child, "team_manager": team_manager, "team": team}


def _alert(setting, iro, **kwargs):
    return services.practice_alert_raise(
        child=setting["child"],
        raised_by=iro,
        category="plan_not_progressed",
        concern="The care plan has not changed in a year.",
        asked="Review the plan with the child.",
        addressed_to=setting["team_manager"],
        **kwargs,
    )


def test_child_oversight_offers_alert_and_good_practice(iro_client, setting):
    response = iro_client.get(
        reverse("meetings:child-oversight", kwargs={"pk": setting["child"].pk})
    )
    assert (
        reverse("meetings:alert-create", kwargs={"pk": setting["child"].pk})
        in response.content.decode()
    )
    assert "Record good practice" in response.content.decode()


def test_alert_create_proposes_the_team_manager_and_the_meeting(iro_client, setting):
    meeting = MeetingFactory(period_start=setting["child"].care_episodes.get())
    url = reverse("meetings:alert-create", kwargs={"pk": setting["child"].pk})
    response = iro_client.get(f"{url}?meeting={meeting.pk}")
    form = response.context["form"]
    assert form.initial["addressed_to"] == setting["team_manager"]
    assert form.initial["meeting"] == meeting


def test_alert_create_raises_and_shows_the_alert(iro_client, iro, setting):
    # when
    response = iro_client.post(
        reverse("meetings:alert-create", kwargs={"pk": setting["child"].pk}),
        {
            "category": "child_not_seen",
            "concern": "The child has not been seen alone since March.",
            "asked": "See the child alone this week.",
            "addressed_to": setting["team_manager"].pk,
            "raised_on": "2026-05-01",
        },
    )
    # then
    alert = PracticeAlert.objects.get()
    assert response.status_code == 302
    assert response.url == alert.get_absolute_url()
    assert (alert.raised_by, alert.due_on) == (iro, date(2026, 5, 11))


def test_alert_create_keeps_what_was_typed_on_error(iro_client, setting):
    response = iro_client.post(
        reverse("meetings:alert-create", kwargs={"pk": setting["child"].pk}),
        {
            "category": "child_not_seen",
            "concern": "Typed with care.",
            "asked": "",
            "addressed_to": "",
            "raised_on": "2026-05-01",
        },
    )
    assert response.status_code == 200
    assert "Typed with care." in response.content.decode()
    assert "Nothing you typed has been lost" in response.content.decode()
    assert not PracticeAlert.objects.exists()


def test_alert_create_refuses_a_future_date(iro_client, setting):
    response = iro_client.post(
        reverse("meetings:alert-create", kwargs={"pk": setting["child"].pk}),
        {
            "category": "other",
            "concern": "x",
            "asked": "y",
            "addressed_to": setting["team_manager"].pk,
            "raised_on": "2099-01-01",
        },
    )
    assert response.status_code == 200
    assert "cannot be in the future" in response.content.decode()


def test_alert_detail_explains_the_due_date_and_is_logged(client, iro, setting):
    # given
    alert = _alert(setting, iro, raised_on=date(2026, 5, 1))
    client.force_login(setting["team_manager"])
    # when
    response = client.get(alert.get_absolute_url())
    # then
    content = response.content.decode()
    assert response.status_code == 200
    assert "practice_alert_response" in content
    assert "Mon 4 May 2026" in content  # the bank holiday skipped
    assert AccessLog.objects.filter(
        action=AccessLog.Action.VIEW,
        user=setting["team_manager"],
        object_id=str(alert.pk),
    ).exists()


def test_alert_detail_is_a_logged_404_for_someone_not_involved(client, iro, setting):
    alert = _alert(setting, iro)
    outsider = UserFactory(roles=[Role.IRO])
    client.force_login(outsider)
    response = client.get(alert.get_absolute_url())
    assert response.status_code == 404
    assert AccessLog.objects.filter(
        action=AccessLog.Action.DENIED, user=outsider, object_id=str(alert.pk)
    ).exists()


def test_addressee_responds_once(client, iro, setting):
    # given
    alert = _alert(setting, iro, raised_on=date(2026, 5, 1))
    client.force_login(setting["team_manager"])
    url = reverse("meetings:alert-respond", kwargs={"pk": alert.pk})
    # when
    response = client.post(
        url,
        {
            "response": "Plan reviewed.",
            "action_agreed": "New plan by June.",
            "responded_on": "2026-05-12",
        },
    )
    # then
    alert.refresh_from_db()
    assert response.status_code == 302
    assert (alert.status, alert.is_responded_late) == ("responded", True)
    assert client.get(url).status_code == 403


def test_raiser_may_not_respond_to_their_own_alert(iro_client, iro, setting):
    alert = _alert(setting, iro)
    response = iro_client.get(
        reverse("meetings:alert-respond", kwargs={"pk": alert.pk})
    )
    assert response.status_code == 403


def test_chase_now_adds_a_chase(iro_client, iro, setting):
    alert = _alert(setting, iro, raised_on=date(2026, 5, 1))
    response = iro_client.post(reverse("meetings:alert-chase", kwargs={"pk": alert.pk}))
    assert response.status_code == 302
    assert alert.entries.filter(kind="chased", by=iro).exists()


def test_escalate_opens_the_dispute_showing_where_it_came_from(
    iro_client, iro, setting
):
    # given
    alert = _alert(setting, iro, raised_on=date(2026, 5, 1))
    # when
    response = iro_client.post(
        reverse("meetings:alert-escalate", kwargs={"pk": alert.pk}),
        {"stage": "stage_1"},
        follow=True,
    )
    # then
    alert.refresh_from_db()
    content = response.content.decode()
    assert response.redirect_chain[-1][0] == alert.dispute.get_absolute_url()
    assert "Escalated from a" in content
    assert alert.get_absolute_url() in content
    assert "Review the plan with the child." in content


def test_comment_is_added_after_a_response(client, iro, setting):
    alert = _alert(setting, iro, raised_on=date(2026, 5, 1))
    services.practice_alert_respond(
        alert=alert,
        responded_by=setting["team_manager"],
        responded_on=date(2026, 5, 5),
        response="Done.",
        action_agreed="Plan updated.",
    )
    client.force_login(iro)
    response = client.post(
        reverse("meetings:alert-comment", kwargs={"pk": alert.pk}),
        {"text": "Thank you."},
    )
    assert response.status_code == 302
    assert alert.entries.filter(kind="comment", text="Thank you.").exists()


def test_alert_list_filters_and_keeps_a_query_budget(
    manager_client, django_assert_max_num_queries
):
    # given
    for _ in range(3):
        PracticeAlertFactory()
    url = reverse("meetings:alert-list")
    with django_assert_max_num_queries(12) as few:
        manager_client.get(url)
    for _ in range(20):
        PracticeAlertFactory(category="child_not_seen")
    # when
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = manager_client.get(url)
    filtered = manager_client.get(url, {"category": "child_not_seen"})
    # then
    assert len(response.context["alerts"]) == 23
    assert len(filtered.context["alerts"]) == 20


def test_alert_list_shows_an_iro_only_their_alerts(iro_client, iro, setting):
    mine = _alert(setting, iro)
    PracticeAlertFactory()
    response = iro_client.get(reverse("meetings:alert-list"))
    assert list(response.context["alerts"]) == [mine]


def test_good_practice_create_and_list(iro_client, iro, setting):
    # when
    response = iro_client.post(
        reverse("meetings:good-practice-create", kwargs={"pk": setting["child"].pk}),
        {
            "what": "Brought the child's own slides to the review.",
            "worker_name": "Sam Social Worker",
            "team": setting["team"].pk,
            "recorded_on": "2026-05-02",
        },
    )
    # then
    record = GoodPractice.objects.get()
    assert response.status_code == 302
    assert (record.recorded_by, record.child) == (iro, setting["child"])
    listing = iro_client.get(reverse("meetings:good-practice-list"))
    assert "Brought the child&#x27;s own slides" in listing.content.decode()


def test_good_practice_create_needs_someone_to_credit(iro_client, setting):
    response = iro_client.post(
        reverse("meetings:good-practice-create", kwargs={"pk": setting["child"].pk}),
        {"what": "Great work.", "recorded_on": "2026-05-02"},
    )
    assert response.status_code == 200
    assert "Choose the worker" in response.content.decode()
    assert "Great work." in response.content.decode()


def test_good_practice_list_keeps_a_query_budget(
    manager_client, django_assert_max_num_queries
):
    # given
    GoodPracticeFactory()
    url = reverse("meetings:good-practice-list")
    with django_assert_max_num_queries(12) as few:
        manager_client.get(url)
    for _ in range(15):
        GoodPracticeFactory()
    # when
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = manager_client.get(url)
    # then
    assert len(response.context["records"]) == 16


def test_good_practice_list_shows_a_worker_only_their_own(client, setting):
    worker = UserFactory(roles=[Role.IRO])
    GoodPracticeFactory(worker=worker, what="Thorough chronology.")
    GoodPracticeFactory(what="Someone else's work.")
    client.force_login(worker)
    content = client.get(reverse("meetings:good-practice-list")).content.decode()
    assert "Thorough chronology." in content
    assert "Someone else" not in content


def test_meeting_page_offers_an_alert_about_the_meeting(iro_client, setting):
    meeting = MeetingFactory(period_start=setting["child"].care_episodes.get())
    content = iro_client.get(meeting.get_absolute_url()).content.decode()
    url = reverse("meetings:alert-create", kwargs={"pk": setting["child"].pk})
    assert f"{url}?meeting={meeting.pk}" in content
