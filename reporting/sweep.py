"""Reporting's part of the nightly timescale sweep: the monthly indicator summary
and the returns check.

cases.sweep discovers this module and calls every registered sweeper once per run
(inside the sweep's transaction and advisory lock). This one marks no items: it
rebuilds the summary the managers' dashboard reads, so the dashboard never
aggregates millions of meetings while a manager waits.
"""

from __future__ import annotations

from datetime import date

from django.db import connection, transaction
from django.utils import timezone

from cases.selectors import clock_get
from cases.sweep import register
from lado import selectors as lado_selectors
from meetings import selectors as meetings_selectors
from reg44 import selectors as reg44_selectors

from . import selectors
from .models import IndicatorMonth, ReturnCheck, ReturnCheckProblem, ReviewMonth


@transaction.atomic
def indicator_months_refresh(*, today: date) -> int:
    """Replace the summary with (in time, all) per indicator, month and person
    responsible (chair, LADO officer or Reg 44 visitor) over all history, as at
    `today`; return the rows stored. One DELETE, one INSERT ... SELECT per
    meetings or LADO indicator whatever the volume, and the Regulation 44
    figures counted from aggregate queries (the home-months one query per
    month of history). Also rebuilds the IRO annual report's review counts by
    month (ReviewMonth). Safe to run twice."""
    table = IndicatorMonth._meta.db_table
    stored = 0
    # (code, rows of month / person / in time / all, the person's column)
    sources = [
        (code, meetings_selectors.meeting_indicator_months(code), "chair_id")
        for code in meetings_selectors.MEETING_INDICATORS
    ] + [
        (code, lado_selectors.lado_indicator_months(code), "lado_officer_id")
        for code in lado_selectors.LADO_INDICATORS
    ]
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {table}")
        for code, months, person in sources:
            sql, params = months.query.sql_with_params()
            cursor.execute(
                f"INSERT INTO {table} (code, month, chair_id, met, total, computed_on) "
                f"SELECT %s, r.month, r.{person}, r.met, r.total, %s FROM ({sql}) r",
                [code, today, *params],
            )
            stored += cursor.rowcount
    clock = clock_get()
    rows = [
        IndicatorMonth(
            code=code,
            month=month,
            chair_id=person,
            met=met,
            total=total,
            computed_on=today,
        )
        for code in reg44_selectors.REG44_INDICATORS
        for month, person, met, total in reg44_selectors.reg44_indicator_months(
            code, clock=clock, today=today
        )
    ]
    IndicatorMonth.objects.bulk_create(rows, batch_size=2000)
    _review_months_refresh(today=today)
    return stored + len(rows)


def _review_months_refresh(*, today: date) -> int:
    """Replace the annual report's review counts by month with one DELETE and one
    INSERT ... SELECT; return the rows stored."""
    table = ReviewMonth._meta.db_table
    sql, params = meetings_selectors.review_counts_by_month().query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {table}")
        cursor.execute(
            f"INSERT INTO {table} (month, due_rule, participation_code, held, "
            "in_time, seen, advocate, interpreter, computed_on) "
            "SELECT r.month, r.due_rule, r.participation_code, r.held, r.in_time, "
            f"r.seen, r.advocate, r.interpreter, %s FROM ({sql}) r",
            [today, *params],
        )
        return cursor.rowcount


@register
def indicator_summary(today: date):
    """Rebuild the dashboard's indicator summary; no items to mark."""
    indicator_months_refresh(today=today)
    return []


@transaction.atomic
def return_check_refresh(*, year: int) -> ReturnCheck:
    """Check the collection year ending 31 March `year` against the DfE rules the
    returns check page shows and store the result in place of the last one.
    Safe to run twice: the second run replaces the first."""
    problems, total = selectors.return_problems(year=year)
    check, _ = ReturnCheck.objects.update_or_create(
        year=year, defaults={"checked_at": timezone.now(), "total": total}
    )
    check.problems.all().delete()
    ReturnCheckProblem.objects.bulk_create(
        ReturnCheckProblem(
            check_run=check,
            position=position,
            la_child_id=problem.la_child_id,
            on=problem.on,
            what=problem.what,
            problem=problem.problem,
            url=problem.url,
        )
        for position, problem in enumerate(problems)
    )
    return check


@register
def returns_check(today: date):
    """Re-check this collection year's returns and last year's (still open to
    amendment until the return is signed off); no items to mark."""
    year = selectors.collection_year_for(today)
    for checked in (year - 1, year):
        return_check_refresh(year=checked)
    return []
