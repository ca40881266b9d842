"""The allegation's own log of steps. Called only by services, in their transaction."""

from .models import AllegationEvent


def allegation_event(*, allegation, by, code: str, detail: str = "") -> AllegationEvent:
    """Record that `by` did `code` to `allegation` (e.g. 'referral_logged')."""
    return AllegationEvent.objects.create(
        allegation=allegation, by=by, code=code, detail=detail[:500]
    )
