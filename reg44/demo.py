"""Demo children's homes for each batch of demo children, with a year of visits.

About one home per 35 children. Most homes are assigned to the demo "visitor"
user; some have had no visitor for a few months. Visits are mostly monthly and on
time, with a few late or missed; past reports are approved and sent, and each
visit follows up the open recommendations of the visits before it.
"""

from __future__ import annotations

import calendar
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from cases import selectors as case_selectors

from . import schedule, selectors
from .models import (
    FollowUp,
    Home,
    PlacingAuthority,
    Recommendation,
    ReportSending,
    Visit,
    VisitorAssignment,
    VisitReport,
)

LONDON = ZoneInfo("Europe/London")
CHILDREN_PER_HOME = 35

_NAME_FIRST = (
    "Willow", "Beech", "Hawthorn", "Rowan", "Larch", "Holly", "Maple", "Alder",
    "Hazel", "Juniper", "Laurel", "Linden", "Aspen", "Birch", "Chestnut", "Cedar",
    "Oak", "Sycamore", "Heather", "Bramble", "Meadow", "Brook", "Fern", "Orchard",
    "Kestrel", "Skylark", "Wren", "Harbour", "Ridge", "Moorside", "Riverside",
    "Springfield", "Ashgrove", "Foxglove", "Primrose", "Lavender", "Thistle",
)  # fmt: skip
_NAME_LAST = (
    "House", "Lodge", "View", "Court", "Cottage", "Grange", "Place", "Farmhouse",
    "Gardens", "Mews",
)  # fmt: skip
_TOWNS = (
    ("Northwold", "NW"), ("Millbrook", "MB"), ("Eastholme", "EH"),
    ("Stanbridge", "SB"), ("Kingsmere", "KM"), ("Calder Vale", "CV"),
    ("Thornbury Cross", "TC"), ("Westmoor", "WM"), ("Ashford Green", "AG"),
)  # fmt: skip
_STREETS = (
    "Church Lane", "Station Road", "Mill Street", "Park Avenue", "Green Lane",
    "Victoria Road", "School Lane", "The Crescent", "Orchard Way", "Bridge Street",
)  # fmt: skip
_PROVIDERS = (
    "Brightpath Children's Services Ltd",
    "Harbour Care Group Ltd",
    "Meadowbank Residential Care Ltd",
    "New Horizons Care Ltd",
    "Cornerstone Homes for Children Ltd",
    "Evergreen Care Partnership Ltd",
    "Northern Lights Care Ltd",
    "Safe Harbour Children's Homes Ltd",
)
_LOCAL_AUTHORITY = "Demoshire County Council"
_PLACING_AUTHORITIES = (
    "Demoshire County Council",
    "Northshire County Council",
    "Eastbridge Borough Council",
    "Westmarsh Metropolitan Borough Council",
    "Southvale City Council",
    "Kingsford Council",
)
_FIRST_NAMES = (
    "Amira", "Ben", "Chloe", "Daniel", "Esther", "Farid", "Gemma", "Harry", "Imani",
    "James", "Karen", "Liam", "Maya", "Nathan", "Olivia", "Paul", "Rachel", "Sanjay",
    "Tessa", "Usman", "Victoria", "Wesley", "Yasmin", "Zoe",
)  # fmt: skip
_LAST_NAMES = (
    "Ahmed", "Barker", "Clarke", "Dawson", "Ellison", "Fletcher", "Gill", "Hughes",
    "Iqbal", "Jennings", "Kaur", "Lawrence", "Mensah", "Norris", "O'Neill",
    "Patel", "Quinn", "Robinson", "Shaw", "Thompson", "Walsh", "Young",
)  # fmt: skip
_LETTERS = "ABCDEFGHJKLMNPRSTWY"
_STAFF = (
    "The registered manager and two residential support workers",
    "The deputy manager and the shift leader",
    "The registered manager, a senior support worker and a night worker",
    "Two residential support workers and the education link worker",
)
_OTHERS = (
    "A child's social worker by phone",
    "A parent by phone, with the child's agreement",
    "",
    "",
)
_EVIDENCE = {
    "safeguarding": {
        "yes": "Children said they feel safe and know who to talk to. Incident and "
        "missing-from-home records show timely notifications and return interviews.",
        "partially": "Children said they mostly feel safe, but two physical "
        "interventions had no debrief with the child within 24 hours and one "
        "missing episode lacked a return interview.",
        "no": "A child described bullying by another resident that staff had not "
        "recorded; risk assessments were not reviewed after repeated missing episodes.",
    },
    "wellbeing": {
        "yes": "Children attend school or college, take part in activities they "
        "chose and have their health appointments up to date.",
        "partially": "Most children are well supported, but one child has had no "
        "education placement for six weeks and house meetings have lapsed.",
        "no": "Staffing shortages have cancelled activities and family time; "
        "children's plans are out of date.",
    },
}
_RECOMMENDATIONS = (
    "Debrief every child within 24 hours of a physical intervention and record "
    "their views.",
    "Review the missing-from-home risk assessments with the placing authorities.",
    "Repair the damaged bathroom flooring and redecorate the lounge.",
    "Hold and record staff supervision at least monthly.",
    "Minute house meetings and show how children's views were acted on.",
    "Update the location risk assessment and share it with Ofsted.",
    "Make sure every child has a current health plan and dental check.",
    "Train new staff in de-escalation within their induction period.",
    "Display the complaints procedure in a child-friendly format.",
    "Sign and audit medication administration records weekly.",
    "Agree an education plan with the virtual school for the child out of school.",
    "Record the reasons for every sanction and the child's response to it.",
)
_FOLLOW_UP_NOTES = {
    "met": "Seen in the records; the manager showed how it is now routine.",
    "partly_met": "Started, but not yet consistent across all shifts.",
    "not_met": "No progress seen; the manager has a plan to address it this month.",
}
_OPINION = (
    (Visit.Opinion.YES, 85),
    (Visit.Opinion.PARTIALLY, 12),
    (Visit.Opinion.NO, 3),
)


