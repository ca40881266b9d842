"""Child protection pages: status, redirects, role rules, audit, conflicts, budgets."""

import json
from datetime import date

import pytest
from django.urls import reverse

from accounts.models import AccessLog
from accounts.roles import Role
from cases.models import CPPlanEpisode
from meetings import services
from meetings.models import (
    ConferenceChild,
    ConferenceSending,
    Meeting,
    Minutes,
    StrategyDiscussion,
)
from tests.factories import (
    AllocationFactory,
    CareEpisodeFactory,
    ChildFactory,
    ParticipantFactory,
    UserFactory,
)
from tests.meetings.factories import (
    ConferenceFactory,
    MinutesFactory,
    MinutesSectionFactory,
    StrategyDiscussionFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def url(name, **kwargs):
    return reverse(f"meetings:{name}", kwargs=kwargs)


def logged_in(client, user):
    client.force_login(user)
    return client


@pytest.fixture
def chair():
    return UserFactory(roles=[Role.IRO])


@pytest.fixture
def taker():
    return UserFactory(roles=[Role.MINUTE_TAKER])


@pytest.fixture
def conference(chair, taker):
    meeting = ConferenceFactory(held=True, chair=chair, minute_taker=taker)
    CareEpisodeFactory(child=meeting.child)
    ParticipantFactory(
        meeting=meeting, name="Anna Reid", role="parent", attendance="attended"
    )
    ParticipantFactory(
        meeting=meeting, name="DC Jones", role="police", attendance="attended"
    )
    return meeting


# --- strategy discussions ---------------------------------------------------------------


def test_recording_a_strategy_discussion_owes_the_conference(client, chair):
    # given
    child = ChildFactory()
    AllocationFactory(child=child, worker=chair)
    sister = ChildFactory()
    AllocationFactory(child=sister, worker=chair)
    logged_in(client, chair)
    # when
    response = client.post(
        url("strategy-create", pk=child.pk),
        {
            "held_on": "2026-03-27",
            "chaired_by": "Jo Bloggs, team manager",
            "agencies_present": ["social_care", "police", "health"],
            "decision": "s47_joint",
            "reasons": "Bruising seen at school.",
            "other_children": sister.la_child_id.lower(),
        },
    )
    # then
    discussion = StrategyDiscussion.objects.get()
    assert response.status_code == 302
    assert response.url == discussion.get_absolute_url()
    conference = discussion.conference
    assert conference.due_on == date(2026, 4, 21)
    assert conference.cp_children.count() == 2
    page = client.get(response.url)
    assert "Tuesday 21 April 2026" in page.content.decode()
    assert "cp_icpc" in page.content.decode()  # the explanation of the date
    assert AccessLog.objects.filter(
        action="view", object_id=str(discussion.pk), user=chair
    ).exists()


def test_strategy_form_errors_keep_what_was_typed(client, chair):
    child = ChildFactory(created_by=chair)
    logged_in(client, chair)
    response = client.post(
        url("strategy-create", pk=child.pk),
        {
            "held_on": "2026-03-27",
            "chaired_by": "Jo Bloggs",
            "decision": "s47_joint",
            "reasons": "Bruising seen at school.",
            "other_children": "NOSUCH1",
        },
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "No child you can see has the LA child ID NOSUCH1" in body
    assert "Tick the agencies that took part" in body
    assert "Bruising seen at school." in body
    assert not StrategyDiscussion.objects.exists()


def test_minute_takers_cannot_open_a_childs_child_protection_page(client, taker):
    child = CareEpisodeFactory().child
    response = logged_in(client, taker).get(url("child-cp", pk=child.pk))
    assert response.status_code == 404


def test_child_page_explains_the_plans_due_dates(client, conference, chair):
    child = conference.child
    CPPlanEpisode.objects.create(
        child=child,
        started_on=date(2026, 8, 24),
        initial_category="NEG",
        latest_category="NEG",
    )
    body = logged_in(client, chair).get(url("child-cp", pk=child.pk)).content.decode()
    assert "First core group due by <strong>Tuesday 8 September 2026</strong>" in body
    assert "(Mon 31 Aug 2026)" in body  # the summer bank holiday, skipped
    assert "looked after and on a child protection plan" in body


# --- the conference page -------------------------------------------------------------------


def test_conference_page_is_audited_and_explains_its_clock(client, conference, chair):
    response = logged_in(client, chair).get(url("cp-meeting-detail", pk=conference.pk))
    body = response.content.decode()
    assert response.status_code == 200
    assert "Why this date?" in body and "cp_icpc" in body
    assert AccessLog.objects.filter(
        action="view", object_id=str(conference.pk), user=chair
    ).exists()


def test_meetings_of_a_conference_link_to_its_own_page(conference):
    assert conference.get_absolute_url() == url("cp-meeting-detail", pk=conference.pk)


def test_the_assigned_minute_taker_reaches_the_conference(client, conference, taker):
    response = logged_in(client, taker).get(url("cp-meeting-detail", pk=conference.pk))
    assert response.status_code == 200
    assert "Start the minutes" in response.content.decode()


def test_another_minute_taker_gets_a_logged_404(client, conference):
    other = UserFactory(roles=[Role.MINUTE_TAKER])
    response = logged_in(client, other).get(url("cp-meeting-detail", pk=conference.pk))
    assert response.status_code == 404
    assert AccessLog.objects.filter(
        action="denied", object_id=str(conference.pk), user=other
    ).exists()


def test_a_review_has_no_conference_page(client, chair):
    from tests.factories import MeetingFactory

    review = MeetingFactory(chair=chair)
    response = logged_in(client, chair).get(url("cp-meeting-detail", pk=review.pk))
    assert response.status_code == 404


def test_holding_the_conference_shows_the_meetings_now_owed(client, chair):
    # given
    conference = ConferenceFactory(
        chair=chair, due_start_on=date(2026, 8, 10), due_on=date(2026, 8, 31)
    )
    child = conference.child
    logged_in(client, chair)
    # when
    response = client.post(
        url("cp-hold", pk=conference.pk),
        {
            "held_on": "2026-08-24",
            f"outcome_{child.pk}": "plan",
            f"category_{child.pk}": "PHY",
            f"alternative_{child.pk}": "",
            f"dissent_{child.pk}": "",
        },
    )
    # then
    assert response.status_code == 302
    assert CPPlanEpisode.objects.get(child=child).started_on == date(2026, 8, 24)
    body = client.get(response.url).content.decode()
    assert "Core group meeting 1</a>: due by <strong>Tuesday 8 September 2026" in body
    assert (
        "Review child protection conference 1</a>: due by <strong>Tuesday 24 November 2026"
        in body
    )


def test_hold_form_error_names_the_child_and_keeps_the_input(client, chair):
    conference = ConferenceFactory(chair=chair)
    child = conference.child
    response = logged_in(client, chair).post(
        url("cp-hold", pk=conference.pk),
        {
            "held_on": "2026-04-20",
            f"outcome_{child.pk}": "plan",
            f"dissent_{child.pk}": "Police disagreed.",
        },
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "Choose the category of abuse." in body
    assert "Police disagreed." in body
    assert not CPPlanEpisode.objects.exists()


def test_report_not_shared_with_parents_in_time_is_flagged(client, chair):
    conference = ConferenceFactory(chair=chair)
    conference.expected_reports.create(kind="social_worker", author="Sam Green")
    body = logged_in(client, chair).get(url("cp-meeting-detail", pk=conference.pk))
    text = body.content.decode()
    # Booked for Monday 20 April 2026: 2 working days back is Thursday 16 April.
    assert "shared with the parents by <strong>Thursday 16 April 2026" in text
    assert "Not shared by the deadline" in text
    assert "cp_reports_to_parents" in text


def test_chair_records_an_exclusion(client, conference, chair):
    father = ParticipantFactory(meeting=conference, name="Mark Reid", role="parent")
    response = logged_in(client, chair).post(
        url("exclusion-create", pk=conference.pk),
        {
            "participant": father.pk,
            "part": "while the police shared intelligence",
            "reason": "Bail conditions.",
        },
    )
    assert response.status_code == 302
    body = client.get(response.url).content.decode()
    assert (
        "Excluded from while the police shared intelligence: Bail conditions." in body
    )


def test_arranging_another_meeting(client, chair):
    child = ChildFactory(created_by=chair)
    response = logged_in(client, chair).post(
        url("meeting-arrange", pk=child.pk),
        {
            "kind": "foster_carer_review",
            "scheduled_for": "2026-12-03T10:00",
            "venue": "Foster home",
        },
    )
    meeting = Meeting.objects.get(kind="foster_carer_review")
    assert response.url == meeting.get_absolute_url()
    body = client.get(response.url).content.decode()
    assert "No statutory or local timescale applies" in body


# --- minutes: editing, autosave and conflicts -------------------------------------------------


def _minutes(conference):
    minutes = MinutesFactory(meeting=conference)
    section = MinutesSectionFactory(minutes=minutes, text="First words.")
    return minutes, section


def _autosave(client, minutes, lock, section, text):
    return client.post(
        url("minutes-autosave", pk=minutes.meeting_id, minutes_pk=minutes.pk),
        data=json.dumps(
            {"lock_version": lock, "sections": {str(section.pk): {"text": text}}}
        ),
        content_type="application/json",
    )


def test_autosave_saves_and_returns_the_new_lock_version(client, conference, taker):
    minutes, section = _minutes(conference)
    response = _autosave(logged_in(client, taker), minutes, 0, section, "Saved text.")
    assert response.status_code == 200
    assert response.json()["lock_version"] == 1
    section.refresh_from_db()
    assert section.text == "Saved text."


def test_autosave_from_a_stale_version_is_refused_with_both_versions(
    client, conference, taker, chair
):
    # given: the chair saved since the minute-taker's page was read
    minutes, section = _minutes(conference)
    services.minutes_save(
        minutes=minutes,
        by=chair,
        expected_lock_version=0,
        sections={section.pk: {"text": "The chair's text."}},
    )
    # when
    response = _autosave(logged_in(client, taker), minutes, 0, section, "Mine.")
    # then
    body = response.json()
    assert response.status_code == 409
    assert body["conflict"] is True
    assert body["current"][str(section.pk)]["text"] == "The chair's text."
    assert body["saved_by"] == str(chair)
    assert body["lock_version"] == 1
    section.refresh_from_db()
    assert section.text == "The chair's text."


def test_autosave_rejects_a_malformed_request(client, conference, taker):
    minutes, _ = _minutes(conference)
    response = logged_in(client, taker).post(
        url("minutes-autosave", pk=conference.pk, minutes_pk=minutes.pk),
        data="not json",
        content_type="application/json",
    )
    assert response.status_code == 400


def test_autosave_answers_json_403_to_someone_who_may_not_edit(client, conference):
    minutes, section = _minutes(conference)
    reader = UserFactory(roles=[Role.IRO])
    response = _autosave(logged_in(client, reader), minutes, 0, section, "No.")
    assert response.status_code == 403
    assert "error" in response.json()


def test_autosave_after_the_session_ended_sends_to_sign_in(client, conference):
    minutes, section = _minutes(conference)
    response = _autosave(client, minutes, 0, section, "Lost?")
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


def test_minute_taker_cannot_edit_once_submitted(client, conference, taker):
    minutes, section = _minutes(conference)
    Minutes.objects.filter(pk=minutes.pk).update(status="submitted")
    response = _autosave(logged_in(client, taker), minutes, 0, section, "Late.")
    assert response.status_code == 403


def test_editor_post_from_a_stale_version_shows_both_and_keeps_mine(
    client, conference, taker, chair
):
    # given
    minutes, section = _minutes(conference)
    services.minutes_save(
        minutes=minutes,
        by=chair,
        expected_lock_version=0,
        sections={section.pk: {"text": "The chair's text."}},
    )
    # when
    response = logged_in(client, taker).post(
        url("minutes-edit", pk=conference.pk, minutes_pk=minutes.pk),
        {
            "lock_version": "0",
            f"text_{section.pk}": "The minute-taker's text.",
            f"restricted_{section.pk}": "",
        },
    )
    # then
    body = response.content.decode()
    assert response.status_code == 409
    assert "The chair&#x27;s text." in body
    assert "The minute-taker&#x27;s text." in body
    assert 'name="lock_version" value="1"' in body
    section.refresh_from_db()
    assert section.text == "The chair's text."


def test_editor_page_loads_the_autosave_script_without_inline_javascript(
    client, conference, taker
):
    minutes, _ = _minutes(conference)
    body = (
        logged_in(client, taker)
        .get(url("minutes-edit", pk=conference.pk, minutes_pk=minutes.pk))
        .content.decode()
    )
    assert '<script src="/static/js/cp_minutes.js" defer></script>' in body
    assert "<script>" not in body
    assert 'data-autosave-url="' in body


def test_minutes_flow_through_the_pages(client, conference, taker, chair):
    # given: the minute-taker starts, writes and submits
    logged_in(client, taker)
    response = client.post(url("minutes-start", pk=conference.pk))
    minutes = Minutes.objects.get(meeting=conference)
    assert response.url == url("minutes-edit", pk=conference.pk, minutes_pk=minutes.pk)
    decision = minutes.sections.get(heading="Decision and reasons")
    _autosave(client, minutes, 0, decision, "A plan is needed.")
    client.post(url("minutes-submit", pk=conference.pk, minutes_pk=minutes.pk))
    # when: the chair approves and sends
    logged_in(client, chair)
    response = client.post(
        url("minutes-approve", pk=conference.pk, minutes_pk=minutes.pk),
        {"confirm": "on"},
    )
    assert response.status_code == 302
    minutes.refresh_from_db()
    assert minutes.status == "approved"
    people = list(conference.participants.all())
    response = client.post(
        url("minutes-distribute", pk=conference.pk),
        {
            "send_to": [str(p.pk) for p in people],
            "other_channel": "email",
            "other_audience": "family",
        },
    )
    # then
    assert response.status_code == 302, response.context["form"].errors
    assert response.url == url("cp-ledger", pk=conference.pk)
    audiences = dict(
        ConferenceSending.objects.values_list("participant__role", "audience")
    )
    assert audiences == {"parent": "family", "police": "full"}


def test_family_copy_preview_hides_restricted_details(client, conference, chair):
    minutes, section = _minutes(conference)
    mother = conference.participants.get(role="parent")
    section.restricted_text = "Secret address."
    section.save()
    section.present.set([mother])
    logged_in(client, chair)
    full = client.get(url("minutes-detail", pk=conference.pk, minutes_pk=minutes.pk))
    family = client.get(
        url("minutes-detail", pk=conference.pk, minutes_pk=minutes.pk)
        + f"?for={mother.pk}"
    )
    assert "Secret address." in full.content.decode()
    assert "Secret address." not in family.content.decode()
    assert "First words." in family.content.decode()


def test_sending_pdf_downloads_by_role(client, conference, taker):
    sending = ConferenceSending.objects.create(
        meeting=conference,
        document="outline_plan",
        audience="full",
        recipient_name="DC Jones",
        recipient_email="dc@example.org",
        recipient_key="dc@example.org",
    )
    services.cp_sending_send(sending_id=sending.pk)
    link = url("cp-sending-pdf", pk=conference.pk, cp_sending_pk=sending.pk)
    manager = UserFactory(roles=[Role.MANAGER])
    assert logged_in(client, manager).get(link).status_code == 200
    assert logged_in(client, taker).get(link).status_code == 403
    assert AccessLog.objects.filter(action="export", user=manager).exists()


# --- lists and their query budgets -----------------------------------------------------


def _cp_caseload(chair, n):
    for _ in range(n):
        meeting = ConferenceFactory(chair=chair)
        CareEpisodeFactory(child=meeting.child)
        ConferenceChild.objects.create(meeting=meeting, child=ChildFactory())
        held = ConferenceFactory(held=True, chair=chair, minute_taker=None)
        MinutesFactory(meeting=held)


@pytest.mark.parametrize("n", [1, 6])
def test_cp_list_query_budget(client, chair, django_assert_max_num_queries, n):
    _cp_caseload(chair, n)
    logged_in(client, chair)
    with django_assert_max_num_queries(16):
        response = client.get(url("cp-list"))
    assert response.status_code == 200
    assert len(response.context["meetings"]) == n


@pytest.mark.parametrize("n", [1, 6])
def test_minutes_list_query_budget(client, chair, django_assert_max_num_queries, n):
    _cp_caseload(chair, n)
    logged_in(client, chair)
    with django_assert_max_num_queries(15):
        response = client.get(url("minutes-list"))
    assert response.status_code == 200
    assert len(response.context["meetings"]) == 2 * n


@pytest.mark.parametrize("n", [1, 6])
def test_child_cp_page_query_budget(client, chair, django_assert_max_num_queries, n):
    child = CareEpisodeFactory().child
    for _ in range(n):
        ConferenceFactory(chair=chair, children=[child])
        StrategyDiscussionFactory(child=child)
    logged_in(client, chair)
    with django_assert_max_num_queries(24):
        response = client.get(url("child-cp", pk=child.pk))
    assert response.status_code == 200
    assert len(response.context["cp"].cp_meetings) == n


def test_minute_taker_sees_only_assigned_minutes(client, conference, taker):
    ConferenceFactory(held=True, minute_taker=UserFactory(roles=[Role.MINUTE_TAKER]))
    response = logged_in(client, taker).get(url("minutes-list"))
    assert [m.pk for m in response.context["meetings"]] == [conference.pk]


def test_every_page_is_audited(client, conference):
    """Each page of the area writes an access-log entry for the user who opened it."""
    # given
    manager = UserFactory(roles=[Role.MANAGER])
    minutes, _ = _minutes(conference)
    Minutes.objects.filter(pk=minutes.pk).update(status="submitted")
    discussion = StrategyDiscussionFactory(child=conference.child)
    child = conference.child.pk
    pages = [
        url("cp-list"),
        url("minutes-list"),
        url("child-cp", pk=child),
        url("strategy-create", pk=child),
        url("transfer-in-create", pk=child),
        url("meeting-arrange", pk=child),
        url("strategy-detail", pk=discussion.pk),
        url("cp-meeting-detail", pk=conference.pk),
        url("cp-book", pk=conference.pk),
        url("cp-minute-taker", pk=conference.pk),
        url("cp-close", pk=conference.pk),
        url("cp-report-request", pk=conference.pk),
        url("outline-plan-send", pk=conference.pk),
        url("cp-ledger", pk=conference.pk),
        url("minutes-distribute", pk=conference.pk),
        url("minutes-detail", pk=conference.pk, minutes_pk=minutes.pk),
        url("minutes-approve", pk=conference.pk, minutes_pk=minutes.pk),
        url("minutes-return", pk=conference.pk, minutes_pk=minutes.pk),
    ]
    logged_in(client, manager)
    for page in pages:
        # when
        before = AccessLog.objects.filter(user=manager).count()
        response = client.get(page)
        # then
        assert response.status_code == 200, page
        assert AccessLog.objects.filter(user=manager).count() == before + 1, page


def test_minute_taker_sees_attendees_but_not_reports_or_history(
    client, conference, taker
):
    conference.expected_reports.create(kind="social_worker", author="Sam Green")
    body = (
        logged_in(client, taker)
        .get(url("cp-meeting-detail", pk=conference.pk))
        .content.decode()
    )
    assert "Anna Reid" in body
    assert "Reports before the meeting" not in body
    assert 'id="log-heading"' not in body


def test_review_conference_form_starts_from_the_current_category(client, chair):
    # given
    conference = ConferenceFactory(
        chair=chair, due_start_on=date(2026, 8, 10), due_on=date(2026, 8, 31)
    )
    services.conference_hold(
        meeting=conference,
        held_by=chair,
        held_on=date(2026, 8, 24),
        outcomes={conference.child.pk: {"outcome": "plan", "category": "EMO"}},
    )
    review = conference.followed_by.get(kind="rcpc")
    # when
    response = logged_in(client, chair).get(url("cp-hold", pk=review.pk))
    # then
    field = response.context["form"][f"category_{conference.child.pk}"]
    assert field.value() == "EMO"


def test_ledger_query_budget(client, conference, chair, django_assert_max_num_queries):
    for n in range(5):
        ConferenceSending.objects.create(
            meeting=conference,
            document="outline_plan",
            audience="full",
            recipient_name=f"Person {n}",
            recipient_key=f"p{n}@example.org",
            participant=conference.participants.first(),
        )
    logged_in(client, chair)
    with django_assert_max_num_queries(22):
        response = client.get(url("cp-ledger", pk=conference.pk))
    assert len(response.context["rows"]) == 5
