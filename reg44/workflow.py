"""Pure rules of a Regulation 44 visit: which status may follow which."""

from __future__ import annotations

# booked -> draft (the visit took place and its report is being written)
# draft -> approved (the visitor approves the report; a version is fixed)
# approved -> draft (the visitor amends the report; approving again makes v2)
VISIT_TRANSITIONS: dict[str, set[str]] = {
    "booked": {"draft"},
    "draft": {"approved"},
    "approved": {"draft"},
}


def can_move(current: str, new: str) -> bool:
    """Return whether a visit in status `current` may move to `new`."""
    return new in VISIT_TRANSITIONS.get(current, set())
