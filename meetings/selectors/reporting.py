"""Reads for the timescale sweep and the managers' dashboards (reporting app).

The sweep reads OPEN items as annotated querysets (cases.sweep.MarkSource): one
set-based statement per rule, never a loop over rows.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import (
    BooleanField,
    Case,
    CharField,
    Count,
    DateField,
    Exists,
    F,
    Func,
    OuterRef,
    Q,
    Value,
    When,
)
from django.db.models.functions import (
    Cast,
    Coalesce,
    Concat,
    ExtractIsoWeekDay,
    TruncMonth,
)

from cases.sweep import MarkSource, mark_columns, url_expression

from .. import codes
from ..models import Action, Dispute, DisputeStep, Meeting
from ..types import MEETING_TYPES

__all__ = [
    "MEETING_INDICATORS",
    "dispute_open_by_stage",
    "dispute_open_rows",
    "iro_caseload_rows",
    "meeting_indicator_months",
    "meeting_indicator_rows",
    "meeting_indicator_totals",
    "meeting_indicator_trend",
    "meeting_mark_sources",
    "returns_care_episodes",
    "returns_cp_children",
    "returns_conference_problems",
    "returns_review_problems",
    "returns_reviews",
    "review_counts_by_month",
    "dispute_mark_sources",
    "action_mark_sources",
]


def _meeting_url(prefix: str = ""):
    return Case(
        *[
            When(
                **{f"{prefix}kind": kind},
                then=url_expression(spec.detail_url, pk_field=f"{prefix}pk"),
            )
            for kind, spec in MEETING_TYPES.items()
        ],
        default=Value(""),
        output_field=CharField(),
    )


def _meeting_label(what: str, prefix: str = ""):
    kind_label = Case(
        *[
            When(**{f"{prefix}kind": kind}, then=Value(spec.label))
            for kind, spec in MEETING_TYPES.items()
        ],
        default=Value("Meeting"),
        output_field=CharField(),
    )
    return Concat(
        Value(what),
        kind_label,
        Value(" "),
        Cast(f"{prefix}sequence", output_field=CharField()),
        Value(" for "),
        F(f"{prefix}child__la_child_id"),
        output_field=CharField(),
    )


def _record_rule(rule_of: str):
    """Return the rule code of the decisions or record of each meeting kind."""
    whens = [
        When(kind=kind, then=Value(getattr(spec, rule_of)))
        for kind, spec in MEETING_TYPES.items()
        if getattr(spec, rule_of, None)
    ]
    return Case(*whens, default=Value(""), output_field=CharField())


def meeting_mark_sources(*, today: date) -> list[MarkSource]:
    """Return open meetings by due date, adjourned reviews by reconvene date, and
    held meetings whose decisions or record are still owed."""
    columns = {"child": "child_id", "owner": "chair_id", "url": _meeting_url()}
    sources = [
        MarkSource(
            "meetings to hold",
            # A meeting with no due-date rule has no statutory timescale to watch.
            Meeting.objects.filter(status=Meeting.Status.SCHEDULED)
            .exclude(due_rule="")
            .annotate(
                **mark_columns(
                    rule=F("due_rule"),
                    due_on="due_on",
                    label=_meeting_label(""),
                    **columns,
                )
            ),
        ),
        MarkSource(
            "adjourned meetings to reconvene",
            Meeting.objects.filter(
                status=Meeting.Status.ADJOURNED, reconvene_due_on__isnull=False
            ).annotate(
                **mark_columns(
                    rule="cic_reconvene",
                    due_on="reconvene_due_on",
                    label=_meeting_label("Reconvene "),
                    **columns,
                )
            ),
        ),
    ]
    held = Meeting.objects.filter(status=Meeting.Status.HELD)
    for field, done, rule_of, what in (
        ("decisions_due_on", "decisions_circulated_on", "decisions_rule", "Decisions"),
        ("record_due_on", "record_distributed_on", "record_rule", "Record"),
    ):
        kinds = [k for k, spec in MEETING_TYPES.items() if getattr(spec, rule_of, None)]
        sources.append(
            MarkSource(
                f"{what.lower()} to distribute",
                held.filter(
                    kind__in=kinds,
                    **{f"{field}__isnull": False, f"{done}__isnull": True},
                ).annotate(
                    **mark_columns(
                        rule=_record_rule(rule_of),
                        due_on=field,
                        label=_meeting_label(f"{what} of "),
                        **columns,
                    )
                ),
            )
        )
    return sources


def dispute_mark_sources(*, today: date) -> list[MarkSource]:
    """Return unanswered stages of open disputes (response due) and open formal
    disputes (drp_formal: the whole formal process)."""
    open_steps = DisputeStep.objects.filter(
        dispute__status=codes.DisputeStatus.OPEN, responded_on__isnull=True
    )
    formal = Dispute.objects.filter(
        status=codes.DisputeStatus.OPEN, formal_due_on__isnull=False
    )
    stage_label = Case(
        *[When(stage=v, then=Value(label)) for v, label in codes.DisputeStage.choices],
        default=Value("Dispute stage"),
        output_field=CharField(),
    )
    return [
        MarkSource(
            "dispute stages awaiting a response",
            open_steps.annotate(
                **mark_columns(
                    rule="drp_stage_response",
                    child="dispute__child_id",
                    owner=Coalesce("escalated_to_id", "dispute__raised_by_id"),
                    due_on="response_due_on",
                    label=Concat(
                        Value("Dispute response ("),
                        stage_label,
                        Value(") for "),
                        F("dispute__child__la_child_id"),
                        output_field=CharField(),
                    ),
                    url=url_expression(
                        "meetings:dispute-detail", pk_field="dispute_id"
                    ),
                )
            ),
        ),
        MarkSource(
            "formal disputes",
            formal.annotate(
                **mark_columns(
                    rule="drp_formal",
                    child="child_id",
                    owner="raised_by_id",
                    due_on="formal_due_on",
                    label=Concat(
                        Value("Formal dispute resolution for "),
                        F("child__la_child_id"),
                        output_field=CharField(),
                    ),
                    url=url_expression("meetings:dispute-detail"),
                )
            ),
        ),
    ]


def action_mark_sources(*, today: date) -> list[MarkSource]:
    """Return open actions from meetings, owed to the meeting's chair to chase."""
    return [
        MarkSource(
            "open actions",
            Action.objects.filter(status=Action.Status.OPEN).annotate(
                **mark_columns(
                    rule="meeting_action",
                    child="child_id",
                    owner="meeting__chair_id",
                    due_on="due_on",
                    label=Concat(
                        Value("Action for "),
                        F("child__la_child_id"),
                        Value(" ("),
                        F("owner_name"),
                        Value("): "),
                        F("text"),
                        output_field=CharField(),
                    ),
                    url=_meeting_url("meeting__"),
                )
            ),
        )
    ]


