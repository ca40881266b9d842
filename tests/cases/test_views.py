from datetime import date

import pytest
from django.urls import reverse

from accounts.models import AccessLog
from accounts.roles import Role
from cases.models import (
    Allocation,
    CareEpisode,
    Child,
    KeyPerson,
    LocalClosureDay,
    TimescaleSetting,
)
from tests.factories import (
    AllocationFactory,
    CareEpisodeFactory,
    ChildFactory,
    CPPlanFactory,
    KeyPersonFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

CHILD_FORM = {
    "la_child_id": "C1234567",
    "upn": "",
    "first_name": "Amara",
    "last_name": "Okoye",
    "preferred_name": "Mara",
    "date_of_birth": "2014-05-17",
    "gender": "female",
    "ethnicity": "BAFR",
    "first_language": "English",
    "interpreter_language": "",
    "advocacy_details": "",
    "disability_details": "",
}


def test_child_create_redirects_to_the_new_record(iro_client):
    response = iro_client.post(reverse("cases:child-create"), CHILD_FORM)
    child = Child.objects.get(la_child_id="C1234567")
    assert response.status_code == 302
    assert response.url == child.get_absolute_url()


def test_child_create_with_bad_input_keeps_what_was_typed(iro_client):
    """A validation error shows clear messages and loses nothing typed."""
    # given
    data = {
        **CHILD_FORM,
        "date_of_birth": "2099-01-01",
        "interpreter_needed": "on",
        "la_child_id": "C 12",
    }
    # when
    response = iro_client.post(reverse("cases:child-create"), data)
    # then
    content = response.content.decode()
    assert response.status_code == 200
    assert "The date of birth cannot be in the future." in content
    assert "Say which language the interpreter is for." in content
    assert "Use up to 10 letters and digits" in content
    assert 'value="Amara"' in content and 'value="Okoye"' in content
    assert not Child.objects.exists()


def test_child_create_duplicate_id_is_a_form_error(iro_client):
    ChildFactory(la_child_id="C1234567")
    response = iro_client.post(reverse("cases:child-create"), CHILD_FORM)
    assert response.status_code == 200
    assert "already exists" in response.content.decode()


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"q": "okoye"}, ["Okoye"]),
        ({"q": "mara"}, ["Okoye"]),
        ({"la_child_id": "c0000002"}, ["Brown"]),
        ({"date_of_birth": "2012-02-29"}, ["Brown"]),
    ],
)
def test_child_search(manager_client, query, expected):
    ChildFactory(
        la_child_id="C0000001",
        first_name="Amara",
        last_name="Okoye",
        preferred_name="Mara",
        date_of_birth=date(2014, 5, 17),
    )
    ChildFactory(
        la_child_id="C0000002",
        first_name="Jack",
        last_name="Brown",
        date_of_birth=date(2012, 2, 29),
    )
    response = manager_client.get(reverse("cases:child-list"), query)
    assert [c.last_name for c in response.context["children"]] == expected


def test_child_search_is_logged(manager_client, manager):
    manager_client.get(reverse("cases:child-list"), {"q": "smith"})
    entry = AccessLog.objects.get(action=AccessLog.Action.SEARCH)
    assert entry.user == manager and "smith" in entry.detail


def test_child_search_bad_date_shows_a_message(manager_client):
    response = manager_client.get(
        reverse("cases:child-list"), {"date_of_birth": "31/31/2020"}
    )
    assert response.status_code == 200
    assert "Enter a valid date" in response.content.decode()


def test_child_list_query_count_does_not_grow(
    manager_client, django_assert_max_num_queries
):
    """The list page's queries stay fixed however many children and allocations."""
    for _ in range(30):
        child = CareEpisodeFactory().child
        AllocationFactory(child=child)
        CPPlanFactory(child=child)
    with django_assert_max_num_queries(16):
        response = manager_client.get(reverse("cases:child-list"))
    assert len(response.context["children"]) == 25


