"""Reporting's part of the nightly timescale sweep: the monthly indicator summary.

cases.sweep discovers this module and calls every registered sweeper once per run
(inside the sweep's transaction and advisory lock). This one marks no items: it
rebuilds the summary the managers' dashboard reads, so the dashboard never
aggregates millions of meetings while a manager waits.
"""

from __future__ import annotations

from datetime import date

from django.db import connection, transaction

from cases.sweep import register
from meetings import selectors as meetings_selectors

from .models import IndicatorMonth


@transaction.atomic
def indicator_months_refresh(*, today: date) -> int:
    """Replace the summary with (in time, all) per indicator, month and chair over
    all history, as at `today`; return the rows stored. One DELETE and one
    INSERT ... SELECT per indicator, whatever the volume. Safe to run twice."""
    table = IndicatorMonth._meta.db_table
    stored = 0
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {table}")
        for code in meetings_selectors.MEETING_INDICATORS:
            months = meetings_selectors.meeting_indicator_months(code)
            sql, params = months.query.sql_with_params()
            cursor.execute(
                f"INSERT INTO {table} (code, month, chair_id, met, total, computed_on) "
                f"SELECT %s, r.month, r.chair_id, r.met, r.total, %s FROM ({sql}) r",
                [code, today, *params],
            )
            stored += cursor.rowcount
    return stored


@register
def indicator_summary(today: date):
    """Rebuild the dashboard's indicator summary; no items to mark."""
    indicator_months_refresh(today=today)
    return []
