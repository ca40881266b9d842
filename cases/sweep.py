"""The daily timescale sweep: marks every open statutory item and notifies its owner.

Each app contributes a module `<app>/sweep.py` that calls `register()` on import
with a function returning `MarkSource`s: querysets of that app's OPEN items,
annotated with the columns a mark needs. `sweep_all()` discovers them with
`autodiscover_modules("sweep")`, so this module never imports the other apps.

Everything is set-based SQL (one INSERT ... ON CONFLICT per source, one DELETE,
one INSERT per notification audience), so a national caseload costs a handful of
statements, not a loop over rows.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from itertools import groupby
from operator import itemgetter

from django.conf import settings
from django.core.mail import get_connection, send_mail
from django.db import connection, transaction
from django.db.models import BigIntegerField, CharField, Count, F, Q, QuerySet, Value
from django.db.models.functions import Cast, Concat
from django.urls import reverse
from django.utils.module_loading import autodiscover_modules

from accounts.models import DigestSent, Notification, Team, User

from . import timescales
from .models import TimescaleMark
from .selectors import clock_get

logger = logging.getLogger(__name__)

# pg_try_advisory_xact_lock key: "TSWEEP" in ASCII, so no other lock collides.
SWEEP_LOCK_KEY = 0x545357454550

# Columns each MarkSource queryset must annotate (its pk is the object id).
MARK_COLUMNS = (
    "mark_object_id",
    "mark_rule_code",
    "mark_child_id",
    "mark_owner_id",
    "mark_due_on",
    "mark_label",
    "mark_url",
)

_PK_SENTINEL = 987654321
_NO_ID = Value(None, output_field=BigIntegerField())


@dataclass(frozen=True)
class MarkSource:
    """Open items of one model, as a queryset annotated by `mark_columns()`.

    Each (object id, rule code) pair must appear at most once; items that are not
    open must not appear. `name` says what the source is, for logs.
    """

    name: str
    queryset: QuerySet


Sweeper = Callable[[date], Iterable[MarkSource]]

_SWEEPERS: dict[str, Sweeper] = {}


def register(sweeper: Sweeper) -> Sweeper:
    """Add `sweeper` to the daily sweep (idempotent: re-importing replaces it)."""
    _SWEEPERS[f"{sweeper.__module__}.{sweeper.__qualname__}"] = sweeper
    return sweeper


def sweepers() -> list[Sweeper]:
    """Return the registered sweepers, discovering each app's sweep module first."""
    autodiscover_modules("sweep")
    return list(_SWEEPERS.values())


def url_expression(url_name: str, *, pk_field: str = "pk"):
    """Return an SQL expression for `reverse(url_name, pk=<pk_field>)` on each row."""
    sample = reverse(url_name, kwargs={"pk": _PK_SENTINEL})
    prefix, suffix = sample.split(str(_PK_SENTINEL), 1)
    return Concat(
        Value(prefix),
        Cast(pk_field, output_field=CharField()),
        Value(suffix),
        output_field=CharField(),
    )


def mark_columns(*, rule, child, owner, due_on, label, url, object_id="pk") -> dict:
    """Return the annotations a MarkSource queryset needs: `rule` is a rule code
    (str) or an expression; the others are field names or expressions."""

    def expr(value):
        return F(value) if isinstance(value, str) else value

    return {
        "mark_object_id": expr(object_id),
        "mark_rule_code": Value(rule) if isinstance(rule, str) else rule,
        "mark_child_id": expr(child) if child is not None else _NO_ID,
        "mark_owner_id": expr(owner) if owner is not None else _NO_ID,
        "mark_due_on": expr(due_on),
        "mark_label": expr(label),
        "mark_url": expr(url),
    }


# --- the rules of state -------------------------------------------------------------


@dataclass(frozen=True)
class Thresholds:
    """The dates that split due dates into states on `today` (cases.timescales).

    due_on < today → overdue; today <= due_on <= soon_until → due soon; later → on
    track. soon_until is the last date `timescales.due_status` calls due soon.
    """

    today: date
    soon_until: date


def thresholds_for(
    *, today: date, calendar: timescales.WorkingCalendar, lead_working_days: int
) -> Thresholds:
    """Return the state thresholds for `today`, read off timescales.due_status.

    The due-soon days form one run from `today`; walking it with the rule itself
    keeps the SQL states identical to the pure function's.
    """

    def status(day: date) -> timescales.Status:
        return timescales.due_status(
            due_on=day,
            today=today,
            calendar=calendar,
            lead_working_days=lead_working_days,
        )

    soon_until = today - timedelta(days=1)
    while status(soon_until + timedelta(days=1)) is timescales.Status.DUE_SOON:
        soon_until += timedelta(days=1)
    return Thresholds(today=today, soon_until=soon_until)


def due_soon_lead() -> int:
    """Return the due-soon lead in working days (TIMESCALE_DUE_SOON_WORKING_DAYS)."""
    return getattr(settings, "TIMESCALE_DUE_SOON_WORKING_DAYS", 5)


