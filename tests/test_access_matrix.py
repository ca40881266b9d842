"""Every URL of the app, requested by every role and anonymously, against the
declared policy in tests/policies. A URL without an entry fails the test."""

from datetime import date

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from accounts.models import AccessLog
from cases.models import LocalClosureDay
from tests.factories import (
    ActionFactory,
    CareEpisodeFactory,
    ChairReportFactory,
    ChildFactory,
    ComplaintFactory,
    CPPlanFactory,
    DisputeFactory,
    KeyPersonFactory,
    MeetingFactory,
    MonitoringNoteFactory,
    ParticipantFactory,
    UserFactory,
)
from tests.policies import ADMIN, IRO, ROLES, extra_records, merged

pytestmark = pytest.mark.django_db

POLICY = merged()


def _url_params():
    """Map each app URL name to the names of its arguments."""
    params = {}

    def walk(patterns, prefix):
        for entry in patterns:
            if isinstance(entry, URLResolver):
                if entry.app_name == "admin":
                    continue
                ns = entry.namespace
                walk(entry.url_patterns, f"{prefix}{ns}:" if ns else prefix)
            elif isinstance(entry, URLPattern) and entry.name:
                params[prefix + entry.name] = list(entry.pattern.converters)

    walk(get_resolver().url_patterns, "")
    return params


URL_PARAMS = _url_params()


def test_every_url_has_a_policy_entry():
    """A new URL must be declared in tests/policies before it can ship."""
    assert sorted(set(URL_PARAMS) - set(POLICY)) == []
    assert sorted(set(POLICY) - set(URL_PARAMS)) == []


@pytest.fixture
def records():
    """Records inside an IRO's scope and outside it, by URL argument name.

    Outside, rows that hang off a child (episode, plan, meeting rows) belong to
    the inside child: a row never answers under the wrong parent record.
    """
    inside = CareEpisodeFactory().child
    plan = CPPlanFactory(child=inside)
    person = KeyPersonFactory(child=inside)
    outside = ChildFactory()
    out_person = KeyPersonFactory(child=outside)
    closure = LocalClosureDay.objects.create(
        day=date(2026, 12, 24), name="Christmas Eve"
    )
    meeting = MeetingFactory(period_start=inside.care_episodes.get(), held=True)
    out_meeting = MeetingFactory(
        child=outside,
        period_start=None,
        due_start_on=date(2026, 3, 2),
        chair=meeting.chair,
    )
    report = ChairReportFactory(meeting=meeting)
    common = {
        "episode_pk": inside.care_episodes.get().pk,
        "plan_pk": plan.pk,
        "closure": closure.pk,
        "participant_pk": ParticipantFactory(meeting=meeting).pk,
        "action_pk": ActionFactory(meeting=meeting).pk,
        "expected_pk": meeting.expected_reports.create(kind="care_plan").pk,
        "consultation_pk": meeting.consultations.create(
            from_role="child", name="Child", views="Fine", received_on=date(2026, 3, 20)
        ).pk,
        "report_pk": report.pk,
        "distribution_pk": report.distributions.create(
            recipient_name="Parent",
            recipient_key="p@example.org",
            recipient_email="p@example.org",
        ).pk,
        "step_pk": 0,
        "note_pk": MonitoringNoteFactory(child=inside).pk,
        "complaint_pk": ComplaintFactory(child=inside).pk,
    }
    dispute = DisputeFactory(child=inside)
    common["step_pk"] = dispute.steps.create(
        stage="stage_1",
        escalated_to_name="Team Manager",
        requested_on=date(2026, 5, 1),
        response_due_on=date(2026, 5, 8),
    ).pk
    out_dispute = DisputeFactory(child=outside)
    values = {
        "inside": {
            **common,
            "child": inside.pk,
            "person_pk": person.pk,
            "meeting": meeting.pk,
            "dispute": dispute.pk,
        },
        "outside": {
            **common,
            "child": outside.pk,
            "person_pk": out_person.pk,
            "meeting": out_meeting.pk,
            "dispute": out_dispute.pk,
        },
    }
    base = {
        "inside_child": inside,
        "outside_child": outside,
        "meeting": meeting,
        "out_meeting": out_meeting,
        "chair": meeting.chair,
    }
    extra = extra_records(base)
    values["inside"].update(extra["inside"])
    values["outside"].update(extra["outside"])
    return values


def _url(name, records, scope):
    entry = POLICY[name]
    kwargs = {}
    for param in URL_PARAMS[name]:
        key = entry.pk if param == "pk" else param
        kwargs[param] = records[scope][key]
    return reverse(name, kwargs=kwargs)


def _cases():
    for name, entry in POLICY.items():
        for role in ROLES:
            yield pytest.param(
                name, role, "inside", entry.inside[role], id=f"{name}-{role}"
            )
            if entry.outside is not None:
                yield pytest.param(
                    name, role, "outside", entry.outside[role], id=f"{name}-{role}-out"
                )


@pytest.mark.parametrize(("name", "role", "scope", "expected"), list(_cases()))
def test_role_reaches_only_what_policy_allows(
    client, records, name, role, scope, expected
):
    user = UserFactory(roles=[role], is_staff=role == ADMIN)
    client.force_login(user)
    response = client.get(_url(name, records, scope))
    assert response.status_code == expected


@pytest.mark.parametrize("name", list(POLICY))
def test_anonymous_users_are_sent_to_sign_in(client, records, name):
    response = client.get(_url(name, records, "inside"))
    expected = POLICY[name].anonymous
    assert response.status_code == expected
    if expected == 302:
        assert response.url.startswith(reverse("accounts:login"))


def test_out_of_scope_child_is_a_logged_404(client, records):
    """An IRO probing a child outside their scope gets 404 and the attempt is logged."""
    user = UserFactory(roles=[IRO])
    client.force_login(user)
    response = client.get(
        reverse("cases:child-detail", kwargs={"pk": records["outside"]["child"]})
    )
    assert response.status_code == 404
    entry = AccessLog.objects.get(action=AccessLog.Action.DENIED)
    assert (entry.user, entry.object_id) == (user, str(records["outside"]["child"]))
