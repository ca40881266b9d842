"""LADO allegations: only LADOs and managers see them; anyone else probing an
allegation URL gets a logged 404, and administrators get no case records.

The inside allegation holds every row the URLs name (child, match, meeting,
action, minutes, sending). Outside, the same rows are asked for under another
allegation: a row never answers under the wrong allegation (404 for everyone).
"""

from . import LADO, MANAGER, Entry, everyone, only

LIST = only({LADO: 200, MANAGER: 200}, 403)
LADO_ONLY_LIST = only({LADO: 200}, 403)
READ = only({LADO: 200, MANAGER: 200}, 404)
CHANGE = only({LADO: 200, MANAGER: 403}, 404)
POST = only({LADO: 405, MANAGER: 403}, 404)
# The inside allegation is being managed: its decision is made and it has no
# outcome yet, so those two steps send the LADO back to the record.
NOT_NOW = only({LADO: 302, MANAGER: 403}, 404)
ROWS_ELSEWHERE = everyone(404)

POLICY = {
    "lado:my-allegations": Entry(LADO_ONLY_LIST),
    "lado:allegation-list": Entry(LIST),
    "lado:allegation-create": Entry(LADO_ONLY_LIST),
    "lado:allegation-detail": Entry(READ, pk="allegation"),
    "lado:allegation-update": Entry(CHANGE, pk="allegation"),
    "lado:child-create": Entry(CHANGE, pk="allegation"),
    "lado:child-remove": Entry(POST, ROWS_ELSEWHERE, pk="allegation"),
    "lado:match-decide": Entry(POST, ROWS_ELSEWHERE, pk="allegation"),
    "lado:allegation-decide": Entry(NOT_NOW, pk="allegation"),
    "lado:allegation-manage": Entry(CHANGE, pk="allegation"),
    "lado:meeting-create": Entry(CHANGE, pk="allegation"),
    "lado:meeting-detail": Entry(READ, ROWS_ELSEWHERE, pk="allegation"),
    "lado:meeting-update": Entry(CHANGE, ROWS_ELSEWHERE, pk="allegation"),
    "lado:attendee-create": Entry(CHANGE, ROWS_ELSEWHERE, pk="allegation"),
    "lado:action-create": Entry(CHANGE, ROWS_ELSEWHERE, pk="allegation"),
    "lado:action-complete": Entry(POST, ROWS_ELSEWHERE, pk="allegation"),
    "lado:minutes-issue": Entry(POST, ROWS_ELSEWHERE, pk="allegation"),
    "lado:minutes-pdf": Entry(READ, ROWS_ELSEWHERE, pk="allegation"),
    "lado:minutes-distribute": Entry(CHANGE, ROWS_ELSEWHERE, pk="allegation"),
    "lado:minutes-resend": Entry(POST, ROWS_ELSEWHERE, pk="allegation"),
    "lado:allegation-outcome": Entry(CHANGE, pk="allegation"),
    "lado:allegation-close": Entry(NOT_NOW, pk="allegation"),
    "lado:hold-place": Entry(CHANGE, pk="allegation"),
    "lado:hold-lift": Entry(CHANGE, pk="allegation"),
    "lado:figures": Entry(LIST),
    "lado:figures-csv": Entry(LIST),
    "lado:patterns": Entry(LIST),
}


def build_records(base):
    """An allegation being managed, with a meeting and every row under it."""
    from tests.lado.factories import (
        AllegationActionFactory,
        AllegationFactory,
        AllegationMeetingFactory,
        AttendeeFactory,
        InvolvedChildFactory,
        MinutesVersionFactory,
        SubjectMatchFactory,
    )

    meeting = AllegationMeetingFactory()
    allegation = meeting.allegation
    attendee = AttendeeFactory(meeting=meeting)
    minutes = MinutesVersionFactory(meeting=meeting)
    sending = minutes.distributions.create(
        attendee=attendee,
        recipient_name=attendee.name,
        recipient_email=attendee.email,
        recipient_key=attendee.email,
    )
    rows = {
        "lado_child_pk": InvolvedChildFactory(allegation=allegation).pk,
        "lado_match_pk": SubjectMatchFactory(allegation=allegation).pk,
        "lado_meeting_pk": meeting.pk,
        "lado_action_pk": AllegationActionFactory(meeting=meeting).pk,
        "lado_minutes_pk": minutes.pk,
        "lado_distribution_pk": sending.pk,
    }
    other = AllegationFactory(managed=True)
    return {
        "inside": {"allegation": allegation.pk, **rows},
        "outside": {"allegation": other.pk, **rows},
    }
