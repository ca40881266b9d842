"""Services of Regulation 44: the register, visits, recommendations, reports."""

from datetime import date, timedelta

import pytest
from django.core import mail
from django.utils import timezone

from accounts.roles import Role
from cases.errors import DomainError
from reg44 import selectors, services
from reg44.models import (
    FollowUp,
    Home,
    Recommendation,
    Reg44Event,
    ReportSending,
    Visit,
    VisitReport,
)
from tests.factories import UserFactory

from .builders import (
    COMPLETE,
    approved_visit,
    at,
    home_with_visitor,
    recorded_visit,
    visitor_for,
)
from .factories import HomeFactory, PlacingAuthorityFactory

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
HOME_FIELDS = {
    "name": "Rowan House",
    "urn": "SC654321",
    "provider_name": "Harbour Care Group Ltd",
    "provider_email": "provider@harbour.example.org",
    "registered_manager_name": "Tessa Quinn",
    "registered_manager_email": "tessa.quinn@harbour.example.org",
    "responsible_individual_name": "Liam Walsh",
    "responsible_individual_email": "tessa.quinn@harbour.example.org",
    "ofsted_email": "reg44@ofsted.example.org",
    "address": "4 Mill Street\nMillbrook",
    "postcode": "MB2 3CD",
    "places": 3,
}


@pytest.fixture
def manager(user_with_role):
    return user_with_role(Role.MANAGER)


# --- the register -----------------------------------------------------------------------


class TestHomeRegister:
    def test_home_create_records_home_authorities_and_event(self, manager):
        """A registered home keeps its placing authorities and logs who added it."""
        # when
        home = services.home_create(
            by=manager,
            placing_authorities=[
                services.PlacingAuthorityInput(
                    name="Eastbridge Borough Council",
                    email="lac@eastbridge.example.org",
                )
            ],
            **HOME_FIELDS,
        )
        # then
        assert list(home.placing_authorities.values_list("name", flat=True)) == [
            "Eastbridge Borough Council"
        ]
        assert home.history.get().history_user == manager
        assert Reg44Event.objects.get(home=home).code == "home_registered"

    def test_home_create_refuses_a_urn_already_registered(self, manager):
        """Two homes never share an Ofsted URN, whatever its case."""
        HomeFactory(urn="SC654321")
        with pytest.raises(DomainError, match="already has this Ofsted URN"):
            services.home_create(by=manager, **{**HOME_FIELDS, "urn": "sc654321"})

    def test_local_authority_home_must_name_the_authority(self, manager):
        """A home run by a local authority says which one."""
        with pytest.raises(DomainError, match="Name the local authority"):
            services.home_create(
                by=manager, is_local_authority_home=True, **HOME_FIELDS
            )

    def test_home_update_changes_and_removes_placing_authorities(self, manager):
        """Authorities are added, changed and removed in the same save."""
        # given
        home = HomeFactory()
        kept = PlacingAuthorityFactory(home=home, name="Old name")
        gone = PlacingAuthorityFactory(home=home)
        # when
        services.home_update(
            home=home,
            by=manager,
            placing_authorities=[
                services.PlacingAuthorityInput(id=kept.pk, name="New name", email=""),
                services.PlacingAuthorityInput(id=gone.pk, name="", delete=True),
                services.PlacingAuthorityInput(name="Kingsford Council"),
            ],
            places=5,
        )
        # then
        home.refresh_from_db()
        assert home.places == 5
        assert sorted(home.placing_authorities.values_list("name", flat=True)) == [
            "Kingsford Council",
            "New name",
        ]

    def test_visitor_assign_needs_the_visitor_role(self, manager):
        """Only a user with the Reg 44 visitor role can be assigned."""
        with pytest.raises(DomainError, match="visitor role"):
            services.visitor_assign(
                home=HomeFactory(),
                visitor=UserFactory(roles=[Role.IRO]),
                started_on=TODAY,
                ended_on=None,
                by=manager,
            )

    def test_visitor_assign_refuses_overlapping_dates(self, manager):
        """The same visitor is not assigned twice to a home for the same days."""
        home = HomeFactory()
        visitor = visitor_for(home)
        with pytest.raises(DomainError, match="already assigned"):
            services.visitor_assign(
                home=home, visitor=visitor, started_on=TODAY, ended_on=None, by=manager
            )


