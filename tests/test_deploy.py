"""Deployment files: docker-compose.yml, the Dockerfile and the production settings.

None of these tests touches the database. The compose file is checked against the
Compose Specification JSON schema kept in tests/data/compose-spec.json (the copy
shipped in the docker-compose 1.29.2 wheel, compose/config/compose_spec.json).
"""

import copy
import json
import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest
import yaml
from django.urls import resolve

ROOT = Path(__file__).resolve().parent.parent
COMPOSE_FILE = ROOT / "docker-compose.yml"
COMPOSE_SCHEMA = Path(__file__).resolve().parent / "data" / "compose-spec.json"
DOCKERFILE = ROOT / "Dockerfile"
DOCKERIGNORE = ROOT / ".dockerignore"

APP_SERVICES = ("web", "worker", "beat")
PRODUCTION = "config.settings.production"
WEASYPRINT_LIBRARIES = (
    "libpango-1.0-0",
    "libpangoft2-1.0-0",
    "libharfbuzz0b",
    "fonts-dejavu-core",
)


# --------------------------------------------------------------------------- helpers


@pytest.fixture(scope="module")
def compose():
    return yaml.safe_load(COMPOSE_FILE.read_text())


@pytest.fixture(scope="module")
def compose_validator():
    schema = json.loads(COMPOSE_SCHEMA.read_text())
    # The schema declares draft 2019-09 (with a "$schema" address that jsonschema
    # does not recognise on its own, so the draft is named here).
    jsonschema.Draft201909Validator.check_schema(schema)
    return jsonschema.Draft201909Validator(schema)


def service_environment(service):
    """A service's environment as a dict, whichever form (map or list) it uses."""
    environment = service.get("environment", {})
    if isinstance(environment, list):
        return dict(item.split("=", 1) for item in environment)
    return {key: str(value) for key, value in environment.items()}


def command_text(service):
    command = service.get("command", "")
    return " ".join(command) if isinstance(command, list) else command


def dockerfile_instructions():
    """(INSTRUCTION, arguments) pairs, with continuation lines joined and comments
    dropped, as the Docker builder reads them."""
    instructions = []
    pending = ""
    for line in DOCKERFILE.read_text().splitlines():
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        if stripped.endswith("\\"):
            pending += stripped[:-1] + " "
            continue
        logical = pending + stripped
        pending = ""
        keyword, _, arguments = logical.partition(" ")
        instructions.append((keyword.upper(), " ".join(arguments.split())))
    assert not pending, "the Dockerfile ends inside a continued line"
    return instructions


def production_env(**overrides):
    env = dict(os.environ)
    # Set by the browser tests for Playwright's event loop; never in deployment.
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    env.update(
        DJANGO_SETTINGS_MODULE=PRODUCTION,
        DJANGO_SECRET_KEY=secrets.token_urlsafe(64),
        DATABASE_URL="postgres://postgres@127.0.0.1:5432/postgres",
        CELERY_BROKER_URL="redis://127.0.0.1:6379/0",
        DJANGO_ALLOWED_HOSTS="reviewing.example.org",
        # Only the environment given here counts, not a developer's .env file.
        DJANGO_READ_ENV_FILE="false",
    )
    for key, value in overrides.items():
        if value is None:
            env.pop(key, None)
        else:
            env[key] = value
    return env


