"""Practice alerts and good practice (quality assurance by the chair).

Alerts are scoped to the people involved and managers: the matrix's users are
fresh, so only a manager sees the alert (raised by another IRO, addressed to
another manager); a manager may answer and comment but not chase or escalate,
which only the raiser does.
"""

from . import IRO, MANAGER, Entry, only

CHILD_RAISE = only({IRO: 200, MANAGER: 200}, 404)
CHILD_RAISE_OUT = only({MANAGER: 200}, 404)
QUALITY_ROLES = only({IRO: 200, MANAGER: 200}, 403)
MANAGER_SEES = only({MANAGER: 200}, 404)
RAISER_ONLY = only({MANAGER: 403}, 404)

POLICY = {
    "meetings:alert-create": Entry(CHILD_RAISE, CHILD_RAISE_OUT),
    "meetings:good-practice-create": Entry(CHILD_RAISE, CHILD_RAISE_OUT),
    "meetings:alert-list": Entry(QUALITY_ROLES),
    "meetings:good-practice-list": Entry(QUALITY_ROLES),
    "meetings:alert-detail": Entry(MANAGER_SEES, pk="alert"),
    "meetings:alert-respond": Entry(MANAGER_SEES, pk="alert"),
    "meetings:alert-comment": Entry(MANAGER_SEES, pk="alert"),
    "meetings:alert-chase": Entry(RAISER_ONLY, pk="alert"),
    "meetings:alert-escalate": Entry(RAISER_ONLY, pk="alert"),
}


def build_records(base):
    from tests.factories import PracticeAlertFactory

    alert = PracticeAlertFactory(child=base["inside_child"])
    return {"inside": {"alert": alert.pk}, "outside": {"alert": alert.pk}}
