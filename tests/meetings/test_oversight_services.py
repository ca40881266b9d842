"""Monitoring notes, dispute resolution and complaints (DOMAIN.md 1.5, 2.5, 3.5)."""

from datetime import date

import pytest

from accounts.roles import Role
from cases.errors import DomainError
from cases.models import LocalClosureDay, TimescaleSetting
from meetings import services
from meetings.models import (
    Complaint,
    Dispute,
    DisputeStep,
    MeetingEvent,
    MonitoringNote,
)
from meetings.services import oversight
from tests.factories import (
    ActionFactory,
    CareEpisodeFactory,
    ChildFactory,
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
def team_manager():
    return UserFactory(first_name="Tess", last_name="Manager", roles=[Role.MANAGER])


def _raise(child, iro, **overrides):
    data = {
        "child": child,
        "raised_by": iro,
        "raised_on": date(2026, 6, 1),
        "category": "health",
        "summary": "The health assessment is six weeks overdue.",
        "stage": "informal",
        "escalated_to_name": "Sam Social Worker",
    }
    return services.dispute_raise(**{**data, **overrides})


# --- monitoring notes ----------------------------------------------------------------


def test_monitoring_note_add_records_the_author_and_text(child, iro):
    note = services.monitoring_note_add(
        child=child,
        author=iro,
        noted_on=date(2026, 5, 4),
        kind="saw_child",
        text="  Visited at the placement; settled.  ",
    )
    assert (note.author, note.kind, note.text) == (
        iro,
        "saw_child",
        "Visited at the placement; settled.",
    )
    assert note.history.get().history_user == iro


def test_monitoring_note_correction_is_a_new_note_and_the_old_is_unchanged(child, iro):
    """Notes are append-only: correcting one adds a note that names it."""
    # given
    original = MonitoringNoteFactory(child=child, noted_on=date(2026, 5, 1))
    # when
    correction = services.monitoring_note_add(
        child=child,
        author=iro,
        noted_on=date(2026, 5, 6),
        kind="contact_sw",
        text="The contact is fortnightly, not weekly.",
        corrects=original,
    )
    # then
    original.refresh_from_db()
    assert original.text == "Spoke to the social worker about contact arrangements."
    assert original.history.count() == 1
    assert correction.text.startswith("Corrects the note of 01/05/2026")
    assert MonitoringNote.objects.filter(child=child).count() == 2


def test_monitoring_note_cannot_correct_another_childs_note(child, iro):
    other = MonitoringNoteFactory()
    with pytest.raises(DomainError, match="same child"):
        services.monitoring_note_add(
            child=child,
            author=iro,
            noted_on=date(2026, 5, 6),
            kind="other",
            text="Correction",
            corrects=other,
        )


def test_monitoring_notes_have_no_edit_service():
    """There is no way to change a saved note except by adding a new one."""
    names = [n for n in oversight.__all__ if n.startswith("monitoring_note")]
    assert names == ["monitoring_note_add"]


# --- raising -------------------------------------------------------------------------


def test_dispute_raised_informally_has_no_formal_clock(child, iro):
    dispute = _raise(child, iro)
    step = dispute.steps.get()
    assert (dispute.stage, dispute.status) == ("informal", "open")
    assert (dispute.formal_started_on, dispute.formal_due_on) == (None, None)
    assert (step.stage, step.escalated_to_name) == ("informal", "Sam Social Worker")
    assert step.response_due_on == date(2026, 6, 8)


def test_dispute_raised_straight_at_a_formal_stage_starts_the_20_day_clock(
    child, iro, team_manager
):
    """The IRO may bypass informal resolution and the lower stages (DRP-02)."""
    # when
    dispute = _raise(
        child, iro, stage="stage_3", escalated_to=team_manager, escalated_to_name=""
    )
    # then
    step = dispute.steps.get()
    assert dispute.stage == "stage_3"
    assert (dispute.formal_started_on, dispute.formal_due_on) == (
        date(2026, 6, 1),
        date(2026, 6, 29),
    )
    assert (step.escalated_to, step.escalated_to_name) == (team_manager, "Tess Manager")


def test_dispute_due_dates_skip_bank_holidays(child, iro):
    """Raised Fri 1 May 2026: May Day and the Spring Bank Holiday are skipped."""
    dispute = _raise(child, iro, raised_on=date(2026, 5, 1), stage="stage_1")
    assert dispute.formal_due_on == date(2026, 6, 2)
    assert dispute.steps.get().response_due_on == date(2026, 5, 11)


def test_dispute_stage_response_due_skips_christmas_and_new_year(child, iro):
    dispute = _raise(child, iro, raised_on=date(2026, 12, 24), stage="stage_1")
    assert dispute.steps.get().response_due_on == date(2027, 1, 5)


def test_dispute_stage_response_follows_the_local_setting_and_closures(child, iro):
    """drp_stage_response is local practice: the administrator's value and closure
    days apply."""
    # given
    TimescaleSetting.objects.create(code="drp_stage_response", amount=10)
    LocalClosureDay.objects.create(day=date(2026, 6, 5), name="Staff training day")
    # when
    dispute = _raise(child, iro, stage="stage_1")
    # then: 10 working days from Mon 1 Jun, skipping Fri 5 Jun
    assert dispute.steps.get().response_due_on == date(2026, 6, 16)


def test_dispute_needs_someone_to_raise_it_with(child, iro):
    with pytest.raises(DomainError, match="Name the manager"):
        _raise(child, iro, stage="stage_1", escalated_to_name="  ")
    assert not Dispute.objects.exists()


def test_dispute_stage_cannot_be_raised_with_a_user_who_is_not_a_manager(child, iro):
    other_iro = UserFactory(roles=[Role.IRO])
    with pytest.raises(DomainError, match="is not a manager"):
        _raise(child, iro, stage="stage_1", escalated_to=other_iro)
    assert not Dispute.objects.exists()


def test_dispute_raised_from_drift_links_the_action_and_logs_on_the_meeting(iro):
    """A dispute raised from a drifting action keeps where it came from."""
    # given
    action = ActionFactory()
    later = MeetingFactory(
        period_start=action.meeting.period_start,
        sequence=2,
        held=True,
        held_on=date(2026, 6, 26),
    )
    # when
    dispute = _raise(
        action.child,
        iro,
        category="drift",
        source_action=action,
        source_meeting=later,
    )
    # then
    assert (dispute.source_action, dispute.source_meeting) == (action, later)
    assert MeetingEvent.objects.get(meeting=later).code == "dispute_raised"


def test_dispute_cannot_come_from_another_childs_action(child, iro):
    action = ActionFactory()
    with pytest.raises(DomainError, match="another child"):
        _raise(child, iro, source_action=action)


# --- escalating ----------------------------------------------------------------------


def test_escalating_from_informal_starts_the_formal_clock(child, iro, team_manager):
    # given
    dispute = _raise(child, iro)
    # when
    step = services.dispute_escalate(
        dispute=dispute,
        escalated_by=iro,
        stage="stage_1",
        escalated_on=date(2026, 6, 10),
        escalated_to=team_manager,
    )
    # then
    dispute.refresh_from_db()
    assert dispute.stage == "stage_1"
    assert (dispute.formal_started_on, dispute.formal_due_on) == (
        date(2026, 6, 10),
        date(2026, 7, 8),
    )
    assert step.response_due_on == date(2026, 6, 17)
    assert list(dispute.steps.values_list("stage", flat=True)) == [
        "informal",
        "stage_1",
    ]


def test_later_escalation_keeps_the_whole_process_clock(child, iro):
    """20 working days are for the whole formal process, not per stage."""
    # given
    dispute = _raise(child, iro, stage="stage_1", escalated_to_name="Team Manager")
    # when: bypass stage 2
    services.dispute_escalate(
        dispute=dispute,
        escalated_by=iro,
        stage="stage_3",
        escalated_on=date(2026, 6, 12),
        escalated_to_name="Head of Service",
    )
    # then
    dispute.refresh_from_db()
    assert dispute.stage == "stage_3"
    assert dispute.formal_due_on == date(2026, 6, 29)
    assert dispute.steps.count() == 2


@pytest.mark.parametrize("stage", ["informal", "stage_1", "stage_2"])
def test_escalation_never_goes_down_or_sideways(child, iro, stage):
    dispute = _raise(child, iro, stage="stage_2", escalated_to_name="Service Manager")
    with pytest.raises(DomainError, match="higher formal stage"):
        services.dispute_escalate(
            dispute=dispute,
            escalated_by=iro,
            stage=stage,
            escalated_on=date(2026, 6, 5),
            escalated_to_name="Someone",
        )
    assert dispute.steps.count() == 1


def test_escalation_cannot_be_dated_before_the_last_stage(child, iro):
    dispute = _raise(child, iro)
    with pytest.raises(DomainError, match="before the last stage"):
        services.dispute_escalate(
            dispute=dispute,
            escalated_by=iro,
            stage="stage_1",
            escalated_on=date(2026, 5, 29),
            escalated_to_name="Team Manager",
        )


def test_closed_dispute_cannot_be_escalated(child, iro):
    dispute = DisputeFactory(child=child, status="resolved", closed_on=date(2026, 5, 5))
    with pytest.raises(DomainError, match="closed"):
        services.dispute_escalate(
            dispute=dispute,
            escalated_by=iro,
            stage="stage_1",
            escalated_on=date(2026, 6, 5),
            escalated_to_name="Team Manager",
        )


# --- responding ----------------------------------------------------------------------


def test_manager_response_is_recorded_once(child, iro, team_manager):
    # given
    dispute = _raise(child, iro, stage="stage_1", escalated_to=team_manager)
    step = dispute.steps.get()
    # when
    services.dispute_step_respond(
        step=step,
        responded_by=team_manager,
        responded_on=date(2026, 6, 5),
        response="The assessment is booked for 12 June.",
    )
    # then
    step.refresh_from_db()
    assert (step.responded_on, step.responded_by) == (date(2026, 6, 5), team_manager)
    with pytest.raises(DomainError, match="already"):
        services.dispute_step_respond(
            step=step,
            responded_by=team_manager,
            responded_on=date(2026, 6, 6),
            response="Changed my mind.",
        )
    step.refresh_from_db()
    assert step.response == "The assessment is booked for 12 June."


def test_response_cannot_predate_the_stage(child, iro, team_manager):
    dispute = _raise(child, iro, stage="stage_1", escalated_to=team_manager)
    with pytest.raises(DomainError, match="before the stage was raised"):
        services.dispute_step_respond(
            step=dispute.steps.get(),
            responded_by=team_manager,
            responded_on=date(2026, 5, 29),
            response="Early",
        )


# --- closing -------------------------------------------------------------------------


@pytest.mark.parametrize("status", ["resolved", "partly_resolved", "withdrawn"])
def test_dispute_resolve_records_outcome_and_date(child, iro, status):
    dispute = _raise(child, iro)
    services.dispute_resolve(
        dispute=dispute,
        resolved_by=iro,
        status=status,
        closed_on=date(2026, 6, 4),
        outcome="Assessment booked.",
    )
    dispute.refresh_from_db()
    assert (dispute.status, dispute.closed_on, dispute.outcome) == (
        status,
        date(2026, 6, 4),
        "Assessment booked.",
    )
    assert dispute.history.first().history_change_reason.startswith("Closed")


def test_dispute_resolve_refuses_a_cafcass_status(child, iro):
    dispute = _raise(child, iro)
    with pytest.raises(DomainError, match="Choose resolved"):
        services.dispute_resolve(
            dispute=dispute,
            resolved_by=iro,
            status="cafcass",
            closed_on=date(2026, 6, 4),
            outcome="x",
        )


def test_dispute_refer_to_cafcass_closes_the_local_process(child, iro):
    """A referral may be made at any stage, even informal (DRP-03)."""
    # given
    dispute = _raise(child, iro)
    # when
    services.dispute_refer_to_cafcass(
        dispute=dispute,
        referred_by=iro,
        referred_on=date(2026, 6, 20),
        reference="CAF/2026/0042",
        child_told_of_rights=True,
        rights_note="Advocate arranged.",
    )
    # then
    dispute.refresh_from_db()
    assert dispute.status == "cafcass"
    assert (
        dispute.cafcass_referred_on,
        dispute.cafcass_reference,
        dispute.closed_on,
    ) == (date(2026, 6, 20), "CAF/2026/0042", date(2026, 6, 20))
    assert "told of their rights" in dispute.outcome
    assert "Advocate arranged." in dispute.outcome


def test_cafcass_referral_needs_the_child_told_of_rights_or_a_reason(child, iro):
    dispute = _raise(child, iro)
    with pytest.raises(DomainError, match="told of their rights"):
        services.dispute_refer_to_cafcass(
            dispute=dispute,
            referred_by=iro,
            referred_on=date(2026, 6, 20),
            reference="CAF/1",
            child_told_of_rights=False,
        )
    dispute.refresh_from_db()
    assert dispute.status == "open"


def test_every_dispute_change_is_kept_in_its_history(child, iro):
    # given
    dispute = _raise(child, iro)
    # when
    services.dispute_escalate(
        dispute=dispute,
        escalated_by=iro,
        stage="stage_2",
        escalated_on=date(2026, 6, 3),
        escalated_to_name="Service Manager",
    )
    services.dispute_resolve(
        dispute=dispute,
        resolved_by=iro,
        status="resolved",
        closed_on=date(2026, 6, 9),
        outcome="Agreed.",
    )
    # then
    reasons = list(
        dispute.history.order_by("history_date").values_list(
            "history_change_reason", flat=True
        )
    )
    assert reasons == [
        "Raised at Informal resolution",
        "Escalated to Formal stage 2: service manager",
        "Closed: Resolved",
    ]
    assert DisputeStep.objects.filter(dispute=dispute).count() == 2


# --- complaints ----------------------------------------------------------------------


def test_complaint_log_against_the_child_and_a_meeting(iro):
    meeting = MeetingFactory(held=True)
    complaint = services.complaint_log(
        child=meeting.child,
        logged_by=iro,
        received_on=date(2026, 4, 2),
        complainant_name="Ann Parent",
        complainant_relationship="Mother",
        summary="Not invited to the review.",
        meeting=meeting,
    )
    assert (complaint.meeting, complaint.logged_by, complaint.outcome) == (
        meeting,
        iro,
        "",
    )


def test_complaint_cannot_name_another_childs_meeting(child, iro):
    with pytest.raises(DomainError, match="another child"):
        services.complaint_log(
            child=child,
            logged_by=iro,
            received_on=date(2026, 4, 2),
            complainant_name="Ann",
            complainant_relationship="Mother",
            summary="x",
            meeting=MeetingFactory(),
        )
    assert not Complaint.objects.exists()


def test_complaint_outcome_is_recorded_once(iro, manager):
    # given
    complaint = ComplaintFactory(child=ChildFactory())
    services.complaint_record_outcome(
        complaint=complaint,
        recorded_by=manager,
        outcome="partly_upheld",
        outcome_on=date(2026, 5, 20),
        outcome_summary="Invitation sent late; apology given.",
    )
    # when / then
    with pytest.raises(DomainError, match="already recorded"):
        services.complaint_record_outcome(
            complaint=complaint,
            recorded_by=iro,
            outcome="upheld",
            outcome_on=date(2026, 5, 21),
            outcome_summary="Again",
        )
    complaint.refresh_from_db()
    assert (complaint.outcome, complaint.outcome_on) == (
        "partly_upheld",
        date(2026, 5, 20),
    )


def test_complaint_outcome_cannot_predate_the_complaint(manager):
    complaint = ComplaintFactory(received_on=date(2026, 5, 2))
    with pytest.raises(DomainError, match="before the complaint was received"):
        services.complaint_record_outcome(
            complaint=complaint,
            recorded_by=manager,
            outcome="upheld",
            outcome_on=date(2026, 5, 1),
            outcome_summary="x",
        )
