"""Pages of Regulation 44: scope, forms through the real HTML, query budgets."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import AccessLog
from accounts.roles import Role
from cases.selectors import clock_get
from reg44 import selectors
from reg44.models import Home, PlacingAuthority, ReportSending, Visit
from tests.factories import UserFactory

from .builders import approved_visit, home_with_visitor, recorded_visit
from .factories import HomeFactory, VisitFactory, VisitorAssignmentFactory

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def _signed_in(client, user):
    client.force_login(user)
    return client


@pytest.fixture
def manager(user_with_role):
    return user_with_role(Role.MANAGER)


class TestVisitorScope:
    def test_home_list_shows_only_the_visitors_homes(self, client):
        """A visitor's register lists the homes assigned to them, nothing else."""
        home, visitor = home_with_visitor(name="Rowan House")
        HomeFactory(name="Hawthorn View")
        response = _signed_in(client, visitor).get(reverse("reg44:home-list"))
        assert response.status_code == 200
        assert "Rowan House" in response.text
        assert "Hawthorn View" not in response.text

    def test_assigned_home_is_shown_and_the_view_logged(self, client):
        """Opening an assigned home is logged as a view."""
        home, visitor = home_with_visitor()
        response = _signed_in(client, visitor).get(home.get_absolute_url())
        assert response.status_code == 200
        log = AccessLog.objects.get(action=AccessLog.Action.VIEW, object_id=home.pk)
        assert log.user == visitor

    def test_unassigned_home_and_its_visits_are_logged_404s(self, client):
        """A home not assigned to the visitor, and its visits, answer 404 and the
        attempts are logged."""
        _, visitor = home_with_visitor()
        other = VisitFactory()
        client = _signed_in(client, visitor)
        responses = [
            client.get(other.home.get_absolute_url()),
            client.get(other.get_absolute_url()),
        ]
        assert [r.status_code for r in responses] == [404, 404]
        assert set(
            AccessLog.objects.filter(action=AccessLog.Action.DENIED).values_list(
                "object_id", flat=True
            )
        ) == {str(other.home.pk), str(other.pk)}

    def test_every_page_showing_a_visit_is_audited(self, client):
        """Opening the record form is logged as a view of the visit, by page."""
        home, visitor = home_with_visitor()
        visit = recorded_visit(home=home, visitor=visitor)
        _signed_in(client, visitor).get(reverse("reg44:visit-update", args=[visit.pk]))
        log = AccessLog.objects.get(action=AccessLog.Action.VIEW)
        assert (log.object_id, log.detail) == (str(visit.pk), "reg44:visit-update")

    def test_another_visitors_visit_is_read_only(self, client):
        """A colleague assigned to the same home may read a visit, not write it."""
        home, visitor = home_with_visitor()
        visit = recorded_visit(home=home, visitor=visitor)
        colleague = UserFactory(roles=[Role.REG44_VISITOR])
        VisitorAssignmentFactory(home=home, visitor=colleague)
        client = _signed_in(client, colleague)
        assert client.get(visit.get_absolute_url()).status_code == 200
        assert (
            client.get(reverse("reg44:visit-update", args=[visit.pk])).status_code
            == 403
        )


