"""Regulation 44 visits in the retention schedule (cases.retention).

A visit and its report versions, recommendations and sending ledger are one
record, due under the local `ret_reg44_visit` rule once the report is approved;
a visit still booked or in draft is never due.
"""

from __future__ import annotations

from datetime import date

from cases.retention import (
    DueRecord,
    RecordType,
    Schedule,
    earliest_start_due_by,
    register,
    visit_retention_due,
)


def _due_records(today: date, schedule: Schedule) -> list[DueRecord]:
    from .models import Visit

    cutoff = earliest_start_due_by(today, schedule.years("ret_reg44_visit"))
    rows = (
        Visit.objects.filter(status=Visit.Status.APPROVED, visit_on__lte=cutoff)
        .values_list("pk", "home_id", "visit_on")
        .order_by("visit_on", "pk")
    )
    due = []
    for pk, home_id, visit_on in rows.iterator():
        result = visit_retention_due(visited_on=visit_on, schedule=schedule)
        if result.due_on <= today:
            reference = f"Visit {pk} to home {home_id}, {visit_on:%m/%Y}"
            due.append(DueRecord("reg44_visit", pk, reference, result))
    return due


register(
    RecordType(
        code="reg44_visit",
        label="Regulation 44 visit (with its reports, recommendations and sendings)",
        model="reg44.Visit",
        rule_codes=("ret_reg44_visit",),
        due_records=_due_records,
        url_name="reg44:visit-detail",
    )
)
