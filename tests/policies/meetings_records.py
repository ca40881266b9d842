"""The record of a meeting: who reaches which page.

Inside: a held review of a child in care, chaired by another IRO. Any IRO may read
its record but only its chair may write it; managers read, approve and distribute;
a minute-taker not assigned to the meeting, LADO, visitor and administrator get 404.
Outside: a meeting of a child outside the IRO's scope (404 for an IRO); the
version and sending ids belong to the inside meeting, so they answer 404 there.
"""

from . import IRO, MANAGER, Entry, everyone, only

READ = only({IRO: 200, MANAGER: 200}, 404)
READ_OUT = only({MANAGER: 200}, 404)
CHAIR_ONLY = only({IRO: 403, MANAGER: 403}, 404)
CHAIR_ONLY_OUT = only({MANAGER: 403}, 404)
APPROVER = only({IRO: 403, MANAGER: 200}, 404)
APPROVER_OUT = only({MANAGER: 200}, 404)
APPROVER_POST = only({IRO: 403, MANAGER: 405}, 404)
NOT_HERE = everyone(404)

POLICY = {
    "meetings:record-start": Entry(CHAIR_ONLY, CHAIR_ONLY_OUT, pk="meeting"),
    "meetings:record-versions": Entry(READ, READ_OUT, pk="meeting"),
    "meetings:record-distribute": Entry(APPROVER, APPROVER_OUT, pk="meeting"),
    "meetings:record-ledger": Entry(READ, READ_OUT, pk="meeting"),
    "meetings:record-detail": Entry(READ, NOT_HERE, pk="meeting"),
    "meetings:record-edit": Entry(CHAIR_ONLY, NOT_HERE, pk="meeting"),
    "meetings:record-submit": Entry(CHAIR_ONLY, NOT_HERE, pk="meeting"),
    "meetings:record-approve": Entry(APPROVER, NOT_HERE, pk="meeting"),
    "meetings:record-return": Entry(APPROVER, NOT_HERE, pk="meeting"),
    "meetings:record-amend": Entry(CHAIR_ONLY, NOT_HERE, pk="meeting"),
    "meetings:record-render": Entry(APPROVER_POST, NOT_HERE, pk="meeting"),
    # The fixture's version is a draft, which has no PDF yet: 404 for everyone.
    # tests/meetings/test_records_views.py downloads rendered ones by role.
    "meetings:record-pdf": Entry(NOT_HERE, NOT_HERE, pk="meeting"),
    "meetings:record-letter-pdf": Entry(NOT_HERE, NOT_HERE, pk="meeting"),
    "meetings:distribution-resend": Entry(APPROVER_POST, NOT_HERE, pk="meeting"),
    "meetings:distribution-mark-sent": Entry(APPROVER_POST, NOT_HERE, pk="meeting"),
}
