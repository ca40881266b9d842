"""Booking and recording meetings. The inside meeting is a held review of a child in
care, chaired by another IRO; the outside one belongs to a child outside IRO scope."""

from . import IRO, MANAGER, MINUTES, Entry, everyone, only

CHILD = only({IRO: 200, MANAGER: 200}, 404)
CHILD_OUT = only({MANAGER: 200}, 404)
READ = only({IRO: 200, MANAGER: 200}, 404)
READ_OUT = only({MANAGER: 200}, 404)
SCHEDULER = only({IRO: 403, MANAGER: 200}, 404)
SCHEDULER_OUT = only({MANAGER: 200}, 404)
CHAIR = only({IRO: 403, MANAGER: 403}, 404)
CHAIR_OUT = only({MANAGER: 403}, 404)

POLICY = {
    "meetings:child-meetings": Entry(CHILD, CHILD_OUT),
    "meetings:review-book": Entry(CHILD, CHILD_OUT),
    "meetings:meeting-list": Entry(only({IRO: 200, MANAGER: 200, MINUTES: 200}, 403)),
    "meetings:caseload": Entry(only({IRO: 200}, 403)),
    "meetings:meeting-detail": Entry(READ, READ_OUT, pk="meeting"),
    "meetings:meeting-rebook": Entry(SCHEDULER, SCHEDULER_OUT, pk="meeting"),
    "meetings:meeting-cancel": Entry(SCHEDULER, SCHEDULER_OUT, pk="meeting"),
    "meetings:meeting-hold": Entry(CHAIR, CHAIR_OUT, pk="meeting"),
    "meetings:meeting-adjourn": Entry(CHAIR, CHAIR_OUT, pk="meeting"),
    "meetings:participant-create": Entry(SCHEDULER, SCHEDULER_OUT, pk="meeting"),
    # Rows of the inside meeting requested under the outside one: 404.
    "meetings:participant-update": Entry(SCHEDULER, everyone(404), pk="meeting"),
    "meetings:expected-report-update": Entry(SCHEDULER, everyone(404), pk="meeting"),
    "meetings:consultation-create": Entry(SCHEDULER, SCHEDULER_OUT, pk="meeting"),
    "meetings:checklist-update": Entry(CHAIR, CHAIR_OUT, pk="meeting"),
    "meetings:action-create": Entry(CHAIR, CHAIR_OUT, pk="meeting"),
    "meetings:action-update": Entry(CHAIR, CHAIR_OUT, pk="meeting"),
    "meetings:action-status": Entry(SCHEDULER, everyone(404), pk="meeting"),
}
