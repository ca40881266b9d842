"""seed_demo: demo users and a synthetic caseload that keeps the record's rules."""

import io
import re
from collections import defaultdict

import pytest
from django.apps import apps
from django.contrib.auth.models import Group
from django.core.management import CommandError, call_command
from django.db import connection
from django.http import HttpRequest
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import Team, User
from cases import codes, selectors
from cases.models import Allocation, CareEpisode, Child, CPPlanEpisode, KeyPerson

pytestmark = pytest.mark.django_db

DEMO_USERS = {
    # username: (role group, full name, is_staff)
    "iro": ("iro", "Priya Shah", False),
    "iro2": ("iro", "Tom Okafor", False),
    "iro3": ("iro", "Helen Price", False),
    "lado": ("lado", "Sam Murray", False),
    "visitor": ("reg44_visitor", "Ruth Ellis", False),
    "manager": ("manager", "Grace Adeyemi", False),
    "minutes": ("minute_taker", "Leo Grant", False),
    "admin": ("administrator", "Alex Morgan", True),
}


def seed(*extra: str, children: str = "30") -> str:
    out = io.StringIO()
    call_command("seed_demo", "--children", children, "--seed", "1", *extra, stdout=out)
    return out.getvalue()


def test_seed_demo_users_have_their_role_group_and_the_demo_password(client):
    """Each demo user is in exactly its role's group and can sign in."""
    # when
    seed()
    # then
    for username, (role, full_name, is_staff) in DEMO_USERS.items():
        user = User.objects.get(username=username)
        assert list(user.groups.values_list("name", flat=True)) == [role]
        assert user.get_full_name() == full_name
        assert user.email.endswith("@example.org")
        assert (user.is_staff, user.is_superuser, user.is_active) == (
            is_staff,
            False,
            True,
        )
        # django-axes needs a request to authenticate against.
        assert client.login(
            request=HttpRequest(), username=username, password="reviewing-demo"
        )
        client.logout()


def test_seed_demo_teams_have_their_managers_and_members():
    """The IRO service is managed by the demo manager and holds the IROs."""
    # when
    seed()
    # then
    iro_service = Team.objects.get(name="IRO Service")
    assert iro_service.kind == Team.Kind.IRO_SERVICE
    assert iro_service.manager.username == "manager"
    assert {"iro", "iro2", "iro3"} <= set(
        iro_service.members.values_list("username", flat=True)
    )
    kinds = dict(Team.objects.values_list("name", "kind"))
    assert kinds["LADO Service"] == Team.Kind.LADO_SERVICE
    assert kinds["Regulation 44 Visiting"] == Team.Kind.REG44
    for name in (
        "Children in Care Team North",
        "Children in Care Team South",
        "Safeguarding and Assessment Team",
    ):
        assert kinds[name] == Team.Kind.SOCIAL_WORK


def test_seed_demo_run_twice_keeps_one_set_of_users_and_changes_nothing():
    """A second run neither duplicates nor re-saves the demo users and teams."""
    # given
    seed()
    users, teams = User.objects.count(), Team.objects.count()
    user_versions = User.history.count()
    # when
    seed("--if-empty")
    # then
    assert User.objects.count() == users == len(DEMO_USERS)
    assert Team.objects.count() == teams
    assert User.history.count() == user_versions


def test_seed_demo_refreshes_a_changed_password_and_role():
    """Refreshing puts a demo user back in its role and resets its password."""
    # given
    seed()
    user = User.objects.get(username="iro2")
    user.set_password("something-else-entirely")
    user.save()
    user.groups.set(Group.objects.filter(name="manager"))
    # when
    seed("--if-empty")
    # then
    user.refresh_from_db()
    assert user.check_password("reviewing-demo")
    assert list(user.groups.values_list("name", flat=True)) == ["iro"]


def test_seed_demo_adds_the_requested_number_of_children():
    """N children with unique 'C' + 7-digit LA child IDs, and a summary line."""
    # when
    output = seed()
    # then
    ids = list(Child.objects.values_list("la_child_id", flat=True))
    assert len(ids) == 30
    assert all(re.fullmatch(r"C\d{7}", la_child_id) for la_child_id in ids)
    assert "Added 30 children" in output
    assert re.search(r"in \d+\.\ds\.", output)


def test_seed_demo_writes_no_history_rows_for_the_bulk_caseload():
    """History records people's changes; the bulk caseload writes none."""
    # when
    seed()
    # then
    assert Child.objects.count() == 30
    assert Child.history.count() == 0
    assert CareEpisode.history.count() == 0
    assert Allocation.history.count() == 0
    assert KeyPerson.history.count() == 0