# --- the sweep ----------------------------------------------------------------------


@dataclass(frozen=True)
class SweepResult:
    ran: bool
    today: date
    marked: int = 0
    removed: int = 0
    due_soon: int = 0
    overdue: int = 0
    notifications: int = 0
    digests: int = 0


_MARK = TimescaleMark._meta.db_table
_USER = User._meta.db_table
_NOTE = Notification._meta.db_table
_DIGEST = DigestSent._meta.db_table
_TEAM = Team._meta.db_table


def _source_upsert(
    cursor, *, source: MarkSource, thresholds: Thresholds, seen_at
) -> int:
    queryset = source.queryset.order_by().values(*MARK_COLUMNS)
    # Looked up in the statement, not through ContentType's process-wide cache,
    # which a long-lived worker could hold stale.
    opts = source.queryset.model._meta
    inner_sql, inner_params = queryset.query.sql_with_params()
    cursor.execute(
        f"""
        INSERT INTO {_MARK} (content_type_id, object_id, rule_code, child_id,
            owner_id, team_id, due_on, state, first_marked_on, state_changed_on,
            label, url, seen_at)
        SELECT (SELECT id FROM django_content_type WHERE app_label = %s
                AND model = %s),
            q.mark_object_id, q.mark_rule_code, q.mark_child_id::bigint,
            q.mark_owner_id::bigint, u.team_id, q.mark_due_on,
            CASE WHEN q.mark_due_on < %s THEN 'overdue'
                 WHEN q.mark_due_on <= %s THEN 'due_soon'
                 ELSE 'on_track' END,
            %s, %s, left(q.mark_label, 300), left(coalesce(q.mark_url, ''), 300),
            %s
        FROM ({inner_sql}) AS q
        LEFT JOIN {_USER} u ON u.id = q.mark_owner_id::bigint
        WHERE q.mark_due_on IS NOT NULL
        ON CONFLICT (content_type_id, object_id, rule_code) DO UPDATE SET
            child_id = EXCLUDED.child_id,
            owner_id = EXCLUDED.owner_id,
            team_id = EXCLUDED.team_id,
            due_on = EXCLUDED.due_on,
            state_changed_on = CASE WHEN {_MARK}.state <> EXCLUDED.state
                THEN EXCLUDED.state_changed_on ELSE {_MARK}.state_changed_on END,
            state = EXCLUDED.state,
            label = EXCLUDED.label,
            url = EXCLUDED.url,
            seen_at = EXCLUDED.seen_at
        """,
        [
            opts.app_label,
            opts.model_name,
            thresholds.today,
            thresholds.soon_until,
            thresholds.today,
            thresholds.today,
            seen_at,
            *inner_params,
        ],
    )
    return cursor.rowcount


def _notifications_create(cursor, *, today: date) -> int:
    """Notify the owner, and the owner's team manager, of each item that became
    due soon or overdue today; a second run the same day adds nothing."""
    text = (
        "CASE m.state WHEN 'overdue' THEN 'Overdue: ' ELSE 'Due soon: ' END"
        " || m.label || ' (due ' || to_char(m.due_on, 'DD/MM/YYYY') || ')'"
    )
    key = (
        "'timescale:' || m.content_type_id || ':' || m.object_id || ':'"
        " || m.rule_code || ':' || m.state"
    )
    owner_name = (
        "coalesce(nullif(trim(o.first_name || ' ' || o.last_name), ''), o.username)"
    )
    cursor.execute(
        f"""
        INSERT INTO {_NOTE} (user_id, day, kind, text, url, source_key, created_at)
        SELECT audience.user_id, %s, m.state,
            left({text} || audience.suffix, 400), m.url, {key}, now()
        FROM {_MARK} m
        JOIN {_USER} o ON o.id = m.owner_id
        LEFT JOIN {_TEAM} t ON t.id = m.team_id
        CROSS JOIN LATERAL (
            VALUES (m.owner_id, ''),
                   (t.manager_id, ' for ' || {owner_name})
        ) AS audience (user_id, suffix)
        WHERE m.state_changed_on = %s AND m.state IN ('due_soon', 'overdue')
          AND audience.user_id IS NOT NULL
        ON CONFLICT (user_id, source_key, day) DO NOTHING
        """,
        [today, today],
    )
    return cursor.rowcount