def _pick_weighted(rng, pairs):
    total = sum(weight for _, weight in pairs)
    point = rng.uniform(0, total)
    for value, weight in pairs:
        point -= weight
        if point <= 0:
            return value
    return pairs[-1][0]


def _person(rng) -> str:
    return f"{rng.choice(_FIRST_NAMES)} {rng.choice(_LAST_NAMES)}"


def _email(name: str, domain: str) -> str:
    local = "".join(
        c for c in name.lower().replace(" ", ".") if c.isalnum() or c == "."
    )
    return f"{local}@{domain}"


def _domain(organisation: str) -> str:
    words = [w for w in organisation.lower().replace("'", "").split() if w.isalpha()]
    return "-".join(words[:2]) + ".example.org"


def _at(day: date, rng) -> datetime:
    return datetime.combine(
        day, time(rng.randint(9, 16), rng.choice((0, 30))), tzinfo=LONDON
    )


def _home_count(children: int, rng) -> int:
    whole, part = divmod(children, CHILDREN_PER_HOME)
    return whole + (1 if rng.random() < part / CHILDREN_PER_HOME else 0)


def _new_urn(rng, taken: set[str]) -> str:
    while True:
        urn = f"SC{rng.randint(100000, 999999)}"
        if urn not in taken:
            taken.add(urn)
            return urn


def _home(rng, urn: str, today: date) -> Home:
    town, area = rng.choice(_TOWNS)
    is_la = rng.random() < 0.2
    provider = _LOCAL_AUTHORITY if is_la else rng.choice(_PROVIDERS)
    domain = _domain(provider)
    manager, individual = _person(rng), _person(rng)
    # Most homes have been open for years; a few registered within the year.
    recently = rng.random() < 0.08
    registered_on = today - timedelta(
        days=rng.randint(60, 330) if recently else rng.randint(400, 3650)
    )
    closing = not recently and rng.random() < 0.03
    closed_on = today - timedelta(days=rng.randint(40, 200)) if closing else None
    status = Home.RegistrationStatus.REGISTERED
    if closing:
        status = Home.RegistrationStatus.RESIGNED
    elif rng.random() < 0.03:
        status = Home.RegistrationStatus.SUSPENDED
    return Home(
        name=f"{rng.choice(_NAME_FIRST)} {rng.choice(_NAME_LAST)}",
        urn=urn,
        provider_name=provider,
        provider_email=f"registered.provider@{domain}",
        registered_manager_name=manager,
        registered_manager_email=_email(manager, domain),
        responsible_individual_name=individual,
        responsible_individual_email=_email(individual, domain),
        ofsted_email="reg44.reports@ofsted.example.org",
        address=f"{rng.randint(1, 120)} {rng.choice(_STREETS)}\n{town}",
        postcode=f"{area}{rng.randint(1, 19)} {rng.randint(1, 9)}"
        f"{rng.choice(_LETTERS)}{rng.choice(_LETTERS)}",
        places=rng.choice((2, 3, 3, 4, 4, 4, 5, 6)),
        registration_status=status,
        registered_on=registered_on,
        closed_on=closed_on,
        is_local_authority_home=is_la,
        local_authority_name=_LOCAL_AUTHORITY if is_la else "",
        local_authority_email="childrens.homes@demoshire.example.org" if is_la else "",
    )


def _month_days(month: date) -> int:
    return calendar.monthrange(month.year, month.month)[1]


class _VisitPlan:
    """The visits of one home, in date order, with their recommendations."""

    def __init__(self, home: Home):
        self.home = home
        self.visits: list[Visit] = []