# --- visits ---------------------------------------------------------------------------


class TestVisits:
    def test_a_future_visit_is_booked_and_a_past_one_recorded(self):
        """The date decides: a visit still to come is booked, one made is a draft."""
        home, visitor = home_with_visitor()
        booked = services.visit_create(
            home=home,
            by=visitor,
            visit_at=timezone.now() + timedelta(days=2),
            for_month=TODAY + timedelta(days=2),
        )
        made = services.visit_create(
            home=home,
            by=visitor,
            visit_at=timezone.now() - timedelta(hours=2),
            for_month=TODAY,
        )
        assert (booked.status, made.status) == (Visit.Status.BOOKED, Visit.Status.DRAFT)

    def test_visit_stores_both_deadlines_from_the_clock(self):
        """Due by the month's end (reg44_visit); report by the next month's end."""
        home, visitor = home_with_visitor()
        visit = services.visit_create(
            home=home,
            by=visitor,
            visit_at=at(date(2026, 1, 31)),
            for_month=date(2026, 1, 1),
            now=at(date(2026, 2, 2)),
        )
        assert (visit.visit_on, visit.due_on, visit.report_due_on) == (
            date(2026, 1, 31),
            date(2026, 1, 31),
            date(2026, 2, 28),
        )

    def test_a_late_visit_counts_for_the_previous_month_only(self):
        """A visit on 2 February may be January's (late), never December's."""
        home, visitor = home_with_visitor()
        late = services.visit_create(
            home=home,
            by=visitor,
            visit_at=at(date(2026, 2, 2)),
            for_month=date(2026, 1, 1),
            now=at(date(2026, 2, 3)),
        )
        assert (late.for_month, late.due_on, late.is_made_in_time) == (
            date(2026, 1, 1),
            date(2026, 1, 31),
            False,
        )
        with pytest.raises(DomainError, match="counts for"):
            services.visit_create(
                home=home,
                by=visitor,
                visit_at=at(date(2026, 2, 2)),
                for_month=date(2025, 12, 1),
                now=at(date(2026, 2, 3)),
            )

    def test_only_an_assigned_visitor_records_visits(self):
        """A visitor with no current assignment to the home is refused."""
        home, _ = home_with_visitor()
        stranger = UserFactory(roles=[Role.REG44_VISITOR])
        with pytest.raises(DomainError, match="assigned to this home"):
            services.visit_create(
                home=home, by=stranger, visit_at=timezone.now(), for_month=TODAY
            )

    def test_a_booked_visit_becomes_a_draft_once_recorded(self):
        """Recording a booked visit after it took place makes it a draft."""
        home, visitor = home_with_visitor()
        when = at(TODAY + timedelta(days=1))
        visit = services.visit_create(
            home=home, by=visitor, visit_at=when, for_month=TODAY + timedelta(days=1)
        )
        visit = services.visit_update(
            visit=visit, by=visitor, now=when + timedelta(hours=3), **COMPLETE
        )
        assert visit.status == Visit.Status.DRAFT

    def test_findings_wait_until_the_visit_took_place(self):
        """What was found cannot be written for a visit still to come."""
        home, visitor = home_with_visitor()
        visit = services.visit_create(
            home=home,
            by=visitor,
            visit_at=timezone.now() + timedelta(days=2),
            for_month=TODAY + timedelta(days=2),
        )
        with pytest.raises(DomainError, match="once it has taken place"):
            services.visit_update(visit=visit, by=visitor, findings="All good.")

    def test_children_are_spoken_to_only_with_their_consent(self):
        """Initials without the children's agreement are refused."""
        home, visitor = home_with_visitor()
        visit = recorded_visit(home=home, visitor=visitor)
        with pytest.raises(DomainError, match="consent"):
            services.visit_update(
                visit=visit,
                by=visitor,
                children_spoken_to="EF",
                children_consented=False,
            )

    def test_only_the_visitor_who_made_the_visit_changes_it(self):
        """Another visitor of the same home cannot edit the record."""
        home, visitor = home_with_visitor()
        visit = recorded_visit(home=home, visitor=visitor)
        colleague = visitor_for(home)
        with pytest.raises(DomainError, match="Only the visitor"):
            services.visit_update(visit=visit, by=colleague, findings="Changed.")