# --- managers' indicators (DOMAIN.md 4.1) -------------------------------------------


@dataclass(frozen=True)
class MeetingIndicator:
    """One timeliness indicator over held meetings: which meetings count, on which
    date they fall in a period, and when one is in time."""

    code: str
    title: str
    definition: str
    scope: Q
    date_field: str
    met: Q


MEETING_INDICATORS: dict[str, MeetingIndicator] = {
    i.code: i
    for i in (
        MeetingIndicator(
            "cic_reviews",
            "Children in Care reviews held in timescale",
            "Reviews held in the period whose date held is on or before their own "
            "due date (20 working days after the child became looked after, then 3 "
            "and 6 months from the previous review actually held: Care Planning "
            "Regulations 2010 reg 33), as a share of all reviews held in the period. "
            "Short-break (reg 48) reviews are excluded.",
            Q(kind="cic_review") & ~Q(due_rule__startswith="cic_short_break"),
            "held_on",
            Q(held_on__lte=F("due_on")),
        ),
        MeetingIndicator(
            "icpc",
            "Initial child protection conferences within 15 working days",
            "Initial conferences held in the period on or before the 15th working "
            "day after the strategy discussion at which section 47 enquiries began "
            "(Working Together 2023 ch.3), as a share of all initial conferences "
            "held in the period.",
            Q(kind="icpc"),
            "held_on",
            Q(held_on__lte=F("due_on")),
        ),
        MeetingIndicator(
            "rcpc",
            "Review conferences in timescale",
            "Review child protection conferences held in the period within 3 months "
            "of the initial conference, then within 6 months of the previous review "
            "conference actually held, as a share of all review conferences held.",
            Q(kind="rcpc"),
            "held_on",
            Q(held_on__lte=F("due_on")),
        ),
        MeetingIndicator(
            "core_group_1",
            "First core groups in timescale",
            "First core group meetings held in the period within 10 working days of "
            "the initial (or transfer-in) conference, as a share of all first core "
            "groups held in the period.",
            Q(kind="core_group", due_rule="cp_core_group_1"),
            "held_on",
            Q(held_on__lte=F("due_on")),
        ),
        MeetingIndicator(
            "records",
            "Records distributed in timescale",
            "Meetings whose record (review record or conference minutes) fell due in "
            "the period, counting those distributed on or before the due date "
            "(local rules cic_record and cp_minutes), as a share of all records due "
            "in the period. A record not yet distributed counts as late.",
            Q(status="held", record_due_on__isnull=False),
            "record_due_on",
            Q(record_distributed_on__lte=F("record_due_on")),
        ),
    )
}


