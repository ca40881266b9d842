"""Reg 44's part of the daily timescale sweep (cases.sweep discovers this module)."""

from datetime import date

from cases.selectors import clock_get
from cases.sweep import register

from . import selectors


@register
def reg44_sweep(today: date):
    """Return homes to visit this month and visit reports to send."""
    return selectors.reg44_mark_sources(today=today, clock=clock_get())
