"""Every URL of the app, requested by every role and anonymously, against one
declared policy. A URL without an entry here fails the test."""

from datetime import date

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from accounts.models import AccessLog
from accounts.roles import Role
from cases.models import LocalClosureDay
from tests.factories import (
    CareEpisodeFactory,
    ChildFactory,
    CPPlanFactory,
    KeyPersonFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

ANON = "anonymous"
IRO, LADO, VISITOR = Role.IRO.value, Role.LADO.value, Role.REG44_VISITOR.value
MANAGER, MINUTES, ADMIN = (
    Role.MANAGER.value,
    Role.MINUTE_TAKER.value,
    Role.ADMINISTRATOR.value,
)
ROLES = [IRO, LADO, VISITOR, MANAGER, MINUTES, ADMIN]
LOGIN = 302


def everyone(status):
    return {role: status for role in ROLES}


def only(allowed: dict, default):
    return {role: allowed.get(role, default) for role in ROLES}


# For child-scoped URLs: (policy for a child in the IRO's scope,
#                         policy for a child outside every IRO's scope).
CHILD_READ = only({IRO: 200, MANAGER: 200}, 404)
CHILD_READ_OUT = only({MANAGER: 200}, 404)
CHILD_EDIT = only({IRO: 200, MANAGER: 200}, 404)
CHILD_EDIT_OUT = only({MANAGER: 200}, 404)
ALLOCATE = only({IRO: 403, MANAGER: 200}, 404)
ALLOCATE_OUT = only({MANAGER: 200}, 404)
AUDIT = only({IRO: 403, MANAGER: 200}, 404)
AUDIT_OUT = only({MANAGER: 200}, 404)
POST_ONLY = only({IRO: 405, MANAGER: 405}, 404)
POST_ONLY_OUT = only({MANAGER: 405}, 404)

POLICY = {
    "home": (everyone(200), None),
    "accounts:login": ({role: 302 for role in ROLES}, None),
    "accounts:logout": (everyone(405), None),
    "accounts:access-log": (only({MANAGER: 200}, 403), None),
    "cases:child-list": (only({IRO: 200, MANAGER: 200}, 403), None),
    "cases:child-create": (only({IRO: 200, MANAGER: 200}, 403), None),
    "cases:child-detail": (CHILD_READ, CHILD_READ_OUT),
    "cases:child-update": (CHILD_EDIT, CHILD_EDIT_OUT),
    "cases:child-audit": (AUDIT, AUDIT_OUT),
    "cases:episode-create": (CHILD_EDIT, CHILD_EDIT_OUT),
    "cases:episode-update": (CHILD_EDIT, everyone(404)),
    "cases:episode-end": (CHILD_EDIT, everyone(404)),
    "cases:plan-create": (CHILD_EDIT, CHILD_EDIT_OUT),
    "cases:plan-update": (CHILD_EDIT, everyone(404)),
    "cases:plan-end": (CHILD_EDIT, everyone(404)),
    "cases:allocation-create": (ALLOCATE, ALLOCATE_OUT),
    "cases:person-create": (CHILD_EDIT, CHILD_EDIT_OUT),
    "cases:person-update": (CHILD_EDIT, CHILD_EDIT_OUT),
    "cases:person-delete": (POST_ONLY, POST_ONLY_OUT),
    "cases:timescale-calculator": (everyone(200), None),
    "cases:timescale-settings": (only({ADMIN: 200}, 403), None),
    "cases:closure-delete": (only({ADMIN: 405}, 403), None),
}
ANONYMOUS_STATUS = {"accounts:login": 200, "accounts:logout": 405}


def _app_url_names():
    names = []

    def walk(patterns, prefix):
        for entry in patterns:
            if isinstance(entry, URLResolver):
                if entry.app_name == "admin":
                    continue
                ns = entry.namespace
                walk(entry.url_patterns, f"{prefix}{ns}:" if ns else prefix)
            elif isinstance(entry, URLPattern) and entry.name:
                names.append(prefix + entry.name)

    walk(get_resolver().url_patterns, "")
    return names


def test_every_url_has_a_policy_entry():
    """A new URL must be declared in POLICY before it can ship."""
    missing = sorted(set(_app_url_names()) - set(POLICY))
    assert missing == []


@pytest.fixture
def records():
    """Records inside an IRO's scope (in care) and outside it (no care, no plan)."""
    inside = CareEpisodeFactory().child
    plan = CPPlanFactory(child=inside)
    person = KeyPersonFactory(child=inside)
    outside = ChildFactory()
    out_person = KeyPersonFactory(child=outside)
    closure = LocalClosureDay.objects.create(
        day=date(2026, 12, 24), name="Christmas Eve"
    )
    return {
        "inside": {
            "pk": inside.pk,
            "episode_pk": inside.care_episodes.get().pk,
            "plan_pk": plan.pk,
            "person_pk": person.pk,
        },
        # Record ids of the other child: a record never answers under the wrong child.
        "outside": {
            "pk": outside.pk,
            "episode_pk": inside.care_episodes.get().pk,
            "plan_pk": plan.pk,
            "person_pk": out_person.pk,
        },
        "closure": closure.pk,
    }


def _url(name, records, scope):
    if name == "cases:closure-delete":
        return reverse(name, kwargs={"pk": records["closure"]})
    for keys in (
        ("pk", "episode_pk"),
        ("pk", "plan_pk"),
        ("pk", "person_pk"),
        ("pk",),
        (),
    ):
        try:
            return reverse(name, kwargs={k: records[scope][k] for k in keys})
        except Exception:  # noqa: BLE001 - try the next signature
            continue
    raise AssertionError(f"cannot reverse {name}")


def _cases():
    for name, (inside, outside) in POLICY.items():
        for role in ROLES:
            yield pytest.param(name, role, "inside", inside[role], id=f"{name}-{role}")
            if outside is not None:
                yield pytest.param(
                    name, role, "outside", outside[role], id=f"{name}-{role}-out"
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
    expected = ANONYMOUS_STATUS.get(name, LOGIN)
    assert response.status_code == expected
    if expected == LOGIN:
        assert response.url.startswith(reverse("accounts:login"))


def test_out_of_scope_child_is_a_logged_404(client, records):
    """An IRO probing a child outside their scope gets 404 and the attempt is logged."""
    user = UserFactory(roles=[IRO])
    client.force_login(user)
    response = client.get(
        reverse("cases:child-detail", kwargs={"pk": records["outside"]["pk"]})
    )
    assert response.status_code == 404
    entry = AccessLog.objects.get(action=AccessLog.Action.DENIED)
    assert (entry.user, entry.object_id) == (user, str(records["outside"]["pk"]))
