"""The minute-taker's minutes: drafting, locking, approval, redaction and sending."""

import subprocess
import threading
from datetime import date

import pytest
from django.core import mail
from django.db import connection

from accounts.roles import Role
from cases.errors import DomainError
from meetings import selectors, services
from meetings.models import (
    ConferenceChild,
    ConferenceSending,
    Meeting,
    MeetingEvent,
    Minutes,
    MinutesSection,
)
from tests.factories import ActionFactory, ParticipantFactory, UserFactory
from tests.meetings.factories import ConferenceFactory

pytestmark = pytest.mark.django_db

RESTRICTED = "The mother's new address is 12 Elm Road, Northtown."
PRIVATE = "Police intelligence: the father's associate has convictions."
SHARED = "Everyone agreed the children need a plan."


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def pdf_text(path) -> str:
    result = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, check=True
    )
    return result.stdout.decode("utf-8")


class Conference:
    """A held conference with a chair, a minute-taker and four participants."""

    def __init__(self):
        self.chair = UserFactory(roles=[Role.IRO])
        self.taker = UserFactory(roles=[Role.MINUTE_TAKER])
        self.meeting = ConferenceFactory(
            held=True, chair=self.chair, minute_taker=self.taker
        )
        ConferenceChild.objects.filter(meeting=self.meeting).update(
            outcome="plan", category="PHY"
        )
        people = {
            "mother": ("Anna Reid", "parent", "anna@example.org"),
            "father": ("Mark Reid", "parent", "mark@example.org"),
            "social_worker": ("Sam Green", "social_worker", "sam@example.org"),
            "police": ("DC Jones", "police", "dc.jones@example.org"),
        }
        self.people = {
            key: ParticipantFactory(
                meeting=self.meeting,
                name=name,
                role=role,
                email=email,
                attendance="attended",
            )
            for key, (name, role, email) in people.items()
        }
        ActionFactory(meeting=self.meeting, text="Visit the children weekly")

    def start(self) -> Minutes:
        return services.minutes_start(meeting=self.meeting, by=self.taker)

    def section(self, minutes, heading) -> MinutesSection:
        return minutes.sections.get(heading=heading)


@pytest.fixture
def conf():
    return Conference()


def written(conf) -> Minutes:
    minutes = conf.start()
    private = conf.section(minutes, "Information shared without the family present")
    views = conf.section(minutes, "Views of parents and family")
    decision = conf.section(minutes, "Decision and reasons")
    return services.minutes_save(
        minutes=minutes,
        by=conf.taker,
        expected_lock_version=0,
        sections={
            private.pk: {"text": PRIVATE},
            views.pk: {
                "text": "The parents want to work with the plan.",
                "restricted_text": RESTRICTED,
            },
            decision.pk: {"text": SHARED},
        },
    )


def approved(conf) -> Minutes:
    minutes = written(conf)
    services.minutes_submit(minutes=minutes, by=conf.taker)
    return services.minutes_approve(minutes=minutes, by=conf.chair)


# --- drafting -------------------------------------------------------------------------


def test_minutes_start_in_the_declared_sections_with_who_was_present(conf):
    minutes = conf.start()
    headings = list(minutes.sections.values_list("heading", flat=True))
    assert headings[0] == "Introductions, purpose and confidentiality"
    assert len(headings) == 8
    private = conf.section(minutes, "Information shared without the family present")
    everyone = {p.pk for p in conf.people.values()}
    agencies = {conf.people["social_worker"].pk, conf.people["police"].pk}
    assert set(private.present.values_list("pk", flat=True)) == agencies
    assert (
        set(
            conf.section(minutes, "Decision and reasons").present.values_list(
                "pk", flat=True
            )
        )
        == everyone
    )


def test_only_the_assigned_minute_taker_or_chair_starts_the_minutes(conf):
    with pytest.raises(DomainError, match="minute-taker assigned"):
        services.minutes_start(
            meeting=conf.meeting, by=UserFactory(roles=[Role.MINUTE_TAKER])
        )


def test_minutes_wait_for_the_conference_to_be_held(conf):
    Meeting.objects.filter(pk=conf.meeting.pk).update(status="scheduled", held_on=None)
    conf.meeting.refresh_from_db()
    with pytest.raises(DomainError):
        conf.start()