def demo_reg44_add(batch, *, rng, today, staff) -> None:
    """Add about one home per 35 children of `batch`, with a year of visits."""
    count = _home_count(len(batch.children), rng)
    if not count:
        return
    visitor = staff.users["visitor"]
    clock = case_selectors.clock_get()
    taken = set(Home.objects.values_list("urn", flat=True))
    homes = [_home(rng, _new_urn(rng, taken), today) for _ in range(count)]
    Home.objects.bulk_create(homes)

    authorities, assignments = [], []
    ends: dict[int, date | None] = {}
    for home in homes:
        for name in rng.sample(_PLACING_AUTHORITIES, rng.randint(1, 3)):
            authorities.append(
                PlacingAuthority(
                    home=home, name=name, email=f"placements@{_domain(name)}"
                )
            )
        # A quarter of homes lost their visitor a few months ago (unassigned).
        ended = home.closed_on or (
            today - timedelta(days=rng.randint(50, 120))
            if rng.random() < 0.25
            else None
        )
        started = max(home.registered_on, today - timedelta(days=730))
        if ended is not None and ended < started:
            ended = None
        ends[home.pk] = ended
        assignments.append(
            VisitorAssignment(
                home=home, visitor=visitor, started_on=started, ended_on=ended
            )
        )
    PlacingAuthority.objects.bulk_create(authorities)
    VisitorAssignment.objects.bulk_create(assignments)

    recipients_of = _recipients(homes, authorities)
    window = schedule.months_ending(today, 12)
    visits, plans = [], []
    for home in homes:
        plan = _VisitPlan(home)
        for month in window:
            visit = _month_visit(rng, home, month, today, clock, visitor, ends[home.pk])
            if visit is not None:
                plan.visits.append(visit)
        plan.visits.sort(key=lambda v: v.visit_at)
        visits.extend(plan.visits)
        plans.append(plan)
    Visit.objects.bulk_create(visits, batch_size=2000)

    recommendations, follow_ups = [], []
    made: dict[int, list[Recommendation]] = {}
    followed: dict[int, list[tuple[Recommendation, FollowUp]]] = {}
    for plan in plans:
        open_ones: list[Recommendation] = []
        for visit in plan.visits:
            if visit.status == Visit.Status.BOOKED:
                continue
            followed[visit.pk] = []
            # A draft of the current month leaves its follow-up to the visitor.
            if visit.status == Visit.Status.APPROVED:
                for earlier in open_ones:
                    outcome = _pick_weighted(
                        rng, (("met", 60), ("partly_met", 25), ("not_met", 15))
                    )
                    follow_up = FollowUp(
                        recommendation=earlier,
                        visit=visit,
                        outcome=outcome,
                        notes=_FOLLOW_UP_NOTES[outcome],
                    )
                    follow_ups.append(follow_up)
                    followed[visit.pk].append((earlier, follow_up))
                    earlier.latest_outcome = outcome
                    earlier.is_open = outcome != Recommendation.Outcome.MET
                open_ones = [r for r in open_ones if r.is_open]
            how_many = _pick_weighted(rng, ((0, 30), (1, 35), (2, 25), (3, 10)))
            made[visit.pk] = [
                _recommendation(rng, visit, number, text, today)
                for number, text in enumerate(
                    rng.sample(_RECOMMENDATIONS, how_many), start=1
                )
            ]
            recommendations.extend(made[visit.pk])
            open_ones.extend(made[visit.pk])
    Recommendation.objects.bulk_create(recommendations, batch_size=2000)
    FollowUp.objects.bulk_create(follow_ups, batch_size=2000)

    reports = []
    for visit in visits:
        if visit.status != Visit.Status.APPROVED:
            continue
        for recommendation, follow_up in followed[visit.pk]:
            recommendation.this_follow_up = follow_up
        content = selectors.visit_report_content(
            visit=visit,
            recommendations=made[visit.pk],
            follow_ups=[r for r, _ in followed[visit.pk]],
            recipients=recipients_of[visit.home_id],
        )
        reports.append(
            VisitReport(
                visit=visit,
                version=1,
                content=content,
                content_hash=selectors.visit_report_content_hash(content),
                approved_by=visitor,
                approved_at=datetime.combine(
                    visit.demo_approved_on, time(17), tzinfo=LONDON
                ),
            )
        )
    VisitReport.objects.bulk_create(reports, batch_size=1000)
    sendings = []
    for report in reports:
        visit = report.visit
        sent_at = datetime.combine(visit.report_sent_on, time(9, 30), tzinfo=LONDON)
        for recipient in recipients_of[visit.home_id].with_email:
            sendings.append(
                ReportSending(
                    report=report,
                    recipient_roles=recipient.roles_text[:300],
                    recipient_name=recipient.name_text[:300],
                    recipient_email=recipient.email,
                    recipient_key=recipient.key,
                    status=ReportSending.Status.SENT,
                    attempts=1,
                    requested_by=visitor,
                    sent_at=sent_at,
                )
            )
    ReportSending.objects.bulk_create(sendings, batch_size=2000)