def test_child_record_view_is_logged_and_bounded(
    manager_client, manager, django_assert_max_num_queries
):
    child = CareEpisodeFactory().child
    KeyPersonFactory.create_batch(5, child=child)
    AllocationFactory.create_batch(3, child=child, ended_on=date(2026, 3, 4))
    with django_assert_max_num_queries(25):
        response = manager_client.get(child.get_absolute_url())
    assert response.status_code == 200
    assert (
        AccessLog.objects.filter(
            action=AccessLog.Action.VIEW, object_id=str(child.pk), user=manager
        ).count()
        == 1
    )


def test_audit_panel_shows_viewers_and_changes_to_managers(client, manager, iro):
    # given
    child = CareEpisodeFactory().child
    client.force_login(iro)
    client.get(child.get_absolute_url())
    client.post(
        reverse("cases:child-update", kwargs={"pk": child.pk}),
        {**CHILD_FORM, "la_child_id": child.la_child_id, "first_language": "Somali"},
    )
    # when
    client.force_login(manager)
    response = client.get(child.get_absolute_url())
    # then
    content = response.content.decode()
    assert "Who viewed this child" in content
    assert iro.username in content
    assert "Somali" in content and "English" in content


def test_iro_does_not_see_the_audit_panel(iro_client):
    child = CareEpisodeFactory().child
    response = iro_client.get(child.get_absolute_url())
    assert "Who viewed this child" not in response.content.decode()


def test_statutory_clock_explains_the_first_review(iro_client):
    child = CareEpisodeFactory(
        started_on=date(2025, 12, 19), first_review_due_on=date(2026, 1, 21)
    ).child
    content = iro_client.get(child.get_absolute_url()).content.decode()
    assert "Wed 21 Jan 2026" in content
    assert "cic_review_1" in content and "reg 33(1)" in content
    assert "Christmas Day" in content


def test_recording_an_episode_through_the_form(iro_client, iro):
    child = ChildFactory(created_by=iro)
    response = iro_client.post(
        reverse("cases:episode-create", kwargs={"pk": child.pk}),
        {
            "started_on": "2026-03-21",
            "reason_new_episode": "S",
            "legal_status": "C1",
            "placement_type": "U6",
            "category_of_need": "N1",
            "placement_postcode": "ln1 1aa",
        },
    )
    assert response.status_code == 302
    episode = CareEpisode.objects.get(child=child)
    assert episode.first_review_due_on == date(2026, 4, 21)
    assert episode.placement_postcode == "LN1 1AA"


def test_domain_error_is_shown_on_the_form_without_losing_input(iro_client, iro):
    child = ChildFactory(created_by=iro)
    response = iro_client.post(
        reverse("cases:episode-create", kwargs={"pk": child.pk}),
        {
            "started_on": "2026-03-21",
            "reason_new_episode": "P",
            "legal_status": "C1",
            "placement_type": "U6",
            "category_of_need": "N1",
            "placement_postcode": "LN1",
        },
    )
    content = response.content.decode()
    assert response.status_code == 200
    assert "choose reason S" in content
    assert 'value="2026-03-21"' in content


def test_manager_allocates_an_iro(manager_client):
    child = ChildFactory()
    officer = UserFactory(roles=[Role.IRO])
    response = manager_client.post(
        reverse("cases:allocation-create", kwargs={"pk": child.pk}),
        {
            "role": "iro",
            "worker": officer.pk,
            "started_on": "2026-06-01",
        },
    )
    assert response.status_code == 302
    assert Allocation.objects.get(child=child).worker == officer


def test_social_worker_allocation_needs_a_name(manager_client):
    child = ChildFactory()
    response = manager_client.post(
        reverse("cases:allocation-create", kwargs={"pk": child.pk}),
        {
            "role": "social_worker",
            "started_on": "2026-06-01",
        },
    )
    assert "Give the social worker&#x27;s name." in response.content.decode()
    assert not Allocation.objects.exists()


def test_key_person_add_edit_remove(iro_client):
    # given
    child = CareEpisodeFactory().child
    url = reverse("cases:person-create", kwargs={"pk": child.pk})
    # when
    iro_client.post(
        url,
        {"name": "Jo Carer", "relationship": "foster_carer", "phone": "07700 900123"},
    )
    person = KeyPerson.objects.get()
    iro_client.post(
        reverse("cases:person-update", kwargs={"pk": child.pk, "person_pk": person.pk}),
        {"name": "Jo Carer", "relationship": "foster_carer", "phone": "07700 900999"},
    )
    iro_client.post(
        reverse("cases:person-delete", kwargs={"pk": child.pk, "person_pk": person.pk})
    )
    # then
    assert not KeyPerson.objects.exists()
    assert [h.phone for h in KeyPerson.history.order_by("history_date")] == [
        "07700 900123",
        "07700 900999",
        "07700 900999",
    ]