# --- recommendations and follow-up ---------------------------------------------------


class TestRecommendations:
    def test_recommendations_are_numbered_and_renumbered(self):
        """Numbers run 1, 2, 3; removing the first renumbers the rest."""
        home, visitor = home_with_visitor()
        visit = recorded_visit(home=home, visitor=visitor)
        first, *_ = [
            services.recommendation_add(
                visit=visit, by=visitor, text=f"Do {n}", consider_by=TODAY
            )
            for n in range(3)
        ]
        services.recommendation_delete(recommendation=first, by=visitor)
        assert list(visit.recommendations.values_list("number", "text")) == [
            (1, "Do 1"),
            (2, "Do 2"),
        ]

    def test_consideration_date_cannot_precede_the_visit(self):
        """The registered person cannot be asked to consider it before the visit."""
        home, visitor = home_with_visitor()
        visit = recorded_visit(home=home, visitor=visitor)
        with pytest.raises(DomainError, match="cannot be before the visit"):
            services.recommendation_add(
                visit=visit,
                by=visitor,
                text="Do it",
                consider_by=visit.visit_on - timedelta(days=1),
            )

    def test_open_recommendations_appear_on_the_next_visit(self):
        """Recommendations of an earlier visit are offered for follow-up next time."""
        # given
        home, visitor = home_with_visitor()
        first = approved_visit(
            home=home,
            visitor=visitor,
            on=TODAY - timedelta(days=40),
            recommendations=[("A", TODAY), ("B", TODAY)],
        )
        # when
        second = recorded_visit(home=home, visitor=visitor)
        # then
        candidates = selectors.visit_follow_up_candidates(visit=second)
        assert [(r.visit_id, r.number) for r in candidates] == [
            (first.pk, 1),
            (first.pk, 2),
        ]

    def test_met_closes_and_partly_met_carries_forward(self):
        """Met closes a recommendation; partly met brings it back a month later."""
        # given
        home, visitor = home_with_visitor()
        approved_visit(
            home=home,
            visitor=visitor,
            on=TODAY - timedelta(days=70),
            recommendations=[("A", TODAY), ("B", TODAY)],
        )
        second = recorded_visit(
            home=home, visitor=visitor, on=TODAY - timedelta(days=35)
        )
        a, b = selectors.visit_follow_up_candidates(visit=second)
        # when
        services.follow_ups_record(
            visit=second,
            by=visitor,
            outcomes={a.pk: ("met", "Done."), b.pk: ("partly_met", "Started.")},
        )
        services.visit_report_approve(visit=second, by=visitor)
        third = recorded_visit(home=home, visitor=visitor)
        # then
        assert [r.text for r in selectors.visit_follow_up_candidates(visit=third)] == [
            "B"
        ]
        a.refresh_from_db()
        assert (a.is_open, a.latest_outcome) == (False, "met")

    def test_approval_waits_for_every_follow_up(self):
        """A report cannot be approved with an open recommendation not followed up."""
        home, visitor = home_with_visitor()
        approved_visit(
            home=home,
            visitor=visitor,
            on=TODAY - timedelta(days=40),
            recommendations=[("A", TODAY)],
        )
        second = recorded_visit(home=home, visitor=visitor)
        with pytest.raises(DomainError, match="Follow up every open recommendation"):
            services.visit_report_approve(visit=second, by=visitor)

    def test_provider_response_is_recorded_after_approval(self):
        """The registered person's response is recorded once the report is out."""
        home, visitor = home_with_visitor()
        visit = recorded_visit(home=home, visitor=visitor)
        made = services.recommendation_add(
            visit=visit, by=visitor, text="Do it", consider_by=TODAY
        )
        with pytest.raises(DomainError, match="once it is approved"):
            services.recommendation_record_response(
                recommendation=made,
                by=visitor,
                response_status="accepted",
                response_text="",
                response_received_on=TODAY,
            )
        services.visit_report_approve(visit=visit, by=visitor)
        services.recommendation_record_response(
            recommendation=made,
            by=visitor,
            response_status="accepted",
            response_text="Will do.",
            response_received_on=TODAY,
        )
        made.refresh_from_db()
        assert (made.response_status, made.is_overdue_on(TODAY + timedelta(1))) == (
            "accepted",
            False,
        )


