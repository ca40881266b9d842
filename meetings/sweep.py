"""Meetings' part of the daily timescale sweep (cases.sweep discovers this module)."""

from datetime import date

from cases.sweep import register

from . import selectors


@register
def meetings_sweep(today: date):
    """Return open meetings, records to distribute, dispute stages and actions."""
    return [
        *selectors.meeting_mark_sources(today=today),
        *selectors.dispute_mark_sources(today=today),
        *selectors.action_mark_sources(today=today),
    ]


@register
def practice_alerts_sweep(today: date):
    """Return practice alerts awaiting their response (practice_alert_response)."""
    return selectors.alert_mark_sources(today=today)