def test_key_person_bad_phone_is_refused(iro_client):
    child = CareEpisodeFactory().child
    response = iro_client.post(
        reverse("cases:person-create", kwargs={"pk": child.pk}),
        {"name": "X", "relationship": "mother", "phone": "<script>"},
    )
    assert "Use digits, spaces" in response.content.decode()


def test_timescale_calculator_shows_the_explained_result(client, lado):
    client.force_login(lado)
    response = client.get(
        reverse("cases:timescale-calculator"),
        {"rule": "cp_icpc", "start": "2026-12-21"},
    )
    content = response.content.decode()
    assert "2027-01-14" in content and "Christmas Day" in content


def test_timescale_calculator_rejects_a_bad_rule(client, lado):
    client.force_login(lado)
    response = client.get(
        reverse("cases:timescale-calculator"), {"rule": "nope", "start": "x"}
    )
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert response.context.get("result") is None


def test_administrator_adds_a_closure_day_and_sets_a_local_rule(admin_client_role):
    url = reverse("cases:timescale-settings")
    admin_client_role.post(url, {"day": "2026-12-24", "name": "Christmas Eve"})
    admin_client_role.post(url, {"code": "cp_minutes", "amount": "10"})
    assert LocalClosureDay.objects.get().name == "Christmas Eve"
    assert TimescaleSetting.objects.get(code="cp_minutes").amount == 10


def test_duplicate_closure_day_and_bad_amount_are_refused(admin_client_role):
    url = reverse("cases:timescale-settings")
    LocalClosureDay.objects.create(day=date(2026, 12, 24), name="Christmas Eve")
    first = admin_client_role.post(url, {"day": "2026-12-24", "name": "Again"})
    second = admin_client_role.post(url, {"code": "cp_minutes", "amount": "-3"})
    assert "That day is already a closure day." in first.content.decode()
    assert "whole number" in second.content.decode()
    assert not TimescaleSetting.objects.exists()


def test_iro_caseload_on_home_page_is_bounded(
    client, iro, django_assert_max_num_queries
):
    for _ in range(20):
        AllocationFactory(worker=iro, child=CareEpisodeFactory().child)
    client.force_login(iro)
    with django_assert_max_num_queries(15):
        response = client.get(reverse("home"))
    assert len(response.context["caseload"]) == 20


def test_access_log_page_has_a_fixed_query_count(
    manager_client, manager, django_assert_max_num_queries
):
    children = ChildFactory.create_batch(30)
    for child in children:
        manager_client.get(child.get_absolute_url())
    with django_assert_max_num_queries(10):
        response = manager_client.get(
            reverse("accounts:access-log"), {"action": "view"}
        )
    assert len(response.context["entries"]) == 30


def test_admin_changes_and_views_are_audited(client, django_user_model):
    """A change made in the admin is kept with its author, and the view is logged."""
    # given
    superuser = django_user_model.objects.create_superuser(
        "root", "root@example.org", "x"
    )
    child = ChildFactory(first_language="English")
    client.force_login(superuser)
    url = reverse("admin:cases_child_change", args=[child.pk])
    # when
    client.get(url)
    form = client.get(url).context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None}
    data.update(
        {
            "first_language": "Welsh",
            "date_of_birth": "2015-06-01",
            "care_episodes-TOTAL_FORMS": "0",
            "care_episodes-INITIAL_FORMS": "0",
            "cp_plans-TOTAL_FORMS": "0",
            "cp_plans-INITIAL_FORMS": "0",
        }
    )
    data.pop("created_by", None)
    client.post(url, data)
    # then
    latest = Child.history.filter(id=child.pk).latest()
    assert (latest.first_language, latest.history_user) == ("Welsh", superuser)
    assert AccessLog.objects.filter(
        action="view", object_id=str(child.pk), user=superuser
    ).exists()
