"""Quality assurance: the chair's quality check, QA meetings, panel referrals,
training themes and the managers' themes page.

The inside meeting is held and chaired by another IRO: an IRO may see the
meeting but not its quality check (403); a manager reads it. The QA meeting and
the referral were recorded by that other IRO, so the IRO gets a logged 404.
"""

from datetime import date

from . import IRO, MANAGER, Entry, everyone, only

CHAIR_OR_MANAGER = only({IRO: 403, MANAGER: 200}, 404)
QA_ROLES = only({IRO: 200, MANAGER: 200}, 403)
RECORDER_OR_MANAGER = only({IRO: 404, MANAGER: 200}, 403)
MANAGERS = only({MANAGER: 200}, 403)

POLICY = {
    # Outside: the meeting is not held yet (and out of the IRO's scope).
    "meetings:quality-check": Entry(CHAIR_OR_MANAGER, everyone(404), pk="meeting"),
    "meetings:quality-check-list": Entry(QA_ROLES),
    "meetings:qa-meeting-list": Entry(QA_ROLES),
    "meetings:qa-meeting-create": Entry(QA_ROLES),
    "meetings:qa-meeting-detail": Entry(RECORDER_OR_MANAGER, pk="qa_meeting"),
    "meetings:panel-referral-list": Entry(QA_ROLES),
    "meetings:panel-referral-create": Entry(
        only({IRO: 200, MANAGER: 200}, 404), only({MANAGER: 200}, 404)
    ),
    "meetings:panel-referral-outcome": Entry(RECORDER_OR_MANAGER, pk="panel_referral"),
    "meetings:training-theme-create": Entry(MANAGERS),
    "reporting:themes": Entry(MANAGERS),
    "reporting:themes-csv": Entry(MANAGERS),
    "reporting:themes-pdf": Entry(MANAGERS),
}


def build_records(base):
    from meetings import services

    chair = base["chair"]
    qa_meeting = services.qa_meeting_record(
        by=chair, held_on=date(2026, 5, 1), concerns="Late reports from health."
    )
    referral = services.panel_referral_make(
        child=base["inside_child"],
        by=chair,
        panel="case_review",
        referred_on=date(2026, 5, 2),
        reason="Repeated drift in permanence planning.",
    )
    ids = {"qa_meeting": qa_meeting.pk, "panel_referral": referral.pk}
    return {"inside": ids, "outside": ids}
