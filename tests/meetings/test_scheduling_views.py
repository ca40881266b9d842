from datetime import date

import pytest
from django.urls import reverse

from accounts.models import AccessLog
from accounts.roles import Role
from cases import services as case_services
from meetings.models import Action, ConsultationResponse, Meeting
from tests.factories import (
    AllocationFactory,
    ChildFactory,
    MeetingFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def child_in_care(manager):
    child = ChildFactory(date_of_birth=date(2015, 6, 1))
    case_services.care_episode_start(
        child=child,
        started_by=manager,
        started_on=date(2026, 3, 2),
        reason_new_episode="S",
        legal_status="C1",
        placement_type="U6",
    )
    return child


def test_booking_a_review_inside_the_timescale(manager_client, child_in_care):
    # given
    iro = UserFactory(roles=[Role.IRO])
    url = reverse("meetings:review-book", kwargs={"pk": child_in_care.pk})
    # when
    response = manager_client.post(
        url,
        {"scheduled_for": "2026-03-27T10:00", "venue": "Home", "chair": iro.pk},
        follow=True,
    )
    # then
    meeting = Meeting.objects.get(child=child_in_care)
    assert response.redirect_chain[-1][0] == meeting.get_absolute_url()
    assert "inside the statutory timescale" in response.content.decode()
    assert meeting.chair == iro


def test_booking_after_the_due_date_warns(manager_client, child_in_care):
    url = reverse("meetings:review-book", kwargs={"pk": child_in_care.pk})
    response = manager_client.post(
        url, {"scheduled_for": "2026-04-02T10:00", "venue": "Home"}, follow=True
    )
    assert "AFTER its due date (30/03/2026)" in response.content.decode()


def test_booking_form_errors_keep_what_was_typed(manager_client, child_in_care):
    url = reverse("meetings:review-book", kwargs={"pk": child_in_care.pk})
    response = manager_client.post(
        url,
        {
            "scheduled_for": "2026-03-27T10:00",
            "venue": "",
            "online_details": "Teams link 123",
            "is_early": "on",
        },
    )
    content = response.content.decode()
    assert "Give a venue, or tick online meeting." in content
    assert "Say why the review is early." in content
    assert "Teams link 123" in content
    assert not Meeting.objects.exists()


def test_booking_page_explains_the_due_date(manager_client, child_in_care):
    response = manager_client.get(
        reverse("meetings:review-book", kwargs={"pk": child_in_care.pk})
    )
    content = response.content.decode()
    assert "Monday 30 March 2026" in content and "cic_review_1" in content


def test_chair_records_the_review_and_the_next_is_owed(client, child_in_care):
    # given
    meeting = MeetingFactory(
        period_start=child_in_care.care_episodes.get(), child=child_in_care
    )
    client.force_login(meeting.chair)
    # when
    response = client.post(
        reverse("meetings:meeting-hold", kwargs={"pk": meeting.pk}),
        {
            "held_on": "2026-03-27",
            "participation_code": "PN1",
            "child_seen_by_chair": "true",
            "advocate_offered": "unknown",
            "interpreter_used": "false",
            "care_plan_view": "endorsed",
        },
    )
    # then
    meeting.refresh_from_db()
    assert response.status_code == 302
    assert meeting.status == "held" and meeting.child_seen_by_chair is True
    assert Meeting.objects.get(child=child_in_care, sequence=2).due_on == date(
        2026, 6, 27
    )


def test_hold_with_wrong_participation_code_is_a_clear_error(client, child_in_care):
    meeting = MeetingFactory(
        period_start=child_in_care.care_episodes.get(), child=child_in_care
    )
    client.force_login(meeting.chair)
    response = client.post(
        reverse("meetings:meeting-hold", kwargs={"pk": meeting.pk}),
        {
            "held_on": "2026-03-27",
            "participation_code": "PN0",
            "child_seen_by_chair": "unknown",
            "advocate_offered": "unknown",
            "interpreter_used": "unknown",
        },
    )
    assert "PN0 is only for a child under 4" in response.content.decode()
    meeting.refresh_from_db()
    assert meeting.status == "scheduled"


def test_other_iro_can_read_but_not_record(client, child_in_care):
    meeting = MeetingFactory(
        period_start=child_in_care.care_episodes.get(), child=child_in_care
    )
    client.force_login(UserFactory(roles=[Role.IRO]))
    assert client.get(meeting.get_absolute_url()).status_code == 200
    assert (
        client.get(
            reverse("meetings:meeting-hold", kwargs={"pk": meeting.pk})
        ).status_code
        == 403
    )


def test_minute_taker_sees_only_assigned_meetings(client, minute_taker, child_in_care):
    assigned = MeetingFactory(
        period_start=child_in_care.care_episodes.get(),
        child=child_in_care,
        minute_taker=minute_taker,
    )
    other = MeetingFactory(held=True)
    client.force_login(minute_taker)
    assert client.get(assigned.get_absolute_url()).status_code == 200
    assert client.get(other.get_absolute_url()).status_code == 404
    assert AccessLog.objects.filter(action="denied", object_id=str(other.pk)).exists()


def test_consultation_records_the_childs_own_words(manager_client, child_in_care):
    meeting = MeetingFactory(
        period_start=child_in_care.care_episodes.get(), child=child_in_care
    )
    manager_client.post(
        reverse("meetings:consultation-create", kwargs={"pk": meeting.pk}),
        {
            "from_role": "child",
            "name": "Amy",
            "views": "I want to see my nan more.",
            "how_child_takes_part": "meet_iro",
            "received_on": "2026-03-20",
            "interpreter_language": "",
        },
    )
    response = manager_client.get(meeting.get_absolute_url())
    assert ConsultationResponse.objects.get().views == "I want to see my nan more."
    assert "I want to see my nan more." in response.content.decode()


def test_chair_records_a_decision_and_checklist(client, child_in_care):
    meeting = MeetingFactory(
        period_start=child_in_care.care_episodes.get(), child=child_in_care
    )
    client.force_login(meeting.chair)
    client.post(
        reverse("meetings:action-create", kwargs={"pk": meeting.pk}),
        {
            "text": "Book the dentist",
            "owner_name": "Carer",
            "owner_role": "carer",
            "due_on": "2026-04-30",
        },
    )

    item = meeting.checklist.create(topic="health")
    client.post(
        reverse("meetings:checklist-update", kwargs={"pk": meeting.pk}),
        {f"considered_{item.pk}": "on", f"notes_{item.pk}": "Assessment due in May"},
    )
    item.refresh_from_db()
    assert Action.objects.get().owner_name == "Carer"
    assert item.considered and item.notes == "Assessment due in May"


def test_meeting_list_and_caseload_have_fixed_query_counts(
    client, iro, django_assert_max_num_queries
):
    for _ in range(12):
        meeting = MeetingFactory(chair=iro)
        AllocationFactory(child=meeting.child, worker=iro)
    client.force_login(iro)
    with django_assert_max_num_queries(14):
        listing = client.get(reverse("meetings:meeting-list"), {"mine": "1"})
    with django_assert_max_num_queries(14):
        caseload = client.get(reverse("meetings:caseload"))
    assert len(listing.context["meetings"]) == 12
    assert len(caseload.context["children"]) == 12


def test_child_meetings_tab_has_a_fixed_query_count(
    manager_client, child_in_care, django_assert_max_num_queries
):
    for sequence in range(1, 6):
        MeetingFactory(
            period_start=child_in_care.care_episodes.get(),
            child=child_in_care,
            sequence=sequence,
            held=True,
        )
    with django_assert_max_num_queries(25):
        response = manager_client.get(
            reverse("meetings:child-meetings", kwargs={"pk": child_in_care.pk})
        )
    assert len(response.context["meetings"]) == 5
