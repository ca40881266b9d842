"""Demo meetings for the demo caseload: a chain of Children in Care reviews per
period of care, and the child protection meetings of each plan."""

from __future__ import annotations

import random
from collections import defaultdict
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from cases import selectors as case_selectors
from cases.codes import SHORT_BREAK_LEGAL_STATUSES
from cases.timescales import cic_review_rule

from . import workflow
from .models import Action, ConferenceChild, Meeting, Participant, StrategyDiscussion
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
            # Older reviews had their decisions and record sent, most on time.
            if meeting.record_due_on < today:
                late = rng.random() < 0.1
                meeting.decisions_circulated_on = meeting.decisions_due_on + timedelta(
                    days=rng.randint(1, 6) if late else -rng.randint(0, 3)
                )
                meeting.record_distributed_on = meeting.record_due_on + timedelta(
                    days=rng.randint(1, 10) if late else -rng.randint(0, 8)
                )
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


# --- child protection and the other chaired meetings ------------------------------------

_AGENCIES = (
    ["social_care", "police", "health"],
    ["social_care", "police", "health", "education"],
    ["social_care", "health", "education", "referrer"],
)
_CONCERNS = (
    "Bruising seen by the school; the explanation given does not fit.",
    "Repeated police call-outs for domestic abuse with the children present.",
    "Home conditions and missed health appointments point to neglect.",
    "A disclosure to a teacher about harm at home.",
)
_S47_DECISIONS = ("s47_joint", "s47_joint", "s47_single")
_CONFERENCE_PEOPLE = (
    ("Parent of the child", "parent", "attended"),
    ("Allocated social worker", "social_worker", "attended"),
    ("Police child abuse investigation team", "police", "attended"),
    ("School designated safeguarding lead", "school", "report_only"),
)
_OTHER_KINDS = (
    "foster_carer_review",
    "cin_meeting",
    "disruption_meeting",
    "information_sharing",
    "aim_meeting",
    "secure_review",
    "adoption_review",
)


def _demo_meeting(kind, child_id, sequence, code, start, due, **fields) -> Meeting:
    return Meeting(
        kind=kind,
        child_id=child_id,
        sequence=sequence,
        due_rule=code,
        due_start_on=start,
        due_on=due,
        **fields,
    )


