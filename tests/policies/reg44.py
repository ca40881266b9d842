"""Regulation 44: who reaches which page.

The matrix signs in a fresh user per role, so its Reg 44 visitor is assigned to no
home: every home and visit answers 404 for them (tests/reg44/test_views.py covers
an assigned visitor). Managers read everything; administrators keep the homes
register but see no visits; other roles see nothing. Inside: a home with an
approved visit (one recommendation, one pending sending). Outside: rows of
another home or visit requested under the inside ones, and a version that does
not exist, which answer 404.
"""

from datetime import timedelta

from django.utils import timezone

from . import ADMIN, MANAGER, VISITOR, Entry, everyone, only

HOME_LIST = only({VISITOR: 200, MANAGER: 200, ADMIN: 200}, 403)
HOME_ADD = only({MANAGER: 200, ADMIN: 200}, 403)
HOME = only({MANAGER: 200, ADMIN: 200}, 404)
VISIT_ADD = only({MANAGER: 403, ADMIN: 403}, 404)
VISIT_READ = only({MANAGER: 200}, 404)
VISIT_WRITE = only({MANAGER: 403}, 404)
NOT_HERE = everyone(404)

POLICY = {
    "reg44:home-list": Entry(HOME_LIST),
    "reg44:home-create": Entry(HOME_ADD),
    "reg44:overview": Entry(only({MANAGER: 200}, 403)),
    "reg44:home-detail": Entry(HOME, pk="reg44_home"),
    "reg44:home-update": Entry(HOME, pk="reg44_home"),
    "reg44:assignment-create": Entry(HOME, pk="reg44_home"),
    "reg44:assignment-end": Entry(HOME, NOT_HERE, pk="reg44_home"),
    "reg44:visit-create": Entry(VISIT_ADD, pk="reg44_home"),
    "reg44:visit-detail": Entry(VISIT_READ, pk="reg44_visit"),
    "reg44:visit-update": Entry(VISIT_WRITE, pk="reg44_visit"),
    "reg44:recommendation-create": Entry(VISIT_WRITE, pk="reg44_visit"),
    "reg44:recommendation-update": Entry(VISIT_WRITE, NOT_HERE, pk="reg44_visit"),
    "reg44:recommendation-delete": Entry(VISIT_WRITE, NOT_HERE, pk="reg44_visit"),
    "reg44:recommendation-response": Entry(VISIT_WRITE, NOT_HERE, pk="reg44_visit"),
    "reg44:follow-up": Entry(VISIT_WRITE, pk="reg44_visit"),
    "reg44:visit-approve": Entry(VISIT_WRITE, pk="reg44_visit"),
    "reg44:visit-amend": Entry(VISIT_WRITE, pk="reg44_visit"),
    # The manager's request renders the version's PDF on demand.
    "reg44:report-pdf": Entry(VISIT_READ, NOT_HERE, pk="reg44_visit"),
    "reg44:report-distribute": Entry(VISIT_WRITE, NOT_HERE, pk="reg44_visit"),
    "reg44:sending-resend": Entry(VISIT_WRITE, NOT_HERE, pk="reg44_visit"),
}


def build_records(base):
    from tests.reg44.builders import visit_with_report
    from tests.reg44.factories import HomeFactory, VisitorAssignmentFactory

    on = timezone.localdate() - timedelta(days=3)
    inside, outside = {}, {}
    for rows, name in ((inside, "inside"), (outside, "outside")):
        assignment = VisitorAssignmentFactory(home=HomeFactory())
        visit, recommendation, _, sending = visit_with_report(
            home=assignment.home,
            visitor=assignment.visitor,
            on=on,
            recommendation=f"Recommendation of the {name} visit.",
        )
        rows.update(
            reg44_home=assignment.home.pk,
            reg44_visit=visit.pk,
            visitor_assignment_pk=assignment.pk,
            reg44_recommendation_pk=recommendation.pk,
            reg44_sending_pk=sending.pk,
            report_version=1,
        )
    # Outside: the inside home and visit, with rows that are not theirs.
    outside.update(
        reg44_home=inside["reg44_home"],
        reg44_visit=inside["reg44_visit"],
        report_version=99,
    )
    return {"inside": inside, "outside": outside}
