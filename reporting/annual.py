"""Reads for the annual reports: the IRO annual report to the Corporate Parenting
Board (DOMAIN.md Part B 4.2) and the LADO annual report to the safeguarding
partnership (4.3). Every table is an aggregate over the year, read through the
other apps' selectors in a fixed number of queries whatever the volume."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count, F, Q

from accounts.models import User
from cases import codes as case_codes
from cases import selectors as case_selectors
from lado import codes as lado_codes
from lado import selectors as lado_selectors
from meetings import codes as meeting_codes
from meetings import selectors as meetings_selectors

from . import selectors as reporting_selectors

# --- the year ------------------------------------------------------------------------


@dataclass(frozen=True)
class ReportYear:
    """A financial year (April to March) or a calendar year."""

    key: str  # "2025-26" (financial) or "2025" (calendar)
    start: date
    end: date

    @property
    def label(self) -> str:
        if "-" in self.key:
            return f"{self.key} (April {self.start.year} to March {self.end.year})"
        return f"{self.key} (January to December)"


def report_year(key: str) -> ReportYear | None:
    """Return the year `key` names ("2025-26" or "2025"), or None if it names none."""
    first, _, second = key.partition("-")
    if not first.isdigit() or len(first) != 4 or not 2000 <= int(first) <= 2100:
        return None
    year = int(first)
    if not second:
        return ReportYear(key, date(year, 1, 1), date(year, 12, 31))
    if second != f"{(year + 1) % 100:02d}":
        return None
    return ReportYear(key, date(year, 4, 1), date(year + 1, 3, 31))


def report_year_default(today: date) -> ReportYear:
    """Return the last financial year that has ended by `today`."""
    ended = today.year - 1 if today.month >= 4 else today.year - 2
    return report_year(f"{ended}-{(ended + 1) % 100:02d}")


def report_year_choices(today: date, count: int = 8) -> list[tuple[str, str]]:
    """Return (key, label) of the recent financial years, then calendar years."""
    fy_start = today.year if today.month >= 4 else today.year - 1
    financial = [
        f"{y}-{(y + 1) % 100:02d}" for y in range(fy_start, fy_start - count, -1)
    ]
    calendar = [str(y) for y in range(today.year, today.year - count, -1)]
    return [(key, report_year(key).label) for key in financial + calendar]


# --- tables --------------------------------------------------------------------------


@dataclass(frozen=True)
class ReportTable:
    key: str
    title: str
    columns: tuple[str, ...]
    rows: list[list]
    note: str = ""


@dataclass
class AnnualReport:
    title: str
    year: ReportYear
    tables: list[ReportTable] = field(default_factory=list)
    not_held: list[str] = field(default_factory=list)

    def table(self, key: str) -> ReportTable | None:
        return next((t for t in self.tables if t.key == key), None)


def _percent(part: int, whole: int) -> float | str:
    return round(100 * part / whole, 1) if whole else ""


def _choice_counts(queryset, field_name: str, choices, *, distinct: str = "id"):
    """Return [[label, count]] for every choice (and any value not in the list),
    from one GROUP BY query."""
    counted = dict(
        queryset.order_by()
        .values(field_name)
        .annotate(n=Count(distinct, distinct=True))
        .values_list(field_name, "n")
    )
    return _rows_for_choices(counted, choices)


def _rows_for_choices(counted: dict, choices) -> list[list]:
    """Return [[label, count]] for every choice, then any other value counted."""
    counted = dict(counted)
    rows = [[label, counted.pop(value, 0)] for value, label in choices]
    rows += [[value or "Not recorded", n] for value, n in sorted(counted.items())]
    return rows


def _with_total(rows: list[list]) -> list[list]:
    return [*rows, ["Total", sum(r[1] for r in rows)]]


def _years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


# CiC statistics age bands (age on the last day of the year).
CLA_AGE_BANDS = (
    ("Under 1", 0, 1),
    ("1 to 4", 1, 5),
    ("5 to 9", 5, 10),
    ("10 to 15", 10, 16),
    ("16 and over", 16, 200),
)

REVIEW_RULE_LABELS = {
    "cic_review_1": "First review (20 working days)",
    "cic_review_2": "Second review (3 months)",
    "cic_review_n": "Subsequent reviews (6 months)",
}

IRO_NOT_HELD = [
    "Unaccompanied asylum-seeking children, placements out of the area and their "
    "distance: not recorded here.",
    "IRO staffing (full-time equivalents, turnover) and IRO continuity per child: "
    "not recorded here (caseloads are shown as they stand today).",
    "Participation by age band: the table gives participation by PN code only.",
    "Permanence plans by the second review, PEP and health assessment timeliness, "
    "placement stability: not recorded here.",
    "Children with a child protection plan for a second or subsequent time, plans "
    "lasting two years or more, conference quoracy, participation and dissent: not "
    "in this report.",
    "Quality assurance findings, good practice, feedback from children and carers, "
    "complaints and next year's priorities: written by the IRO manager, not held "
    "as data.",
]


def iro_annual_report(*, year: ReportYear, user: User) -> AnnualReport:
    """Return the IRO annual report tables for `year` (DOMAIN.md 4.2): about 20
    aggregate queries whatever the number of children or meetings."""
    start, end = year.start, year.end
    report = AnnualReport("IRO annual report", year, not_held=IRO_NOT_HELD)
    report.tables += _cla_tables(start=start, end=end)
    report.tables += _review_tables(start=start, end=end)
    report.tables.append(_timeliness_table(start=start, end=end))
    report.tables.append(_cp_plan_table(start=start, end=end))
    report.tables += _dispute_tables(start=start, end=end, user=user)
    report.tables.append(
        ReportTable(
            "caseloads",
            "IRO caseloads (today)",
            ("IRO", "Team", "Children in care", "Children on a CP plan"),
            [
                [str(u), str(u.team) if u.team_id else "", u.in_care, u.on_plan]
                for u in meetings_selectors.iro_caseload_rows()
            ],
            "Open IRO allocations as they stand today (the IRO Handbook suggests "
            "50 to 70 children per full-time IRO).",
        )
    )
    return report


def _cla_tables(*, start: date, end: date) -> list[ReportTable]:
    episodes = meetings_selectors.returns_care_episodes(start=start, end=end)
    open_on_start = Q(started_on__lte=start) & (
        Q(ended_on__isnull=True) | Q(ended_on__gt=start)
    )
    open_at_end = Q(ended_on__isnull=True) | Q(ended_on__gt=end)
    counts = episodes.aggregate(
        at_start=Count("child", distinct=True, filter=open_on_start),
        at_end=Count("child", distinct=True, filter=open_at_end),
        started=Count(
            "child",
            distinct=True,
            filter=Q(
                started_on__gte=start,
                reason_new_episode=case_codes.ReasonNewEpisode.S,
            ),
        ),
        ceased=Count(
            "child",
            distinct=True,
            filter=Q(ended_on__range=(start, end))
            & ~Q(reason_ended=case_codes.ReasonEpisodeCeased.X1),
        ),
    )
    numbers = ReportTable(
        "cla_numbers",
        "Children in care: numbers",
        ("Measure", "Children"),
        [
            [f"In care on {start:%-d %B %Y}", counts["at_start"]],
            ["Started to be looked after (new periods of care)", counts["started"]],
            ["Ceased to be looked after", counts["ceased"]],
            [f"In care on {end:%-d %B %Y}", counts["at_end"]],
        ],
        "A period of care starts with an episode whose reason is S; it ceases "
        "with an episode ended for any reason other than X1.",
    )
    at_end = episodes.filter(open_at_end)
    ages = at_end.aggregate(
        **{
            f"band_{i}": Count(
                "child",
                distinct=True,
                filter=Q(
                    child__date_of_birth__lte=_years_before(end, low),
                    child__date_of_birth__gt=_years_before(end, high),
                ),
            )
            for i, (_, low, high) in enumerate(CLA_AGE_BANDS)
        }
    )
    by_age = [
        [label, ages[f"band_{i}"]] for i, (label, _, _) in enumerate(CLA_AGE_BANDS)
    ]
    tables = [numbers]
    for key, title, rows in (
        ("cla_age", "Children in care at the year end by age", by_age),
        (
            "cla_gender",
            "Children in care at the year end by gender",
            _choice_counts(
                at_end, "child__gender", case_codes.Gender.choices, distinct="child"
            ),
        ),
        (
            "cla_ethnicity",
            "Children in care at the year end by ethnicity",
            _choice_counts(
                at_end,
                "child__ethnicity",
                case_codes.Ethnicity.choices,
                distinct="child",
            ),
        ),
        (
            "cla_legal_status",
            "Children in care at the year end by legal status",
            _choice_counts(
                at_end, "legal_status", case_codes.LegalStatus.choices, distinct="child"
            ),
        ),
        (
            "cla_placement",
            "Children in care at the year end by placement type",
            _choice_counts(
                at_end,
                "placement_type",
                case_codes.PlacementType.choices,
                distinct="child",
            ),
        ),
    ):
        heading = title.rsplit(" by ", 1)[1].capitalize()
        tables.append(ReportTable(key, title, (heading, "Children"), _with_total(rows)))
    return tables


def _review_tables(*, start: date, end: date) -> list[ReportTable]:
    # Counts by month, rule and participation code, from which every table is
    # summed: from the nightly summary, or one pass over the year's reviews (an
    # index-only scan) before the first nightly sweep.
    summary = reporting_selectors.review_counts_from_summary(start=start, end=end)
    if summary is None:
        groups = list(meetings_selectors.review_counts_by_month(start=start, end=end))
        as_at = ""
    else:
        groups, as_of = summary
        as_at = f" As at the nightly summary of {as_of:%d/%m/%Y}."
    by_rule: dict[str, tuple[int, int]] = {}
    by_code: dict[str, int] = {}
    practice = {"held": 0, "seen": 0, "advocate": 0, "interpreter": 0}
    for _month, rule, code, held, in_time, seen, advocate, interpreter in groups:
        rule_held, rule_in_time = by_rule.get(rule, (0, 0))
        by_rule[rule] = (rule_held + held, rule_in_time + in_time)
        by_code[code] = by_code.get(code, 0) + held
        practice["held"] += held
        practice["seen"] += seen
        practice["advocate"] += advocate
        practice["interpreter"] += interpreter
    rows = []
    for rule, label in REVIEW_RULE_LABELS.items():
        held, in_time = by_rule.pop(rule, (0, 0))
        rows.append([label, held, in_time, _percent(in_time, held)])
    for rule, (held, in_time) in sorted(by_rule.items()):
        rows.append([rule, held, in_time, _percent(in_time, held)])
    held, in_time = sum(r[1] for r in rows), sum(r[2] for r in rows)
    rows.append(["All reviews", held, in_time, _percent(in_time, held)])
    timeliness = ReportTable(
        "reviews",
        "Children in Care reviews held and in timescale",
        ("Review", "Held", "In timescale", "%"),
        rows,
        "Reviews held in the year (an adjourned review on its first sitting), "
        "each against its own due date; short-break (reg 48) reviews excluded." + as_at,
    )
    codes_rows = _rows_for_choices(by_code, meeting_codes.ParticipationCode.choices)
    counted = dict((row[0], row[1]) for row in codes_rows)
    labels = dict(meeting_codes.ParticipationCode.choices)
    took_part = sum(counted.get(labels[f"PN{n}"], 0) for n in range(1, 7))
    aged_four = took_part + counted.get(labels["PN7"], 0)
    participation = ReportTable(
        "participation",
        "Children's participation in their reviews",
        ("Participation code", "Reviews"),
        [
            *_with_total(codes_rows),
            [
                "Participation rate (PN1 to PN6 of PN1 to PN7), %",
                _percent(took_part, aged_four),
            ],
        ],
        as_at.strip(),
    )
    held = practice["held"]
    practice_table = ReportTable(
        "review_practice",
        "Seen before the review, advocacy and interpreters",
        ("Measure", "Reviews", "% of reviews"),
        [
            [label, practice[key], _percent(practice[key], held)]
            for key, label in (
                ("seen", "Child seen by the IRO before the review"),
                ("advocate", "Advocate offered"),
                ("interpreter", "Interpreter used"),
            )
        ],
        f"Of {held} reviews held in the year." + as_at,
    )
    return [timeliness, participation, practice_table]


def _timeliness_table(*, start: date, end: date) -> ReportTable:
    """The dashboard's meetings indicators over the year (whole months): from the
    nightly summary the dashboard reads, or counted now before its first night."""
    indicators = meetings_selectors.MEETING_INDICATORS
    summary = reporting_selectors.summary_totals(
        codes=list(indicators), start=start, end=end
    )
    note = (
        "The dashboard's indicators over the whole year; definitions are on the "
        "dashboard."
    )
    if summary is None:
        totals = {
            code: meetings_selectors.meeting_indicator_totals(
                code, start=start, end=end
            )
            for code in indicators
        }
    else:
        totals, as_of = summary
        note += f" As at the nightly summary of {as_of:%d/%m/%Y}, as the dashboard."
    rows = []
    for code, indicator in indicators.items():
        met, total = totals[code]
        rows.append([indicator.title, total, met, _percent(met, total)])
    return ReportTable(
        "timeliness",
        "Reviews, conferences and records in timescale",
        ("Indicator", "All", "In timescale", "%"),
        rows,
        note,
    )


def _cp_plan_table(*, start: date, end: date) -> ReportTable:
    plans = case_selectors.cp_plan_list_during(start=start, end=end)
    categories = case_codes.CategoryOfAbuse.choices
    started = Q(started_on__range=(start, end))
    open_at_end = Q(ended_on__isnull=True) | Q(ended_on__gt=end)
    counts = plans.order_by().aggregate(
        **{
            f"started_{value}": Count("id", filter=started & Q(initial_category=value))
            for value, _ in categories
        },
        **{
            f"open_{value}": Count("id", filter=open_at_end & Q(latest_category=value))
            for value, _ in categories
        },
        ended=Count("id", filter=Q(ended_on__range=(start, end))),
    )
    rows = [
        [label, counts[f"started_{value}"], counts[f"open_{value}"]]
        for value, label in categories
    ]
    rows.append(["Total", sum(r[1] for r in rows), sum(r[2] for r in rows)])
    return ReportTable(
        "cp_plans",
        "Child protection plans by category",
        (
            "Category of abuse",
            "Plans started in the year",
            "Plans open at the year end",
        ),
        rows,
        f"Plans started use the initial category; plans open use the latest. "
        f"{counts['ended']} plans ended in the year.",
    )


def _dispute_tables(*, start: date, end: date, user: User) -> list[ReportTable]:
    disputes = meetings_selectors.dispute_list_visible_to(user=user).filter(
        raised_on__range=(start, end)
    )
    totals = disputes.aggregate(
        raised=Count("id"),
        formal=Count("id", filter=Q(formal_started_on__isnull=False)),
        formal_closed=Count(
            "id", filter=Q(formal_started_on__isnull=False, closed_on__isnull=False)
        ),
        formal_in_time=Count("id", filter=Q(closed_on__lte=F("formal_due_on"))),
        cafcass=Count("id", filter=Q(cafcass_referred_on__isnull=False)),
    )
    summary = ReportTable(
        "disputes",
        "Dispute resolution: activity",
        ("Measure", "Disputes"),
        [
            ["Raised in the year", totals["raised"]],
            [
                "Resolved informally or still informal",
                totals["raised"] - totals["formal"],
            ],
            ["Reached the formal process", totals["formal"]],
            ["Formal disputes closed", totals["formal_closed"]],
            [
                "Formal disputes closed within 20 working days",
                totals["formal_in_time"],
            ],
            ["Referred to Cafcass", totals["cafcass"]],
        ],
        "Disputes raised by IROs in the year (IRO Handbook ch.6).",
    )
    tables = [summary]
    for key, title, heading, field_name, choices in (
        (
            "dispute_themes",
            "Dispute resolution: themes",
            "Theme",
            "category",
            meeting_codes.DisputeCategory.choices,
        ),
        (
            "dispute_stages",
            "Dispute resolution: stage reached",
            "Stage",
            "stage",
            meeting_codes.DisputeStage.choices,
        ),
        (
            "dispute_outcomes",
            "Dispute resolution: where they stand",
            "Where it stands",
            "status",
            meeting_codes.DisputeStatus.choices,
        ),
    ):
        tables.append(
            ReportTable(
                key,
                title,
                (heading, "Disputes"),
                _with_total(_choice_counts(disputes, field_name, choices)),
            )
        )
    return tables


# --- the LADO annual report ----------------------------------------------------------

LADO_NOT_HELD = [
    "The adult's sex and ethnicity: not recorded here.",
    "The adult's role by category: roles are recorded as free text (the employer "
    "sector is shown).",
    "Training and awareness delivered, themes and learning, and recommendations: "
    "written by the LADO, not held as data.",
]


def _tally_rows(tallies) -> list[list]:
    return _with_total([[t.label, t.count] for t in tallies])


def lado_annual_report(*, year: ReportYear) -> AnnualReport:
    """Return the LADO annual report tables for `year` (DOMAIN.md 4.3), from
    lado.selectors.lado_figures and lado_annual_extras: a fixed number of
    aggregate queries whatever the number of allegations."""
    figures = lado_selectors.lado_figures(start=year.start, end=year.end)
    extras = lado_selectors.lado_annual_extras(start=year.start, end=year.end)
    report = AnnualReport("LADO annual report", year, not_held=LADO_NOT_HELD)
    cross_border = next(
        (
            r.total
            for r in figures.by_source
            if r.key == lado_codes.ReferralSource.OTHER_LADO
        ),
        0,
    )
    split = ("Consultations", "Referrals", "All contacts")
    report.tables = [
        ReportTable(
            "contacts",
            "Contacts with the LADO",
            ("Measure", "Number"),
            [
                ["All contacts received", figures.contacts],
                ["Consultations (advice only)", figures.consultations],
                ["Referrals", figures.referrals],
                ["Not yet decided", figures.undecided],
                ["Referrals meeting the harm test", figures.threshold_met],
                [
                    "Referrals meeting the harm test, %",
                    figures.threshold_met_percent
                    if figures.threshold_met_percent is not None
                    else "",
                ],
                ["Adults already known (confirmed repeat)", figures.repeat_subjects],
                ["Contacts from another authority's LADO (cross-border)", cross_border],
                ["Referrals still open at the year end", extras.open_at_end],
            ],
        ),
        ReportTable(
            "sources",
            "Who made contact",
            ("Source", *split),
            [
                [r.label, r.consultations, r.referrals, r.total]
                for r in figures.by_source
            ],
        ),
        ReportTable(
            "sectors",
            "Employer sector or setting",
            ("Sector", *split),
            [
                [r.label, r.consultations, r.referrals, r.total]
                for r in figures.by_sector
            ],
        ),
        ReportTable(
            "categories",
            "Referrals by category of allegation",
            ("Category", "Referrals"),
            _tally_rows(extras.by_category),
        ),
        ReportTable(
            "harm_test",
            "Referrals meeting the harm test, by limb",
            ("Limb of the harm test", "Referrals"),
            [[t.label, t.count] for t in figures.by_criterion],
            "One referral may meet more than one limb.",
        ),
        ReportTable(
            "subject_age",
            "The adults: age",
            ("Age", "Referrals"),
            _tally_rows(extras.by_subject_age),
            "Year of the referral less year of birth.",
        ),
        ReportTable(
            "children",
            "Children involved",
            ("Gender", "Children"),
            _tally_rows(extras.by_child_gender),
            "Children named in the referrals received in the year.",
        ),
        ReportTable(
            "police",
            "Police and children's social care involvement",
            ("Measure", "Referrals"),
            [
                ["Police involved", extras.police_involved],
                [
                    "Children's social care (section 47) involved",
                    extras.section47_involved,
                ],
                *[
                    [f"Police outcome: {t.label}", t.count]
                    for t in extras.by_police_outcome
                ],
            ],
        ),
        ReportTable(
            "interim_measures",
            "Suspensions and other interim measures",
            ("Measure", "Referrals"),
            _tally_rows(extras.by_interim_measure),
        ),
        ReportTable(
            "meetings",
            "Meetings held",
            ("Meeting", "Held in the year"),
            _tally_rows(extras.by_meeting_kind),
        ),
        ReportTable(
            "outcomes",
            "Outcomes (KCSIE definitions)",
            ("Outcome", "Cases closed"),
            _tally_rows(figures.by_outcome),
            "Allegations meeting the harm test closed in the year.",
        ),
        ReportTable(
            "employer_actions",
            "Disciplinary and process outcomes",
            ("Employer's action", "Cases closed"),
            [[t.label, t.count] for t in figures.by_employer_action],
            "One case may have more than one action.",
        ),
        ReportTable(
            "referrals_on",
            "Referrals to the DBS and regulators",
            ("Body", "Cases closed"),
            [
                ["Disclosure and Barring Service", figures.dbs_referrals],
                *[[t.label, t.count] for t in figures.by_regulator],
            ],
        ),
        ReportTable(
            "timeliness",
            "Timeliness",
            ("Measure", "Within", "Of", "%"),
            [
                [t.label, t.within, t.of, t.percent if t.percent is not None else ""]
                for t in (
                    figures.response,
                    figures.employer_referral,
                    *figures.resolution,
                )
            ],
            "Resolution: referrals meeting the harm test, from referral to closure "
            "(targets 80% in 1 month, 90% in 3 months, all but exceptional in 12).",
        ),
        ReportTable(
            "longest",
            "Longest cases closed in the year",
            ("Reference", "Sector", "Days", "Why it took longer than a month"),
            [[c.reference, c.sector, c.days, c.delay_reason] for c in figures.longest],
        ),
    ]
    return report
