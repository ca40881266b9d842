"""Child protection and the other chaired meetings: who reaches which page.

Inside: a held initial conference of a child in care (in IRO scope), chaired by
another IRO, with a minute-taker who is not the one requesting, draft minutes and
one sending. Any IRO may read it; only its chair records it or edits the minutes;
managers read, book, approve and send; a minute-taker not assigned to it, LADO,
visitor and administrator get 404. Outside: a conference of a child outside IRO
scope (404 for an IRO); the minutes and sending ids belong to the inside
conference, so they answer 404 there.
"""

from . import IRO, MANAGER, MINUTES, Entry, everyone, only

CHILD = only({IRO: 200, MANAGER: 200}, 404)
CHILD_OUT = only({MANAGER: 200}, 404)
READ = only({IRO: 200, MANAGER: 200}, 404)
READ_OUT = only({MANAGER: 200}, 404)
MANAGER_ONLY = only({IRO: 403, MANAGER: 200}, 404)
MANAGER_ONLY_OUT = only({MANAGER: 200}, 404)
MANAGER_POST = only({IRO: 403, MANAGER: 405}, 404)
CHAIR_ONLY = only({IRO: 403, MANAGER: 403}, 404)
CHAIR_ONLY_OUT = only({MANAGER: 403}, 404)
NOT_HERE = everyone(404)

POLICY = {
    "meetings:cp-list": Entry(only({IRO: 200, MANAGER: 200, MINUTES: 200}, 403)),
    "meetings:minutes-list": Entry(only({IRO: 200, MANAGER: 200, MINUTES: 200}, 403)),
    "meetings:child-cp": Entry(CHILD, CHILD_OUT),
    "meetings:strategy-create": Entry(CHILD, CHILD_OUT),
    "meetings:transfer-in-create": Entry(CHILD, CHILD_OUT),
    "meetings:meeting-arrange": Entry(CHILD, CHILD_OUT),
    "meetings:strategy-detail": Entry(READ, READ_OUT, pk="strategy"),
    "meetings:cp-meeting-detail": Entry(READ, READ_OUT, pk="cp_meeting"),
    "meetings:cp-book": Entry(MANAGER_ONLY, MANAGER_ONLY_OUT, pk="cp_meeting"),
    "meetings:cp-minute-taker": Entry(MANAGER_ONLY, MANAGER_ONLY_OUT, pk="cp_meeting"),
    "meetings:cp-hold": Entry(CHAIR_ONLY, CHAIR_ONLY_OUT, pk="cp_meeting"),
    "meetings:cp-close": Entry(MANAGER_ONLY, MANAGER_ONLY_OUT, pk="cp_meeting"),
    "meetings:exclusion-create": Entry(CHAIR_ONLY, CHAIR_ONLY_OUT, pk="cp_meeting"),
    "meetings:cp-report-request": Entry(
        MANAGER_ONLY, MANAGER_ONLY_OUT, pk="cp_meeting"
    ),
    "meetings:outline-plan-send": Entry(
        MANAGER_ONLY, MANAGER_ONLY_OUT, pk="cp_meeting"
    ),
    "meetings:cp-ledger": Entry(READ, READ_OUT, pk="cp_meeting"),
    # The fixture's sending has no PDF yet: 404 for everyone.
    # tests/meetings/test_cp_views.py downloads a prepared one by role.
    "meetings:cp-sending-pdf": Entry(NOT_HERE, NOT_HERE, pk="cp_meeting"),
    "meetings:cp-sending-resend": Entry(MANAGER_POST, NOT_HERE, pk="cp_meeting"),
    "meetings:cp-sending-mark-sent": Entry(MANAGER_POST, NOT_HERE, pk="cp_meeting"),
    "meetings:minutes-start": Entry(CHAIR_ONLY, CHAIR_ONLY_OUT, pk="cp_meeting"),
    "meetings:minutes-distribute": Entry(
        MANAGER_ONLY, MANAGER_ONLY_OUT, pk="cp_meeting"
    ),
    "meetings:minutes-detail": Entry(READ, NOT_HERE, pk="cp_meeting"),
    "meetings:minutes-edit": Entry(CHAIR_ONLY, NOT_HERE, pk="cp_meeting"),
    "meetings:minutes-autosave": Entry(CHAIR_ONLY, NOT_HERE, pk="cp_meeting"),
    "meetings:minutes-submit": Entry(CHAIR_ONLY, NOT_HERE, pk="cp_meeting"),
    "meetings:minutes-approve": Entry(MANAGER_ONLY, NOT_HERE, pk="cp_meeting"),
    "meetings:minutes-return": Entry(MANAGER_ONLY, NOT_HERE, pk="cp_meeting"),
    "meetings:minutes-amend": Entry(CHAIR_ONLY, NOT_HERE, pk="cp_meeting"),
    # A draft has no PDF: 404 for everyone (downloads are tested by role elsewhere).
    "meetings:minutes-pdf": Entry(NOT_HERE, NOT_HERE, pk="cp_meeting"),
}


def build_records(base):
    """A held conference and a strategy discussion inside scope, and outside it."""
    from accounts.roles import Role
    from tests.factories import UserFactory
    from tests.meetings.factories import (
        ConferenceFactory,
        ConferenceSendingFactory,
        MinutesFactory,
        StrategyDiscussionFactory,
    )

    taker = UserFactory(roles=[Role.MINUTE_TAKER])
    inside = ConferenceFactory(
        child=base["inside_child"], held=True, chair=base["chair"], minute_taker=taker
    )
    outside = ConferenceFactory(child=base["outside_child"], chair=base["chair"])
    minutes = MinutesFactory(meeting=inside)
    sending = ConferenceSendingFactory(meeting=inside)
    common = {"minutes_pk": minutes.pk, "cp_sending_pk": sending.pk}
    return {
        "inside": {
            **common,
            "cp_meeting": inside.pk,
            "strategy": StrategyDiscussionFactory(child=base["inside_child"]).pk,
        },
        "outside": {
            **common,
            "cp_meeting": outside.pk,
            "strategy": StrategyDiscussionFactory(child=base["outside_child"]).pk,
        },
    }
