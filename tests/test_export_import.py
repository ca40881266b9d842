"""export_all and import_all: a varied dataset, PDFs included, survives a round trip
into a second, empty PostgreSQL database exactly: every table's row count and
content hash, and every stored file's SHA-256."""

import hashlib
import io
import json
import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import psycopg
import pytest
from django.apps import apps
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import connection

from cases import disposal
from tests.cases.retention_builders import closed_child_record
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

ROOT = Path(settings.BASE_DIR)
# Not records: sign-ins, and each database's own log of applied migrations.
NOT_COMPARED = {"django_session", "django_migrations"}


def _through_tables() -> set[str]:
    """Auto-created many-to-many tables: their ids are renumbered on load."""
    return {
        model._meta.db_table
        for model in apps.get_models(include_auto_created=True)
        if model._meta.auto_created
    }


def _table_hashes(cursor, tables, through) -> dict[str, tuple[int, str]]:
    """Return each table's (row count, md5 of its sorted rows as text)."""
    cursor.execute("SET TIME ZONE 'UTC'")
    hashes = {}
    for table in sorted(tables):
        cursor.execute(
            "SELECT column_name FROM information_schema.columns "
            "WHERE table_schema = 'public' AND table_name = %s ORDER BY column_name",
            [table],
        )
        columns = [row[0] for row in cursor.fetchall()]
        if table in through:
            columns = [c for c in columns if c != "id"]
        listed = ", ".join(f'"{c}"' for c in columns)
        cursor.execute(
            f"SELECT count(*), md5(coalesce(string_agg(r, E'\\n' ORDER BY r), '')) "
            f'FROM (SELECT ROW({listed})::text AS r FROM "{table}") AS rows'
        )
        hashes[table] = tuple(cursor.fetchone())
    return hashes


def _files(root: Path) -> dict[str, str]:
    return {
        str(path.relative_to(root)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


@pytest.fixture
def empty_database():
    """A second, empty PostgreSQL database beside the test database."""
    url = settings.DATABASES["default"]
    name = f"{url['NAME']}_import"
    params = {
        "host": url["HOST"] or "127.0.0.1",
        "port": url["PORT"] or 5432,
        "user": url["USER"],
        "password": url["PASSWORD"] or None,
    }
    with psycopg.connect(dbname="postgres", autocommit=True, **params) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
        admin.execute(f'CREATE DATABASE "{name}"')
    password = f":{params['password']}" if params["password"] else ""
    yield {
        "url": f"postgres://{params['user']}{password}@{params['host']}:"
        f"{params['port']}/{name}",
        "params": {**params, "dbname": name},
    }
    with psycopg.connect(dbname="postgres", autocommit=True, **params) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _manage(*args, database_url, media_root):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "TEST_DATABASE_URL": database_url,
        "DJANGO_MEDIA_ROOT": str(media_root),
    }
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )


def _seed(media_root, capture_on_commit):
    """Demo users, groups and caseload across the apps, a whole closed child record
    with a stored PDF, a legal hold and a disposal entry."""
    call_command("seed_demo", "--children", "4", "--seed", "3", stdout=io.StringIO())
    manager = UserFactory()
    child, report, _ = closed_child_record(viewer=manager)
    other, _, _ = closed_child_record(surname="Ashgrove", viewer=manager)
    disposal.legal_hold_place(
        record_type="child", object_id=child.pk, reason="Inquiry", by=manager
    )
    with capture_on_commit(execute=True):
        disposal.record_dispose(
            record_type="child",
            object_id=other.pk,
            by=manager,
            today=date(2026, 11, 23),
        )
    assert (media_root / report.pdf.name).is_file()


def test_export_then_import_into_an_empty_database_restores_everything(
    settings, tmp_path, empty_database, django_capture_on_commit_callbacks
):
    source_media = tmp_path / "source-media"
    target_media = tmp_path / "target-media"
    settings.MEDIA_ROOT = source_media
    _seed(source_media, django_capture_on_commit_callbacks)
    export = tmp_path / "export"

    call_command("export_all", "--out", str(export), stdout=io.StringIO())

    manifest = json.loads((export / "manifest.json").read_text())
    assert manifest["files"] and all(len(f["sha256"]) == 64 for f in manifest["files"])
    labels = [entry["model"] for entry in manifest["models"]]
    assert labels.index("accounts.user") < labels.index("cases.child")
    assert {"cases.historicalchild", "auth.group", "cases.disposalrecord"} <= set(
        labels
    )

    migrated = _manage(
        "migrate",
        "--noinput",
        database_url=empty_database["url"],
        media_root=target_media,
    )
    assert migrated.returncode == 0, migrated.stderr
    imported = _manage(
        "import_all",
        str(export),
        database_url=empty_database["url"],
        media_root=target_media,
    )
    assert imported.returncode == 0, imported.stderr
    assert "Imported" in imported.stdout

    through = _through_tables()
    with connection.cursor() as cursor:
        tables = set(connection.introspection.table_names(cursor)) - NOT_COMPARED
        expected = _table_hashes(cursor, tables, through)
    with (
        psycopg.connect(**empty_database["params"]) as target,
        target.cursor() as cursor,
    ):
        actual = _table_hashes(cursor, tables, through)
        cursor.execute("SELECT max(id) FROM cases_child")
        highest = cursor.fetchone()[0]
        cursor.execute("SELECT nextval(pg_get_serial_sequence('cases_child', 'id'))")
        next_id = cursor.fetchone()[0]

    assert sum(count for count, _ in expected.values()) > 1000
    differing = sorted(t for t in tables if expected[t] != actual[t])
    assert differing == []
    assert next_id > highest
    assert _files(target_media) == _files(source_media)

    again = _manage(
        "import_all",
        str(export),
        database_url=empty_database["url"],
        media_root=target_media,
    )
    assert again.returncode != 0
    assert "not empty" in again.stderr


def test_import_refuses_a_tampered_export_before_touching_anything(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    closed_child_record()
    export = tmp_path / "export"
    call_command("export_all", "--out", str(export), stdout=io.StringIO())
    manifest = json.loads((export / "manifest.json").read_text())
    stored = export / "files" / manifest["files"][0]["name"]
    stored.write_bytes(b"not the PDF that was exported")

    with pytest.raises(CommandError, match="does not match its hash"):
        call_command("import_all", str(export))


def test_export_refuses_a_directory_that_is_not_empty(tmp_path):
    (tmp_path / "something").write_text("x")
    with pytest.raises(CommandError, match="not empty"):
        call_command("export_all", "--out", str(tmp_path))


def test_import_refuses_a_database_with_data(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    UserFactory()
    export = tmp_path / "export"
    call_command("export_all", "--out", str(export), stdout=io.StringIO())
    with pytest.raises(CommandError, match="not empty"):
        call_command("import_all", str(export))


def test_export_names_a_stored_file_that_is_missing_and_goes_ahead(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    _, report, _ = closed_child_record()
    (tmp_path / "media" / report.pdf.name).unlink()
    err = io.StringIO()

    call_command(
        "export_all",
        "--out",
        str(tmp_path / "export"),
        stdout=io.StringIO(),
        stderr=err,
    )

    manifest = json.loads((tmp_path / "export" / "manifest.json").read_text())
    assert manifest["missing_files"] == [report.pdf.name]
    assert report.pdf.name in err.getvalue()
