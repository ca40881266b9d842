"""Rendering and sending conference minutes, run by a real worker over Redis."""

from pathlib import Path

import pytest
from django.conf import settings

from accounts.roles import Role
from meetings import services, tasks
from meetings.models import ConferenceSending, MeetingEvent, Minutes
from tests.factories import ParticipantFactory, UserFactory
from tests.meetings.factories import ConferenceFactory
from tests.worker.conftest import wait_for

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def _approve(meeting, taker):
    minutes = services.minutes_start(meeting=meeting, by=taker)
    decision = minutes.sections.get(heading="Decision and reasons")
    private = minutes.sections.get(
        heading="Information shared without the family present"
    )
    minutes = services.minutes_save(
        minutes=minutes,
        by=taker,
        expected_lock_version=0,
        sections={
            decision.pk: {"text": "A plan is needed.", "restricted_text": "Address."},
            private.pk: {"text": "Police intelligence."},
        },
    )
    services.minutes_submit(minutes=minutes, by=taker)
    # Committed at once (no test transaction): the render task goes to the broker.
    return services.minutes_approve(minutes=minutes, by=meeting.chair)


def _remove_files(meeting):
    media = Path(settings.MEDIA_ROOT).resolve()
    fields = [m.pdf for m in Minutes.objects.filter(meeting=meeting)]
    fields += [s.pdf for s in ConferenceSending.objects.filter(meeting=meeting)]
    # A full copy sent to an agency is the rendered minutes file itself.
    for path in {Path(field.path) for field in fields if field.name}:
        path.unlink(missing_ok=True)
        for parent in path.parents:
            if parent == media or not parent.is_relative_to(media):
                break
            if not parent.exists() or any(parent.iterdir()):
                break
            parent.rmdir()


def test_worker_renders_once_and_sends_each_recipient_each_version_once(real_broker):
    """Requested twice and delivered again, each recipient is sent the minutes once."""
    # given
    taker = UserFactory(roles=[Role.MINUTE_TAKER])
    meeting = ConferenceFactory(held=True, minute_taker=taker)
    mother = ParticipantFactory(
        meeting=meeting, role="parent", email="mum@example.org", attendance="attended"
    )
    police = ParticipantFactory(
        meeting=meeting, role="police", email="dc@example.org", attendance="attended"
    )
    chosen = [
        services.ConferenceRecipient(
            name=p.name, email=p.email, participant=p, audience=audience
        )
        for p, audience in ((mother, "family"), (police, "full"))
    ]
    minutes = _approve(meeting, taker)
    try:
        rendered_at = wait_for(lambda: Minutes.objects.get(pk=minutes.pk).rendered_at)
        # when: requested twice, every sending delivered once more, render again
        for _ in range(2):
            services.minutes_distribution_request(
                minutes=minutes, by=meeting.chair, recipients=chosen
            )
        for pk in ConferenceSending.objects.filter(minutes=minutes).values_list(
            "pk", flat=True
        ):
            tasks.cp_sending_send_task.delay(pk)
        tasks.cp_minutes_render_task.delay(minutes.pk)
        # One solo worker takes tasks in order: once this last sending has gone,
        # every repeated task before it has run too.
        marker = services.minutes_distribution_request(
            minutes=minutes,
            by=meeting.chair,
            recipients=[
                services.ConferenceRecipient(
                    name="Marker", email="marker@example.org", audience="full"
                )
            ],
        )[0]
        wait_for(lambda: ConferenceSending.objects.get(pk=marker.pk).status == "sent")
        # then
        rows = ConferenceSending.objects.filter(minutes=minutes).exclude(pk=marker.pk)
        assert sorted(
            (r.recipient_key, r.audience, r.status, r.attempts) for r in rows
        ) == [
            ("dc@example.org", "full", "sent", 1),
            ("mum@example.org", "family", "sent", 1),
        ]
        assert {r.content_hash for r in rows} == {minutes.content_hash}
        assert MeetingEvent.objects.filter(meeting=meeting, code="cp_sent").count() == 3
        assert Minutes.objects.get(pk=minutes.pk).rendered_at == rendered_at
        assert (
            MeetingEvent.objects.filter(
                meeting=meeting, code="minutes_rendered"
            ).count()
            == 1
        )
        meeting.refresh_from_db()
        assert meeting.record_distributed_on is not None
    finally:
        _remove_files(meeting)