def _recipients(homes, authorities) -> dict[int, selectors.RecipientList]:
    """Return each new home's recipients without a query per home."""
    by_home: dict[int, list[PlacingAuthority]] = {home.pk: [] for home in homes}
    for authority in authorities:
        by_home[authority.home_id].append(authority)
    out = {}
    for home in homes:
        out[home.pk] = selectors.home_report_recipients(
            home=home, placing_authorities=by_home[home.pk]
        )
    return out


def _month_visit(rng, home, month, today, clock, visitor, ended_on) -> Visit | None:
    """Return the visit made for `month`, or None when it was missed or not due."""
    due_on = clock.due("reg44_visit", month).due
    if not schedule.month_required(
        month=month,
        month_end=due_on,
        registered_on=home.registered_on,
        closed_on=home.closed_on,
    ):
        return None
    if ended_on is not None and ended_on < due_on:
        return None  # no visitor for that month: missed
    current = month == schedule.month_start(today)
    if current:
        # Visits made this month were made before today (today's may be to come).
        if today.day > 1 and rng.random() < min(
            0.9, today.day / _month_days(month) + 0.15
        ):
            day = month.replace(day=rng.randint(1, today.day - 1))
            status = Visit.Status.DRAFT
        elif today < due_on and rng.random() < 0.6:
            day = today + timedelta(days=rng.randint(1, (due_on - today).days))
            status = Visit.Status.BOOKED
        else:
            return None
    else:
        roll = rng.random()
        if roll < 0.05:
            return None  # missed
        day = month.replace(day=rng.randint(1, _month_days(month)))
        if roll < 0.10:
            late = due_on + timedelta(days=rng.randint(1, 6))
            if late < today:
                day = late
        status = Visit.Status.APPROVED
    visit = Visit(
        home=home,
        visitor=visitor,
        status=status,
        visit_at=_at(day, rng),
        visit_on=day,
        for_month=month,
        due_on=due_on,
        is_unannounced=rng.random() < 0.4,
        report_due_on=clock.due("reg44_report", day).due,
    )
    if status != Visit.Status.BOOKED:
        _findings(rng, visit)
    if status == Visit.Status.APPROVED:
        approved_on = day + timedelta(days=rng.randint(2, 14))
        if rng.random() < 0.05:
            approved_on = visit.report_due_on + timedelta(days=rng.randint(1, 10))
        if approved_on >= today:
            visit.status = Visit.Status.DRAFT
        else:
            visit.demo_approved_on = approved_on
            visit.report_sent_on = approved_on
            visit.report_version = 1
    return visit


def _findings(rng, visit: Visit) -> None:
    children = rng.randint(0, min(3, visit.home.places))
    visit.children_spoken_to = ", ".join(
        rng.choice(_LETTERS) + rng.choice(_LETTERS) for _ in range(children)
    )
    visit.children_consented = children > 0
    visit.children_views = (
        "Children showed the visitor their rooms and said staff listen to them."
        if children
        else "No child was at home or wished to talk during the visit."
    )
    visit.staff_spoken_to = rng.choice(_STAFF)
    visit.others_consulted = rng.choice(_OTHERS)
    visit.records_examined = rng.sample(
        [code for code, _ in Visit.RecordKind.choices], rng.randint(3, 6)
    )
    visit.records_notes = "Records were up to date and signed off by the manager."
    visit.premises_inspected = True
    visit.premises_notes = "Clean, homely and well maintained."
    for topic in ("safeguarding", "wellbeing"):
        opinion = _pick_weighted(rng, _OPINION)
        setattr(visit, f"{topic}_opinion", opinion)
        setattr(visit, f"{topic}_evidence", _EVIDENCE[topic][opinion])
    visit.has_conflict_of_interest = False


def _recommendation(rng, visit, number, text, today) -> Recommendation:
    consider_by = visit.visit_on + timedelta(days=rng.choice((14, 28, 28, 42)))
    recommendation = Recommendation(
        visit=visit, number=number, text=text, consider_by=consider_by
    )
    if visit.status == Visit.Status.APPROVED and rng.random() < 0.93:
        received = visit.demo_approved_on + timedelta(days=rng.randint(1, 20))
        if received <= today:
            recommendation.response_status = (
                Recommendation.Response.ACCEPTED
                if rng.random() < 0.88
                else Recommendation.Response.DECLINED
            )
            recommendation.response_received_on = received
            recommendation.response_text = (
                "Accepted; the manager will act on it by the date given."
                if recommendation.response_status == "accepted"
                else "Declined: the provider considers the current practice sufficient."
            )
    return recommendation
