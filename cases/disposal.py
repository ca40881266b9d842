"""Retention review and disposal: the reads and writes behind the schedule.

Selectors list what is due (each app's registered record types, cases.retention)
with the legal holds on it; services place and lift holds, set local rules and
dispose of a record.

Disposal removes the record and everything that depends on it, whichever app
holds it: rows that point at a disposed row and cannot live without it go too;
nullable links from records that stay are cleared. It also removes the history
rows (django-simple-history) and files of every disposed row, clears the
record's name from the access log and leaves one DisposalRecord that says what,
when, by whom and under which rule, with no personal data. Deletion is raw SQL so
no history row is written on the way out; foreign keys are checked before the
service returns.
"""

from __future__ import annotations

from collections import defaultdict, deque
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from django.apps import apps
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import connection, models, transaction
from django.utils import timezone

from accounts.models import AccessLog, User

from . import retention
from .errors import DomainError
from .models import DisposalRecord, LegalHold, RetentionSetting, TimescaleMark

_CHUNK = 500

# --- reads ---------------------------------------------------------------------------


def retention_schedule_get() -> retention.Schedule:
    """Return the retention rules with the administrator's local values."""
    return retention.Schedule(
        overrides=dict(RetentionSetting.objects.values_list("code", "years")),
        pension_age_years=getattr(settings, "LADO_NORMAL_PENSION_AGE", 67),
    )


@dataclass(frozen=True)
class ScheduleRow:
    rule: retention.RetentionRule
    years: int
    record_type: retention.RecordType | None


def retention_schedule_rows() -> list[ScheduleRow]:
    """Return every retention rule, its value in force and the record type it serves."""
    schedule = retention_schedule_get()
    by_rule = {
        code: record_type
        for record_type in retention.record_types().values()
        for code in record_type.rule_codes
    }
    return [
        ScheduleRow(rule, schedule.years(code), by_rule.get(code))
        for code, rule in retention.RETENTION_RULES.items()
    ]


@dataclass(frozen=True)
class ReviewRow:
    """A record due for disposal, with what stops it being disposed of."""

    record_type: retention.RecordType
    record: retention.DueRecord
    hold: LegalHold | None
    held_on_record_page: bool

    @property
    def is_held(self) -> bool:
        return self.hold is not None or self.held_on_record_page


def _active_holds(record_type: str, ids: Iterable[int]) -> dict[int, LegalHold]:
    holds = LegalHold.objects.filter(
        record_type=record_type, object_id__in=list(ids), lifted_at__isnull=True
    ).select_related("placed_by")
    return {hold.object_id: hold for hold in holds}


def disposal_review_list(*, today: date, record_type: str = "") -> list[ReviewRow]:
    """Return the records due for disposal on `today`, oldest due first."""
    schedule = retention_schedule_get()
    rows = []
    for code, kind in retention.record_types().items():
        if record_type and code != record_type:
            continue
        due = kind.due_records(today, schedule)
        ids = [r.object_id for r in due]
        holds = _active_holds(code, ids)
        own = kind.own_holds(ids) if kind.own_holds else set()
        rows.extend(
            ReviewRow(kind, r, holds.get(r.object_id), r.object_id in own) for r in due
        )
    rows.sort(key=lambda row: (row.record.due.due_on, row.record_type.code))
    return rows


def review_row_get(
    *, record_type: str, object_id: int, today: date
) -> ReviewRow | None:
    """Return the review row of one record, or None if it is not due on `today`."""
    for row in disposal_review_list(today=today, record_type=record_type):
        if row.record.object_id == object_id:
            return row
    return None


def legal_hold_list(*, record_type: str, object_id: int) -> list[LegalHold]:
    """Return every hold placed on one record, newest first."""
    return list(
        LegalHold.objects.filter(
            record_type=record_type, object_id=object_id
        ).select_related("placed_by", "lifted_by")
    )


def disposal_record_list(*, limit: int = 200) -> list[DisposalRecord]:
    """Return the latest disposals."""
    return list(DisposalRecord.objects.select_related("disposed_by")[:limit])


# --- writes --------------------------------------------------------------------------


def _record_type(code: str) -> retention.RecordType:
    kinds = retention.record_types()
    if code not in kinds:
        raise DomainError(
            f"There is no record type {code!r} in the retention schedule."
        )
    return kinds[code]


def _model(kind: retention.RecordType) -> type[models.Model]:
    return apps.get_model(kind.model)


