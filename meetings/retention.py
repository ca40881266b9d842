"""What meetings add to the retention schedule (cases.retention).

Meetings, their records and the IRO's oversight belong to the child's record and
are disposed of with it. A meeting held is contact with the child, so the last
one held extends the local rules that count from the last contact.
"""

from __future__ import annotations

from datetime import date

from django.db.models import Max

from cases.retention import register_last_contact


def child_last_meeting_held(ids) -> dict[int, date]:
    """Return the date of the last meeting held for each child among `ids`."""
    from .models import Meeting

    return dict(
        Meeting.objects.filter(child_id__in=list(ids), held_on__isnull=False)
        .values("child_id")
        .annotate(last=Max("held_on"))
        .values_list("child_id", "last")
        .order_by()
    )


register_last_contact("child", child_last_meeting_held)
