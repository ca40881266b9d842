"""Every URL of the app, requested by every role and anonymously, against the
declared policy in tests/policies. A URL without an entry fails the test."""

from datetime import date

import pytest
from django.apps import apps
from django.contrib import admin
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
from tests.policies import ADMIN, IRO, ROLES, admin_site, extra_records, merged

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


# ------------------------------------------------------------------ the admin site

ADMIN_PAGES = ("changelist", "add", "change")


def _registered_admin_models():
    return {model._meta.label for model in admin.site._registry}


def test_every_admin_model_has_a_policy_entry():
    """A model newly registered in the admin must be declared in the admin policy."""
    registered = _registered_admin_models()
    assert sorted(registered - set(admin_site.MODELS)) == []
    assert sorted(set(admin_site.MODELS) - registered) == []


def _admin_cases():
    yield pytest.param("index", None, admin_site.ADMIN_INDEX, id="admin-index")
    app_labels = sorted({label.split(".")[0] for label in admin_site.MODELS})
    for app_label in app_labels:
        visible = any(
            statuses[0] == admin_site.OK
            for label, (statuses, _) in admin_site.MODELS.items()
            if label.split(".")[0] == app_label
        )
        yield pytest.param(
            "app", app_label, 200 if visible else 404, id=f"admin-app-{app_label}"
        )
    for label, (statuses, _) in admin_site.MODELS.items():
        for page, expected in zip(ADMIN_PAGES, statuses, strict=True):
            yield pytest.param(page, label, expected, id=f"admin-{label}-{page}")


def _admin_url(page, target):
    if page == "index":
        return reverse("admin:index")
    if page == "app":
        return reverse("admin:app_list", kwargs={"app_label": target})
    model = apps.get_model(target)
    prefix = f"admin:{model._meta.app_label}_{model._meta.model_name}"
    if page == "change":
        _, sample = admin_site.MODELS[target]
        obj = sample({"user": UserFactory(username="admin_matrix_sample")})
        return reverse(f"{prefix}_change", args=[obj.pk])
    return reverse(f"{prefix}_{page}")


@pytest.mark.parametrize(("page", "target", "expected"), list(_admin_cases()))
def test_admin_site_answers_each_role_as_declared(client, page, target, expected):
    """The administrator gets the declared status; every other role and anonymous
    visitors are sent to the admin's sign-in page."""
    # given
    url = _admin_url(page, target)
    login = reverse("admin:login")
    # when
    got = {}
    for role in ROLES:
        client.force_login(UserFactory(roles=[role], is_staff=role == ADMIN))
        response = client.get(url)
        got[role] = (response.status_code, response.get("Location", "")[: len(login)])
        client.logout()
    response = client.get(url)
    got["anonymous"] = (
        response.status_code,
        response.get("Location", "")[: len(login)],
    )
    # then
    wanted = {role: (302, login) for role in ROLES}
    wanted[ADMIN] = (expected, "")
    wanted["anonymous"] = (302, login)
    assert got == wanted