class TestForms:
    def test_manager_registers_a_home_with_placing_authorities(self, client, manager):
        """The register form saves the home and its placing authorities."""
        # when
        response = _signed_in(client, manager).post(
            reverse("reg44:home-create"),
            {
                "name": "Rowan House",
                "urn": "sc 123456",
                "provider_name": "Harbour Care Group Ltd",
                "provider_email": "provider@harbour.example.org",
                "address": "4 Mill Street",
                "postcode": "mb2 3cd",
                "places": "3",
                "registration_status": "registered",
                "authorities-TOTAL_FORMS": "2",
                "authorities-INITIAL_FORMS": "0",
                "authorities-0-name": "Kingsford Council",
                "authorities-0-email": "lac@kingsford.example.org",
                "authorities-1-name": "",
                "authorities-1-email": "",
            },
        )
        # then
        home = Home.objects.get()
        assert response.status_code == 302
        assert response.url == home.get_absolute_url()
        assert (home.urn, home.postcode) == ("SC123456", "MB2 3CD")
        assert PlacingAuthority.objects.get().home == home

    def test_invalid_home_keeps_what_was_typed(self, client, manager):
        """A bad URN is explained and nothing typed is lost."""
        response = _signed_in(client, manager).post(
            reverse("reg44:home-create"),
            {
                "name": "Rowan House",
                "urn": "12",
                "provider_name": "Harbour Care Group Ltd",
                "address": "4 Mill Street",
                "postcode": "MB2 3CD",
                "places": "3",
                "registration_status": "registered",
                "authorities-TOTAL_FORMS": "1",
                "authorities-INITIAL_FORMS": "0",
                "authorities-0-name": "Kingsford Council",
                "authorities-0-email": "",
            },
        )
        assert response.status_code == 200
        assert "SC followed by 6 digits" in response.text
        assert 'value="Rowan House"' in response.text
        assert 'value="Kingsford Council"' in response.text
        assert not Home.objects.exists()

    def test_visitor_records_a_visit_with_initials_only(self, client):
        """Names are refused where initials belong, and the rest is kept."""
        home, visitor = home_with_visitor()
        visit = VisitFactory(home=home, visitor=visitor, visit_on=TODAY)
        response = _signed_in(client, visitor).post(
            reverse("reg44:visit-update", args=[visit.pk]),
            {
                "visit_at": f"{TODAY:%Y-%m-%d}T10:00",
                "children_spoken_to": "Jayden",
                "children_consented": "on",
                "children_views": "Said the food is good.",
            },
        )
        assert response.status_code == 200
        assert "Use initials only" in response.text
        assert "Said the food is good." in response.text

    def test_approve_through_the_page_sends_the_report(
        self, client, django_capture_on_commit_callbacks
    ):
        """Confirming the approval fixes version 1 and sends it to each recipient."""
        home, visitor = home_with_visitor()
        visit = recorded_visit(home=home, visitor=visitor)
        with django_capture_on_commit_callbacks(execute=True):
            response = _signed_in(client, visitor).post(
                reverse("reg44:visit-approve", args=[visit.pk]), {"confirm": "on"}
            )
        assert response.status_code == 302
        visit.refresh_from_db()
        assert visit.status == Visit.Status.APPROVED
        assert set(
            ReportSending.objects.filter(report__visit=visit).values_list(
                "status", flat=True
            )
        ) == {"sent"}

    def test_approve_page_lists_what_is_missing(self, client):
        """The approval page explains why the report cannot be approved yet."""
        home, visitor = home_with_visitor()
        visit = recorded_visit(home=home, visitor=visitor, safeguarding_opinion="")
        response = _signed_in(client, visitor).post(
            reverse("reg44:visit-approve", args=[visit.pk]), {"confirm": "on"}
        )
        assert response.status_code == 200
        assert "Give your opinion on whether children are effectively safeguarded" in (
            response.text
        )

    def test_visit_page_explains_the_report_deadline_is_local(self, client):
        """The report deadline says the regulation names recipients, not a deadline."""
        home, visitor = home_with_visitor()
        visit = recorded_visit(home=home, visitor=visitor)
        response = _signed_in(client, visitor).get(visit.get_absolute_url())
        assert "names who receives the report but sets no deadline" in response.text
        assert "reg44_report" in response.text

    def test_report_pdf_is_served_and_logged_as_an_export(self, client, manager):
        """A manager downloads a version's PDF; the download is logged."""
        home, visitor = home_with_visitor()
        visit = approved_visit(home=home, visitor=visitor)
        response = _signed_in(client, manager).get(
            reverse("reg44:report-pdf", args=[visit.pk, 1])
        )
        assert response["Content-Type"] == "application/pdf"
        assert b"".join(response.streaming_content).startswith(b"%PDF")
        assert AccessLog.objects.filter(
            action=AccessLog.Action.EXPORT, object_id=str(visit.pk)
        ).exists()


