"""The retention pages in the browser's terms: who may do what, bad input, PRG."""

from datetime import date, timedelta

import pytest
from django.urls import reverse

from accounts.models import AccessLog
from accounts.roles import Role
from cases.models import Child, DisposalRecord, LegalHold, RetentionSetting
from tests.factories import CareEpisodeFactory, ChildFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def manager(client):
    user = UserFactory(roles=[Role.MANAGER])
    client.force_login(user)
    return user


@pytest.fixture
def admin(client):
    user = UserFactory(roles=[Role.ADMINISTRATOR], is_staff=True)
    client.force_login(user)
    return user


def _due_child(n=0):
    child = ChildFactory(
        first_name="Hazel",
        last_name="Ormsby",
        date_of_birth=date(1940, 1, 1) + timedelta(days=n),
    )
    CareEpisodeFactory(
        child=child,
        started_on=date(2026, 3, 2),
        ended_on=date(2026, 4, 1),
        reason_ended="E11",
    )
    return child


def _dispose_url(child):
    return reverse("cases:record-dispose", args=["child", child.pk])


def test_review_lists_due_records_by_reference_not_name(
    client, manager, django_assert_max_num_queries
):
    children = [_due_child(n) for n in range(8)]
    with django_assert_max_num_queries(20):
        response = client.get(reverse("cases:retention-review"))
    assert response.status_code == 200
    body = response.content.decode()
    assert f"Child record {children[0].la_child_id}" in body
    assert "Ormsby" not in body
    assert body.count("ret_child_looked_after") == 8
    assert _dispose_url(children[0]) in body


def test_administrators_review_but_cannot_dispose(client, admin):
    child = _due_child()
    page = client.get(reverse("cases:retention-review")).content.decode()
    assert f"Child record {child.la_child_id}" in page
    assert _dispose_url(child) not in page
    response = client.post(_dispose_url(child), {"confirm": "on"})
    assert response.status_code == 403
    assert Child.objects.filter(pk=child.pk).exists()


def test_dispose_needs_the_box_ticked_then_leaves_an_entry(client, manager):
    child = _due_child()
    page = client.get(_dispose_url(child))
    assert page.status_code == 200
    assert "ret_child_looked_after" in page.content.decode()

    refused = client.post(_dispose_url(child), {})
    assert refused.status_code == 200
    assert "Tick the box" in refused.content.decode()
    assert Child.objects.filter(pk=child.pk).exists()

    response = client.post(_dispose_url(child), {"confirm": "on"}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("cases:retention-review")
    assert "disposed of under ret_child_looked_after" in response.content.decode()
    assert not Child.objects.filter(pk=child.pk).exists()
    entry = DisposalRecord.objects.get()
    assert (entry.object_id, entry.disposed_by) == (child.pk, manager)
    listing = client.get(reverse("cases:disposal-list")).content.decode()
    assert "ret_child_looked_after" in listing and str(child.pk) in listing


def test_place_and_lift_a_hold_with_reasons(client, manager):
    child = _due_child()
    place = reverse("cases:legal-hold-place", args=["child", child.pk])
    empty = client.post(place, {"reason": ""})
    assert empty.status_code == 200
    assert "This field is required" in empty.content.decode()

    assert client.post(place, {"reason": "Subject access request"}).status_code == 302
    hold = LegalHold.objects.get()
    held_page = client.get(_dispose_url(child)).content.decode()
    assert "A legal hold is in place" in held_page
    assert client.post(_dispose_url(child), {"confirm": "on"}).status_code == 200
    assert Child.objects.filter(pk=child.pk).exists()

    lift = reverse("cases:legal-hold-lift", args=[hold.pk])
    assert client.post(lift, {"reason": "Request answered"}).status_code == 302
    hold.refresh_from_db()
    assert hold.lift_reason == "Request answered"


def test_an_unknown_record_is_a_logged_404(client, manager):
    response = client.get(reverse("cases:record-dispose", args=["child", 987654]))
    assert response.status_code == 404
    assert AccessLog.objects.filter(
        action=AccessLog.Action.DENIED, object_id="987654"
    ).exists()
    unknown_type = client.get(reverse("cases:record-dispose", args=["planet", 1]))
    assert unknown_type.status_code == 404


def test_administrator_sets_a_local_rule_and_bad_input_keeps_what_was_typed(
    client, admin
):
    url = reverse("cases:retention-schedule")
    bad = client.post(url, {"code": "ret_reg44_visit", "years": "abc"})
    assert bad.status_code == 200
    body = bad.content.decode()
    assert "Enter a whole number of years" in body
    assert 'value="abc"' in body
    assert (
        client.post(url, {"code": "ret_reg44_visit", "years": "12"}).status_code == 302
    )
    assert RetentionSetting.objects.get(code="ret_reg44_visit").years == 12
    statutory = client.post(url, {"code": "ret_child_looked_after", "years": "5"})
    assert statutory.status_code == 200
    assert not RetentionSetting.objects.filter(code="ret_child_looked_after").exists()


def test_managers_read_the_schedule_but_cannot_change_it(client, manager):
    url = reverse("cases:retention-schedule")
    page = client.get(url).content.decode()
    assert "ret_child_looked_after" in page and "local" in page
    response = client.post(url, {"code": "ret_reg44_visit", "years": "12"})
    assert response.status_code == 403
    assert not RetentionSetting.objects.exists()
