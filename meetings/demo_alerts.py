"""Demo practice alerts and good practice for the demo caseload: a few alerts
per batch in every state (awaiting a response, overdue and chased, answered in
time, answered late), and good practice recognised for social workers."""

from __future__ import annotations

import random
from datetime import timedelta

from cases import selectors as case_selectors

from .models import AlertEntry, GoodPractice, PracticeAlert

# About one child in forty has an alert, and one in sixty some good practice.
_ALERT_SHARE = 0.025
_GOOD_PRACTICE_SHARE = 0.017
_ALERTS = (
    (
        PracticeAlert.Category.VISITS_OVERDUE,
        "No statutory visit recorded for nine weeks.",
        "Visit within five working days and record the child's views.",
    ),
    (
        PracticeAlert.Category.PLANNING_DRIFT,
        "The permanence plan agreed at the last review has not moved.",
        "Confirm the date of the legal planning meeting.",
    ),
    (
        PracticeAlert.Category.REPORT_LATE_OR_POOR,
        "The social worker's report arrived on the morning of the review.",
        "Share reports three working days before each review.",
    ),
    (
        PracticeAlert.Category.CHILD_NOT_SEEN,
        "The child has not been seen alone since the placement move.",
        "See the child alone and tell me what they said.",
    ),
    (
        PracticeAlert.Category.ASSESSMENT_QUALITY,
        "The assessment does not mention the child's brother.",
        "Update the assessment to cover sibling contact.",
    ),
)
_GOOD = (
    "Prepared the child for the review with a visual plan she chose herself.",
    "Kept weekly contact going through the placement move.",
    "Brought the child's own words to the review and read them out with her.",
    "Arranged an advocate before the child asked twice.",
)


def demo_alerts_add(batch, *, rng, today, staff) -> None:
    """Give a few children of `batch` practice alerts and good practice, in a
    fixed number of bulk inserts."""
    del rng  # the caseload's generator is left untouched
    manager = staff.users.get("manager")
    if not batch.children or manager is None:
        return
    rng = random.Random(f"alerts:{batch.children[0].la_child_id}")
    clock = case_selectors.clock_get()
    iro = {
        a.child_id: a.worker_id
        for a in batch.allocations
        if a.role == "iro" and a.ended_on is None and a.worker_id
    }
    social_worker = {
        a.child_id: a
        for a in batch.allocations
        if a.role == "social_worker" and a.ended_on is None
    }
    alerts, entries_for = [], []
    good = []
    for child in batch.children:
        raiser = iro.get(child.pk)
        allocation = social_worker.get(child.pk)
        if raiser is None or allocation is None:
            continue
        if rng.random() < _ALERT_SHARE:
            category, concern, asked = rng.choice(_ALERTS)
            raised_on = today - timedelta(days=rng.randint(1, 80))
            due_on = clock.due("practice_alert_response", raised_on).due
            alert = PracticeAlert(
                child_id=child.pk,
                raised_by_id=raiser,
                raised_on=raised_on,
                addressed_to=manager,
                team_id=allocation.team_id,
                category=category,
                concern=concern,
                asked=asked,
                due_on=due_on,
            )
            steps = [("raised", raiser, raised_on, f"Raised; due {due_on:%d/%m/%Y}.")]
            answer_after = rng.choice((2, 4, 5, 7, 9, None))
            if due_on < today:
                alert.chased_on = due_on + timedelta(days=1)
                steps.append(
                    (
                        "chased",
                        None,
                        alert.chased_on,
                        "Chased: the response is overdue.",
                    )
                )
            if answer_after is not None and raised_on + timedelta(answer_after) < today:
                alert.status = PracticeAlert.Status.RESPONDED
                alert.responded_on = raised_on + timedelta(days=answer_after)
                alert.responded_by = manager
                alert.response = "Discussed with the social worker in supervision."
                alert.action_agreed = "Done within the week; I will confirm."
                steps.append(
                    ("response", manager.pk, alert.responded_on, alert.response)
                )
                if alert.chased_on and alert.chased_on > alert.responded_on:
                    alert.chased_on = None
                    steps = [s for s in steps if s[0] != "chased"]
            alerts.append(alert)
            entries_for.append(steps)
        if rng.random() < _GOOD_PRACTICE_SHARE:
            good.append(
                GoodPractice(
                    child_id=child.pk,
                    worker_name=allocation.worker_name or "Social worker",
                    team_id=allocation.team_id,
                    what=rng.choice(_GOOD),
                    recorded_by_id=raiser,
                    recorded_on=today - timedelta(days=rng.randint(1, 120)),
                )
            )
    PracticeAlert.objects.bulk_create(alerts, batch_size=1000)
    AlertEntry.objects.bulk_create(
        [
            AlertEntry(alert=alert, kind=kind, by_id=by, on=on, text=text)
            for alert, steps in zip(alerts, entries_for, strict=True)
            for kind, by, on, text in steps
        ],
        batch_size=2000,
    )
    GoodPractice.objects.bulk_create(good, batch_size=1000)