def _indicator_queryset(
    indicator: MeetingIndicator,
    *,
    start: date,
    end: date,
    chair_id: int | None = None,
    team_id: int | None = None,
):
    meetings = Meeting.objects.filter(
        indicator.scope,
        status=Meeting.Status.HELD,
        **{f"{indicator.date_field}__range": (start, end)},
    )
    if chair_id:
        meetings = meetings.filter(chair_id=chair_id)
    if team_id:
        meetings = meetings.filter(chair__team_id=team_id)
    return meetings


def meeting_indicator_totals(
    code: str, *, start: date, end: date, chair_id=None, team_id=None
) -> tuple[int, int]:
    """Return (in time, all) for an indicator over a period, in one query."""
    indicator = MEETING_INDICATORS[code]
    totals = _indicator_queryset(
        indicator, start=start, end=end, chair_id=chair_id, team_id=team_id
    ).aggregate(met=Count("id", filter=indicator.met), total=Count("id"))
    return totals["met"], totals["total"]


def meeting_indicator_trend(
    code: str, *, start: date, end: date, chair_id=None, team_id=None
) -> dict[date, tuple[int, int]]:
    """Return {first day of month: (in time, all)} over a period, in one query."""
    indicator = MEETING_INDICATORS[code]
    rows = (
        _indicator_queryset(
            indicator, start=start, end=end, chair_id=chair_id, team_id=team_id
        )
        .annotate(month=TruncMonth(indicator.date_field))
        .order_by()
        .values("month")
        .annotate(met=Count("id", filter=indicator.met), total=Count("id"))
        .values_list("month", "met", "total")
    )
    return {month: (met, total) for month, met, total in rows}


def meeting_indicator_months(code: str):
    """Return (first day of month, chair id, in time, all) over all history, in one
    query: the rows the nightly summary (reporting/sweep.py) stores."""
    indicator = MEETING_INDICATORS[code]
    return (
        Meeting.objects.filter(
            indicator.scope,
            status=Meeting.Status.HELD,
            **{f"{indicator.date_field}__isnull": False},
        )
        .annotate(month=TruncMonth(indicator.date_field))
        .order_by()
        .values("month", "chair_id")
        .annotate(met=Count("id", filter=indicator.met), total=Count("id"))
        .values_list("month", "chair_id", "met", "total")
    )


def meeting_indicator_rows(
    code: str, *, start: date, end: date, chair_id=None, team_id=None
):
    """Return the meetings behind an indicator, with whether each was in time."""
    indicator = MEETING_INDICATORS[code]
    return (
        _indicator_queryset(
            indicator, start=start, end=end, chair_id=chair_id, team_id=team_id
        )
        .annotate(
            is_in_time=Case(
                When(indicator.met, then=Value(True)),
                default=Value(False),
                output_field=BooleanField(),
            )
        )
        .select_related("child", "chair")
        .order_by(indicator.date_field, "id")
    )