def test_saving_bumps_the_lock_version_and_marks_who_was_present(conf):
    # given
    minutes = conf.start()
    section = conf.section(minutes, "Information from agencies")
    police = conf.people["police"]
    # when
    minutes = services.minutes_save(
        minutes=minutes,
        by=conf.taker,
        expected_lock_version=0,
        sections={
            section.pk: {"text": "The school shared concerns.", "present": [police.pk]}
        },
    )
    # then
    section.refresh_from_db()
    assert minutes.lock_version == 1
    assert section.text == "The school shared concerns."
    assert list(section.present.all()) == [police]
    assert minutes.last_saved_by == conf.taker


def test_an_unchanged_save_changes_nothing(conf):
    minutes = conf.start()
    section = conf.section(minutes, "Information from agencies")
    saved = services.minutes_save(
        minutes=minutes,
        by=conf.taker,
        expected_lock_version=0,
        sections={section.pk: {"text": ""}},
    )
    assert saved.lock_version == 0


def test_the_second_saver_is_refused_and_told_what_was_saved(conf):
    """Two editors read version 0; the second save is refused with the first's text."""
    # given
    minutes = conf.start()
    section = conf.section(minutes, "Decision and reasons")
    services.minutes_save(
        minutes=minutes,
        by=conf.taker,
        expected_lock_version=0,
        sections={section.pk: {"text": "Taker's words."}},
    )
    # when
    with pytest.raises(services.MinutesConflict) as raised:
        services.minutes_save(
            minutes=minutes,
            by=conf.chair,
            expected_lock_version=0,
            sections={section.pk: {"text": "Chair's words."}},
        )
    # then
    conflict = raised.value
    assert conflict.current[section.pk]["text"] == "Taker's words."
    assert conflict.lock_version == 1
    assert conflict.saved_by == str(conf.taker)
    section.refresh_from_db()
    assert section.text == "Taker's words."


def test_after_seeing_both_the_second_saver_may_replace_the_text(conf):
    minutes = conf.start()
    section = conf.section(minutes, "Decision and reasons")
    services.minutes_save(
        minutes=minutes,
        by=conf.taker,
        expected_lock_version=0,
        sections={section.pk: {"text": "Taker's words."}},
    )
    saved = services.minutes_save(
        minutes=minutes,
        by=conf.chair,
        expected_lock_version=1,
        sections={section.pk: {"text": "Chair's words."}},
    )
    section.refresh_from_db()
    assert (saved.lock_version, section.text) == (2, "Chair's words.")