@transaction.atomic
def retention_setting_set(*, code: str, years: int, by: User) -> RetentionSetting:
    """Set the years of a local retention rule (basis L)."""
    rule = retention.RETENTION_RULES.get(code)
    if rule is None or not rule.is_local:
        raise DomainError("Only local retention rules can be changed.")
    if not 0 <= years <= retention.MAX_LOCAL_YEARS:
        raise DomainError(
            f"Enter a whole number of years from 0 to {retention.MAX_LOCAL_YEARS}."
        )
    setting = RetentionSetting.objects.filter(code=code).first() or RetentionSetting(
        code=code
    )
    setting.years = years
    setting.updated_by = by
    setting._history_user = by
    setting.save()
    return setting


@transaction.atomic
def legal_hold_place(
    *, record_type: str, object_id: int, reason: str, by: User
) -> LegalHold:
    """Stop a record being disposed of until the hold is lifted."""
    kind = _record_type(record_type)
    if kind.own_holds is not None:
        raise DomainError(
            "Holds on this kind of record are placed on the record itself."
        )
    reason = reason.strip()
    if not reason:
        raise DomainError("Say why the record must be kept.")
    if not _model(kind)._base_manager.filter(pk=object_id).exists():
        raise DomainError("That record does not exist.")
    if LegalHold.objects.filter(
        record_type=record_type, object_id=object_id, lifted_at__isnull=True
    ).exists():
        raise DomainError("A legal hold is already in place on this record.")
    hold = LegalHold(
        record_type=record_type, object_id=object_id, reason=reason, placed_by=by
    )
    hold._history_user = by
    hold.save()
    return hold


@transaction.atomic
def legal_hold_lift(*, hold: LegalHold, reason: str, by: User) -> LegalHold:
    """Lift an active hold, saying why."""
    hold = LegalHold.objects.select_for_update().get(pk=hold.pk)
    if not hold.is_active:
        raise DomainError("That legal hold has already been lifted.")
    reason = reason.strip()
    if not reason:
        raise DomainError("Say why the legal hold is lifted.")
    hold.lifted_at = timezone.now()
    hold.lifted_by = by
    hold.lift_reason = reason
    hold._history_user = by
    hold.save()
    return hold


@transaction.atomic
def record_dispose(
    *, record_type: str, object_id: int, by: User, today: date
) -> DisposalRecord:
    """Delete a record due for disposal, with its dependants, history and files.

    Refused while a legal hold is active or when the record is not due on
    `today`. Leaves a DisposalRecord with no personal data.
    """
    kind = _record_type(record_type)
    model = _model(kind)
    if not model._base_manager.select_for_update().filter(pk=object_id).exists():
        raise DomainError("That record does not exist: it may already be disposed of.")
    row = review_row_get(record_type=record_type, object_id=object_id, today=today)
    if row is None:
        raise DomainError("That record is not due for disposal.")
    if row.is_held:
        raise DomainError("A legal hold is in place: lift it before disposing.")
    for release in retention.releases(record_type):
        release([object_id])
    purge = record_purge(model=model, ids=[object_id])
    disposal = DisposalRecord.objects.create(
        record_type=record_type,
        object_id=object_id,
        rule_code=row.record.due.rule_code,
        due_on=row.record.due.due_on,
        disposed_at=timezone.now(),
        disposed_by=by,
        disposed_by_username=by.get_username(),
        hold_checked=True,
        rows_deleted=purge.rows,
        files_deleted=len(purge.files),
    )
    return disposal


# --- the purge -----------------------------------------------------------------------


@dataclass(frozen=True)
class Purge:
    rows: int
    history_rows: int
    files: tuple[str, ...]


def _reverse_relations(model):
    for rel in model._meta.get_fields(include_hidden=True):
        if (
            rel.auto_created
            and not rel.concrete
            and (rel.one_to_many or rel.one_to_one)
        ):
            yield rel