def dispute_open_by_stage() -> list[tuple[str, str, int]]:
    """Return (stage, label, open disputes) for every stage, in one query."""
    counts = dict(
        Dispute.objects.filter(status=codes.DisputeStatus.OPEN)
        .order_by()
        .values("stage")
        .annotate(n=Count("id"))
        .values_list("stage", "n")
    )
    return [(v, label, counts.get(v, 0)) for v, label in codes.DisputeStage.choices]


def dispute_open_rows(*, stage: str | None = None):
    """Return open disputes (optionally at one stage) with child and IRO."""
    disputes = Dispute.objects.filter(status=codes.DisputeStatus.OPEN)
    if stage:
        disputes = disputes.filter(stage=stage)
    return disputes.select_related("child", "raised_by").order_by("raised_on", "id")


def iro_caseload_rows(*, team_id: int | None = None) -> list:
    """Return IROs with open allocations, with their team, each with `in_care` and
    `on_plan`: how many of their children are in care and on a child protection
    plan. Two queries, one pass over the open allocations: a child has at most one
    open IRO allocation, one open care episode and one open plan (constraints), so
    the joins neither multiply nor repeat rows."""
    from django.db.models import FilteredRelation

    from accounts.models import User
    from cases.models import Allocation

    allocations = Allocation.objects.filter(
        role=Allocation.Role.IRO, ended_on__isnull=True
    )
    if team_id:
        allocations = allocations.filter(worker__team_id=team_id)
    counts = {
        worker: (in_care, on_plan)
        for worker, in_care, on_plan in allocations.annotate(
            open_care=FilteredRelation(
                "child__care_episodes",
                condition=Q(child__care_episodes__ended_on__isnull=True),
            ),
            open_plan=FilteredRelation(
                "child__cp_plans", condition=Q(child__cp_plans__ended_on__isnull=True)
            ),
        )
        .order_by()
        .values("worker_id")
        .annotate(in_care=Count("open_care__id"), on_plan=Count("open_plan__id"))
        .values_list("worker_id", "in_care", "on_plan")
    }
    users = list(
        User.objects.filter(pk__in=counts)
        .select_related("team")
        .order_by("last_name", "first_name", "id")
    )
    for user in users:
        user.in_care, user.on_plan = counts[user.pk]
    return users


# --- statutory returns (DOMAIN.md Part B 2.1, 2.2, 5) -------------------------------


def returns_care_episodes(*, start: date, end: date):
    """Return care episodes open at any time between `start` and `end`, with their
    child, for the SSDA903 header and episodes files."""
    from cases.models import CareEpisode

    return (
        CareEpisode.objects.filter(started_on__lte=end)
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gte=start))
        .select_related("child")
        .order_by("child__la_child_id", "started_on", "id")
    )


def returns_reviews(*, start: date, end: date):
    """Return Children in Care reviews held between `start` and `end` (an adjourned
    review counts on its first sitting), with their child, for SSDA903 reviews."""
    return (
        Meeting.objects.filter(
            kind="cic_review",
            held_on__range=(start, end),
            status__in=[Meeting.Status.HELD],
        )
        .exclude(due_rule__startswith="cic_short_break")
        .select_related("child")
        .order_by("child__la_child_id", "held_on", "id")
    )


def review_counts_by_month(*, start: date | None = None, end: date | None = None):
    """Return the Children in Care reviews of `returns_reviews` (all history when no
    dates are given) counted by month held, rule and participation code: (first day
    of month, due rule, participation code, held, in time, child seen, advocate
    offered, interpreter used). One pass; the annual report sums these rows, and the
    nightly summary (reporting/sweep.py) stores them."""
    reviews = Meeting.objects.filter(
        kind="cic_review", status=Meeting.Status.HELD, held_on__isnull=False
    ).exclude(due_rule__startswith="cic_short_break")
    if start and end:
        reviews = reviews.filter(held_on__range=(start, end))
    return (
        reviews.annotate(month=TruncMonth("held_on"))
        .order_by()
        .values("month", "due_rule", "participation_code")
        .annotate(
            held=Count("id"),
            in_time=Count("id", filter=Q(held_on__lte=F("due_on"))),
            seen=Count("id", filter=Q(child_seen_by_chair=True)),
            advocate=Count("id", filter=Q(advocate_offered=True)),
            interpreter=Count("id", filter=Q(interpreter_used=True)),
        )
        .values_list(
            "month",
            "due_rule",
            "participation_code",
            "held",
            "in_time",
            "seen",
            "advocate",
            "interpreter",
        )
    )


