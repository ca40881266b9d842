"""Record retention: the schedule of rules, and the registry of record types.

The rules are pure functions (no database, clock or settings): callers pass the
start dates, the administrator's values for local rules and the pension age.
They are retention periods, not timescales, so they are not swept and have no
working days; month arithmetic is the clock's own (`timescales.add_months`), so
29 February and month ends are handled as everywhere else.

Each app declares the record types it owns in a module `<app>/retention.py`
that calls `register()` on import; `record_types()` discovers them with
`autodiscover_modules("retention")`, so this module never imports the other
apps. An app may also add the dates of contact it holds about another app's
record (`register_last_contact`): meetings report the last meeting held for a
child, which the child's record counts as contact.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.utils.module_loading import autodiscover_modules

from .timescales import Basis, add_months

# --- the schedule --------------------------------------------------------------------


@dataclass(frozen=True)
class RetentionRule:
    code: str
    title: str
    start_event: str
    years: int
    basis: Basis
    source: str

    @property
    def is_local(self) -> bool:
        return self.basis is Basis.LOCAL

    def describe(self, years: int | None = None) -> str:
        """Return the rule in words, e.g. 'kept 35 years after the last contact'."""
        n = self.years if years is None else years
        if n == 0:
            return f"due for disposal at the {self.start_event}"
        unit = "year" if n == 1 else "years"
        return f"kept {n} {unit} after the {self.start_event}"


_CPR = "Care Planning, Placement and Case Review (England) Regulations 2010"
_KCSIE = (
    "Keeping Children Safe in Education, Part four, record keeping (DOMAIN.md LA-08)"
)

RETENTION_RULES: dict[str, RetentionRule] = {
    r.code: r
    for r in (
        RetentionRule(
            "ret_child_looked_after",
            "Looked-after child's case record",
            "child's date of birth (until the 75th anniversary)",
            75,
            Basis.STATUTE,
            f"{_CPR}, reg 50: until the 75th anniversary of the child's birth, or "
            "15 years from the death of a child who dies before 18",
        ),
        RetentionRule(
            "ret_child_protection",
            "Child protection record (child never looked after)",
            "last contact (a plan ended, a conference or review held)",
            35,
            Basis.LOCAL,
            "Local authority retention schedules after the IRMS retention "
            "guidelines for local authorities (e.g. Blackpool children's services: "
            "child protection records and conference minutes 35 years after last "
            "contact)",
        ),
        RetentionRule(
            "ret_child_other",
            "Other child's record (never looked after or on a plan)",
            "18th birthday or last contact, whichever is later",
            3,
            Basis.LOCAL,
            "Local authority retention schedules after the IRMS retention "
            "guidelines for local authorities (e.g. Devon children's social care: "
            "children in need until 18 plus a further 3 years of inactivity)",
        ),
        RetentionRule(
            "ret_lado_allegation",
            "LADO allegation record",
            "date of the allegation (or normal pension age, whichever is longer)",
            10,
            Basis.STATUTORY_GUIDANCE,
            f"{_KCSIE}: until normal pension age or 10 years from the date of the "
            "allegation, whichever is longer",
        ),
        RetentionRule(
            "ret_lado_malicious",
            "LADO allegation found malicious",
            "closure of the case",
            0,
            Basis.STATUTORY_GUIDANCE,
            f"{_KCSIE}: malicious allegations are removed from personnel records",
        ),
        RetentionRule(
            "ret_reg44_visit",
            "Regulation 44 visit and report",
            "date of the visit",
            15,
            Basis.LOCAL,
            "Children's Homes (England) Regulations 2015 (records of the home kept "
            "at least 15 years); local authority retention schedules (e.g. Devon: "
            "residential homes, records not about a child, 15 years)",
        ),
    )
}

MAX_LOCAL_YEARS = 120


class UnknownRetentionRule(ValueError):
    pass


@dataclass(frozen=True)
class Schedule:
    """The rules with the administrator's values for local ones, loaded once."""

    overrides: Mapping[str, int] = field(default_factory=dict)
    pension_age_years: int = 67

    def rule(self, code: str) -> RetentionRule:
        try:
            return RETENTION_RULES[code]
        except KeyError:
            raise UnknownRetentionRule(
                f"Unknown retention rule {code!r}. Known rules: "
                f"{', '.join(sorted(RETENTION_RULES))}."
            ) from None

    def years(self, code: str) -> int:
        """Return the years of rule `code`: the local value if one is set."""
        rule = self.rule(code)
        if rule.is_local and code in self.overrides:
            return int(self.overrides[code])
        return rule.years