def demo_cp_add(batch, *, rng, today, staff) -> None:
    """Give each demo child protection plan its strategy discussion, the initial
    conference that started it (with the people invited), its first core group
    and its chain of review conferences up to today; owe a new conference for a
    few children whose plan ended; arrange a few of the other chaired meetings.

    Uses its own random generator (seeded from the batch) so the caseload of
    later batches does not change with it, and a fixed number of bulk inserts a
    batch. No minutes are created: the minute-taker starts them in the app.
    """
    del rng  # the caseload's generator is left untouched
    if not batch.children:
        return
    rng = random.Random(f"cp:{batch.children[0].la_child_id}")
    clock = case_selectors.clock_get()
    minutes_user = staff.users.get("minutes")
    minutes_id = minutes_user.pk if minutes_user else None
    dob = {child.pk: child.date_of_birth for child in batch.children}
    iro = {
        a.child_id: a.worker_id
        for a in batch.allocations
        if a.role == "iro" and a.ended_on is None and a.worker_id
    }
    spec = meeting_type(Meeting.Kind.ICPC)

    def held_record(meeting: Meeting, held: date) -> None:
        meeting.status = Meeting.Status.HELD
        meeting.held_on = held
        meeting.scheduled_for = datetime.combine(held, time(10), tzinfo=LONDON)
        meeting.venue = "Civic Centre"
        meeting.decisions_due_on = clock.due(spec.decisions_rule, held).due
        meeting.record_due_on = clock.due(spec.record_rule, held).due
        if (today - held).days > 25:
            meeting.decisions_circulated_on = meeting.decisions_due_on
            meeting.record_distributed_on = meeting.record_due_on - timedelta(
                days=rng.choice((0, 2, 5))
            )

    def strategy_for(child_id: int, held_on: date, decision: str):
        return StrategyDiscussion(
            child_id=child_id,
            held_on=held_on,
            chaired_by="Team manager, children's social care",
            agencies_present=rng.choice(_AGENCIES),
            decision=decision,
            reasons=rng.choice(_CONCERNS),
        )

    conferences: list[tuple[Meeting, object]] = []
    strategies: list[StrategyDiscussion] = []
    for plan in batch.plans:
        strategy_on = max(
            dob[plan.child_id], plan.started_on - timedelta(days=rng.randint(12, 20))
        )
        icpc = _demo_meeting(
            Meeting.Kind.ICPC,
            plan.child_id,
            1,
            "cp_icpc",
            strategy_on,
            clock.due("cp_icpc", strategy_on).due,
            chair_id=iro.get(plan.child_id),
            minute_taker_id=minutes_id if (today - plan.started_on).days < 60 else None,
        )
        held_record(icpc, plan.started_on)
        conferences.append((icpc, plan))
        strategies.append(
            strategy_for(plan.child_id, strategy_on, rng.choice(_S47_DECISIONS))
        )
    # A few children whose plan ended long ago are owed a new initial conference.
    on_plan = {p.child_id for p in batch.plans if p.ended_on is None}
    ended = [
        p
        for p in batch.plans
        if p.ended_on and (today - p.ended_on).days > 120 and p.child_id not in on_plan
    ]
    owed_children: set[int] = set()
    for plan in rng.sample(ended, min(len(ended), max(1, len(batch.children) // 400))):
        if plan.child_id in owed_children:
            continue
        owed_children.add(plan.child_id)
        strategy_on = today - timedelta(days=rng.randint(2, 9))
        due = clock.due("cp_icpc", strategy_on).due
        icpc = _demo_meeting(
            Meeting.Kind.ICPC,
            plan.child_id,
            1,
            "cp_icpc",
            strategy_on,
            due,
            chair_id=iro.get(plan.child_id),
            minute_taker_id=minutes_id,
            scheduled_for=datetime.combine(due, time(14), tzinfo=LONDON),
            venue="Civic Centre",
        )
        conferences.append((icpc, None))
        strategies.append(strategy_for(plan.child_id, strategy_on, "s47_joint"))
    # The other chaired meetings: about one child in a hundred.
    others = []
    for child in rng.sample(batch.children, max(1, len(batch.children) // 100)):
        day = today + timedelta(days=rng.randint(-40, 40))
        meeting = _demo_meeting(
            rng.choice(_OTHER_KINDS),
            child.pk,
            1,
            "",
            day,
            day,
            chair_id=iro.get(child.pk) or staff.iros[0].pk,
            scheduled_for=datetime.combine(day, time(11), tzinfo=LONDON),
            venue=rng.choice(("Foster home", "Family centre", "School")),
        )
        if day < today:
            meeting.status, meeting.held_on = Meeting.Status.HELD, day
        others.append(meeting)
    Meeting.objects.bulk_create(
        [icpc for icpc, _ in conferences] + others, batch_size=2000
    )
    StrategyDiscussion.objects.bulk_create(strategies, batch_size=2000)

    following: list[Meeting] = []
    places: list[ConferenceChild] = []
    people: list[Participant] = []
    for (icpc, plan), strategy in zip(conferences, strategies, strict=True):
        strategy.conference_id = icpc.pk
        people.extend(
            Participant(meeting=icpc, name=name, role=role, attendance=attendance)
            for name, role, attendance in _CONFERENCE_PEOPLE
        )
        if plan is None:
            places.append(ConferenceChild(meeting=icpc, child_id=icpc.child_id))
            continue
        places.append(
            ConferenceChild(
                meeting=icpc,
                child_id=plan.child_id,
                outcome="plan",
                category=plan.initial_category,
                plan_id=plan.pk,
            )
        )
        core_due = clock.due("cp_core_group_1", plan.started_on).due
        if core_due < today or plan.ended_on is None:
            # The first core group; later ones follow the local frequency once set.
            core = _demo_meeting(
                Meeting.Kind.CORE_GROUP,
                plan.child_id,
                1,
                "cp_core_group_1",
                plan.started_on,
                core_due,
                chair_id=icpc.chair_id,
                follows=icpc,
            )
            if core_due < today:
                core.status = Meeting.Status.HELD
                core.held_on = core_due - timedelta(days=rng.choice((0, 1, 3)))
            following.append(core)
            places.append(ConferenceChild(meeting=core, child_id=plan.child_id))
        _demo_reviews(plan, icpc, today, clock, rng, held_record, following, places)
    Meeting.objects.bulk_create(following, batch_size=2000)
    ConferenceChild.objects.bulk_create(places, batch_size=2000)
    Participant.objects.bulk_create(people, batch_size=2000)
    StrategyDiscussion.children.through.objects.bulk_create(
        [
            StrategyDiscussion.children.through(
                strategydiscussion_id=s.pk, child_id=s.child_id
            )
            for s in strategies
        ],
        batch_size=2000,
    )
    StrategyDiscussion.objects.bulk_update(strategies, ["conference"], batch_size=2000)


def _demo_reviews(plan, icpc, today, clock, rng, held_record, following, places):
    """The review conferences of one plan, chained from the date each was held."""
    sequence, start, code = 1, plan.started_on, "cp_rcpc_1"
    while True:
        due = clock.due(code, start).due
        review = _demo_meeting(
            Meeting.Kind.RCPC,
            plan.child_id,
            sequence,
            code,
            start,
            due,
            chair_id=icpc.chair_id,
            follows=icpc if sequence == 1 else None,
        )
        held = due - timedelta(days=rng.choice((0, 2, 7, 14)))
        row = ConferenceChild(meeting=review, child_id=plan.child_id, plan_id=plan.pk)
        if plan.ended_on is not None and plan.ended_on <= held:
            # Only a review conference ends a plan for want of risk (CP-11).
            if plan.end_reason == "no_longer_at_risk":
                held_record(review, plan.ended_on)
                row.outcome, row.end_reason = "end", plan.end_reason
                row.alternative = "cin_plan"
                following.append(review)
                places.append(row)
            return
        if held >= today:
            if plan.ended_on is None:
                following.append(review)
                places.append(row)
            return
        held_record(review, held)
        row.outcome, row.category = "continue", plan.latest_category
        following.append(review)
        places.append(row)
        sequence, start, code = sequence + 1, held, "cp_rcpc_n"