def test_seed_demo_stores_the_clock_due_dates():
    """Each new period of care and each plan carries the clock's due dates."""
    # given
    clock = selectors.clock_get()
    # when
    seed()
    # then
    periods = CareEpisode.objects.filter(reason_new_episode=codes.ReasonNewEpisode.S)
    assert periods.filter(ended_on__isnull=True).exists()
    for episode in periods:
        rule = "cic_short_break_1" if episode.is_short_break else "cic_review_1"
        assert episode.first_review_due_on == clock.due(rule, episode.started_on).due
        assert episode.pep_due_on == clock.due("pep_initial", episode.started_on).due
    assert not CareEpisode.objects.exclude(
        reason_new_episode=codes.ReasonNewEpisode.S
    ).exclude(first_review_due_on=None, pep_due_on=None)
    plans = CPPlanEpisode.objects.all()
    assert plans.filter(ended_on__isnull=True).exists()
    for plan in plans:
        assert plan.first_review_due_on == clock.due("cp_rcpc_1", plan.started_on).due
        assert (
            plan.core_group_due_on == clock.due("cp_core_group_1", plan.started_on).due
        )


def test_seed_demo_episodes_and_plans_keep_the_record_rules():
    """Episodes chain within a period of care; plans and dates stay consistent."""
    # when
    seed(children="120")
    # then
    today = timezone.localdate()
    dob = dict(Child.objects.values_list("id", "date_of_birth"))
    episodes = defaultdict(list)
    for episode in CareEpisode.objects.order_by("started_on", "id"):
        episodes[episode.child_id].append(episode)
    assert episodes
    for child_id, rows in episodes.items():
        assert rows[0].reason_new_episode == codes.ReasonNewEpisode.S
        assert sum(e.ended_on is None for e in rows) <= 1
        assert rows[-1].ended_on is None or all(e.ended_on for e in rows)
        for previous, episode in zip([None, *rows], rows, strict=False):
            assert dob[child_id] <= episode.started_on <= today
            if episode.ended_on:
                assert episode.started_on <= episode.ended_on <= today
                assert episode.reason_ended
            if previous is None:
                continue
            if episode.reason_new_episode == codes.ReasonNewEpisode.S:
                assert previous.ended_on < episode.started_on
                assert previous.reason_ended != codes.ReasonEpisodeCeased.X1
            else:
                assert previous.ended_on == episode.started_on
                assert previous.reason_ended == codes.ReasonEpisodeCeased.X1
    plans = defaultdict(list)
    for plan in CPPlanEpisode.objects.order_by("started_on", "id"):
        plans[plan.child_id].append(plan)
    assert plans
    for child_id, rows in plans.items():
        assert [p.ended_on is None for p in rows].count(True) <= 1
        for previous, plan in zip([None, *rows], rows, strict=False):
            assert dob[child_id] <= plan.started_on <= today
            if plan.ended_on:
                assert plan.started_on <= plan.ended_on <= today
                assert plan.end_reason in codes.CPPlanEndReason.values
            if previous is not None:
                assert previous.ended_on is not None
                assert previous.ended_on <= plan.started_on


def test_seed_demo_children_in_care_or_on_a_plan_have_an_iro_and_a_social_worker():
    """Open cases have one current IRO (a demo IRO) and one current social worker."""
    # when
    seed(children="120")
    # then
    open_cases = set(
        CareEpisode.objects.filter(ended_on=None).values_list("child_id", flat=True)
    ) | set(
        CPPlanEpisode.objects.filter(ended_on=None).values_list("child_id", flat=True)
    )
    assert open_cases
    current = defaultdict(list)
    for allocation in Allocation.objects.filter(ended_on=None).select_related(
        "worker", "team"
    ):
        current[allocation.child_id, allocation.role].append(allocation)
    for child_id in open_cases:
        (iro,) = current[child_id, Allocation.Role.IRO]
        assert iro.worker.has_role("iro")
        (social_worker,) = current[child_id, Allocation.Role.SOCIAL_WORKER]
        assert social_worker.worker_name
        assert social_worker.worker_email
        assert social_worker.team.kind == Team.Kind.SOCIAL_WORK
    for allocation in Allocation.objects.exclude(ended_on=None):
        assert allocation.started_on <= allocation.ended_on


