"""Retention review and disposal: who reaches which page.

Managers and administrators read the schedule, the records due and the
disposals; only managers place and lift holds and dispose. Inside: a child due
for disposal (born 1940, care ended) and an active hold on another; outside: a
record and a hold that do not exist, which answer a logged 404.
"""

from datetime import date

from . import ADMIN, MANAGER, Entry, only

READ = only({MANAGER: 200, ADMIN: 200}, 403)
WRITE = only({MANAGER: 200}, 403)
MISSING = only({MANAGER: 404}, 403)

POLICY = {
    "cases:retention-review": Entry(READ),
    "cases:retention-schedule": Entry(READ),
    "cases:disposal-list": Entry(READ),
    "cases:legal-hold-place": Entry(WRITE, MISSING),
    "cases:record-dispose": Entry(WRITE, MISSING),
    "cases:legal-hold-lift": Entry(WRITE, MISSING, pk="retention_hold"),
}


def build_records(base):
    from cases.models import LegalHold
    from tests.factories import CareEpisodeFactory, ChildFactory

    due = ChildFactory(date_of_birth=date(1940, 1, 1))
    CareEpisodeFactory(
        child=due,
        started_on=date(1950, 1, 1),
        ended_on=date(1958, 1, 1),
        reason_ended="E11",
    )
    held = ChildFactory(date_of_birth=date(1941, 1, 1))
    hold = LegalHold.objects.create(
        record_type="child", object_id=held.pk, reason="Inquiry"
    )
    return {
        "inside": {
            "record_type": "child",
            "object_id": due.pk,
            "retention_hold": hold.pk,
        },
        "outside": {"record_type": "child", "object_id": 0, "retention_hold": 0},
    }
