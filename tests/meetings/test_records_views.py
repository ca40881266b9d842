"""Pages of the record: status, redirects, role rules and nothing lost on errors."""

from datetime import date

import pytest
from django.core import mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from accounts.models import AccessLog
from accounts.roles import Role
from meetings import selectors, services
from meetings.models import ChairReport, Distribution
from tests.factories import (
    ActionFactory,
    ChildFactory,
    MeetingFactory,
    ParticipantFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

TEXT = {"summary": "Settled and happy.", "chair_view": "Endorsed."}


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def meeting():
    return MeetingFactory(
        held=True, decisions_due_on=date(2026, 4, 3), record_due_on=date(2026, 4, 24)
    )


@pytest.fixture
def chair_client(client, meeting):
    client.force_login(meeting.chair)
    return client


def url(name, meeting, **kwargs):
    return reverse(f"meetings:{name}", kwargs={"pk": meeting.pk, **kwargs})


def draft(meeting, **text):
    report = services.chair_report_start(meeting=meeting, by=meeting.chair)
    return services.chair_report_save(
        report=report, by=meeting.chair, expected_lock_version=0, **{**TEXT, **text}
    )


def submitted(meeting):
    report = draft(meeting)
    return services.chair_report_submit(report=report, by=meeting.chair)


def rendered(meeting):
    report = services.chair_report_approve(report=submitted(meeting), by=meeting.chair)
    return services.chair_report_render(report_id=report.pk)


def form_data(report, **fields):
    data = {name: getattr(report, name) for name in selectors.CONTENT_FIELDS}
    return {**data, "lock_version": report.lock_version, "save": "Save", **fields}


# --- writing -------------------------------------------------------------------------


def test_chair_starts_the_record_and_is_taken_to_write_it(chair_client, meeting):
    response = chair_client.post(url("record-start", meeting))
    report = ChairReport.objects.get(meeting=meeting)
    assert response.status_code == 302
    assert response.url == url("record-edit", meeting, report_pk=report.pk)


def test_chair_saves_the_draft_and_returns_to_the_meeting(chair_client, meeting):
    report = draft(meeting)
    response = chair_client.post(
        url("record-edit", meeting, report_pk=report.pk),
        form_data(report, discussion="Contact is going well."),
    )
    assert response.status_code == 302
    assert response.url == meeting.get_absolute_url()
    assert ChairReport.objects.get(pk=report.pk).discussion == "Contact is going well."


def test_a_stale_save_shows_both_texts_and_keeps_what_was_typed(chair_client, meeting):
    # given: the form was opened at lock version 1, then the text was saved again
    report = draft(meeting)
    stale = form_data(report, summary="My careful new summary.")
    services.chair_report_save(
        report=report,
        by=meeting.chair,
        expected_lock_version=report.lock_version,
        summary="Saved meanwhile elsewhere.",
    )
    # when
    response = chair_client.post(
        url("record-edit", meeting, report_pk=report.pk), stale
    )
    # then
    content = response.content.decode()
    assert response.status_code == 409
    assert "Saved meanwhile elsewhere." in content
    assert "My careful new summary." in content
    assert response.context["form"]["lock_version"].value() == 2
    assert ChairReport.objects.get(pk=report.pk).summary == "Saved meanwhile elsewhere."


def test_saving_again_after_a_conflict_keeps_the_typed_text(chair_client, meeting):
    report = draft(meeting)
    services.chair_report_save(
        report=report, by=meeting.chair, expected_lock_version=1, summary="Other"
    )
    edit = url("record-edit", meeting, report_pk=report.pk)
    conflict = chair_client.post(edit, form_data(report, summary="Mine"))
    retry = {**conflict.context["form"].data}
    response = chair_client.post(edit, retry)
    assert response.status_code == 302
    assert ChairReport.objects.get(pk=report.pk).summary == "Mine"


def test_a_refused_save_keeps_what_was_typed(chair_client, meeting):
    """Saving a version submitted meanwhile shows the error with the text still there."""
    report = draft(meeting)
    services.chair_report_submit(report=report, by=meeting.chair)
    response = chair_client.post(
        url("record-edit", meeting, report_pk=report.pk),
        form_data(report, discussion="A long paragraph typed with care."),
    )
    content = response.content.decode()
    assert response.status_code == 200
    assert "only a draft can be edited" in content
    assert "A long paragraph typed with care." in content


def test_another_iro_may_read_but_not_write(client, meeting):
    report = draft(meeting)
    client.force_login(UserFactory(roles=[Role.IRO]))
    assert (
        client.get(url("record-detail", meeting, report_pk=report.pk)).status_code
        == 200
    )
    assert (
        client.get(url("record-edit", meeting, report_pk=report.pk)).status_code == 403
    )
    assert (
        client.post(url("record-submit", meeting, report_pk=report.pk)).status_code
        == 403
    )


def test_reading_a_version_is_audited(chair_client, meeting):
    report = draft(meeting)
    chair_client.get(url("record-detail", meeting, report_pk=report.pk))
    entry = AccessLog.objects.get(action=AccessLog.Action.VIEW)
    assert (entry.user, entry.object_id) == (meeting.chair, str(report.pk))


def test_a_minute_taker_of_the_meeting_does_not_see_the_record(client, meeting):
    minute_taker = UserFactory(roles=[Role.MINUTE_TAKER])
    meeting.minute_taker = minute_taker
    meeting.save()
    client.force_login(minute_taker)
    assert client.get(url("record-versions", meeting)).status_code == 403


def test_submit_without_the_required_text_returns_to_the_form(chair_client, meeting):
    report = draft(meeting, summary="")
    response = chair_client.post(url("record-submit", meeting, report_pk=report.pk))
    assert response.url == url("record-edit", meeting, report_pk=report.pk)
    assert ChairReport.objects.get(pk=report.pk).status == "draft"


# --- approval ------------------------------------------------------------------------


def test_manager_approves_and_the_pdfs_are_rendered(
    manager_client, meeting, django_capture_on_commit_callbacks
):
    # given
    report = submitted(meeting)
    # when
    with django_capture_on_commit_callbacks(execute=True):
        response = manager_client.post(
            url("record-approve", meeting, report_pk=report.pk), {"confirm": "on"}
        )
    # then
    report.refresh_from_db()
    assert response.status_code == 302
    assert report.status == "approved"
    assert report.rendered_at is not None
    assert report.pdf.read(5) == b"%PDF-"


def test_approve_page_of_a_draft_offers_nothing_to_do(manager_client, meeting):
    report = draft(meeting)
    response = manager_client.get(url("record-approve", meeting, report_pk=report.pk))
    assert response.status_code == 200
    assert "Nothing to do" in response.content.decode()


def test_return_to_draft_without_a_reason_is_shown_again(manager_client, meeting):
    report = submitted(meeting)
    response = manager_client.post(
        url("record-return", meeting, report_pk=report.pk), {"reason": ""}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["reason"]
    assert ChairReport.objects.get(pk=report.pk).status == "submitted"


def test_amend_takes_the_chair_to_the_new_version(chair_client, meeting):
    report = services.chair_report_approve(report=submitted(meeting), by=meeting.chair)
    response = chair_client.post(
        url("record-amend", meeting, report_pk=report.pk), {"reason": "Wrong school."}
    )
    amended = ChairReport.objects.get(meeting=meeting, version=2)
    assert response.url == url("record-edit", meeting, report_pk=amended.pk)


# --- downloads and versions ------------------------------------------------------------


def test_download_serves_the_pdf_as_an_audited_attachment(client, meeting):
    # given
    report = rendered(meeting)
    reader = UserFactory(roles=[Role.IRO])
    client.force_login(reader)
    # when
    response = client.get(url("record-pdf", meeting, report_pk=report.pk))
    # then
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert b"".join(response.streaming_content)[:5] == b"%PDF-"
    entry = AccessLog.objects.get(action=AccessLog.Action.EXPORT)
    assert (entry.user, entry.object_id) == (reader, str(report.pk))


def test_download_out_of_scope_is_a_logged_404(client):
    # given: a meeting of a child the IRO may not see, chaired by someone else
    meeting = MeetingFactory(
        child=ChildFactory(),
        period_start=None,
        held=True,
        due_start_on=date(2026, 3, 2),
    )
    report = rendered(meeting)
    client.force_login(UserFactory(roles=[Role.IRO]))
    # when
    response = client.get(url("record-pdf", meeting, report_pk=report.pk))
    # then
    assert response.status_code == 404
    assert AccessLog.objects.filter(action=AccessLog.Action.DENIED).count() == 1
    assert not AccessLog.objects.filter(action=AccessLog.Action.EXPORT).exists()


def test_older_versions_stay_listed_and_downloadable(manager_client, meeting):
    # given
    first = rendered(meeting)
    chair = meeting.chair
    second = services.chair_report_amend(report=first, by=chair, reason="Typo")
    services.chair_report_submit(report=second, by=chair)
    services.chair_report_approve(report=second, by=chair)
    # when
    listing = manager_client.get(url("record-versions", meeting))
    download = manager_client.get(url("record-letter-pdf", meeting, report_pk=first.pk))
    # then
    assert [r.version for r in listing.context["reports"]] == [2, 1]
    assert download.status_code == 200
    assert download["Content-Disposition"].endswith('-letter-v1.pdf"')


# --- distribution ------------------------------------------------------------------------


def test_distribute_sends_to_the_chosen_participants(
    manager_client, meeting, django_capture_on_commit_callbacks
):
    # given
    rendered(meeting)
    mum = ParticipantFactory(meeting=meeting, name="Mum")
    ParticipantFactory(meeting=meeting, name="Not chosen")
    # when
    with django_capture_on_commit_callbacks(execute=True):
        response = manager_client.post(
            url("record-distribute", meeting),
            {
                "record_to": [mum.pk],
                "other_channel": "email",
                "other_document": "record",
            },
        )
    # then
    assert response.url == url("record-ledger", meeting)
    assert [m.to for m in mail.outbox] == [[mum.email]]
    assert Distribution.objects.get().status == "sent"


def test_distribute_with_an_ad_hoc_recipient_missing_an_email_keeps_the_form(
    manager_client, meeting
):
    rendered(meeting)
    response = manager_client.post(
        url("record-distribute", meeting),
        {
            "other_name": "Dr Patel",
            "other_channel": "email",
            "other_document": "letter",
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors["other_email"]
    assert 'value="Dr Patel"' in response.content.decode()
    assert not Distribution.objects.exists()


def test_distribute_before_approval_says_so(manager_client, meeting):
    submitted(meeting)
    response = manager_client.get(url("record-distribute", meeting))
    assert "no approved version to send" in response.content.decode()


def test_resend_queues_a_failed_sending_again(
    manager_client, meeting, django_capture_on_commit_callbacks
):
    report = rendered(meeting)
    row = Distribution.objects.create(
        report=report,
        recipient_name="Mum",
        recipient_email="mum@example.org",
        recipient_key="mum@example.org",
        status="failed",
        attempts=1,
        last_error="SMTPRecipientsRefused",
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = manager_client.post(
            url("distribution-resend", meeting, distribution_pk=row.pk)
        )
    row.refresh_from_db()
    assert response.url == url("record-ledger", meeting)
    assert (row.status, row.attempts) == ("sent", 2)


def test_ledger_lists_every_sending_within_a_query_budget(
    manager_client, meeting, django_assert_max_num_queries
):
    # given: two versions, each sent to eight people
    first = rendered(meeting)
    second = services.chair_report_amend(report=first, by=meeting.chair, reason="x")
    services.chair_report_submit(report=second, by=meeting.chair)
    services.chair_report_approve(report=second, by=meeting.chair)
    people = [ParticipantFactory(meeting=meeting) for _ in range(8)]
    for report in (first, second):
        for person in people:
            Distribution.objects.create(
                report=report,
                participant=person,
                recipient_name=person.name,
                recipient_email=person.email,
                recipient_key=person.email,
                requested_by=meeting.chair,
            )
    # when
    with django_assert_max_num_queries(12):
        response = manager_client.get(url("record-ledger", meeting))
    # then
    assert response.status_code == 200
    assert len(response.context["rows"]) == 16


# --- the panel on the meeting page -------------------------------------------------------


def test_panel_offers_the_chair_to_write_the_record(rf, meeting):
    context = selectors.record_panel_context(meeting=meeting, user=meeting.chair)
    html = render_to_string(
        "meetings/partials/_record_panel.html",
        {"meeting": meeting, **context},
        request=rf.get("/"),
    )
    decisions = selectors.record_step_timeliness(
        due_on=date(2026, 4, 3), done_on=None, today=timezone.localdate()
    )
    assert url("record-start", meeting) in html
    assert decisions.text in html


def test_panel_offers_a_manager_approval_of_a_submitted_version(rf, meeting, manager):
    ActionFactory(meeting=meeting)
    report = submitted(meeting)
    context = selectors.record_panel_context(meeting=meeting, user=manager)
    html = render_to_string(
        "meetings/partials/_record_panel.html",
        {"meeting": meeting, **context},
        request=rf.get("/"),
    )
    assert url("record-approve", meeting, report_pk=report.pk) in html
    assert url("record-edit", meeting, report_pk=report.pk) not in html


def test_meeting_page_shows_the_record_panel(chair_client, meeting):
    response = chair_client.get(meeting.get_absolute_url())
    assert response.status_code == 200
    assert 'id="record-heading"' in response.content.decode()


def test_versions_page_lists_every_version_within_a_query_budget(
    manager_client, meeting, django_assert_max_num_queries
):
    # given: three versions, two of them approved
    first = rendered(meeting)
    for reason in ("Typo", "Second typo"):
        amended = services.chair_report_amend(
            report=ChairReport.objects.get(meeting=meeting, status="approved"),
            by=meeting.chair,
            reason=reason,
        )
        services.chair_report_submit(report=amended, by=meeting.chair)
        services.chair_report_approve(report=amended, by=meeting.chair)
    # when
    with django_assert_max_num_queries(12):
        response = manager_client.get(url("record-versions", meeting))
    # then
    assert [r.version for r in response.context["reports"]] == [3, 2, 1]
    assert url("record-pdf", meeting, report_pk=first.pk) in response.content.decode()
