"""The retention rule for allegation records, as a pure function.

Record retention, not a statutory timescale: it has no rule code and no working
days. Month arithmetic is the clock's own (cases.timescales.add_months), so that
29 February and month ends are handled as everywhere else.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from cases.timescales import add_months

TEN_YEARS_IN_MONTHS = 120
SOURCE = (
    "Keeping Children Safe in Education, Part four, record keeping (DOMAIN.md LA-08)"
)


@dataclass(frozen=True)
class RetentionDue:
    """When a record falls due for review, and which limb of the rule decided it."""

    review_on: date
    ten_years_on: date
    pension_age_on: date | None
    pension_age_years: int
    decided_by: str  # "pension_age" or "ten_years"

    @property
    def explanation(self) -> str:
        ten = f"10 years from the allegation is {self.ten_years_on:%d/%m/%Y}"
        if self.pension_age_on is None:
            return (
                f"{ten}. The adult's date of birth is not recorded, so their normal "
                f"pension age ({self.pension_age_years}) cannot be counted: record it "
                "to apply the longer limb."
            )
        pension = (
            f"the adult reaches normal pension age ({self.pension_age_years}) on "
            f"{self.pension_age_on:%d/%m/%Y}"
        )
        which = "pension age" if self.decided_by == "pension_age" else "10 years"
        return (
            f"Kept until normal pension age or 10 years from the allegation, whichever "
            f"is longer: {pension}; {ten}. The {which} limb is longer."
        )


def retention_review_due(
    *,
    allegation_on: date,
    subject_date_of_birth: date | None,
    pension_age_years: int,
) -> RetentionDue:
    """Return when the record falls due for review (DOMAIN.md LA-08).

    Until the adult's normal pension age or 10 years from the date of the
    allegation, whichever is longer. Without a date of birth only the 10-year limb
    can be counted.
    """
    if pension_age_years < 0:
        raise ValueError("The pension age cannot be negative.")
    ten_years_on = add_months(allegation_on, TEN_YEARS_IN_MONTHS)
    pension_age_on = (
        add_months(subject_date_of_birth, 12 * pension_age_years)
        if subject_date_of_birth is not None
        else None
    )
    if pension_age_on is not None and pension_age_on > ten_years_on:
        return RetentionDue(
            pension_age_on,
            ten_years_on,
            pension_age_on,
            pension_age_years,
            "pension_age",
        )
    return RetentionDue(
        ten_years_on, ten_years_on, pension_age_on, pension_age_years, "ten_years"
    )