class TestMoreForms:
    def test_manager_assigns_and_ends_a_visitor(self, client, manager):
        """A visitor is assigned from a date, then the assignment is ended."""
        home = HomeFactory()
        visitor = UserFactory(roles=[Role.REG44_VISITOR])
        client = _signed_in(client, manager)
        client.post(
            reverse("reg44:assignment-create", args=[home.pk]),
            {"visitor": visitor.pk, "started_on": f"{TODAY:%Y-%m-%d}"},
        )
        assignment = home.assignments.get()
        response = client.post(
            reverse("reg44:assignment-end", args=[home.pk, assignment.pk]),
            {"ended_on": f"{TODAY + timedelta(days=30):%Y-%m-%d}"},
        )
        assignment.refresh_from_db()
        assert response.status_code == 302
        assert (assignment.visitor, assignment.ended_on) == (
            visitor,
            TODAY + timedelta(days=30),
        )

    def test_visitor_books_a_future_visit(self, client):
        """A date still to come books the visit and shows it on the home's page."""
        home, visitor = home_with_visitor()
        when = TODAY + timedelta(days=40)
        response = _signed_in(client, visitor).post(
            reverse("reg44:visit-create", args=[home.pk]),
            {"visit_at": f"{when:%Y-%m-%d}T14:00", "is_unannounced": "on"},
        )
        visit = Visit.objects.get()
        assert response.url == visit.get_absolute_url()
        assert (visit.status, visit.is_unannounced, visit.for_month) == (
            Visit.Status.BOOKED,
            True,
            when.replace(day=1),
        )

    def test_provider_response_recorded_through_the_form(self, client):
        """The visitor records the registered person's response after approval."""
        home, visitor = home_with_visitor()
        visit = approved_visit(
            home=home, visitor=visitor, recommendations=[("Do it", TODAY)]
        )
        made = visit.recommendations.get()
        response = _signed_in(client, visitor).post(
            reverse("reg44:recommendation-response", args=[visit.pk, made.pk]),
            {
                "response_status": "declined",
                "response_text": "Current practice is enough.",
                "response_received_on": f"{TODAY:%Y-%m-%d}",
            },
        )
        made.refresh_from_db()
        assert response.status_code == 302
        assert (made.response_status, made.response_received_on) == (
            "declined",
            TODAY,
        )

    def test_failed_sending_is_sent_again_from_the_ledger(
        self, client, django_capture_on_commit_callbacks
    ):
        """Pressing 'Send again' on a failed sending sends it."""
        home, visitor = home_with_visitor()
        visit = approved_visit(home=home, visitor=visitor)
        sending = ReportSending.objects.filter(report__visit=visit).first()
        sending.status = ReportSending.Status.FAILED
        sending.save()
        with django_capture_on_commit_callbacks(execute=True):
            response = _signed_in(client, visitor).post(
                reverse("reg44:sending-resend", args=[visit.pk, sending.pk])
            )
        sending.refresh_from_db()
        assert response.status_code == 302
        assert sending.status == ReportSending.Status.SENT


def _homes_with_visits(count: int, visitor) -> None:
    for n in range(count):
        home = HomeFactory()
        VisitorAssignmentFactory(home=home, visitor=visitor)
        VisitFactory(home=home, visitor=visitor, visit_on=TODAY)
        VisitFactory(
            home=home,
            visitor=visitor,
            visit_on=TODAY - timedelta(days=35),
            for_month=(TODAY - timedelta(days=35)).replace(day=1),
            status=Visit.Status.APPROVED,
            safeguarding_opinion="no" if n % 2 else "yes",
        )


def _count_queries(client, url, django_assert_max_num_queries, most):
    with django_assert_max_num_queries(most), CaptureQueriesContext(connection) as c:
        response = client.get(url)
    assert response.status_code == 200
    return len(c.captured_queries)


@pytest.mark.parametrize(
    ("name", "most"), [("reg44:home-list", 16), ("reg44:overview", 18)]
)
def test_list_pages_keep_a_fixed_query_count(
    client, manager, django_assert_max_num_queries, name, most
):
    """The register and the overview cost the same with 3 or 30 homes."""
    visitor = UserFactory(roles=[Role.REG44_VISITOR])
    client = _signed_in(client, manager)
    _homes_with_visits(3, visitor)
    client.get(reverse(name))  # warm the caches (content types, sessions)
    few = _count_queries(client, reverse(name), django_assert_max_num_queries, most)
    _homes_with_visits(27, visitor)
    many = _count_queries(client, reverse(name), django_assert_max_num_queries, most)
    assert many == few


def test_overview_cells_carry_text_not_colour_alone(client, manager):
    """Every heat-map cell says in words how the month stands."""
    visitor = UserFactory(roles=[Role.REG44_VISITOR])
    _homes_with_visits(2, visitor)
    response = _signed_in(client, manager).get(reverse("reg44:overview"))
    overview = response.context["overview"]
    assert all(cell.standing.label for row in overview.rows for cell in row.cells)
    assert "Visited on time" in response.text
    assert "Missed" in response.text
    assert "1 negative opinion" in response.text
    assert '<th scope="row">' in response.text


def test_month_is_due_soon_within_five_working_days():
    """The month-end flag comes up five working days before the last day."""
    clock = clock_get()
    assert selectors.month_is_due_soon(clock=clock, today=date(2026, 6, 23)) is True
    assert selectors.month_is_due_soon(clock=clock, today=date(2026, 6, 22)) is False
