"""Optimistic locking of every long edit form: a stale save shows both texts and
changes nothing; saving again from the conflict screen replaces knowingly."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from urllib.parse import unquote

import pytest
from django.forms import CheckboxInput
from django.urls import reverse

from accounts.roles import Role
from cases import codes
from cases.concurrency import SAVED_COOKIE, VERSION_FIELD, record_version
from reg44 import services as reg44_services
from tests.factories import (
    ActionFactory,
    CareEpisodeFactory,
    CPPlanFactory,
    KeyPersonFactory,
    MeetingFactory,
    ParticipantFactory,
    UserFactory,
)
from tests.lado.factories import AllegationFactory, AllegationMeetingFactory
from tests.reg44.builders import home_with_visitor, recorded_visit

pytestmark = pytest.mark.django_db


def _form_data(form) -> dict:
    """Return what a browser would post for `form` as rendered."""
    data = {}
    for name in form.fields:
        bound = form[name]
        widget = bound.field.widget
        value = bound.value()
        if isinstance(widget, CheckboxInput):
            if value:
                data[name] = "on"
            continue
        formatted = widget.format_value(value)
        if getattr(widget, "allow_multiple_selected", False):
            data[name] = [str(v) for v in formatted or []]
        elif isinstance(formatted, list):
            data[name] = formatted[0] if formatted else ""
        else:
            data[name] = "" if formatted is None else str(formatted)
    return data


@dataclass
class Case:
    """One edit form: how to reach it, and which field two people change."""

    build: Callable  # -> (user, url, record)
    field: str
    theirs: object
    yours: str
    theirs_text: str
    yours_text: str


def _child_case():
    child = CareEpisodeFactory().child
    url = reverse("cases:child-update", kwargs={"pk": child.pk})
    return UserFactory(roles=[Role.IRO]), url, child


def _episode_case():
    episode = CareEpisodeFactory()
    url = reverse(
        "cases:episode-update",
        kwargs={"pk": episode.child_id, "episode_pk": episode.pk},
    )
    return UserFactory(roles=[Role.IRO]), url, episode


def _plan_case():
    plan = CPPlanFactory()
    url = reverse("cases:plan-update", kwargs={"pk": plan.child_id, "plan_pk": plan.pk})
    return UserFactory(roles=[Role.IRO]), url, plan


def _person_case():
    person = KeyPersonFactory(child=CareEpisodeFactory().child)
    url = reverse(
        "cases:person-update", kwargs={"pk": person.child_id, "person_pk": person.pk}
    )
    return UserFactory(roles=[Role.IRO]), url, person


def _participant_case():
    meeting = MeetingFactory()
    person = ParticipantFactory(meeting=meeting)
    url = reverse(
        "meetings:participant-update",
        kwargs={"pk": meeting.pk, "participant_pk": person.pk},
    )
    return meeting.chair, url, person


def _expected_report_case():
    meeting = MeetingFactory()
    report = meeting.expected_reports.create(kind="care_plan", author="Social worker")
    url = reverse(
        "meetings:expected-report-update",
        kwargs={"pk": meeting.pk, "expected_pk": report.pk},
    )
    return meeting.chair, url, report


def _action_case():
    meeting = MeetingFactory(held=True)
    action = ActionFactory(meeting=meeting)
    url = reverse(
        "meetings:action-update",
        kwargs={"pk": meeting.pk, "action_pk": action.pk},
    )
    return meeting.chair, url, action


def _allegation_case():
    allegation = AllegationFactory()
    url = reverse("lado:allegation-update", kwargs={"pk": allegation.pk})
    return allegation.lado_officer, url, allegation


def _lado_meeting_case():
    meeting = AllegationMeetingFactory()
    url = reverse(
        "lado:meeting-update",
        kwargs={"pk": meeting.allegation_id, "lado_meeting_pk": meeting.pk},
    )
    return meeting.allegation.lado_officer, url, meeting


def _visit_case():
    home, visitor = home_with_visitor()
    visit = recorded_visit(home=home, visitor=visitor)
    return visitor, reverse("reg44:visit-update", kwargs={"pk": visit.pk}), visit


def _recommendation_case():
    home, visitor = home_with_visitor()
    visit = recorded_visit(home=home, visitor=visitor)
    recommendation = reg44_services.recommendation_add(
        visit=visit,
        by=visitor,
        text="Review the night staffing rota.",
        consider_by=date(2027, 1, 31),
    )
    url = reverse(
        "reg44:recommendation-update",
        kwargs={"pk": visit.pk, "reg44_recommendation_pk": recommendation.pk},
    )
    return visitor, url, recommendation


_CATEGORY = dict(codes.CategoryOfAbuse.choices)

CASES = {
    "child": Case(_child_case, "preferred_name", "Jojo", "Jo-Anne", "Jojo", "Jo-Anne"),
    "care-episode": Case(
        _episode_case, "placement_postcode", "LS1 4AP", "M1 1AE", "LS1 4AP", "M1 1AE"
    ),
    "cp-plan": Case(
        _plan_case,
        "latest_category",
        "PHY",
        "SAB",
        _CATEGORY["PHY"],
        _CATEGORY["SAB"],
    ),
    "key-person": Case(
        _person_case,
        "notes",
        "Prefers calls after 4pm.",
        "Prefers email; works nights.",
        "Prefers calls after 4pm.",
        "Prefers email; works nights.",
    ),
    "participant": Case(
        _participant_case,
        "organisation",
        "Northshire Fostering",
        "Brightways Fostering",
        "Northshire Fostering",
        "Brightways Fostering",
    ),
    "expected-report": Case(
        _expected_report_case,
        "author",
        "Sam (social worker)",
        "Alex (team manager)",
        "Sam (social worker)",
        "Alex (team manager)",
    ),
    "review-decision": Case(
        _action_case,
        "text",
        "Contact with mother stays weekly.",
        "Contact with mother moves to fortnightly.",
        "Contact with mother stays weekly.",
        "Contact with mother moves to fortnightly.",
    ),
    "lado-referral": Case(
        _allegation_case,
        "details",
        "The pupil later said the adult held her wrist.",
        "Two pupils saw the adult grab her arm.",
        "The pupil later said the adult held her wrist.",
        "Two pupils saw the adult grab her arm.",
    ),
    "lado-minutes": Case(
        _lado_meeting_case,
        "discussion",
        "Police have opened an investigation.",
        "The school has suspended the adult.",
        "Police have opened an investigation.",
        "The school has suspended the adult.",
    ),
    "reg44-visit": Case(
        _visit_case,
        "findings",
        "Fire doors were wedged open.",
        "Staffing was below the statement of purpose.",
        "Fire doors were wedged open.",
        "Staffing was below the statement of purpose.",
    ),
    "reg44-recommendation": Case(
        _recommendation_case,
        "text",
        "Repair the fire doors.",
        "Recruit two night staff.",
        "Repair the fire doors.",
        "Recruit two night staff.",
    ),
}


@pytest.mark.parametrize("case", list(CASES.values()), ids=list(CASES))
def test_stale_save_shows_both_texts_and_changes_nothing(client, case):
    # given: the form is opened, then someone else saves the record
    user, url, record = case.build()
    client.force_login(user)
    page = client.get(url)
    assert page.status_code == 200
    data = _form_data(page.context["form"])
    assert data[VERSION_FIELD] == record_version(record)
    data[case.field] = case.yours
    theirs = type(record).objects.get(pk=record.pk)
    setattr(theirs, case.field, case.theirs)
    theirs.save()
    history_rows = theirs.history.count()
    # when
    response = client.post(url, data)
    # then
    assert response.status_code == 409
    body = response.content.decode()
    assert case.theirs_text in body
    assert case.yours_text in body
    theirs.refresh_from_db()
    assert getattr(theirs, case.field) == case.theirs
    assert theirs.history.count() == history_rows


@pytest.mark.parametrize("case", list(CASES.values()), ids=list(CASES))
def test_saving_from_the_conflict_screen_replaces_knowingly(client, case):
    # given
    user, url, record = case.build()
    client.force_login(user)
    data = _form_data(client.get(url).context["form"])
    data[case.field] = case.yours
    theirs = type(record).objects.get(pk=record.pk)
    setattr(theirs, case.field, case.theirs)
    theirs.save()
    conflict = client.post(url, data)
    retry = _form_data(conflict.context["form"])
    # when
    response = client.post(url, retry)
    # then
    assert retry[case.field] == case.yours
    assert response.status_code == 302
    theirs.refresh_from_db()
    assert getattr(theirs, case.field) == case.yours


def test_a_save_without_interference_saves_and_names_the_kept_copy(client):
    # given
    user, url, child = _child_case()
    client.force_login(user)
    data = _form_data(client.get(url).context["form"])
    version = data[VERSION_FIELD]
    data["preferred_name"] = "Mimi"
    # when
    response = client.post(url, data)
    # then
    assert response.status_code == 302
    child.refresh_from_db()
    assert child.preferred_name == "Mimi"
    assert unquote(response.cookies[SAVED_COOKIE].value) == f"{user.pk}:{url}:{version}"


def test_form_carries_the_autosave_key_of_user_page_and_version(client):
    user, url, child = _child_case()
    client.force_login(user)
    body = client.get(url).content.decode()
    key = f"{user.pk}:{url}:{record_version(child)}"
    assert f'data-autosave-key="{key}"' in body
    assert 'src="/static/js/autosave.js"' in body


def test_record_version_moves_with_every_save():
    child = CareEpisodeFactory().child
    before = record_version(child)
    child.preferred_name = "Bea"
    child.save()
    assert record_version(child) != before
