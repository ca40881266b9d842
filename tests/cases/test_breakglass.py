"""Emergency (break-glass) access: scope, notifications, audit and review."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import AccessLog, Notification
from accounts.roles import Role
from cases import breakglass, selectors
from cases.errors import DomainError
from cases.models import Allocation, BreakGlassGrant
from tests.factories import (
    AllocationFactory,
    BreakGlassGrantFactory,
    ChildFactory,
    TeamFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

REASON = "Police called at 2am: child missing, need placement and contacts."


@pytest.fixture
def outside_child():
    """A child with no episode, allocated to another IRO: outside a new IRO's scope."""
    return ChildFactory()


def _visible(user, child) -> bool:
    return selectors.child_list_visible_to(user=user).filter(pk=child.pk).exists()


# --- scope -------------------------------------------------------------------------


def test_grant_brings_child_into_scope_until_it_expires(iro, outside_child):
    # given
    assert not _visible(iro, outside_child)
    # when
    grant = breakglass.breakglass_grant_request(
        user=iro, child=outside_child, reason=REASON
    )
    # then
    assert _visible(iro, outside_child)
    assert grant.expires_at - grant.granted_at == timedelta(hours=4)
    BreakGlassGrant.objects.filter(pk=grant.pk).update(
        granted_at=timezone.now() - timedelta(hours=5),
        expires_at=timezone.now() - timedelta(seconds=1),
    )
    assert not _visible(iro, outside_child)


def test_grant_opens_the_child_to_its_holder_only(iro, outside_child):
    BreakGlassGrantFactory(user=iro, child=outside_child)
    other_iro = UserFactory(roles=[Role.IRO])
    assert _visible(iro, outside_child)
    assert not _visible(other_iro, outside_child)


def test_grant_length_follows_the_setting(iro, outside_child, settings):
    settings.BREAKGLASS_GRANT_HOURS = 1
    grant = breakglass.breakglass_grant_request(
        user=iro, child=outside_child, reason=REASON
    )
    assert grant.expires_at - grant.granted_at == timedelta(hours=1)


@pytest.mark.parametrize(
    "role",
    [
        Role.LADO,
        Role.REG44_VISITOR,
        Role.MINUTE_TAKER,
        Role.ADMINISTRATOR,
        Role.MANAGER,
    ],
)
def test_only_iros_may_ask_for_emergency_access(role, outside_child):
    user = UserFactory(roles=[role])
    with pytest.raises(DomainError):
        breakglass.breakglass_grant_request(
            user=user, child=outside_child, reason=REASON
        )
    assert not BreakGlassGrant.objects.exists()


def test_a_short_reason_is_refused(iro, outside_child):
    with pytest.raises(DomainError, match="at least 20 characters"):
        breakglass.breakglass_grant_request(
            user=iro, child=outside_child, reason="  urgent   "
        )
    assert not BreakGlassGrant.objects.exists()


def test_a_second_request_while_active_makes_no_second_grant(iro, outside_child):
    first = breakglass.breakglass_grant_request(
        user=iro, child=outside_child, reason=REASON
    )
    again = breakglass.breakglass_grant_request(
        user=iro, child=outside_child, reason=REASON
    )
    assert again.pk == first.pk
    assert BreakGlassGrant.objects.count() == 1


# --- notifications and audit --------------------------------------------------------


def test_grant_notifies_the_childs_workers_their_manager_and_managers(
    iro, manager, outside_child
):
    # given
    team_manager = UserFactory(roles=[Role.IRO])
    team = TeamFactory(manager=team_manager)
    owner = UserFactory(roles=[Role.IRO], team=team)
    AllocationFactory(child=outside_child, worker=owner)
    social_worker = UserFactory()
    AllocationFactory(
        child=outside_child, worker=social_worker, role=Allocation.Role.SOCIAL_WORKER
    )
    # when
    grant = breakglass.breakglass_grant_request(
        user=iro, child=outside_child, reason=REASON
    )
    # then
    notes = {n.user: n for n in Notification.objects.all()}
    assert set(notes) == {owner, social_worker, team_manager, manager}
    assert notes[owner].url == outside_child.get_absolute_url()
    assert notes[manager].url == reverse("cases:breakglass-queue")
    assert REASON in notes[manager].text and str(iro) in notes[manager].text
    assert {n.source_key for n in notes.values()} == {f"breakglass:{grant.pk}"}


def test_grant_is_written_with_its_history_and_access_log(iro, outside_child):
    grant = breakglass.breakglass_grant_request(
        user=iro, child=outside_child, reason=REASON
    )
    assert grant.history.get().history_user == iro
    entry = AccessLog.objects.get(user=iro, object_id=str(outside_child.pk))
    assert entry.detail.startswith(f"Emergency access grant #{grant.pk} granted")


def test_every_page_opened_under_a_grant_is_marked(client, iro, outside_child):
    # given
    grant = BreakGlassGrantFactory(user=iro, child=outside_child)
    client.force_login(iro)
    # when
    detail = client.get(reverse("cases:child-detail", kwargs={"pk": outside_child.pk}))
    edit = client.get(reverse("cases:child-update", kwargs={"pk": outside_child.pk}))
    # then
    assert (detail.status_code, edit.status_code) == (200, 200)
    assert "You are using emergency access" in detail.content.decode()
    marked = AccessLog.objects.filter(detail=f"Emergency access grant #{grant.pk}")
    assert sorted(marked.values_list("path", flat=True)) == sorted(
        [detail.request["PATH_INFO"], edit.request["PATH_INFO"]]
    )


def test_pages_of_a_child_in_scope_are_not_marked(client, iro):
    child = AllocationFactory(worker=iro).child
    client.force_login(iro)
    client.get(reverse("cases:child-detail", kwargs={"pk": child.pk}))
    assert not AccessLog.objects.filter(detail__startswith="Emergency").exists()