@dataclass(frozen=True)
class RetentionDue:
    """When a record falls due for disposal, under which rule, and why."""

    rule_code: str
    due_on: date
    explanation: str


def years_after(start: date, years: int) -> date:
    """Return the date `years` calendar years after `start` (29 Feb -> 28 Feb)."""
    return add_months(start, 12 * years)


def earliest_start_due_by(today: date, years: int) -> date:
    """Return a start date late enough that every record due by `today` began on or
    before it: a cheap database filter, refined with the exact rule afterwards."""
    return add_months(today, -12 * years) + timedelta(days=1)


def child_retention_due(
    *,
    date_of_birth: date,
    was_looked_after: bool,
    was_on_plan: bool,
    last_contact_on: date | None,
    schedule: Schedule,
) -> RetentionDue:
    """Return when a child's record falls due for disposal.

    Looked after at any time: the 75th anniversary of birth (reg 50, basis S).
    Otherwise on a child protection plan at any time: 35 years after the last
    contact (local). Otherwise: 3 years after the 18th birthday or the last
    contact, whichever is later (local).
    """
    if was_looked_after:
        code = "ret_child_looked_after"
        years = schedule.years(code)
        due = years_after(date_of_birth, years)
        return RetentionDue(
            code,
            due,
            f"Looked after at some time: kept until the {years}th anniversary of "
            f"birth ({date_of_birth:%d/%m/%Y}), {due:%d/%m/%Y}.",
        )
    contact = last_contact_on or date_of_birth
    if was_on_plan:
        code = "ret_child_protection"
        years = schedule.years(code)
        due = years_after(contact, years)
        return RetentionDue(
            code,
            due,
            f"On a child protection plan, never looked after: kept {years} years "
            f"after the last contact ({contact:%d/%m/%Y}), {due:%d/%m/%Y}.",
        )
    code = "ret_child_other"
    years = schedule.years(code)
    eighteenth = years_after(date_of_birth, 18)
    start = max(eighteenth, contact)
    due = years_after(start, years)
    which = "18th birthday" if start == eighteenth else "last contact"
    return RetentionDue(
        code,
        due,
        f"Never looked after or on a plan: kept {years} years after the later of "
        f"the 18th birthday ({eighteenth:%d/%m/%Y}) and the last contact "
        f"({contact:%d/%m/%Y}); the {which} is later, so {due:%d/%m/%Y}.",
    )


@dataclass(frozen=True)
class AllegationRetention:
    """When an allegation record falls due, and which limb of LA-08 decided it."""

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


def allegation_retention_due(
    *,
    allegation_on: date,
    subject_date_of_birth: date | None,
    pension_age_years: int,
    ten_years: int = 10,
) -> AllegationRetention:
    """Return when an allegation record falls due for review (DOMAIN.md LA-08).

    Until the adult's normal pension age or 10 years from the date of the
    allegation, whichever is longer. Without a date of birth only the 10-year limb
    can be counted.
    """
    if pension_age_years < 0:
        raise ValueError("The pension age cannot be negative.")
    ten_years_on = years_after(allegation_on, ten_years)
    pension_age_on = (
        years_after(subject_date_of_birth, pension_age_years)
        if subject_date_of_birth is not None
        else None
    )
    if pension_age_on is not None and pension_age_on > ten_years_on:
        return AllegationRetention(
            pension_age_on,
            ten_years_on,
            pension_age_on,
            pension_age_years,
            "pension_age",
        )
    return AllegationRetention(
        ten_years_on, ten_years_on, pension_age_on, pension_age_years, "ten_years"
    )


def visit_retention_due(*, visited_on: date, schedule: Schedule) -> RetentionDue:
    """Return when a Regulation 44 visit and its reports fall due (local rule)."""
    code = "ret_reg44_visit"
    years = schedule.years(code)
    due = years_after(visited_on, years)
    return RetentionDue(
        code, due, f"Kept {years} years after the visit ({visited_on:%d/%m/%Y})."
    )


# --- the registry --------------------------------------------------------------------


@dataclass(frozen=True)
class DueRecord:
    """One record due for disposal, named without personal data."""

    record_type: str
    object_id: int
    reference: str
    due: RetentionDue


@dataclass(frozen=True)
class RecordType:
    """A kind of record the schedule applies to, as its app declares it.

    `due_records(today, schedule)` returns the records due for disposal on
    `today` (closed records only: an open case is never due). `own_holds(ids)`
    returns the ids among `ids` held by the app's own legal holds, managed on the
    record's page; other holds are `cases.LegalHold` rows.
    `url_name` opens the record for those allowed to see it.
    """

    code: str
    label: str
    model: str
    rule_codes: tuple[str, ...]
    due_records: Callable[[date, Schedule], list[DueRecord]]
    url_name: str = ""
    own_holds: Callable[[Iterable[int]], set[int]] | None = None


