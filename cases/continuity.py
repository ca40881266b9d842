"""Business continuity: export everything to a directory and import it into an
empty instance.

The export is one JSON file per model (Django's serializer, primary keys kept,
so every id, generic reference and history row survives unchanged) in
dependency order, a copy of every stored file a FileField names, and
`manifest.json` with the row count and SHA-256 of each data file and each stored
file, and the migrations the data was written under.

The import checks the manifest (hashes and migrations) before touching the
database, refuses a database that holds any data, then replaces the content
types, permissions and role groups the migrations made with the exported ones
(so their ids match), loads every file in one transaction, checks the foreign
keys, resets the id sequences and finally copies the stored files.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import shutil
from dataclasses import dataclass
from pathlib import Path

from django.apps import apps
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.core import serializers
from django.core.files.storage import default_storage
from django.core.management.color import no_style
from django.core.serializers.json import Serializer as JSONSerializer
from django.db import DEFAULT_DB_ALIAS, connections, models, transaction
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

FORMAT = 1
MANIFEST = "manifest.json"
DATA_DIR = "data"
FILES_DIR = "files"
# Sessions are sign-ins, not records; they are neither exported nor compared.
EXCLUDED = frozenset({"sessions.session"})
# Rows the migrations themselves create in an empty instance.
MADE_BY_MIGRATE = frozenset(
    {"contenttypes.contenttype", "auth.permission", "auth.group"}
)


class ExactJSONSerializer(JSONSerializer):
    """Django's JSON serializer, keeping microseconds: its encoder rounds times to
    milliseconds, which would change every timestamp on the way through."""

    def _value_from_field(self, obj, field):
        value = field.value_from_object(obj)
        if isinstance(value, (datetime.datetime, datetime.time)):
            return value.isoformat()
        return super()._value_from_field(obj, field)


class ContinuityError(Exception):
    """The export or import cannot go ahead; the message says why."""


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def exported_models() -> list[type[models.Model]]:
    """Return every model to export, in an order that loads without forward
    references where the dependencies allow it."""
    app_list = {}
    for config in apps.get_app_configs():
        chosen = [
            model
            for model in config.get_models()
            if model._meta.label_lower not in EXCLUDED
            and not model._meta.proxy
            and model._meta.managed
        ]
        if chosen:
            app_list[config] = chosen
    return serializers.sort_dependencies(app_list.items(), allow_cycles=True)


def _applied_migrations(using: str) -> dict[str, list[str]]:
    applied: dict[str, list[str]] = {}
    recorder = MigrationRecorder(connections[using])
    for app, name in sorted(recorder.applied_migrations()):
        applied.setdefault(app, []).append(name)
    return applied


def _file_fields(model) -> list[models.FileField]:
    return [f for f in model._meta.concrete_fields if isinstance(f, models.FileField)]


@dataclass(frozen=True)
class ExportSummary:
    models: int
    rows: int
    files: int
    missing_files: tuple[str, ...] = ()


def export_all(*, out: Path, using: str = DEFAULT_DB_ALIAS) -> ExportSummary:
    """Write every row and stored file to `out`, which must be empty or absent."""
    out = Path(out)
    if out.exists() and any(out.iterdir()):
        raise ContinuityError(f"{out} is not empty: choose a new directory.")
    (out / DATA_DIR).mkdir(parents=True, exist_ok=True)
    (out / FILES_DIR).mkdir(exist_ok=True)
    entries, names, total = [], set(), 0
    connection = connections[using]
    snapshot = connection.vendor == "postgresql" and not connection.in_atomic_block
    with transaction.atomic(using=using):
        if snapshot:
            # One snapshot for every table, so the export is consistent even while
            # the service is in use.
            with connection.cursor() as cursor:
                cursor.execute(
                    "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY"
                )
        for model in exported_models():
            label = model._meta.label_lower
            queryset = model._base_manager.using(using).order_by("pk")
            count = queryset.count()
            path = out / DATA_DIR / f"{label}.json"
            with path.open("w", encoding="utf-8") as handle:
                ExactJSONSerializer().serialize(
                    queryset.iterator(chunk_size=2000), stream=handle
                )
            for field in _file_fields(model):
                names.update(
                    n for n in queryset.values_list(field.attname, flat=True) if n
                )
            entries.append(
                {
                    "model": label,
                    "file": f"{DATA_DIR}/{label}.json",
                    "rows": count,
                    "sha256": _sha256(path),
                }
            )
            total += count
        migrations = _applied_migrations(using)
    files, missing = [], []
    for name in sorted(names):
        if not default_storage.exists(name):
            # A row (often an old history row) names a file no longer stored: the
            # export goes ahead and says so rather than fail.
            missing.append(name)
            continue
        target = out / FILES_DIR / name
        target.parent.mkdir(parents=True, exist_ok=True)
        with default_storage.open(name, "rb") as source, target.open("wb") as copy:
            shutil.copyfileobj(source, copy)
        files.append(
            {"name": name, "size": target.stat().st_size, "sha256": _sha256(target)}
        )
    manifest = {
        "format": FORMAT,
        "exported_at": timezone.now().isoformat(),
        "migrations": migrations,
        "models": entries,
        "files": files,
        "missing_files": missing,
    }
    (out / MANIFEST).write_text(json.dumps(manifest, indent=2), encoding="utf-8")
    return ExportSummary(len(entries), total, len(files), tuple(missing))


def _read_manifest(source: Path) -> dict:
    path = source / MANIFEST
    if not path.is_file():
        raise ContinuityError(f"{source} has no {MANIFEST}: is it an export?")
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except ValueError as exc:
        raise ContinuityError(f"{MANIFEST} is not valid JSON: {exc}") from None
    if manifest.get("format") != FORMAT:
        raise ContinuityError(
            f"Unknown export format {manifest.get('format')!r} (expected {FORMAT})."
        )
    return manifest


def _verify(source: Path, manifest: dict) -> None:
    for entry in manifest["models"]:
        path = source / entry["file"]
        if not path.is_file() or _sha256(path) != entry["sha256"]:
            raise ContinuityError(
                f"{entry['file']} is missing or does not match its hash."
            )
    for entry in manifest["files"]:
        path = source / FILES_DIR / entry["name"]
        if not path.is_file() or _sha256(path) != entry["sha256"]:
            raise ContinuityError(
                f"Stored file {entry['name']} is missing or does not match its hash."
            )


def _refuse_non_empty(labels: list[str], using: str) -> None:
    for label in labels:
        if label in MADE_BY_MIGRATE:
            continue
        model = apps.get_model(label)
        if model._base_manager.using(using).exists():
            raise ContinuityError(
                f"The database is not empty ({label} has rows): import only into a "
                "freshly migrated, empty instance."
            )


@dataclass(frozen=True)
class ImportSummary:
    models: int
    rows: int
    files: int


def import_all(*, source: Path, using: str = DEFAULT_DB_ALIAS) -> ImportSummary:
    """Load an export into this empty instance; refuse anything else."""
    source = Path(source)
    manifest = _read_manifest(source)
    _verify(source, manifest)
    if _applied_migrations(using) != manifest["migrations"]:
        raise ContinuityError(
            "This instance's migrations differ from the export's: migrate it to the "
            "same version first."
        )
    labels = [entry["model"] for entry in manifest["models"]]
    unknown = [label for label in labels if label not in _known_labels()]
    if unknown:
        raise ContinuityError(f"Unknown models in the export: {', '.join(unknown)}.")
    _refuse_non_empty(labels, using)
    for entry in manifest["files"]:
        if default_storage.exists(entry["name"]):
            raise ContinuityError(f"Stored file {entry['name']} already exists.")
    connection = connections[using]
    rows = 0
    with transaction.atomic(using=using):
        # The migrations made these with their own ids; the export's ids win.
        Group.objects.using(using).all().delete()
        Permission.objects.using(using).all().delete()
        ContentType.objects.using(using).all().delete()
        ContentType.objects.clear_cache()
        with connection.constraint_checks_disabled():
            for entry in manifest["models"]:
                rows += _load(source / entry["file"], using)
        connection.check_constraints()
        loaded = [apps.get_model(label) for label in labels]
        statements = connection.ops.sequence_reset_sql(no_style(), loaded)
        if statements:
            with connection.cursor() as cursor:
                for sql in statements:
                    cursor.execute(sql)
    ContentType.objects.clear_cache()
    for entry in manifest["files"]:
        with (source / FILES_DIR / entry["name"]).open("rb") as handle:
            saved = default_storage.save(entry["name"], handle)
        if saved != entry["name"]:
            raise ContinuityError(f"Stored file {entry['name']} was saved as {saved}.")
    return ImportSummary(len(labels), rows, len(manifest["files"]))


def _insert(model, objs, using: str) -> None:
    # Raw inserts, as loaddata's raw saves: values exactly as exported (no
    # auto_now), no signals (so no history rows), in batches under PostgreSQL's
    # limit of 65,535 parameters a statement.
    fields = model._meta.concrete_fields
    if objs and objs[0].pk is None:
        # Many-to-many rows: the database numbers them.
        fields = [f for f in fields if not f.primary_key]
    size = max(1, 60000 // len(fields))
    for start in range(0, len(objs), size):
        model._base_manager.using(using)._insert(
            objs[start : start + size], fields=fields, using=using, raw=True
        )


def _load(path: Path, using: str) -> int:
    """Insert the rows of one exported data file; return how many."""
    batches: dict[type[models.Model], list] = {}
    count = 0

    def flush():
        for model, objs in batches.items():
            if objs:
                _insert(model, objs, using)
                objs.clear()

    with path.open(encoding="utf-8") as handle:
        for item in serializers.deserialize(
            "json", handle, using=using, ignorenonexistent=False
        ):
            obj = item.object
            batches.setdefault(type(obj), []).append(obj)
            for name, values in (item.m2m_data or {}).items():
                field = obj._meta.get_field(name)
                through = field.remote_field.through
                source = f"{field.m2m_field_name()}_id"
                target = f"{field.m2m_reverse_field_name()}_id"
                batches.setdefault(through, []).extend(
                    through(**{source: obj.pk, target: value}) for value in values
                )
            count += 1
            if count % 5000 == 0:
                flush()
    flush()
    return count


def _known_labels() -> set[str]:
    return {m._meta.label_lower for m in apps.get_models()}