def run_python(args, env):
    return subprocess.run(
        [sys.executable, *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )


# ------------------------------------------------------------- (a) the compose schema


def test_compose_file_is_valid_against_the_compose_specification(
    compose, compose_validator
):
    errors = sorted(compose_validator.iter_errors(compose), key=str)
    assert not errors, "\n".join(
        f"{'/'.join(map(str, error.absolute_path))}: {error.message}"
        for error in errors
    )


@pytest.mark.parametrize(
    "breakage",
    [
        "unknown service key",
        "unknown depends_on condition",
        "unknown healthcheck key",
        "service is not a mapping",
    ],
)
def test_the_schema_check_rejects_a_broken_compose_file(
    compose, compose_validator, breakage
):
    """The validation above means something: the schema does reject mistakes."""
    broken = copy.deepcopy(compose)
    web = broken["services"]["web"]
    if breakage == "unknown service key":
        web["healthchek"] = web.pop("healthcheck")
    elif breakage == "unknown depends_on condition":
        web["depends_on"]["postgres"]["condition"] = "healthy"
    elif breakage == "unknown healthcheck key":
        web["healthcheck"]["every"] = "5s"
    else:
        broken["services"]["web"] = "gunicorn config.wsgi"
    assert list(compose_validator.iter_errors(broken))


def test_compose_file_has_no_obsolete_version_key(compose):
    assert "version" not in compose


# ----------------------------------------------------------- (b) the compose services


def test_compose_defines_exactly_the_five_services(compose):
    assert set(compose["services"]) == {"postgres", "redis", "web", "worker", "beat"}


def test_web_migrates_then_runs_gunicorn_on_config_wsgi(compose):
    command = command_text(compose["services"]["web"])
    assert "manage.py migrate --noinput" in command
    assert re.search(r"gunicorn config\.wsgi\b", command)
    assert "0.0.0.0:8000" in command
    assert command.index("migrate") < command.index("gunicorn")
    assert "8000:8000" in [str(port) for port in compose["services"]["web"]["ports"]]


def test_worker_runs_the_celery_worker_of_the_config_app(compose):
    assert re.search(
        r"\bcelery -A config worker\b", command_text(compose["services"]["worker"])
    )


def test_beat_runs_celery_beat_with_the_database_scheduler(compose):
    command = command_text(compose["services"]["beat"])
    assert re.search(r"\bcelery -A config beat\b", command)
    assert "--scheduler django_celery_beat.schedulers:DatabaseScheduler" in command


@pytest.mark.parametrize("name", APP_SERVICES)
def test_app_service_uses_production_settings_database_and_broker(compose, name):
    service = compose["services"][name]
    env = service_environment(service)
    assert env.get("DJANGO_SETTINGS_MODULE") == PRODUCTION
    assert env.get("DATABASE_URL", "").startswith("postgres://reviewing:")
    assert env["DATABASE_URL"].endswith("@postgres:5432/reviewing")
    assert env.get("CELERY_BROKER_URL", "").startswith("redis://redis:6379/")
    # Secrets come from the operator's environment; compose refuses to start
    # without them rather than falling back to a value written here.
    assert env.get("DJANGO_SECRET_KEY", "").startswith("${DJANGO_SECRET_KEY:?")
    assert "${POSTGRES_PASSWORD:?" in env["DATABASE_URL"]
    assert "DJANGO_ALLOWED_HOSTS" in env
    assert (
        env.get("DJANGO_SECURE_SSL_REDIRECT") == "${DJANGO_SECURE_SSL_REDIRECT:-true}"
    )
    assert service.get("build") is not None


def test_app_services_wait_for_healthy_dependencies(compose):
    services = compose["services"]
    for name in ("postgres", "redis", "web"):
        assert services[name].get("healthcheck", {}).get("test"), name
    assert "pg_isready" in str(services["postgres"]["healthcheck"]["test"])
    web_depends = services["web"]["depends_on"]
    for dependency in ("postgres", "redis"):
        assert web_depends[dependency]["condition"] == "service_healthy"
    # Worker and beat start after web has run the migrations.
    for name in ("worker", "beat"):
        assert services[name]["depends_on"]["web"]["condition"] == "service_healthy"


def test_web_and_worker_share_the_media_volume(compose):
    assert "media" in compose["volumes"]
    assert "postgres-data" in compose["volumes"]
    assert (
        "postgres-data:/var/lib/postgresql/data"
        in compose["services"]["postgres"]["volumes"]
    )
    for name in ("web", "worker"):
        service = compose["services"][name]
        assert "media:/app/media" in service["volumes"], name
        assert service_environment(service)["DJANGO_MEDIA_ROOT"] == "/app/media"


def test_web_healthcheck_asks_for_a_page_that_exists(compose):
    script = " ".join(compose["services"]["web"]["healthcheck"]["test"])
    match = re.search(r"request\('GET', '([^']+)'", script)
    assert match, script
    resolve(match.group(1))  # raises Resolver404 when the page has moved
    # It presents itself as the TLS proxy would, or SECURE_SSL_REDIRECT answers 301.
    assert "X-Forwarded-Proto" in script
    assert "127.0.0.1', 8000" in script


# ----------------------------------------------- (c), (d) the production settings


def test_production_settings_pass_check_deploy():
    result = run_python(
        ["manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        production_env(),
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout, (
        result.stdout + result.stderr
    )


@pytest.mark.parametrize(
    "secret_key",
    [None, "", "insecure-development-key-change-me"],
    ids=["unset", "empty", "development-default"],
)
def test_production_settings_refuse_to_load_without_a_secret_key(secret_key):
    result = run_python(
        ["-c", "import django; django.setup()"],
        production_env(DJANGO_SECRET_KEY=secret_key),
    )
    assert result.returncode != 0, result.stdout + result.stderr
    assert "ImproperlyConfigured" in result.stderr
    assert "DJANGO_SECRET_KEY" in result.stderr


def test_production_settings_load_with_a_secret_key():
    """The control for the test above: the same command succeeds with a key."""
    result = run_python(["-c", "import django; django.setup()"], production_env())
    assert result.returncode == 0, result.stdout + result.stderr


# ----------------------------------------------------------------- (e) the image


def test_dockerfile_builds_from_python_311_slim_bookworm():
    instructions = dockerfile_instructions()
    assert instructions[0] == ("FROM", "python:3.11-slim-bookworm")


def test_dockerfile_installs_the_weasyprint_libraries():
    apt_runs = [
        arguments
        for keyword, arguments in dockerfile_instructions()
        if keyword == "RUN" and "apt-get install" in arguments
    ]
    assert apt_runs, "no RUN apt-get install in the Dockerfile"
    installed = set(" ".join(apt_runs).split())
    missing = [package for package in WEASYPRINT_LIBRARIES if package not in installed]
    assert not missing


def test_dockerfile_runs_as_a_non_root_user():
    instructions = dockerfile_instructions()
    users = [
        (index, arguments)
        for index, (keyword, arguments) in enumerate(instructions)
        if keyword == "USER"
    ]
    assert users, "the Dockerfile never switches away from root"
    index, user = users[-1]
    assert user.split(":")[0] not in {"root", "0"}
    # Nothing after the switch runs as root again, and the container starts there.
    assert index > max(
        i for i, (keyword, _) in enumerate(instructions) if keyword == "RUN"
    )
    assert any(keyword == "CMD" for keyword, _ in instructions[index:])


def test_dockerfile_installs_the_project_without_dev_extras_and_defaults_to_gunicorn():
    instructions = dockerfile_instructions()
    runs = " ".join(
        arguments for keyword, arguments in instructions if keyword == "RUN"
    )
    assert "pip install" in runs
    assert "[dev]" not in runs
    env = " ".join(arguments for keyword, arguments in instructions if keyword == "ENV")
    assert f"DJANGO_SETTINGS_MODULE={PRODUCTION}" in env
    cmd = json.loads(
        next(arguments for keyword, arguments in instructions if keyword == "CMD")
    )
    assert cmd[:2] == ["gunicorn", "config.wsgi"]
    assert "0.0.0.0:8000" in cmd
    assert cmd[cmd.index("--workers") + 1] == "3"


def test_dockerfile_collects_static_files_without_keeping_build_secrets():
    instructions = dockerfile_instructions()
    collect = [
        arguments
        for keyword, arguments in instructions
        if keyword == "RUN" and "collectstatic" in arguments
    ]
    assert len(collect) == 1
    for variable in (
        "DJANGO_SECRET_KEY",
        "DATABASE_URL",
        "CELERY_BROKER_URL",
        "DJANGO_ALLOWED_HOSTS",
    ):
        assert f"{variable}=" in collect[0]
        # Set on the RUN line only: never baked into the image as ENV or ARG.
        for keyword, arguments in instructions:
            if keyword in {"ENV", "ARG"}:
                assert variable not in arguments


def test_dockerignore_keeps_local_state_out_of_the_build_context():
    entries = {
        line.strip().removeprefix("**/").rstrip("/")
        for line in DOCKERIGNORE.read_text().splitlines()
        if line.strip() and not line.startswith("#")
    }
    for entry in (
        ".venv",
        ".git",
        "media",
        "staticfiles",
        "db.sqlite3",
        "test-artifacts",
        "__pycache__",
        ".env",
    ):
        assert entry in entries, entry


PRODUCTION_RESPONSE_SCRIPT = """
import json
import django
django.setup()
from django.test import Client
response = Client().get("/", secure=True, HTTP_HOST="reviewing.example.org")
print(json.dumps({
    "status": response.status_code,
    "csp": response.headers.get("Content-Security-Policy", ""),
    "nosniff": response.headers.get("X-Content-Type-Options", ""),
}))
"""


def test_production_responses_carry_the_strict_content_security_policy():
    """Through the production middleware stack, a response carries the policy:
    scripts and styles only from this site, nothing inline, no eval."""
    result = run_python(["-c", PRODUCTION_RESPONSE_SCRIPT], production_env())
    assert result.returncode == 0, result.stdout + result.stderr
    answer = json.loads(result.stdout.strip().splitlines()[-1])
    assert answer["status"] == 302  # to the sign-in page: no database needed
    directives = {
        name: " ".join(value.split())
        for name, _, value in (
            part.strip().partition(" ") for part in answer["csp"].split(";")
        )
        if name
    }
    assert directives == {
        "default-src": "'self'",
        "script-src": "'self'",
        "style-src": "'self'",
        "img-src": "'self' data:",
        "object-src": "'none'",
        "base-uri": "'self'",
        "frame-ancestors": "'none'",
        "form-action": "'self'",
    }
    assert "unsafe-inline" not in answer["csp"]
    assert "unsafe-eval" not in answer["csp"]
    assert answer["nosniff"] == "nosniff"


# ------------------------------------------------- (f) multi-factor sign-in in production


def test_production_settings_require_multi_factor_sign_in():
    result = run_python(
        [
            "-c",
            "import django; django.setup(); from django.conf import settings; "
            "print(settings.MFA_REQUIRED)",
        ],
        production_env(),
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.strip().splitlines()[-1] == "True"


def test_production_settings_refuse_to_turn_multi_factor_sign_in_off():
    result = run_python(
        ["-c", "import django; django.setup()"],
        production_env(MFA_REQUIRED="false"),
    )
    assert result.returncode != 0, result.stdout + result.stderr
    assert "ImproperlyConfigured" in result.stderr
    assert "MFA_REQUIRED" in result.stderr