# --- the report ------------------------------------------------------------------------


class TestReport:
    def test_approval_needs_both_opinions_and_the_conflict_answer(self):
        """Reg 44(4) and (6): two opinions with evidence, and a conflict answer."""
        home, visitor = home_with_visitor()
        visit = recorded_visit(
            home=home,
            visitor=visitor,
            safeguarding_opinion="",
            wellbeing_evidence="",
            has_conflict_of_interest=None,
        )
        with pytest.raises(DomainError) as refused:
            services.visit_report_approve(visit=visit, by=visitor)
        message = str(refused.value)
        assert "effectively safeguarded" in message
        assert "evidence for your opinion on whether the conduct" in message
        assert "conflict of interest" in message

    def test_approve_fixes_v1_renders_and_sends_once_per_address(
        self, django_capture_on_commit_callbacks
    ):
        """Approval fixes version 1, renders its PDF and emails each address once:
        the registered manager and responsible individual share one address."""
        # given
        home, visitor = home_with_visitor(
            responsible_individual_email="rachel.shaw@brightpath.example.org"
        )
        visit = recorded_visit(home=home, visitor=visitor)
        # when
        with django_capture_on_commit_callbacks(execute=True):
            report = services.visit_report_approve(visit=visit, by=visitor)
        # then
        report.refresh_from_db()
        visit.refresh_from_db()
        assert (report.version, visit.status, visit.report_version) == (
            1,
            Visit.Status.APPROVED,
            1,
        )
        assert report.pdf.name and report.rendered_at
        assert len(mail.outbox) == 4  # Ofsted, provider, RM + RI, placing authority
        shared = ReportSending.objects.get(
            recipient_key="rachel.shaw@brightpath.example.org"
        )
        assert shared.recipient_roles == "Registered manager; Responsible individual"
        assert set(report.sendings.values_list("status", flat=True)) == {"sent"}
        assert visit.report_sent_on == TODAY

    def test_render_and_send_run_twice_change_nothing(
        self, django_capture_on_commit_callbacks
    ):
        """A second render keeps the same file; a second send sends nothing."""
        # given
        home, visitor = home_with_visitor()
        visit = recorded_visit(home=home, visitor=visitor)
        with django_capture_on_commit_callbacks(execute=True):
            report = services.visit_report_approve(visit=visit, by=visitor)
        report.refresh_from_db()
        first_file, sent = report.pdf.name, len(mail.outbox)
        # when
        services.visit_report_render(report_id=report.pk)
        results = [
            services.report_sending_send(sending_id=pk)
            for pk in report.sendings.values_list("pk", flat=True)
        ]
        # then
        report.refresh_from_db()
        assert report.pdf.name == first_file
        assert results == [False] * len(results)
        assert len(mail.outbox) == sent
        assert Reg44Event.objects.filter(code="report_rendered").count() == 1

    def test_amending_makes_a_second_version_sent_again(
        self, django_capture_on_commit_callbacks
    ):
        """An amended report is approved as version 2; version 1 is superseded and
        each recipient gets one sending per version."""
        home, visitor = home_with_visitor()
        visit = recorded_visit(home=home, visitor=visitor)
        with django_capture_on_commit_callbacks(execute=True):
            services.visit_report_approve(visit=visit, by=visitor)
            services.visit_report_amend(
                visit=visit, by=visitor, reason="Wrong date of the incident."
            )
            services.visit_update(visit=visit, by=visitor, findings="Corrected.")
            second = services.visit_report_approve(visit=visit, by=visitor)
        assert list(
            VisitReport.objects.filter(visit=visit)
            .order_by("version")
            .values_list("version", "status")
        ) == [(1, "superseded"), (2, "current")]
        assert second.amendment_reason == "Wrong date of the incident."
        per_version = {
            version: ReportSending.objects.filter(report__version=version).count()
            for version in (1, 2)
        }
        assert per_version == {1: 5, 2: 5}

    def test_a_failed_sending_is_recorded_and_can_be_sent_again(
        self, django_capture_on_commit_callbacks, settings
    ):
        """A sending that fails shows its error; resending it sends it."""
        # given
        home, visitor = home_with_visitor()
        visit = recorded_visit(home=home, visitor=visitor)
        settings.EMAIL_BACKEND = "tests.reg44.failing_mail.Backend"
        with django_capture_on_commit_callbacks(execute=True):
            report = services.visit_report_approve(visit=visit, by=visitor)
        row = report.sendings.first()
        row.refresh_from_db()
        assert (row.status, row.attempts) == ("failed", 1)
        assert "Mail server refused" in row.last_error
        # when
        settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
        with django_capture_on_commit_callbacks(execute=True):
            services.report_sending_resend(sending=row, by=visitor)
        # then
        row.refresh_from_db()
        assert (row.status, row.attempts) == ("sent", 2)
        visit.refresh_from_db()
        assert visit.report_sent_on is None  # the others are still failed

    def test_distribute_sends_only_to_recipients_added_since(
        self, django_capture_on_commit_callbacks
    ):
        """A placing authority added later is sent the current version; nobody
        already sent it is sent it again."""
        # given
        home, visitor = home_with_visitor()
        visit = recorded_visit(home=home, visitor=visitor)
        with django_capture_on_commit_callbacks(execute=True):
            report = services.visit_report_approve(visit=visit, by=visitor)
        PlacingAuthorityFactory(home=home, email="lac@kingsford.example.org")
        # when
        with django_capture_on_commit_callbacks(execute=True):
            created = services.visit_report_distribute(report=report, by=visitor)
        # then
        assert [row.recipient_email for row in created] == ["lac@kingsford.example.org"]
        assert report.sendings.count() == 6
        with pytest.raises(DomainError, match="already been sent"):
            services.visit_report_distribute(report=report, by=visitor)

    def test_follow_up_removed_reopens_the_recommendation(self):
        """Clearing a follow-up outcome puts the recommendation back to open."""
        home, visitor = home_with_visitor()
        approved_visit(
            home=home,
            visitor=visitor,
            on=TODAY - timedelta(days=40),
            recommendations=[("A", TODAY)],
        )
        second = recorded_visit(home=home, visitor=visitor)
        (a,) = selectors.visit_follow_up_candidates(visit=second)
        services.follow_ups_record(
            visit=second, by=visitor, outcomes={a.pk: ("met", "")}
        )
        services.follow_ups_record(visit=second, by=visitor, outcomes={a.pk: ("", "")})
        a.refresh_from_db()
        assert (a.is_open, FollowUp.objects.count()) == (True, 0)
        assert Recommendation.objects.filter(is_open=True).count() == 1
        assert Home.objects.count() == 1