# --- the 404 page and the request form ---------------------------------------------


def test_out_of_scope_page_offers_emergency_access_to_an_iro(
    client, iro, outside_child
):
    client.force_login(iro)
    response = client.get(
        reverse("cases:child-detail", kwargs={"pk": outside_child.pk})
    )
    assert response.status_code == 404
    assert "Request emergency access" in response.content.decode()
    assert AccessLog.objects.filter(action=AccessLog.Action.DENIED).count() == 1


def test_out_of_scope_page_offers_nothing_to_other_roles(client, lado, outside_child):
    client.force_login(lado)
    response = client.get(
        reverse("cases:child-detail", kwargs={"pk": outside_child.pk})
    )
    assert response.status_code == 404
    assert "Request emergency access" not in response.content.decode()


def test_request_form_grants_access_and_opens_the_record(client, iro, outside_child):
    # given
    client.force_login(iro)
    url = reverse("cases:breakglass-request", kwargs={"pk": outside_child.pk})
    # when
    response = client.post(url, {"reason": REASON})
    # then
    assert response.status_code == 302
    assert response.url == outside_child.get_absolute_url()
    assert client.get(response.url).status_code == 200
    assert BreakGlassGrant.objects.get().reason == REASON


def test_request_form_keeps_a_too_short_reason_and_says_why(client, iro, outside_child):
    client.force_login(iro)
    url = reverse("cases:breakglass-request", kwargs={"pk": outside_child.pk})
    response = client.post(url, {"reason": "urgent"})
    body = response.content.decode()
    assert response.status_code == 200
    assert "at least 20 characters" in body
    assert "urgent</textarea>" in body
    assert not BreakGlassGrant.objects.exists()


def test_request_for_a_missing_child_is_a_logged_404(client, iro):
    client.force_login(iro)
    url = reverse("cases:breakglass-request", kwargs={"pk": 987654})
    assert client.get(url).status_code == 200
    response = client.post(url, {"reason": REASON})
    assert response.status_code == 404
    assert AccessLog.objects.filter(
        action=AccessLog.Action.DENIED, object_id="987654"
    ).exists()
    assert not BreakGlassGrant.objects.exists()


def test_expired_grant_answers_404_again(client, iro, outside_child):
    BreakGlassGrantFactory(user=iro, child=outside_child, expired=True)
    client.force_login(iro)
    response = client.get(
        reverse("cases:child-detail", kwargs={"pk": outside_child.pk})
    )
    assert response.status_code == 404


# --- the review queue ----------------------------------------------------------------


def test_queue_lists_pending_grants_with_pages_opened_in_few_queries(
    client, manager, django_assert_max_num_queries
):
    # given
    grants = BreakGlassGrantFactory.create_batch(5)
    reviewed = BreakGlassGrantFactory()
    breakglass.breakglass_grant_review(
        grant=reviewed, by=manager, outcome="appropriate", note=""
    )
    AccessLog.objects.create(
        user=grants[0].user,
        action=AccessLog.Action.VIEW,
        object_id=str(grants[0].child_id),
        detail=breakglass.audit_detail(grants[0]),
    )
    client.force_login(manager)
    # when
    with django_assert_max_num_queries(12):
        response = client.get(reverse("cases:breakglass-queue"))
    # then
    shown = response.context["queue"].grants
    assert {g.pk for g in shown} == {g.pk for g in grants}
    assert {g.pk: g.access_count for g in shown}[grants[0].pk] == 1
    assert response.context["queue"].pending_count == 5
    everything = client.get(reverse("cases:breakglass-queue") + "?show=all")
    assert len(everything.context["queue"].grants) == 6


def test_manager_records_a_review(client, manager):
    # given
    grant = BreakGlassGrantFactory()
    client.force_login(manager)
    url = reverse("cases:breakglass-review", kwargs={"pk": grant.pk})
    # when
    response = client.post(
        url, {"outcome": "not_appropriate", "note": "Could have phoned the duty IRO."}
    )
    # then
    assert response.status_code == 302
    grant.refresh_from_db()
    assert (grant.outcome, grant.reviewed_by) == ("not_appropriate", manager)
    assert grant.review_note == "Could have phoned the duty IRO."
    assert grant.history.first().history_user == manager


def test_not_appropriate_needs_a_note_and_keeps_the_choice(client, manager):
    grant = BreakGlassGrantFactory()
    client.force_login(manager)
    url = reverse("cases:breakglass-review", kwargs={"pk": grant.pk})
    response = client.post(url, {"outcome": "not_appropriate", "note": ""})
    assert response.status_code == 200
    assert "Say why the access was not appropriate." in response.content.decode()
    grant.refresh_from_db()
    assert grant.reviewed_at is None


def test_a_grant_is_reviewed_once(manager):
    grant = BreakGlassGrantFactory()
    breakglass.breakglass_grant_review(
        grant=grant, by=manager, outcome="appropriate", note=""
    )
    with pytest.raises(DomainError, match="Already reviewed"):
        breakglass.breakglass_grant_review(
            grant=grant, by=manager, outcome="not_appropriate", note="Changed mind"
        )


def test_review_page_lists_the_pages_opened(client, manager, iro, outside_child):
    grant = BreakGlassGrantFactory(user=iro, child=outside_child)
    iro_client = client
    iro_client.force_login(iro)
    iro_client.get(reverse("cases:child-detail", kwargs={"pk": outside_child.pk}))
    client.force_login(manager)
    response = client.get(reverse("cases:breakglass-review", kwargs={"pk": grant.pk}))
    assert [a.path for a in response.context["accesses"]] == [
        reverse("cases:child-detail", kwargs={"pk": outside_child.pk})
    ]
