"""Pages for notes, disputes and complaints: redirects, roles, errors, budgets."""

import re
from datetime import date

import pytest
from django.urls import reverse

from accounts.models import AccessLog
from accounts.roles import Role
from meetings import services
from meetings.models import Complaint, Dispute, MonitoringNote
from tests.factories import (
    ActionFactory,
    CareEpisodeFactory,
    ComplaintFactory,
    DisputeFactory,
    MeetingFactory,
    MonitoringNoteFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def child():
    return CareEpisodeFactory().child


@pytest.fixture
def own_dispute(child, iro):
    """A formal stage 1 dispute raised by the signed-in IRO."""
    return services.dispute_raise(
        child=child,
        raised_by=iro,
        raised_on=date(2026, 6, 1),
        category="health",
        summary="The health assessment is overdue.",
        stage="stage_1",
        escalated_to_name="Team Manager",
    )


def _url(name, **kwargs):
    return reverse(f"meetings:{name}", kwargs=kwargs)


# --- the child's oversight page ------------------------------------------------------


def test_child_oversight_page_lists_notes_disputes_and_complaints(
    iro_client, child, own_dispute
):
    # given
    MonitoringNoteFactory(child=child, text="Saw the child at school.")
    ComplaintFactory(child=child, complainant_name="Ann Parent")
    # when
    response = iro_client.get(_url("child-oversight", pk=child.pk))
    # then
    content = response.content.decode()
    assert response.status_code == 200
    assert "Saw the child at school." in content
    assert "Ann Parent" in content
    assert own_dispute.get_absolute_url() in content
    assert _url("dispute-create", pk=child.pk) in content


def test_child_oversight_page_logs_the_view(iro_client, iro, child):
    iro_client.get(_url("child-oversight", pk=child.pk))
    entry = AccessLog.objects.get(action=AccessLog.Action.VIEW)
    assert (entry.user, entry.object_id) == (iro, str(child.pk))


def test_child_oversight_page_query_budget(
    iro_client, iro, child, django_assert_max_num_queries
):
    """The page costs the same with one row of each kind or many."""
    # given
    for n in range(6):
        MonitoringNoteFactory(child=child, author=iro)
        dispute = DisputeFactory(child=child, raised_by=UserFactory(roles=[Role.IRO]))
        dispute.steps.create(
            stage="informal",
            escalated_to_name=f"Worker {n}",
            requested_on=date(2026, 5, 1),
            response_due_on=date(2026, 5, 8),
        )
        ComplaintFactory(
            child=child,
            meeting=MeetingFactory(held=True, period_start=child.care_episodes.get()),
            logged_by=iro,
        )
    # when / then
    with django_assert_max_num_queries(16):
        response = iro_client.get(_url("child-oversight", pk=child.pk))
    assert response.status_code == 200
    assert response.content.decode().count("Worker ") == 6


# --- monitoring notes ----------------------------------------------------------------


def test_note_create_redirects_to_the_oversight_page(iro_client, iro, child):
    response = iro_client.post(
        _url("monitoring-note-create", pk=child.pk),
        {"noted_on": "2026-06-02", "kind": "saw_child", "text": "Visited at home."},
    )
    assert response.status_code == 302
    assert response.url == _url("child-oversight", pk=child.pk)
    assert MonitoringNote.objects.get().author == iro


def test_note_in_the_future_is_refused_and_the_text_kept(iro_client, child):
    response = iro_client.post(
        _url("monitoring-note-create", pk=child.pk),
        {"noted_on": "2099-01-01", "kind": "saw_child", "text": "Typed with care"},
    )
    content = response.content.decode()
    assert response.status_code == 200
    assert "The date cannot be in the future." in content
    assert "Typed with care" in content
    assert not MonitoringNote.objects.exists()


def test_note_correct_prefills_and_adds_a_new_note(iro_client, child):
    # given
    note = MonitoringNoteFactory(child=child, text="Contact is weekly.")
    url = _url("monitoring-note-correct", pk=child.pk, note_pk=note.pk)
    # when
    page = iro_client.get(url)
    response = iro_client.post(
        url, {"noted_on": "2026-06-02", "kind": "contact_sw", "text": "Fortnightly."}
    )
    # then
    assert "Contact is weekly." in page.content.decode()
    assert response.status_code == 302
    note.refresh_from_db()
    assert note.text == "Contact is weekly."
    assert MonitoringNote.objects.count() == 2


def test_manager_may_not_add_monitoring_notes(manager_client, child):
    response = manager_client.get(_url("monitoring-note-create", pk=child.pk))
    assert response.status_code == 403


# --- raising and progressing disputes ------------------------------------------------


def test_dispute_create_redirects_to_the_new_dispute(iro_client, child):
    response = iro_client.post(
        _url("dispute-create", pk=child.pk),
        {
            "raised_on": "2026-06-01",
            "category": "placement",
            "summary": "Placement plan missing.",
            "stage": "stage_2",
            "escalated_to_name": "Service Manager",
        },
    )
    dispute = Dispute.objects.get()
    assert response.status_code == 302
    assert response.url == dispute.get_absolute_url()
    assert dispute.formal_due_on == date(2026, 6, 29)


def test_dispute_create_without_an_addressee_keeps_what_was_typed(iro_client, child):
    """A refused dispute shows why and loses nothing typed."""
    # when
    response = iro_client.post(
        _url("dispute-create", pk=child.pk),
        {
            "raised_on": "2026-06-01",
            "category": "placement",
            "summary": "Placement plan missing since March.",
            "stage": "stage_1",
        },
    )
    # then
    content = response.content.decode()
    assert response.status_code == 200
    assert "Name the manager this stage is raised with." in content
    assert "Placement plan missing since March." in content
    assert not Dispute.objects.exists()


def test_drift_dispute_form_is_prefilled_from_the_action(iro_client):
    # given
    action = ActionFactory(text="Arrange the dental check")
    later = MeetingFactory(
        period_start=action.meeting.period_start,
        sequence=2,
        held=True,
        held_on=date(2026, 6, 26),
    )
    url = _url("action-dispute-create", pk=later.pk, action_pk=action.pk)
    # when
    page = iro_client.get(url)
    response = iro_client.post(
        url,
        {
            **page.context["form"].initial,
            "raised_on": "2026-06-26",
            "escalated_to_name": "Sam Social Worker",
        },
    )
    # then
    assert "Arrange the dental check" in page.content.decode()
    assert page.context["form"].initial["category"] == "drift"
    dispute = Dispute.objects.get()
    assert response.url == dispute.get_absolute_url()
    assert (dispute.category, dispute.source_action, dispute.source_meeting) == (
        "drift",
        action,
        later,
    )


def test_drift_dispute_for_a_finished_action_is_not_found(iro_client):
    action = ActionFactory(status="done", completed_on=date(2026, 4, 1))
    response = iro_client.get(
        _url("action-dispute-create", pk=action.meeting.pk, action_pk=action.pk)
    )
    assert response.status_code == 404


def test_dispute_detail_shows_the_due_date_and_its_explanation(iro_client, own_dispute):
    response = iro_client.get(own_dispute.get_absolute_url())
    content = response.content.decode()
    assert response.status_code == 200
    assert "Mon 29 Jun 2026" in content
    assert "drp_formal" in content
    assert "IRO Handbook, chapter 6" in content
    assert _url("dispute-escalate", pk=own_dispute.pk) in content


def test_other_iro_reads_a_dispute_but_cannot_change_it(client, own_dispute):
    # given
    client.force_login(UserFactory(roles=[Role.IRO]))
    # when
    page = client.get(own_dispute.get_absolute_url())
    escalate = client.post(
        _url("dispute-escalate", pk=own_dispute.pk),
        {"stage": "stage_2", "escalated_on": "2026-06-05", "escalated_to_name": "SM"},
    )
    # then
    assert page.status_code == 200
    assert _url("dispute-escalate", pk=own_dispute.pk) not in page.content.decode()
    assert escalate.status_code == 403
    assert own_dispute.steps.count() == 1


def test_escalate_bypassing_a_stage_redirects_to_the_dispute(iro_client, own_dispute):
    response = iro_client.post(
        _url("dispute-escalate", pk=own_dispute.pk),
        {
            "stage": "stage_4",
            "escalated_on": "2026-06-08",
            "escalated_to_name": "Director",
        },
    )
    own_dispute.refresh_from_db()
    assert response.status_code == 302
    assert response.url == own_dispute.get_absolute_url()
    assert own_dispute.stage == "stage_4"


def test_escalate_offers_only_higher_stages(iro_client, own_dispute):
    response = iro_client.get(_url("dispute-escalate", pk=own_dispute.pk))
    choices = [value for value, _ in response.context["form"].fields["stage"].choices]
    assert choices == ["stage_2", "stage_3", "stage_4"]


def test_escalate_before_the_last_stage_is_a_clear_error(iro_client, own_dispute):
    response = iro_client.post(
        _url("dispute-escalate", pk=own_dispute.pk),
        {
            "stage": "stage_2",
            "escalated_on": "2026-05-20",
            "escalated_to_name": "Priya Service Manager",
        },
    )
    content = response.content.decode()
    assert response.status_code == 200
    assert "cannot be before the last stage was raised (01/06/2026)" in content
    assert "Priya Service Manager" in content


def test_manager_responds_to_a_stage(manager_client, manager, own_dispute):
    step = own_dispute.steps.get()
    response = manager_client.post(
        _url("dispute-step-respond", pk=own_dispute.pk, step_pk=step.pk),
        {"responded_on": "2026-06-04", "response": "Booked for next week."},
    )
    step.refresh_from_db()
    assert response.status_code == 302
    assert (step.responded_by, step.response) == (manager, "Booked for next week.")


def test_raising_iro_records_the_answer_of_someone_outside_the_app(
    iro_client, own_dispute
):
    step = own_dispute.steps.get()
    response = iro_client.post(
        _url("dispute-step-respond", pk=own_dispute.pk, step_pk=step.pk),
        {"responded_on": "2026-06-04", "response": "Agreed by email."},
    )
    assert response.status_code == 302


def test_iro_cannot_answer_for_a_manager_who_uses_the_app(iro_client, child, iro):
    # given
    manager = UserFactory(roles=[Role.MANAGER])
    dispute = services.dispute_raise(
        child=child,
        raised_by=iro,
        raised_on=date(2026, 6, 1),
        category="health",
        summary="x",
        stage="stage_1",
        escalated_to=manager,
    )
    step = dispute.steps.get()
    # when
    response = iro_client.get(
        _url("dispute-step-respond", pk=dispute.pk, step_pk=step.pk)
    )
    # then
    assert response.status_code == 403


def test_resolve_closes_the_dispute(iro_client, own_dispute):
    response = iro_client.post(
        _url("dispute-resolve", pk=own_dispute.pk),
        {"status": "partly_resolved", "closed_on": "2026-06-10", "outcome": "Some."},
    )
    own_dispute.refresh_from_db()
    assert response.status_code == 302
    assert (own_dispute.status, own_dispute.closed_on) == (
        "partly_resolved",
        date(2026, 6, 10),
    )


def test_cafcass_referral_without_rights_keeps_the_reference_typed(
    iro_client, own_dispute
):
    response = iro_client.post(
        _url("dispute-cafcass", pk=own_dispute.pk),
        {"referred_on": "2026-06-20", "reference": "CAF/77"},
    )
    content = response.content.decode()
    assert response.status_code == 200
    assert "told of their rights" in content
    assert 'value="CAF/77"' in content
    own_dispute.refresh_from_db()
    assert own_dispute.status == "open"


def test_cafcass_referral_is_recorded(iro_client, own_dispute):
    response = iro_client.post(
        _url("dispute-cafcass", pk=own_dispute.pk),
        {
            "referred_on": "2026-06-20",
            "reference": "CAF/77",
            "child_told_of_rights": "on",
        },
    )
    own_dispute.refresh_from_db()
    assert response.status_code == 302
    assert (own_dispute.status, own_dispute.cafcass_reference) == ("cafcass", "CAF/77")


def test_out_of_scope_dispute_is_a_logged_404(iro_client, iro):
    dispute = DisputeFactory()
    response = iro_client.get(dispute.get_absolute_url())
    assert response.status_code == 404
    entry = AccessLog.objects.get(action=AccessLog.Action.DENIED)
    assert (entry.user, entry.object_id) == (iro, str(dispute.pk))


# --- the managers' list --------------------------------------------------------------


def test_dispute_list_groups_open_disputes_by_stage(manager_client, own_dispute):
    response = manager_client.get(_url("dispute-list"))
    content = response.content.decode()
    assert response.status_code == 200
    assert "Formal stage 1: team manager" in content
    assert own_dispute.get_absolute_url() in content


def test_dispute_list_query_budget(manager_client, django_assert_max_num_queries):
    """The list costs the same with one dispute or many."""
    # given
    for stage in ["informal", "stage_1", "stage_2", "stage_3", "stage_4"] * 3:
        dispute = DisputeFactory(stage=stage)
        dispute.steps.create(
            stage=stage,
            escalated_to_name="Manager",
            requested_on=date(2026, 5, 1),
            response_due_on=date(2026, 5, 8),
        )
    # when / then
    with django_assert_max_num_queries(11):
        response = manager_client.get(_url("dispute-list"))
    assert response.status_code == 200
    assert len(re.findall(r"/meetings/disputes/\d+/", response.content.decode())) == 15


# --- complaints ----------------------------------------------------------------------


def test_complaint_create_and_outcome(manager_client, child):
    """A complaint is logged against the child and then given its outcome."""
    # given
    meeting = MeetingFactory(period_start=child.care_episodes.get(), held=True)
    # when
    logged = manager_client.post(
        _url("complaint-create", pk=child.pk),
        {
            "received_on": "2026-04-01",
            "meeting": meeting.pk,
            "complainant_name": "Ann Parent",
            "complainant_relationship": "Mother",
            "summary": "Not invited.",
        },
    )
    complaint = Complaint.objects.get()
    outcome = manager_client.post(
        _url("complaint-outcome", pk=child.pk, complaint_pk=complaint.pk),
        {
            "outcome": "upheld",
            "outcome_on": "2026-04-20",
            "outcome_summary": "Apology given.",
        },
    )
    # then
    complaint.refresh_from_db()
    assert (logged.status_code, outcome.status_code) == (302, 302)
    assert outcome.url == _url("child-oversight", pk=child.pk)
    assert (complaint.meeting, complaint.outcome) == (meeting, "upheld")


def test_complaint_outcome_before_receipt_is_a_clear_error(manager_client, child):
    complaint = ComplaintFactory(child=child, received_on=date(2026, 5, 2))
    response = manager_client.post(
        _url("complaint-outcome", pk=child.pk, complaint_pk=complaint.pk),
        {
            "outcome": "upheld",
            "outcome_on": "2026-05-01",
            "outcome_summary": "Written carefully",
        },
    )
    content = response.content.decode()
    assert response.status_code == 200
    assert "cannot be before the complaint was received" in content
    assert "Written carefully" in content