def test_seed_demo_caseload_has_the_expected_mix():
    """About 60% in care, 30% with a plan, some both, short breaks, and the
    demo IRO holds about a third of current IRO allocations."""
    # when
    seed(children="400")
    # then
    in_care = set(
        CareEpisode.objects.filter(ended_on=None).values_list("child_id", flat=True)
    )
    with_plan = set(CPPlanEpisode.objects.values_list("child_id", flat=True))
    with_neither = set(Child.objects.values_list("id", flat=True)) - (
        in_care
        | with_plan
        | set(CareEpisode.objects.values_list("child_id", flat=True))
    )
    assert 0.5 <= len(in_care) / 400 <= 0.7
    assert 0.2 <= len(with_plan) / 400 <= 0.4
    assert in_care & with_plan
    assert CareEpisode.objects.filter(
        ended_on=None, legal_status__in=codes.SHORT_BREAK_LEGAL_STATUSES
    ).exists()
    assert CPPlanEpisode.objects.filter(ended_on=None).exists()
    assert CPPlanEpisode.objects.exclude(ended_on=None).exists()
    assert Allocation.objects.filter(
        child_id__in=with_neither, role=Allocation.Role.IRO
    ).exists()
    current_iros = Allocation.objects.filter(role=Allocation.Role.IRO, ended_on=None)
    share = current_iros.filter(worker__username="iro").count() / current_iros.count()
    assert 0.25 <= share <= 0.42
    assert Allocation.objects.filter(
        role=Allocation.Role.IRO, ended_on__isnull=False, child_id__in=in_care
    ).exists()
    assert KeyPerson.objects.filter(is_address_restricted=True).exists()
    assert KeyPerson.objects.filter(
        relationship__in=["foster_carer", "residential_key_worker"],
        child_id__in=in_care,
    ).exists()


def test_seed_demo_if_empty_adds_children_only_the_first_time():
    """--if-empty seeds an empty database and leaves a seeded one alone."""
    # when
    seed("--if-empty")
    second = seed("--if-empty")
    # then
    assert Child.objects.count() == 30
    assert "no caseload was added" in second


def test_seed_demo_run_again_adds_more_children_with_new_ids():
    """Without --if-empty a second run adds N more children, never clashing."""
    # given
    seed()
    first_ids = set(Child.objects.values_list("la_child_id", flat=True))
    # when
    seed()
    # then
    ids = set(Child.objects.values_list("la_child_id", flat=True))
    assert len(ids) == 60
    assert first_ids < ids


def test_seed_demo_same_seed_gives_the_same_caseload():
    """On an empty database a seed reproduces the same children."""
    # given
    seed()
    first = list(
        Child.objects.order_by("la_child_id").values_list(
            "la_child_id", "first_name", "last_name", "date_of_birth"
        )
    )
    # Meetings and allegations protect the children they are about: remove them first.
    for app, model in (
        ("meetings", "Action"),
        ("meetings", "Meeting"),
        ("lado", "InvolvedChild"),
    ):
        apps.get_model(app, model).objects.all().delete()
    Child.objects.all().delete()
    # when
    seed()
    # then
    again = list(
        Child.objects.order_by("la_child_id").values_list(
            "la_child_id", "first_name", "last_name", "date_of_birth"
        )
    )
    assert again == first


def test_seed_demo_query_count_does_not_grow_with_children():
    """The caseload goes in with bulk inserts, not row by row: three times the
    children add only the odd extra batch of 2,000 rows, not a query per row."""
    # given
    seed(children="0")
    # when
    with CaptureQueriesContext(connection) as few:
        seed(children="300")
    with CaptureQueriesContext(connection) as many:
        seed(children="900")
    # then
    assert len(many) - len(few) <= 10


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("-1", "from 0 to 200,000"),
        ("200001", "from 0 to 200,000"),
        ("abc", "expected a whole number"),
        ("2.5", "expected a whole number"),
    ],
)
def test_seed_demo_rejects_a_bad_number_of_children(value, message):
    """N outside 0..200,000, or not a whole number, is refused with a reason."""
    # when / then
    with pytest.raises(CommandError, match=message):
        seed(children=value)
    assert not Child.objects.exists()


def test_seed_demo_rejects_a_bad_number_passed_as_a_keyword():
    """call_command(children=...) bypasses the parser and is still checked."""
    with pytest.raises(CommandError, match="from 0 to 200,000"):
        call_command("seed_demo", children=-5, stdout=io.StringIO())