LastContact = Callable[[Iterable[int]], Mapping[int, date]]
Release = Callable[[Iterable[int]], None]

_RECORD_TYPES: dict[str, RecordType] = {}
_LAST_CONTACTS: dict[str, dict[str, LastContact]] = {}
_RELEASES: dict[str, dict[str, Release]] = {}


def register(record_type: RecordType) -> RecordType:
    """Add `record_type` to the schedule (idempotent: re-importing replaces it)."""
    _RECORD_TYPES[record_type.code] = record_type
    return record_type


def register_last_contact(record_type: str, provider: LastContact) -> LastContact:
    """Count the dates `provider` returns as contact on records of `record_type`."""
    key = f"{provider.__module__}.{provider.__qualname__}"
    _LAST_CONTACTS.setdefault(record_type, {})[key] = provider
    return provider


def register_release(record_type: str, release: Release) -> Release:
    """Call `release(ids)` before records of `record_type` are disposed of, inside
    the disposal's transaction, so the app lets go of links that must outlive
    them (e.g. keeps a child's initials where the link cannot simply be cleared)."""
    key = f"{release.__module__}.{release.__qualname__}"
    _RELEASES.setdefault(record_type, {})[key] = release
    return release


def releases(record_type: str) -> list[Release]:
    """Return the releases registered for `record_type`."""
    autodiscover_modules("retention")
    return list(_RELEASES.get(record_type, {}).values())


def record_types() -> dict[str, RecordType]:
    """Return the registered record types, discovering each app's module first."""
    autodiscover_modules("retention")
    return dict(_RECORD_TYPES)


def last_contacts(record_type: str, ids: Iterable[int]) -> dict[int, date]:
    """Return the latest contact date other apps hold for each of `ids`."""
    autodiscover_modules("retention")
    ids = list(ids)
    latest: dict[int, date] = {}
    for provider in _LAST_CONTACTS.get(record_type, {}).values():
        for pk, day in provider(ids).items():
            if day is not None and (pk not in latest or day > latest[pk]):
                latest[pk] = day
    return latest


# --- children's records (this app's record type) -------------------------------------


def _child_due_records(today: date, schedule: Schedule) -> list[DueRecord]:
    from django.db.models import Exists, Max, OuterRef
    from django.db.models.functions import Greatest

    from .models import CareEpisode, Child, CPPlanEpisode

    shortest = min(
        schedule.years("ret_child_looked_after"),
        schedule.years("ret_child_protection"),
        18 + schedule.years("ret_child_other"),
    )
    open_episode = CareEpisode.objects.filter(child=OuterRef("pk"), ended_on=None)
    open_plan = CPPlanEpisode.objects.filter(child=OuterRef("pk"), ended_on=None)
    rows = list(
        Child.objects.filter(date_of_birth__lte=earliest_start_due_by(today, shortest))
        .exclude(Exists(open_episode))
        .exclude(Exists(open_plan))
        .annotate(
            was_looked_after=Exists(CareEpisode.objects.filter(child=OuterRef("pk"))),
            was_on_plan=Exists(CPPlanEpisode.objects.filter(child=OuterRef("pk"))),
            last_episode=Max(
                Greatest("care_episodes__started_on", "care_episodes__ended_on")
            ),
            last_plan=Max(Greatest("cp_plans__started_on", "cp_plans__ended_on")),
        )
        .values_list(
            "pk",
            "la_child_id",
            "date_of_birth",
            "was_looked_after",
            "was_on_plan",
            "last_episode",
            "last_plan",
        )
        .order_by("date_of_birth", "pk")
    )
    others = last_contacts("child", [row[0] for row in rows])
    due = []
    for pk, la_id, dob, looked_after, on_plan, last_episode, last_plan in rows:
        dates = [d for d in (last_episode, last_plan, others.get(pk)) if d]
        result = child_retention_due(
            date_of_birth=dob,
            was_looked_after=looked_after,
            was_on_plan=on_plan,
            last_contact_on=max(dates) if dates else None,
            schedule=schedule,
        )
        if result.due_on <= today:
            due.append(DueRecord("child", pk, f"Child record {la_id}", result))
    return due


register(
    RecordType(
        code="child",
        label="Child's record (with its reviews, conferences and oversight)",
        model="cases.Child",
        rule_codes=(
            "ret_child_looked_after",
            "ret_child_protection",
            "ret_child_other",
        ),
        due_records=_child_due_records,
        url_name="cases:child-detail",
    )
)
