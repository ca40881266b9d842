"""Demo Children in Care reviews for the demo caseload: a chain per period of care."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from cases import selectors as case_selectors
from cases.codes import SHORT_BREAK_LEGAL_STATUSES
from cases.timescales import cic_review_rule

from . import workflow
from .models import Action, Meeting
from .types import meeting_type

LONDON = ZoneInfo("Europe/London")
# How far from its due date a demo review was held: mostly on time, some late.
_HELD_OFFSET_DAYS = (-12, -8, -5, -3, -2, -1, 0, 0, 0, 3, 9)
_PARTICIPATION = ("PN1", "PN1", "PN1", "PN2", "PN3", "PN4", "PN5", "PN6", "PN6", "PN7")
_ACTIONS = (
    ("Complete the health assessment and share it with the IRO", "health"),
    ("Update the Personal Education Plan with the designated teacher", "school"),
    ("Arrange monthly contact with grandparents", "social_worker"),
    ("Refer for an independent advocate", "social_worker"),
    ("Confirm the permanence plan at the next legal planning meeting", "team_manager"),
    ("Book a dental check-up", "carer"),
    ("Start life-story work", "social_worker"),
)


def demo_meetings_add(batch, *, rng, today, staff) -> None:
    """Give each open period of care in `batch` its reviews up to today."""
    clock = case_selectors.clock_get()
    spec = meeting_type(Meeting.Kind.CIC_REVIEW)
    dob = {child.pk: child.date_of_birth for child in batch.children}
    iro = {
        a.child_id: a.worker_id
        for a in batch.allocations
        if a.role == "iro" and a.ended_on is None
    }
    episodes = defaultdict(list)
    for episode in batch.episodes:
        episodes[episode.child_id].append(episode)
    meetings: list[Meeting] = []
    for child_id, rows in episodes.items():
        rows.sort(key=lambda e: (e.started_on, e.pk))
        if rows[-1].ended_on is not None:
            continue
        start = next(e for e in reversed(rows) if e.reason_new_episode == "S")
        short_break = start.legal_status in SHORT_BREAK_LEGAL_STATUSES
        sequence, clock_start = 1, start.started_on
        while True:
            code = cic_review_rule(sequence=sequence, is_short_break=short_break)
            due = clock.due(code, clock_start).due
            held = due + timedelta(days=rng.choice(_HELD_OFFSET_DAYS))
            meeting = Meeting(
                kind=Meeting.Kind.CIC_REVIEW,
                child_id=child_id,
                period_start=start,
                sequence=sequence,
                due_rule=code,
                due_start_on=clock_start,
                due_on=due,
                chair_id=iro.get(child_id),
            )
            meetings.append(meeting)
            if held >= today:
                if (due - today).days < 42:
                    meeting.scheduled_for = datetime.combine(
                        max(today, due - timedelta(days=rng.randint(1, 7))),
                        time(rng.choice((10, 11, 14))),
                        tzinfo=LONDON,
                    )
                    meeting.venue = rng.choice(
                        ("Foster home", "School", "Family centre")
                    )
                break
            meeting.status = Meeting.Status.HELD
            meeting.held_on = held
            meeting.scheduled_for = datetime.combine(held, time(10), tzinfo=LONDON)
            meeting.venue = "Foster home"
            age = workflow.age_on(dob[child_id], held)
            meeting.participation_code = (
                "PN0"
                if age < 4
                or (
                    workflow.participation_code_problem(
                        code="PN1", review_on=held, date_of_birth=dob[child_id]
                    )
                )
                else rng.choice(_PARTICIPATION)
            )
            meeting.child_seen_by_chair = rng.random() < 0.85
            meeting.care_plan_view = (
                "endorsed" if rng.random() < 0.9 else "endorsed_in_part"
            )
            meeting.decisions_due_on = clock.due(spec.decisions_rule, held).due
            meeting.record_due_on = clock.due(spec.record_rule, held).due
            sequence, clock_start = sequence + 1, held
    Meeting.objects.bulk_create(meetings, batch_size=2000)
    actions = []
    for meeting in meetings:
        if meeting.status != Meeting.Status.HELD:
            continue
        for text, role in rng.sample(_ACTIONS, 2):
            due = meeting.held_on + timedelta(days=rng.choice((14, 28, 42)))
            done = due < today and rng.random() < 0.9
            actions.append(
                Action(
                    meeting=meeting,
                    child_id=meeting.child_id,
                    text=text,
                    owner_name=role.replace("_", " ").capitalize(),
                    owner_role=role,
                    due_on=due,
                    status=Action.Status.DONE if done else Action.Status.OPEN,
                    completed_on=due - timedelta(days=rng.randint(0, 5))
                    if done
                    else None,
                )
            )
    Action.objects.bulk_create(actions, batch_size=2000)