def returns_cp_children(*, start: date, end: date):
    """Return children with a section 47 strategy discussion or a child protection
    plan during the period, with their plans, strategy discussions and review
    conferences prefetched, for the CIN census child protection modules."""
    from django.db.models import Prefetch

    from cases.models import Child, CPPlanEpisode

    from ..models import StrategyDiscussion

    s47 = StrategyDiscussion.objects.filter(
        held_on__range=(start, end), decision__in=["s47_single", "s47_joint"]
    ).select_related("conference")
    plans = CPPlanEpisode.objects.filter(started_on__lte=end).filter(
        Q(ended_on__isnull=True) | Q(ended_on__gte=start)
    )
    reviews = Meeting.objects.filter(
        kind="rcpc", status=Meeting.Status.HELD, held_on__range=(start, end)
    ).order_by("held_on")
    return (
        Child.objects.filter(
            Exists(s47.filter(child=OuterRef("pk")))
            | Exists(plans.filter(child=OuterRef("pk")))
        )
        .prefetch_related(
            Prefetch(
                "strategy_discussions",
                queryset=s47.order_by("held_on"),
                to_attr="returns_s47",
            ),
            Prefetch(
                "cp_plans",
                queryset=plans.order_by("started_on"),
                to_attr="returns_plans",
            ),
            Prefetch(
                "cp_plans",
                queryset=CPPlanEpisode.objects.order_by("started_on"),
                to_attr="returns_all_plans",
            ),
            Prefetch("meetings", queryset=reviews, to_attr="returns_reviews"),
        )
        .order_by("la_child_id")
    )


def returns_review_problems(*, start: date, end: date):
    """Return reviews held in the period whose participation code the SSDA903
    rules reject (167, 440, 441): missing, PN0 after the 4th birthday, or PN1-PN7
    before it, annotated with `problem`."""
    fourth_birthday = Func(
        F("child__date_of_birth"),
        template="(%(expressions)s + interval '4 years')::date",
        output_field=DateField(),
    )
    problem = Case(
        When(participation_code="", then=Value("No participation code recorded")),
        When(
            participation_code="PN0",
            held_on__gt=F("fourth_birthday"),
            then=Value("PN0 (under 4) recorded for a child aged 4 or over"),
        ),
        When(
            ~Q(participation_code="PN0"),
            held_on__lt=F("fourth_birthday"),
            then=Value("PN1-PN7 recorded for a child under 4 (use PN0)"),
        ),
        default=Value(""),
        output_field=CharField(),
    )
    return (
        returns_reviews(start=start, end=end)
        .annotate(fourth_birthday=fourth_birthday)
        .annotate(problem=problem)
        .exclude(problem="")
    )


def returns_conference_problems(*, start: date, end: date):
    """Return initial conferences held in the period on a weekend (CIN rule 8875)
    or with no child protection plan starting that day though one started within
    a week after (2885), annotated with `problem`."""
    from cases.models import CPPlanEpisode

    plan_same_day = CPPlanEpisode.objects.filter(
        child=OuterRef("child"), started_on=OuterRef("held_on")
    )
    plan_other_day = CPPlanEpisode.objects.filter(
        child=OuterRef("child"),
        started_on__gt=OuterRef("held_on"),
        started_on__lte=OuterRef("held_on") + timedelta(days=7),
    )
    problem = Case(
        When(
            held_weekday__in=[6, 7],
            then=Value("Initial conference recorded as held on a weekend"),
        ),
        When(
            Q(Exists(plan_other_day)) & ~Q(Exists(plan_same_day)),
            then=Value("The plan starts on a different day from the conference"),
        ),
        default=Value(""),
        output_field=CharField(),
    )
    return (
        Meeting.objects.filter(
            kind="icpc", status=Meeting.Status.HELD, held_on__range=(start, end)
        )
        .annotate(held_weekday=ExtractIsoWeekDay("held_on"))
        .annotate(problem=problem)
        .exclude(problem="")
        .select_related("child")
        .order_by("held_on", "id")
    )
