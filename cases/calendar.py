"""The working-day calendar: England and Wales bank holidays plus local closures."""

from __future__ import annotations

import functools
from collections.abc import Iterator, Mapping
from datetime import date

import holidays as holidays_lib


@functools.lru_cache(maxsize=256)
def bank_holidays_in(year: int) -> dict[date, str]:
    """Return England and Wales bank holidays (Good Friday, Christmas included)."""
    return dict(holidays_lib.country_holidays("GB", subdiv="ENG", years=year).items())


class ClosedDays(Mapping):
    """Bank holidays of any year, loaded on demand, plus the given local closures."""

    def __init__(self, local: Mapping[date, str] | None = None):
        self._local = dict(local or {})

    def __getitem__(self, day: date) -> str:
        if day in self._local:
            return self._local[day]
        return bank_holidays_in(day.year)[day]

    def __contains__(self, day: object) -> bool:
        if not isinstance(day, date):
            return False
        return day in self._local or day in bank_holidays_in(day.year)

    def __iter__(self) -> Iterator[date]:
        return iter(sorted(self._local))

    def __len__(self) -> int:
        return len(self._local)
