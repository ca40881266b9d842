# Reviewing service: one image for the web server (gunicorn), the Celery worker
# and Celery beat. docker-compose.yml picks the process with `command:`.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DJANGO_SETTINGS_MODULE=config.settings.production \
    DJANGO_MEDIA_ROOT=/app/media

# Runtime libraries WeasyPrint loads with dlopen (Pango, HarfBuzz and its subsetter
# for embedding fonts in PDFs) and a font family for the PDFs themselves.
# Versions are not pinned: the bookworm archive only keeps the latest security fix.
# hadolint ignore=DL3008
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        libpango-1.0-0 \
        libpangoft2-1.0-0 \
        libharfbuzz0b \
        libharfbuzz-subset0 \
        fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/*

RUN groupadd --system --gid 1000 app \
    && useradd --system --uid 1000 --gid app --create-home --home-dir /home/app \
        --shell /usr/sbin/nologin app

# Dependencies first, so that a change to the code does not reinstall them.
# pyproject.toml declares no Python packages of its own (the code runs from
# /app), so only pyproject.toml is needed to install the dependencies.
COPY pyproject.toml /tmp/build/pyproject.toml
RUN pip install /tmp/build && rm -rf /tmp/build

WORKDIR /app
# The code stays owned by root: the app user can read it but not change it.
COPY . /app

# Static files are collected at build time (root-owned, read-only at run time);
# /app/media is the only directory the app user writes, and a named volume
# mounted there starts with its ownership. The production settings refuse to
# load without these variables; the values below exist only for this RUN line
# and are not kept in the image.
RUN DJANGO_SECRET_KEY=build-only-not-a-secret-collectstatic-0123456789abcdefghij \
    DATABASE_URL=postgres://build:build@localhost:5432/build \
    CELERY_BROKER_URL=redis://localhost:6379/0 \
    DJANGO_ALLOWED_HOSTS=localhost \
    python manage.py collectstatic --noinput \
    && mkdir -p /app/media \
    && chown app:app /app/media

# Numeric, so that a runtime (Kubernetes runAsNonRoot) can see it is not root.
USER 1000:1000

EXPOSE 8000

CMD ["gunicorn", "config.wsgi", "--bind", "0.0.0.0:8000", "--workers", "3"]