def _digests_send(cursor, *, today: date) -> int:
    """Email each user one digest of today's notifications, once: a DigestSent row
    claims the day first, so a rerun or a retry after commit sends nothing."""
    cursor.execute(
        f"""
        INSERT INTO {_DIGEST} (user_id, day, notification_count, sent_at)
        SELECT n.user_id, n.day, count(*), now()
        FROM {_NOTE} n
        WHERE n.day = %s
        GROUP BY n.user_id, n.day
        ON CONFLICT (user_id, day) DO NOTHING
        RETURNING user_id
        """,
        [today],
    )
    user_ids = [row[0] for row in cursor.fetchall()]
    if not user_ids:
        return 0
    users = {
        user.pk: user
        for user in User.objects.filter(pk__in=user_ids, is_active=True).exclude(
            email=""
        )
    }
    base = getattr(settings, "SITE_URL", "").rstrip("/")
    email_connection = get_connection()
    # Streamed user by user, so memory stays bounded on a national first run.
    notes = (
        Notification.objects.filter(user_id__in=list(users), day=today)
        .order_by("user_id", "-kind", "text")
        .values_list("user_id", "text", "url")
        .iterator(chunk_size=2000)
    )
    for user_id, rows in groupby(notes, key=itemgetter(0)):
        _digest_send(
            users[user_id], rows, today=today, base=base, connection=email_connection
        )
    return len(user_ids)


DIGEST_MAX_LINES = 100


def _digest_send(user, rows, *, today: date, base: str, connection) -> None:
    lines, total = [], 0
    for _, text, url in rows:
        total += 1
        if total <= DIGEST_MAX_LINES:
            lines.append(f"- {text}" + (f"\n  {base}{url}" if url else ""))
    if total > DIGEST_MAX_LINES:
        lines.append(f"... and {total - DIGEST_MAX_LINES} more.")
    send_mail(
        subject=f"Your timescales for {today:%d/%m/%Y}: {total} to look at",
        message=(
            f"Dear {user.get_full_name() or user.username},\n\n"
            "These items became due soon or overdue today:\n\n"
            + "\n".join(lines)
            + "\n\nSee 'My work' in the service for everything you owe.\n"
        ),
        from_email=None,
        recipient_list=[user.email],
        connection=connection,
    )


@transaction.atomic
def sweep_all(*, today: date) -> SweepResult:
    """Mark every open statutory item on `today`, drop marks of closed items,
    notify owners and managers of new due-soon and overdue items, and send the
    day's digests. Runs alone (advisory lock); returns ran=False if another sweep
    holds the lock. A second run the same day creates and sends nothing."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_xact_lock(%s)", [SWEEP_LOCK_KEY])
        if not cursor.fetchone()[0]:
            logger.warning("Timescale sweep for %s skipped: another is running", today)
            return SweepResult(ran=False, today=today)
        clock = clock_get()
        thresholds = thresholds_for(
            today=today, calendar=clock.calendar, lead_working_days=due_soon_lead()
        )
        # This run's stamp: marks not stamped by it are items no longer open.
        cursor.execute("SELECT clock_timestamp()")
        seen_at = cursor.fetchone()[0]
        marked = 0
        for sweeper in sweepers():
            for source in sweeper(today):
                marked += _source_upsert(
                    cursor, source=source, thresholds=thresholds, seen_at=seen_at
                )
        cursor.execute(f"DELETE FROM {_MARK} WHERE seen_at <> %s", [seen_at])
        removed = cursor.rowcount
        cursor.execute(
            f"""
            SELECT count(*) FILTER (WHERE state = 'due_soon'),
                   count(*) FILTER (WHERE state = 'overdue')
            FROM {_MARK}
            """
        )
        due_soon, overdue = cursor.fetchone()
        notifications = _notifications_create(cursor, today=today)
        digests = _digests_send(cursor, today=today)
    result = SweepResult(
        ran=True,
        today=today,
        marked=marked,
        removed=removed,
        due_soon=due_soon,
        overdue=overdue,
        notifications=notifications,
        digests=digests,
    )
    logger.info(
        "Timescale sweep for %s: %s marked, %s removed, %s due soon, %s overdue, "
        "%s notifications, %s digests",
        today,
        marked,
        removed,
        due_soon,
        overdue,
        notifications,
        digests,
    )
    return result


# --- reads: each user's marks and notifications (used by reporting) ----------------


def mark_list_for(*, user: User) -> QuerySet[TimescaleMark]:
    """Return the marks a user owes, and those of the teams they manage.

    The managed teams are looked up first, so each side of the OR uses its own
    index ((owner, state, due_on) and (team, state, due_on)) instead of joining
    every mark to its team."""
    teams = list(Team.objects.filter(manager=user).values_list("pk", flat=True))
    return (
        TimescaleMark.objects.filter(Q(owner=user) | Q(team_id__in=teams))
        .select_related("owner", "child")
        .order_by("due_on", "id")
    )


def mark_counts_for(*, user: User) -> dict[str, int]:
    """Return how many of the user's marks are in each state, in one query."""
    counts = {state: 0 for state in TimescaleMark.State.values}
    rows = (
        mark_list_for(user=user)
        .order_by()
        .values("state")
        .annotate(n=Count("id"))
        .values_list("state", "n")
    )
    counts.update(dict(rows))
    return counts


def notification_list_for(*, user: User, day: date) -> QuerySet[Notification]:
    """Return the user's notifications of `day`, overdue first."""
    return Notification.objects.filter(user=user, day=day).order_by("-kind", "text")