def _collect(model, ids) -> tuple[dict, list]:
    """Return {model: ids} to delete and [(model, field, ids)] links to clear."""
    graph: dict[type[models.Model], set[int]] = defaultdict(set)
    clear: list[tuple[type[models.Model], models.Field, set]] = []
    queue = deque([(model, set(ids))])
    while queue:
        current, pks = queue.popleft()
        new = pks - graph[current]
        if not new:
            continue
        graph[current] |= new
        for rel in _reverse_relations(current):
            on_delete = rel.on_delete
            if on_delete is models.DO_NOTHING:
                continue
            field = rel.field
            related = rel.related_model
            pk_name = related._meta.pk.attname
            found = set()
            for chunk in _chunks(new):
                found |= set(
                    related._base_manager.filter(
                        **{f"{field.attname}__in": chunk}
                    ).values_list(pk_name, flat=True)
                )
            if not found:
                continue
            keep_and_clear = on_delete not in (
                models.CASCADE,
                models.PROTECT,
                models.RESTRICT,
            ) or (field.null and on_delete is models.PROTECT)
            if keep_and_clear:
                clear.append((related, field, found))
            else:
                queue.append((related, found))
    return dict(graph), clear


def _chunks(values):
    values = sorted(values)
    for start in range(0, len(values), _CHUNK):
        yield values[start : start + _CHUNK]


def _raw_delete(model, ids) -> int:
    table = connection.ops.quote_name(model._meta.db_table)
    column = connection.ops.quote_name(model._meta.pk.column)
    deleted = 0
    with connection.cursor() as cursor:
        for chunk in _chunks(ids):
            marks = ", ".join(["%s"] * len(chunk))
            cursor.execute(f"DELETE FROM {table} WHERE {column} IN ({marks})", chunk)
            deleted += cursor.rowcount
    return deleted


def _files(graph) -> list[tuple[str, str]]:
    found = []
    for model, ids in graph.items():
        file_fields = [
            f for f in model._meta.concrete_fields if isinstance(f, models.FileField)
        ]
        for field in file_fields:
            for chunk in _chunks(ids):
                names = model._base_manager.filter(pk__in=chunk).values_list(
                    field.attname, flat=True
                )
                found.extend((field.storage, name) for name in names if name)
    return found


def _history_models():
    for model in apps.get_models():
        attr = getattr(model._meta, "simple_history_manager_attribute", None)
        if attr:
            yield model, getattr(model, attr).model


def _purge_history(graph) -> int:
    """Delete the history rows of every disposed row, and of rows deleted earlier
    that pointed at a disposed row (e.g. a key person removed years ago)."""
    known: dict = defaultdict(set, {m: set(ids) for m, ids in graph.items()})
    tracked = list(_history_models())
    deleted = 0
    changed = True
    while changed:
        changed = False
        for model, history in tracked:
            links = [
                f
                for f in model._meta.concrete_fields
                if f.is_relation and f.related_model in known
            ]
            for field in links:
                targets = known[field.related_model]
                if not targets:
                    continue
                for chunk in _chunks(targets):
                    rows = history._base_manager.filter(
                        **{f"{field.attname}__in": chunk}
                    )
                    ids = set(rows.values_list("id", flat=True))
                    live = set(
                        model._base_manager.filter(pk__in=ids).values_list(
                            "pk", flat=True
                        )
                    )
                    gone = ids - live - known[model]
                    if gone:
                        known[model] |= gone
                        changed = True
                    deleted += rows.delete()[0]
    for model, history in tracked:
        for chunk in _chunks(known.get(model, ())):
            deleted += history._base_manager.filter(id__in=chunk).delete()[0]
    return deleted


def _scrub_logs(graph) -> None:
    for model, ids in graph.items():
        content_type = ContentType.objects.get_for_model(model)
        for chunk in _chunks(ids):
            TimescaleMark.objects.filter(
                content_type=content_type, object_id__in=chunk
            ).delete()
            AccessLog.objects.filter(
                content_type=content_type, object_id__in=[str(pk) for pk in chunk]
            ).update(object_repr="")


def record_purge(*, model, ids: Iterable[int]) -> Purge:
    """Delete rows of `model` and everything depending on them; return counts.

    Runs inside the caller's transaction; the files go once it commits.
    """
    graph, clear = _collect(model, ids)
    for related, field, found in clear:
        keep = found - graph.get(related, set())
        for chunk in _chunks(keep):
            related._base_manager.filter(pk__in=chunk).update(**{field.name: None})
    files = _files(graph)
    history_rows = _purge_history(graph)
    _scrub_logs(graph)
    rows = sum(_raw_delete(m, pks) for m, pks in graph.items())
    if connection.vendor == "postgresql":
        # Foreign keys are deferred; check them now so a missed dependant fails
        # here with the record intact rather than at commit.
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")

    def delete_files():
        for storage, name in files:
            storage.delete(name)

    transaction.on_commit(delete_files)
    return Purge(rows, history_rows, tuple(sorted({name for _, name in files})))
