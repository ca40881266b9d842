"""Between reviews: monitoring notes, disputes and complaints.

The inside dispute was raised by another IRO, so an IRO may read it but not
change it (403); a manager may do both.
"""

from . import IRO, MANAGER, Entry, everyone, only

CHILD_READ = only({IRO: 200, MANAGER: 200}, 404)
CHILD_READ_OUT = only({MANAGER: 200}, 404)
IRO_ACTS = only({IRO: 200, MANAGER: 403}, 404)
IRO_ACTS_OUT = only({MANAGER: 403}, 404)
RAISER_OR_MANAGER = only({IRO: 403, MANAGER: 200}, 404)
MANAGER_OUT = only({MANAGER: 200}, 404)

POLICY = {
    "meetings:child-oversight": Entry(CHILD_READ, CHILD_READ_OUT),
    "meetings:monitoring-note-create": Entry(IRO_ACTS, IRO_ACTS_OUT),
    # Outside: the note or complaint id belongs to another child, so it answers 404.
    "meetings:monitoring-note-correct": Entry(IRO_ACTS, everyone(404)),
    "meetings:dispute-create": Entry(IRO_ACTS, IRO_ACTS_OUT),
    "meetings:complaint-create": Entry(CHILD_READ, CHILD_READ_OUT),
    "meetings:complaint-outcome": Entry(CHILD_READ, everyone(404)),
    # Outside: the action belongs to another child than the meeting's.
    "meetings:action-dispute-create": Entry(IRO_ACTS, everyone(404), pk="meeting"),
    "meetings:dispute-list": Entry(only({MANAGER: 200}, 403)),
    "meetings:dispute-detail": Entry(CHILD_READ, MANAGER_OUT, pk="dispute"),
    "meetings:dispute-escalate": Entry(RAISER_OR_MANAGER, MANAGER_OUT, pk="dispute"),
    "meetings:dispute-resolve": Entry(RAISER_OR_MANAGER, MANAGER_OUT, pk="dispute"),
    "meetings:dispute-cafcass": Entry(RAISER_OR_MANAGER, MANAGER_OUT, pk="dispute"),
    # The step's manager is a free-text name: managers answer; only the raising
    # IRO could record it for them. Outside: the step is another dispute's.
    "meetings:dispute-step-respond": Entry(
        RAISER_OR_MANAGER, everyone(404), pk="dispute"
    ),
}
