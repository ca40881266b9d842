"""LADO pages: scope (logged 404s), audit, forms that keep what was typed, query
budgets, figures as CSV and the minutes PDF."""

import csv
import io
import subprocess
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from accounts.models import AccessLog
from accounts.roles import Role
from lado import codes
from lado.models import Allegation, MinutesDistribution
from tests.factories import UserFactory
from tests.lado.factories import (
    AllegationFactory,
    AllegationMeetingFactory,
    AttendeeFactory,
)

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")


@pytest.fixture
def lado_client(client, lado):
    client.force_login(lado)
    return client


def detail(allegation):
    return reverse("lado:allegation-detail", kwargs={"pk": allegation.pk})


def url(name, allegation, **kwargs):
    return reverse(f"lado:{name}", kwargs={"pk": allegation.pk, **kwargs})


def pdf_text(pdf: bytes) -> str:
    result = subprocess.run(
        ["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True
    )
    return result.stdout.decode("utf-8")


REFERRAL_FORM = {
    "received_at": "2026-03-02T10:30",
    "referral_source": "employer",
    "referrer_name": "Dana Whitfield",
    "referrer_organisation": "Millbrook Primary School",
    "referrer_role": "Headteacher",
    "referrer_contact": "01632 960555",
    "setting_name": "Millbrook Primary School",
    "sector": "education",
    "came_to_employer_attention_on": "2026-02-27",
    "subject_first_name": "Gareth",
    "subject_last_name": "Pellow",
    "subject_date_of_birth": "1984-09-03",
    "subject_role": "PE teacher",
    "subject_employer": "",
    "subject_registration": "",
    "child_la_child_id": "",
    "child_initials": "JB",
    "child_age": "9",
    "child_gender": "female",
    "category": "physical",
    "details": "A pupil says he pushed her against a wall.",
}


@pytest.mark.parametrize("role", [Role.IRO, Role.MINUTE_TAKER, Role.ADMINISTRATOR])
def test_probing_an_allegation_is_a_logged_404(client, role):
    """Anyone but a LADO or a manager gets 404 for an allegation, and it is logged."""
    allegation = AllegationFactory()
    user = UserFactory(roles=[role], is_staff=role == Role.ADMINISTRATOR)
    client.force_login(user)
    response = client.get(detail(allegation))
    assert response.status_code == 404
    entry = AccessLog.objects.get(action=AccessLog.Action.DENIED)
    assert (entry.user, entry.object_id) == (user, str(allegation.pk))


def test_viewing_an_allegation_is_audited(lado_client, lado):
    allegation = AllegationFactory()
    assert lado_client.get(detail(allegation)).status_code == 200
    entry = AccessLog.objects.get(action=AccessLog.Action.VIEW, object_id=allegation.pk)
    assert entry.user == lado


def test_every_page_of_an_allegation_is_audited(lado_client):
    meeting = AllegationMeetingFactory()
    allegation = meeting.allegation
    for name, kwargs in (
        ("allegation-manage", {}),
        ("meeting-detail", {"lado_meeting_pk": meeting.pk}),
        ("allegation-outcome", {}),
    ):
        assert lado_client.get(url(name, allegation, **kwargs)).status_code == 200
    assert (
        AccessLog.objects.filter(
            action=AccessLog.Action.VIEW, object_id=str(allegation.pk)
        ).count()
        == 3
    )


def test_manager_reads_but_cannot_change(client):
    manager = UserFactory(roles=[Role.MANAGER])
    client.force_login(manager)
    allegation = AllegationFactory()
    page = client.get(detail(allegation)).content.decode()
    assert "Record the initial consideration" not in page
    response = client.post(
        url("allegation-decide", allegation),
        {"decision": "consultation", "decided_on": "2026-03-02", "rationale": "x"},
    )
    assert response.status_code == 403
    allegation.refresh_from_db()
    assert allegation.decision == ""


def test_logging_a_referral_through_the_form(lado_client, lado):
    response = lado_client.post(reverse("lado:allegation-create"), REFERRAL_FORM)
    allegation = Allegation.objects.get()
    assert response.status_code == 302
    assert response.url == detail(allegation)
    assert allegation.lado_officer == lado
    assert allegation.children.get().initials == "JB"
    page = lado_client.get(detail(allegation)).content.decode()
    assert "Within 1 working day" in page
    assert "Tue 3 Mar 2026" in page  # decision due, explained
    assert "lado_decision" in page


def test_a_referral_with_errors_keeps_what_was_typed(lado_client):
    form = {**REFERRAL_FORM, "came_to_employer_attention_on": "2026-03-05"}
    response = lado_client.post(reverse("lado:allegation-create"), form)
    page = response.content.decode()
    assert response.status_code == 200
    assert "after the LADO received the referral" in page
    assert "A pupil says he pushed her against a wall." in page
    assert 'value="Pellow"' in page
    assert Allegation.objects.count() == 0


def test_the_referral_screen_tells_of_earlier_allegations(lado_client):
    earlier = AllegationFactory(
        subject_first_name="gareth",
        subject_last_name="PELLOW",
        subject_date_of_birth=date(1984, 9, 3),
        received_at=datetime(2025, 4, 7, 9, 0, tzinfo=LONDON),
        setting_name="Eastholme Academy",
    )
    response = lado_client.post(
        reverse("lado:allegation-create"), REFERRAL_FORM, follow=True
    )
    page = response.content.decode()
    assert "Possible earlier allegation about this adult" in page
    assert earlier.reference in page
    assert "Confirm: the same adult" in page


def test_decision_without_criteria_shows_an_error(lado_client):
    allegation = AllegationFactory()
    response = lado_client.post(
        url("allegation-decide", allegation),
        {
            "decision": "threshold_met",
            "decided_on": "2026-03-02",
            "rationale": "Pushed a pupil.",
        },
    )
    assert response.status_code == 200
    assert "Tick the criteria the allegation meets." in response.content.decode()


def test_decision_page_explains_the_due_date(lado_client):
    page = lado_client.get(url("allegation-decide", AllegationFactory())).content
    text = page.decode()
    assert "Why this date?" in text and "within 1 working day" in text


def test_a_step_that_does_not_apply_now_returns_to_the_record(lado_client):
    allegation = AllegationFactory(managed=True)
    response = lado_client.get(url("allegation-decide", allegation), follow=True)
    assert response.redirect_chain == [(detail(allegation), 302)]
    assert "The initial consideration has been recorded." in response.content.decode()


def test_outcome_page_shows_the_kcsie_definitions(lado_client):
    page = lado_client.get(
        url("allegation-outcome", AllegationFactory(managed=True))
    ).content.decode()
    assert codes.OUTCOME_DEFINITIONS[codes.Outcome.MALICIOUS] in page
    assert "does not imply guilt or innocence" in page


def test_closing_late_without_a_reason_is_refused(lado_client):
    allegation = AllegationFactory(
        managed=True,
        status=codes.Status.OUTCOME_RECORDED,
        outcome=codes.Outcome.FALSE,
        outcome_on=date(2026, 5, 1),
    )
    response = lado_client.post(
        url("allegation-close", allegation), {"closed_on": "2026-05-01"}
    )
    assert response.status_code == 200
    assert "Say why the case took longer than a month." in response.content.decode()


def test_legal_hold_blocks_disposal_on_the_record(lado_client):
    allegation = AllegationFactory(closed=True)
    response = lado_client.post(
        url("hold-place", allegation), {"reason": "Employment tribunal claim."}
    )
    assert response.status_code == 302
    page = lado_client.get(detail(allegation)).content.decode()
    assert "Disposal blocked by legal hold." in page
    assert "Employment tribunal claim." in page


def test_distributing_the_minutes_from_the_page(
    lado_client, lado, django_capture_on_commit_callbacks
):
    meeting = AllegationMeetingFactory(allegation__lado_officer=lado)
    person = AttendeeFactory(meeting=meeting)
    allegation = meeting.allegation
    assert (
        lado_client.post(
            url("minutes-issue", allegation, lado_meeting_pk=meeting.pk)
        ).status_code
        == 302
    )
    minutes = meeting.minutes_versions.get()
    with django_capture_on_commit_callbacks(execute=True):
        response = lado_client.post(
            url(
                "minutes-distribute",
                allegation,
                lado_meeting_pk=meeting.pk,
                lado_minutes_pk=minutes.pk,
            ),
            {"attendees": [person.pk]},
        )
    assert response.status_code == 302
    assert MinutesDistribution.objects.get().status == "sent"
    assert mail.outbox[0].to == [person.email]


def test_minutes_pdf_is_restricted_and_numbered(lado_client):
    meeting = AllegationMeetingFactory(decisions="The school suspends Mr Pellow.")
    AttendeeFactory(meeting=meeting, name="DC Harriet Rowe")
    allegation = meeting.allegation
    lado_client.post(url("minutes-issue", allegation, lado_meeting_pk=meeting.pk))
    minutes = meeting.minutes_versions.get()
    response = lado_client.get(
        url(
            "minutes-pdf",
            allegation,
            lado_meeting_pk=meeting.pk,
            lado_minutes_pk=minutes.pk,
        )
    )
    text = pdf_text(response.content)
    assert response["Content-Type"] == "application/pdf"
    assert "RESTRICTED CIRCULATION" in text
    assert "DC Harriet Rowe" in text
    assert "The school suspends Mr Pellow." in text
    assert "Page 1 of 1" in text
    assert AccessLog.objects.filter(action=AccessLog.Action.EXPORT).count() == 1


def test_allegation_list_query_count_does_not_grow(
    lado_client, lado, django_assert_max_num_queries
):
    """The list's queries stay fixed however many allegations there are."""
    AllegationFactory.create_batch(3, lado_officer=lado)
    with django_assert_max_num_queries(14) as few:
        lado_client.get(reverse("lado:my-allegations"))
    AllegationFactory.create_batch(30, lado_officer=lado, managed=True)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = lado_client.get(reverse("lado:my-allegations"))
    assert len(response.context["allegations"]) == 25


def test_allegation_detail_query_count_is_bounded(
    lado_client, django_assert_max_num_queries
):
    meeting = AllegationMeetingFactory()
    for _ in range(4):
        AttendeeFactory(meeting=meeting)
    with django_assert_max_num_queries(30):
        response = lado_client.get(detail(meeting.allegation))
    assert response.status_code == 200


def test_list_filters_and_search_are_logged(lado_client, lado):
    AllegationFactory(lado_officer=lado, subject_last_name="Tamblyn")
    AllegationFactory(lado_officer=lado, subject_last_name="Gough")
    response = lado_client.get(reverse("lado:my-allegations"), {"q": "tamb"})
    assert [a.subject_last_name for a in response.context["allegations"]] == ["Tamblyn"]
    entry = AccessLog.objects.get(action=AccessLog.Action.SEARCH)
    assert "tamb" in entry.detail


def test_overdue_filter_on_the_list(lado_client, lado):
    today = timezone.localdate()
    overdue = AllegationFactory(
        lado_officer=lado,
        received_at=timezone.now() - timedelta(days=10),
    )
    AllegationFactory(lado_officer=lado, received_at=timezone.now())
    response = lado_client.get(reverse("lado:my-allegations"), {"overdue": "on"})
    assert list(response.context["allegations"]) == [overdue]
    assert overdue.decision_due_on < today
    assert "Overdue" in response.content.decode()


@pytest.mark.parametrize(
    ("role", "links"),
    [
        (Role.LADO, ["My allegations", "Allegations", "LADO figures"]),
        (Role.MANAGER, ["Allegations", "LADO figures"]),
        (Role.IRO, []),
    ],
)
def test_navigation_links(client, role, links):
    client.force_login(UserFactory(roles=[role]))
    response = client.get(reverse("home"))
    labels = [i["label"] for i in response.context["nav_items"]]
    assert [
        label
        for label in labels
        if label in {"My allegations", "Allegations", "LADO figures"}
    ] == links


def test_figures_default_to_the_last_financial_year(client):
    client.force_login(UserFactory(roles=[Role.MANAGER]))
    AllegationFactory(received_at=datetime(2025, 11, 3, 9, 0, tzinfo=LONDON))
    response = client.get(reverse("lado:figures"))
    figures = response.context["figures"]
    today = timezone.localdate()
    end_year = today.year if today.month >= 4 else today.year - 1
    assert (figures.start, figures.end) == (
        date(end_year - 1, 4, 1),
        date(end_year, 3, 31),
    )
    page = response.content.decode()
    assert "vendor/chartjs/chart.umd.js" in page
    assert '<table class="table table-sm" id="timeliness">' in page


def test_figures_csv_download_is_logged(client):
    manager = UserFactory(roles=[Role.MANAGER])
    client.force_login(manager)
    AllegationFactory(received_at=datetime(2025, 11, 3, 9, 0, tzinfo=LONDON))
    response = client.get(
        reverse("lado:figures-csv"), {"start": "2025-04-01", "end": "2026-03-31"}
    )
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert response["Content-Type"].startswith("text/csv")
    assert rows[0] == ["section", "item", "measure", "value"]
    assert ["contacts", "all", "contacts", "1"] in rows
    assert AccessLog.objects.get(action=AccessLog.Action.EXPORT).user == manager


def test_figures_with_a_bad_period_say_so(client):
    client.force_login(UserFactory(roles=[Role.MANAGER]))
    response = client.get(
        reverse("lado:figures"), {"start": "2026-03-31", "end": "2025-04-01"}
    )
    assert response.status_code == 200
    assert "The end of the period is before its start." in response.content.decode()


def test_patterns_page_lists_repeated_settings(client):
    client.force_login(UserFactory(roles=[Role.MANAGER]))
    AllegationFactory.create_batch(2, setting_name="Kingsmere Swim Club")
    response = client.get(reverse("lado:patterns"))
    assert "Kingsmere Swim Club" in response.content.decode()


def test_correcting_the_referral_keeps_the_managing_lado(lado_client, lado):
    colleague = UserFactory(roles=[Role.LADO])
    allegation = AllegationFactory(lado_officer=colleague)
    page = lado_client.get(url("allegation-update", allegation)).content.decode()
    assert f'<option value="{colleague.pk}" selected>' in page
    form = {
        **REFERRAL_FORM,
        "lado_officer": str(colleague.pk),
        "subject_last_name": "Pellowe",
    }
    response = lado_client.post(url("allegation-update", allegation), form)
    assert response.status_code == 302
    allegation.refresh_from_db()
    assert (allegation.subject_last_name, allegation.lado_officer) == (
        "Pellowe",
        colleague,
    )


def test_adding_an_unknown_child_says_what_to_do(lado_client):
    allegation = AllegationFactory()
    response = lado_client.post(
        url("child-create", allegation), {"la_child_id": "Z000001"}
    )
    assert response.status_code == 200
    assert "record the child&#x27;s initials, age and gender instead" in (
        response.content.decode()
    )