@pytest.mark.django_db(transaction=True)
def test_simultaneous_saves_never_both_succeed(conf):
    """Two requests at once from the same version: one saves, the other is refused."""
    # given
    minutes = conf.start()
    section = conf.section(minutes, "Decision and reasons")
    barrier = threading.Barrier(2)
    outcomes = {}

    def save(name, user):
        try:
            barrier.wait(timeout=10)
            services.minutes_save(
                minutes=Minutes.objects.get(pk=minutes.pk),
                by=user,
                expected_lock_version=0,
                sections={section.pk: {"text": f"{name} wrote this."}},
            )
            outcomes[name] = "saved"
        except services.MinutesConflict:
            outcomes[name] = "conflict"
        finally:
            connection.close()

    # when
    threads = [
        threading.Thread(target=save, args=("taker", conf.taker)),
        threading.Thread(target=save, args=("chair", conf.chair)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    # then
    assert sorted(outcomes.values()) == ["conflict", "saved"]
    winner = next(name for name, how in outcomes.items() if how == "saved")
    section.refresh_from_db()
    assert section.text == f"{winner} wrote this."
    assert Minutes.objects.get(pk=minutes.pk).lock_version == 1


def test_minute_taker_cannot_change_submitted_minutes_but_the_chair_can(conf):
    # given
    minutes = written(conf)
    services.minutes_submit(minutes=minutes, by=conf.taker)
    section = conf.section(minutes, "Decision and reasons")
    # when / then
    with pytest.raises(DomainError, match="cannot change"):
        services.minutes_save(
            minutes=minutes,
            by=conf.taker,
            expected_lock_version=minutes.lock_version,
            sections={section.pk: {"text": "Late change."}},
        )
    services.minutes_save(
        minutes=minutes,
        by=conf.chair,
        expected_lock_version=Minutes.objects.get(pk=minutes.pk).lock_version,
        sections={section.pk: {"text": "The chair's edit."}},
    )
    section.refresh_from_db()
    assert section.text == "The chair's edit."


def test_a_section_can_be_added_while_saving(conf):
    minutes = conf.start()
    services.minutes_save(
        minutes=minutes,
        by=conf.taker,
        expected_lock_version=0,
        sections={},
        new_section="Private session with the police",
    )
    assert minutes.sections.order_by("-position").first().heading == (
        "Private session with the police"
    )


def test_presence_is_limited_to_the_meetings_participants(conf):
    minutes = conf.start()
    other = ParticipantFactory()
    section = conf.section(minutes, "Decision and reasons")
    with pytest.raises(DomainError, match="participants"):
        services.minutes_save(
            minutes=minutes,
            by=conf.taker,
            expected_lock_version=0,
            sections={section.pk: {"present": [other.pk]}},
        )


def test_empty_minutes_cannot_be_submitted(conf):
    with pytest.raises(DomainError, match="Write the minutes"):
        services.minutes_submit(minutes=conf.start(), by=conf.taker)


def test_chair_returns_minutes_with_a_reason(conf):
    minutes = written(conf)
    services.minutes_submit(minutes=minutes, by=conf.taker)
    services.minutes_return(minutes=minutes, by=conf.chair, reason="Add the views.")
    minutes.refresh_from_db()
    assert (minutes.status, minutes.returned_reason) == ("draft", "Add the views.")


# --- approval and amendment -----------------------------------------------------------


def test_approval_fixes_the_hash_of_the_full_content(conf):
    minutes = approved(conf)
    content = selectors.minutes_content_current(minutes=minutes)
    assert minutes.status == "approved"
    assert minutes.content_hash == selectors.chair_report_content_hash(content)
    assert MeetingEvent.objects.filter(code="minutes_approved").exists()


def test_only_the_chair_or_a_manager_approves(conf):
    minutes = written(conf)
    services.minutes_submit(minutes=minutes, by=conf.taker)
    with pytest.raises(DomainError, match="chair or a manager"):
        services.minutes_approve(minutes=minutes, by=conf.taker)


def test_amending_starts_a_new_version_with_the_same_text(conf):
    minutes = approved(conf)
    amended = services.minutes_amend(minutes=minutes, by=conf.chair, reason="Typo.")
    assert (amended.version, amended.status) == (2, "draft")
    decision = amended.sections.get(heading="Decision and reasons")
    assert decision.text == SHARED
    assert decision.present.count() == 4


# --- rendering and redaction (checked in the PDFs) -----------------------------------------


def _send(conf, minutes, *keys):
    recipients = [
        services.ConferenceRecipient(
            name=conf.people[k].name,
            email=conf.people[k].email,
            participant=conf.people[k],
            audience="family" if conf.people[k].role == "parent" else "full",
        )
        for k in keys
    ]
    rows = services.minutes_distribution_request(
        minutes=minutes, by=conf.chair, recipients=recipients
    )
    for row in rows:
        services.cp_sending_send(sending_id=row.pk)
    return {
        row.participant_id: ConferenceSending.objects.get(pk=row.pk) for row in rows
    }


def test_parent_copy_leaves_out_restricted_details_and_absent_sections(conf):
    # given
    minutes = approved(conf)
    # when
    rows = _send(conf, minutes, "mother", "police")
    # then
    mother = pdf_text(rows[conf.people["mother"].pk].pdf.path)
    police = pdf_text(rows[conf.people["police"].pk].pdf.path)
    assert SHARED in mother and SHARED in police
    assert "12 Elm Road" not in mother
    assert "Police intelligence" not in mother
    assert "Information shared without the family present" not in mother
    assert "12 Elm Road" in police
    assert "Police intelligence" in police
    minutes.refresh_from_db()
    assert minutes.content_hash in mother.replace("\n", "")
    assert minutes.content_hash in police.replace("\n", "")


def test_a_parent_excluded_from_a_section_does_not_receive_it(conf):
    # given: the father was not present for the decision
    minutes = written(conf)
    decision = conf.section(minutes, "Decision and reasons")
    others = [p.pk for k, p in conf.people.items() if k != "father"]
    minutes = services.minutes_save(
        minutes=minutes,
        by=conf.taker,
        expected_lock_version=minutes.lock_version,
        sections={decision.pk: {"present": others}},
    )
    services.minutes_submit(minutes=minutes, by=conf.taker)
    minutes = services.minutes_approve(minutes=minutes, by=conf.chair)
    # when
    rows = _send(conf, minutes, "father", "mother")
    # then
    assert SHARED not in pdf_text(rows[conf.people["father"].pk].pdf.path)
    assert SHARED in pdf_text(rows[conf.people["mother"].pk].pdf.path)


def test_render_is_done_once(conf):
    minutes = approved(conf)
    first = services.minutes_render(minutes_id=minutes.pk)
    second = services.minutes_render(minutes_id=minutes.pk)
    assert first.rendered_at == second.rendered_at
    assert MeetingEvent.objects.filter(code="minutes_rendered").count() == 1


def test_render_refuses_content_changed_after_approval(conf):
    minutes = approved(conf)
    ActionFactory(meeting=conf.meeting, text="Added after approval")
    with pytest.raises(DomainError, match="changed after it was approved"):
        services.minutes_render(minutes_id=minutes.pk)


# --- sending ---------------------------------------------------------------------------


def test_each_recipient_is_sent_each_version_once(conf):
    # given
    minutes = approved(conf)
    recipient = services.ConferenceRecipient(
        name="DC Jones",
        email="dc.jones@example.org",
        participant=conf.people["police"],
        audience="full",
    )
    # when
    first = services.minutes_distribution_request(
        minutes=minutes, by=conf.chair, recipients=[recipient]
    )
    again = services.minutes_distribution_request(
        minutes=minutes, by=conf.chair, recipients=[recipient]
    )
    sent = [services.cp_sending_send(sending_id=first[0].pk) for _ in range(2)]
    # then
    assert first[0].pk == again[0].pk
    assert sent == [True, False]
    assert len(mail.outbox) == 1
    conf.meeting.refresh_from_db()
    assert conf.meeting.record_distributed_on is not None


def test_outline_plan_is_sent_once_and_stamps_the_date(conf):
    recipient = services.ConferenceRecipient(
        name="Anna Reid",
        email="anna@example.org",
        participant=conf.people["mother"],
        audience="family",
    )
    rows = services.outline_plan_request(
        meeting=conf.meeting, by=conf.chair, recipients=[recipient]
    )
    assert services.cp_sending_send(sending_id=rows[0].pk) is True
    assert services.cp_sending_send(sending_id=rows[0].pk) is False
    conf.meeting.refresh_from_db()
    assert conf.meeting.decisions_circulated_on is not None
    row = ConferenceSending.objects.get(pk=rows[0].pk)
    text = pdf_text(row.pdf.path)
    assert "Visit the children weekly" in text
    assert row.content_hash in text.replace("\n", "")


def test_post_sending_is_prepared_then_marked_sent(conf):
    minutes = approved(conf)
    rows = services.minutes_distribution_request(
        minutes=minutes,
        by=conf.chair,
        recipients=[
            services.ConferenceRecipient(
                name="Grandmother", channel="post", audience="family"
            )
        ],
    )
    services.cp_sending_send(sending_id=rows[0].pk)
    row = ConferenceSending.objects.get(pk=rows[0].pk)
    assert row.status == "pending" and row.pdf.name
    services.cp_sending_mark_sent(sending=row, by=conf.chair)
    assert ConferenceSending.objects.get(pk=row.pk).status == "sent"


def test_only_approved_minutes_are_sent(conf):
    minutes = written(conf)
    with pytest.raises(DomainError, match="approved"):
        services.minutes_distribution_request(
            minutes=minutes,
            by=conf.chair,
            recipients=[
                services.ConferenceRecipient(
                    name="X", email="x@example.org", audience="full"
                )
            ],
        )


def test_outline_plan_and_minutes_lateness(conf):
    meeting = conf.meeting
    context = selectors.cp_meeting_context(
        meeting=selectors.meeting_get_for_detail(user=conf.chair, pk=meeting.pk),
        user=conf.chair,
        today=date(2026, 5, 13),
    )
    assert context["outline"].is_late is True
    assert context["minutes_step"].is_late is True
    assert context["minutes_step"].text.startswith("Late by 1 day")
