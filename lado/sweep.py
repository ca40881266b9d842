"""LADO's part of the daily timescale sweep (cases.sweep discovers this module)."""

from datetime import date

from cases.sweep import register

from . import selectors


@register
def lado_sweep(today: date):
    """Return initial considerations to make and referrals to resolve."""
    return selectors.allegation_mark_sources(today=today)
