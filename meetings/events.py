"""The meeting's own log of steps. Called only by services, in their transaction."""

from .models import MeetingEvent


def meeting_event(*, meeting, by, code: str, detail: str = "") -> MeetingEvent:
    """Record that `by` did `code` to `meeting` (e.g. 'booked', 'record_approved')."""
    return MeetingEvent.objects.create(
        meeting=meeting, by=by, code=code, detail=detail[:500]
    )
