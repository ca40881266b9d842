"""Access policy of the reporting pages."""

from . import MANAGER, Entry, everyone, only

DASHBOARD = only({MANAGER: 200}, 403)

POLICY = {
    # Every signed-in user sees only their own work (and their teams').
    "reporting:my-work": Entry(everyone(200)),
    "reporting:dashboard": Entry(DASHBOARD),
    "reporting:indicator-list": Entry(DASHBOARD),
    "reporting:caseload-export": Entry(DASHBOARD),
    "reporting:returns-check": Entry(DASHBOARD),
}


def build_records(base):
    return {"inside": {"code": "cic_reviews"}, "outside": {"code": "cic_reviews"}}
