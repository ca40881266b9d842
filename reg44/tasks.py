"""Background jobs for Regulation 44 reports: thin, idempotent wrappers around services."""

from celery import shared_task
from django.db import OperationalError


@shared_task(
    acks_late=True, autoretry_for=(OperationalError,), retry_backoff=True, max_retries=5
)
def visit_report_render_task(report_id: int) -> None:
    from . import services  # services import this module

    services.visit_report_render(report_id=report_id)


@shared_task(
    acks_late=True, autoretry_for=(OperationalError,), retry_backoff=True, max_retries=5
)
def report_sending_send_task(sending_id: int) -> bool:
    from . import services

    return services.report_sending_send(sending_id=sending_id)
