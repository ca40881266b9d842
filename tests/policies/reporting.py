"""Access policy of the reporting pages."""

from . import LADO, MANAGER, Entry, everyone, only

DASHBOARD = only({MANAGER: 200}, 403)

POLICY = {
    # Every signed-in user sees only their own work (and their teams').
    "reporting:my-work": Entry(everyone(200)),
    "reporting:dashboard": Entry(DASHBOARD),
    "reporting:indicator-list": Entry(DASHBOARD),
    "reporting:caseload-export": Entry(DASHBOARD),
    "reporting:returns-check": Entry(DASHBOARD),
    # The IRO annual report is a manager's dashboard; the LADO annual report is
    # the LADO's own report to the partnership, so LADOs see it too (A3).
    "reporting:annual-iro": Entry(DASHBOARD),
    "reporting:annual-lado": Entry(only({MANAGER: 200, LADO: 200}, 403)),
}


def build_records(base):
    return {"inside": {"code": "cic_reviews"}, "outside": {"code": "cic_reviews"}}
