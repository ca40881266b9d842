"""Demo LADO allegations for seed_demo: about one per 40 children, at every stage.

Names, settings and events are invented. Due dates come from the clock, as the
services store them; rows are bulk-inserted so a national-size seed stays fast.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from cases.selectors import clock_get
from cases.timescales import add_working_days, working_days_between

from . import codes
from .models import (
    Allegation,
    AllegationAction,
    AllegationEvent,
    AllegationMeeting,
    Attendee,
    InvolvedChild,
    SubjectMatch,
)

LONDON = ZoneInfo("Europe/London")
CHILDREN_PER_ALLEGATION = 40
HISTORY_DAYS = 540

_SETTINGS = {
    codes.Sector.EDUCATION: (
        ("Millbrook Primary School", "Teaching assistant"),
        ("Eastholme Academy", "Teacher of PE"),
        ("Kingsmere High School", "Head of year"),
        ("St Aldric's CE Junior School", "Class teacher"),
        ("Calderbrook Special School", "Learning support assistant"),
        ("Northwold College", "Further education lecturer"),
    ),
    codes.Sector.EARLY_YEARS: (
        ("Little Acorns Day Nursery, Oakhurst", "Nursery practitioner"),
        ("Busy Bees Pre-school, Redlands", "Pre-school assistant"),
        ("Registered childminder, Hollinsby", "Childminder"),
    ),
    codes.Sector.HEALTH: (
        ("Northshire Hospitals NHS Foundation Trust", "Paediatric nurse"),
        ("Wexcombe Medical Practice", "Healthcare assistant"),
    ),
    codes.Sector.POLICE: (("Northshire Constabulary", "Police constable"),),
    codes.Sector.SOCIAL_CARE: (
        ("Council children's social care", "Social worker"),
        ("Council family support service", "Family support worker"),
    ),
    codes.Sector.FOSTER_CARE: (
        ("Horizon Fostering (independent fostering agency)", "Foster carer"),
        ("Council Fostering Service", "Foster carer"),
    ),
    codes.Sector.RESIDENTIAL_CARE: (
        ("Willow Lodge children's home", "Residential support worker"),
        ("The Beeches children's home", "Senior residential worker"),
    ),
    codes.Sector.FAITH: (
        ("Northwold Community Church youth group", "Youth leader"),
        ("Stanbridge Madrasah", "Volunteer teacher"),
    ),
    codes.Sector.SPORT_LEISURE: (
        ("Kingsmere Swim Club", "Swimming coach"),
        ("Eastholme Juniors Football Club", "Volunteer coach"),
        ("Calder Valley Gymnastics Academy", "Gymnastics coach"),
    ),
    codes.Sector.VOLUNTARY: (
        ("Millbrook Scout Group", "Scout leader"),
        ("Redlands Youth Project", "Youth worker"),
    ),
    codes.Sector.TRANSPORT: (
        ("Oakhurst Cars (school transport)", "Taxi driver"),
        ("Northshire passenger assistants", "Passenger assistant"),
    ),
    codes.Sector.OTHER: (("Hollinsby Leisure Centre", "Lifeguard"),),
}
# Roughly as LADO annual reports show: education the largest share.
_SECTOR_WEIGHTS = (
    (codes.Sector.EDUCATION, 38),
    (codes.Sector.EARLY_YEARS, 9),
    (codes.Sector.HEALTH, 6),
    (codes.Sector.POLICE, 3),
    (codes.Sector.SOCIAL_CARE, 5),
    (codes.Sector.FOSTER_CARE, 10),
    (codes.Sector.RESIDENTIAL_CARE, 10),
    (codes.Sector.FAITH, 3),
    (codes.Sector.SPORT_LEISURE, 6),
    (codes.Sector.VOLUNTARY, 4),
    (codes.Sector.TRANSPORT, 4),
    (codes.Sector.OTHER, 2),
)
_SOURCE_FOR_SECTOR = {
    codes.Sector.POLICE: codes.ReferralSource.POLICE,
    codes.Sector.FOSTER_CARE: codes.ReferralSource.SOCIAL_CARE,
}
_OTHER_SOURCES = (
    codes.ReferralSource.POLICE,
    codes.ReferralSource.PARENT,
    codes.ReferralSource.SOCIAL_CARE,
    codes.ReferralSource.OFSTED,
    codes.ReferralSource.CHILD,
    codes.ReferralSource.OTHER_LADO,
    codes.ReferralSource.ANONYMOUS,
)
_FIRST = [
    "Aldous",
    "Bryony",
    "Caspar",
    "Delphine",
    "Evander",
    "Fenella",
    "Gideon",
    "Henrietta",
    "Isidore",
    "Jocasta",
    "Lysander",
    "Marisol",
    "Octavia",
    "Peregrine",
    "Quentin",
    "Rosalind",
    "Tobias",
    "Ursula",
    "Wilfred",
    "Xanthe",
]
_LAST = [
    "Abernethy",
    "Blandford",
    "Cresswell",
    "Dunmore",
    "Ellery",
    "Fairweather",
    "Glanville",
    "Hartigan",
    "Illingworth",
    "Jessop",
    "Kettleby",
    "Lowther",
    "Mortlake",
    "Nettleford",
    "Ormerod",
    "Pemberton",
    "Quennell",
    "Rathbone",
    "Stainforth",
    "Thistlewood",
    "Underhill",
    "Vavasour",
    "Wetherall",
    "Yardley",
]
_REFERRERS = (
    "Morwenna Trelawny",
    "Cedric Ashby",
    "Philippa Strand",
    "Rowan Gilchrist",
    "Imogen Lacey",
)
_DETAILS = {
    codes.Category.PHYSICAL: (
        "A child says the adult grabbed their arm hard enough to leave a mark.",
        "Witnesses report the adult pushed a child against a wall during an argument.",
    ),
    codes.Category.SEXUAL: (
        "A parent found messages from the adult to a child on a social media app.",
        "A child disclosed inappropriate touching during a one-to-one session.",
    ),
    codes.Category.EMOTIONAL: (
        "Children describe the adult repeatedly shouting at and belittling a child.",
        "The adult is said to have humiliated a child in front of the group.",
    ),
    codes.Category.NEGLECT: (
        "A child with medical needs was left without medication on a trip.",
        "Children were left unsupervised near water for a long period.",
    ),
    codes.Category.SUITABILITY: (
        "The adult has been arrested for an offence outside work (transferable risk).",
        "Police shared concerns about the adult's conduct towards their own children.",
    ),
}
_CATEGORY_WEIGHTS = (
    (codes.Category.PHYSICAL, 40),
    (codes.Category.SEXUAL, 20),
    (codes.Category.EMOTIONAL, 15),
    (codes.Category.NEGLECT, 10),
    (codes.Category.SUITABILITY, 15),
)
_OUTCOME_WEIGHTS = (
    (codes.Outcome.SUBSTANTIATED, 30),
    (codes.Outcome.UNSUBSTANTIATED, 35),
    (codes.Outcome.UNFOUNDED, 15),
    (codes.Outcome.FALSE, 15),
    (codes.Outcome.MALICIOUS, 5),
)
# Days from referral to closure, so that about 75% close within a month.
_CLOSE_AFTER_DAYS = ((5, 20), (12, 25), (21, 30), (32, 20), (70, 3), (150, 1), (400, 1))
_DELAYS = (
    "Waited for the police to finish their investigation.",
    "The employer's disciplinary hearing was adjourned twice.",
    "Section 47 enquiries and a joint police interview had to finish first.",
    "The adult was signed off sick, which delayed the investigation meeting.",
)
_ATTENDEES = (
    ("Det. Con. Harriet Rowe", "Northshire Police, child abuse investigation team"),
    ("Joel Ferreira", "Children's social care team manager"),
    ("Morwenna Trelawny", "Employer: designated safeguarding lead"),
    ("Anjali Mehta", "Employer: human resources"),
)
_ACTIONS = (
    "Send the LADO the written account and the incident log",
    "Confirm the risk assessment while the adult stays away from children",
    "Tell the parents what has been agreed, as discussed",
    "Share the outcome of the police enquiry with the LADO",
)


def _pick(rng, weighted):
    values, weights = zip(*weighted, strict=True)
    return rng.choices(values, weights=weights)[0]


def demo_allegations_add(batch, *, rng, today, staff) -> None:
    """Add about one allegation per 40 children of `batch`, across the stages."""
    count = round(len(batch.children) / CHILDREN_PER_ALLEGATION)
    if count == 0:
        return
    clock = clock_get()
    lado = staff.users["lado"]
    in_care = sorted({e.child_id for e in batch.episodes if e.ended_on is None})
    plans: list[_Plan] = []
    for _ in range(count):
        plans.append(_plan(rng, today, clock, lado, in_care, plans))
    Allegation.objects.bulk_create([p.allegation for p in plans], batch_size=1000)
    children, meetings, events, matches = [], [], [], []
    for plan in plans:
        a = plan.allegation
        for row in plan.children:
            row.allegation = a
            children.append(row)
        events.append(
            AllegationEvent(
                allegation=a,
                by=lado,
                code="referral_logged",
                detail=f"{a.get_sector_display()}: {a.setting_name}",
            )
        )
        if a.decision:
            events.append(
                AllegationEvent(
                    allegation=a,
                    by=lado,
                    code="decision_recorded",
                    detail=a.get_decision_display(),
                )
            )
        if plan.meeting is not None:
            plan.meeting.allegation = a
            meetings.append(plan.meeting)
        if plan.repeat_of is not None:
            matches.append(
                SubjectMatch(
                    allegation=a,
                    earlier=plan.repeat_of.allegation,
                    status=codes.MatchStatus.SUGGESTED,
                )
            )
    InvolvedChild.objects.bulk_create(children, batch_size=1000)
    AllegationEvent.objects.bulk_create(events, batch_size=1000)
    SubjectMatch.objects.bulk_create(matches, batch_size=1000)
    AllegationMeeting.objects.bulk_create(meetings, batch_size=1000)
    attendees, actions = [], []
    for plan in plans:
        meeting = plan.meeting
        if meeting is None:
            continue
        for number, (name, role) in enumerate(_ATTENDEES):
            attendees.append(
                Attendee(
                    meeting=meeting,
                    name=name,
                    role=role,
                    email=f"{name.split()[-1].lower()}{number}@example.org",
                )
            )
        for text in rng.sample(_ACTIONS, 2):
            due = meeting.held_on + timedelta(days=rng.choice((5, 10, 14)))
            done = plan.allegation.closed_on is not None or (
                due < today and rng.random() < 0.7
            )
            actions.append(
                AllegationAction(
                    meeting=meeting,
                    allegation=plan.allegation,
                    text=text,
                    owner_name=_ATTENDEES[2][0],
                    owner_email="trelawny2@example.org",
                    due_on=due,
                    status=AllegationAction.Status.DONE
                    if done
                    else AllegationAction.Status.OPEN,
                    completed_on=min(due, today) if done else None,
                )
            )
    Attendee.objects.bulk_create(attendees, batch_size=1000)
    AllegationAction.objects.bulk_create(actions, batch_size=1000)


class _Plan:
    def __init__(self, allegation, children, meeting, repeat_of):
        self.allegation = allegation
        self.children = children
        self.meeting = meeting
        self.repeat_of = repeat_of


def _plan(rng, today: date, clock, lado, in_care: list[int], earlier: list[_Plan]):
    # A LADO service always has recent contacts in hand: some awaiting the
    # decision (a few overdue), more being managed.
    stage_roll = rng.random()
    awaiting = stage_roll < 0.06
    if awaiting:
        age_days = rng.randint(0, 3)
    elif stage_roll < 0.3:
        age_days = rng.randint(0, 45)
    else:
        age_days = rng.randint(0, HISTORY_DAYS)
    received_on = _working_day(today - timedelta(days=age_days), clock)
    received_at = datetime.combine(
        received_on,
        # Today's contacts came in this morning, never later than now.
        time(rng.randint(8, 17) if received_on < today else 8, rng.choice((0, 15, 30))),
        tzinfo=LONDON,
    )
    sector = _pick(rng, _SECTOR_WEIGHTS)
    setting, role = rng.choice(_SETTINGS[sector])
    category = _pick(rng, _CATEGORY_WEIGHTS)
    # About one in twelve is about an adult seen before (same name and birth date).
    repeat_of = None
    if earlier and rng.random() < 0.08:
        repeat_of = rng.choice(earlier)
    if repeat_of is not None and repeat_of.allegation.received_on < received_on:
        first = repeat_of.allegation.subject_first_name
        last = repeat_of.allegation.subject_last_name
        born = repeat_of.allegation.subject_date_of_birth
    else:
        repeat_of = None
        first, last = rng.choice(_FIRST), rng.choice(_LAST)
        born = date(rng.randint(1962, 2002), rng.randint(1, 12), rng.randint(1, 28))
    came_on = _working_day(
        received_on - timedelta(days=rng.choice((0, 0, 0, 1, 1, 3))), clock
    )
    a = Allegation(
        lado_officer=lado,
        created_by=lado,
        received_at=received_at,
        received_on=received_on,
        referral_source=_SOURCE_FOR_SECTOR.get(sector)
        or (
            codes.ReferralSource.EMPLOYER
            if rng.random() < 0.6
            else rng.choice(_OTHER_SOURCES)
        ),
        referrer_name=rng.choice(_REFERRERS),
        referrer_organisation=setting,
        referrer_role="Designated safeguarding lead",
        referrer_contact="01632 960" + str(rng.randint(200, 999)),
        setting_name=setting,
        sector=sector,
        came_to_employer_attention_on=came_on,
        employer_referral_working_days=working_days_between(
            came_on, received_on, calendar=clock.calendar
        ),
        subject_first_name=first,
        subject_last_name=last,
        subject_date_of_birth=born,
        subject_role=role,
        category=category,
        details=rng.choice(_DETAILS[category]),
        decision_due_on=clock.due("lado_decision", received_on).due,
        one_month_due_on=clock.due("lado_1_month", received_on).due,
        three_months_due_on=clock.due("lado_3_months", received_on).due,
        twelve_months_due_on=clock.due("lado_12_months", received_on).due,
    )
    children = _children(rng, sector, in_care)
    meeting = None
    if awaiting:
        return _Plan(a, children, None, repeat_of)
    # Mostly on the day or by the due date; now and then a working day late.
    decided_on = min(
        add_working_days(
            received_on, rng.choice((0, 0, 1, 1, 1, 2)), calendar=clock.calendar
        ),
        today,
    )
    a.decided_on = a.first_response_on = decided_on
    a.decided_by = lado
    roll = rng.random()
    if roll < 0.35:
        a.decision = codes.Decision.CONSULTATION
        a.decision_rationale = "Advice given to the employer on a low-level concern."
    elif roll < 0.55:
        a.decision = codes.Decision.THRESHOLD_NOT_MET
        a.decision_rationale = "The harm test is not met: the employer will manage it."
    else:
        a.decision = codes.Decision.THRESHOLD_MET
        a.decision_rationale = (
            "The harm test is met; an allegation management meeting follows."
        )
    if a.decision != codes.Decision.THRESHOLD_MET:
        a.status = codes.Status.CLOSED
        a.closed_on = decided_on
        a.closed_by = lado
        return _Plan(a, children, None, repeat_of)
    a.harm_harmed = category != codes.Category.SUITABILITY
    a.harm_offence = category in (codes.Category.SEXUAL, codes.Category.PHYSICAL) and (
        rng.random() < 0.5
    )
    a.harm_risk = rng.random() < 0.3
    a.harm_suitability = category == codes.Category.SUITABILITY or rng.random() < 0.2
    a.status = codes.Status.IN_MANAGEMENT
    a.police_involved = a.harm_offence
    a.police_reference = (
        f"NS/{rng.randint(1000, 9999)}/{received_on:%y}" if a.harm_offence else ""
    )
    a.section47_involved = rng.random() < 0.25
    a.employer_investigation = True
    if rng.random() < 0.3:
        a.interim_measure = codes.InterimMeasure.SUSPENSION
        a.interim_measure_on = decided_on
    meeting = AllegationMeeting(
        kind=codes.MeetingKind.STRATEGY,
        held_on=min(
            add_working_days(decided_on, rng.randint(1, 4), calendar=clock.calendar),
            today,
        ),
        venue=rng.choice(("Online (Teams)", "Council offices, Millbrook")),
        chair=lado,
        created_by=lado,
        discussion="The employer set out what is alleged and the steps taken so far.",
        decisions="The employer to investigate; the LADO to review in four weeks.",
    )
    close_after = _pick(rng, _CLOSE_AFTER_DAYS) + rng.randint(0, 6)
    closed_on = _working_day(received_on + timedelta(days=close_after), clock)
    outcome_on = _working_day(closed_on - timedelta(days=rng.randint(0, 3)), clock)
    if outcome_on <= today:
        outcome = _pick(rng, _OUTCOME_WEIGHTS)
        a.outcome, a.outcome_on = outcome, max(outcome_on, meeting.held_on)
        a.status = codes.Status.OUTCOME_RECORDED
        if outcome == codes.Outcome.SUBSTANTIATED:
            a.employer_actions = [
                rng.choice(
                    (
                        codes.EmployerAction.DISMISSAL,
                        codes.EmployerAction.RESIGNATION,
                        codes.EmployerAction.DISCIPLINARY,
                    )
                )
            ]
            if a.employer_actions[0] != codes.EmployerAction.DISCIPLINARY:
                a.dbs_referred = True
                a.dbs_referred_on = a.outcome_on
                if sector == codes.Sector.EDUCATION:
                    a.regulator_referrals = [codes.Regulator.TRA]
                elif sector == codes.Sector.HEALTH:
                    a.regulator_referrals = [codes.Regulator.NMC]
                elif sector in (
                    codes.Sector.FOSTER_CARE,
                    codes.Sector.RESIDENTIAL_CARE,
                ):
                    a.regulator_referrals = [codes.Regulator.OFSTED]
        elif outcome == codes.Outcome.UNSUBSTANTIATED:
            a.employer_actions = [codes.EmployerAction.TRAINING]
        else:
            a.employer_actions = [codes.EmployerAction.NO_ACTION]
        if closed_on <= today:
            a.status = codes.Status.CLOSED
            a.closed_on = max(closed_on, a.outcome_on)
            a.closed_by = lado
            if a.closed_on > a.one_month_due_on:
                a.delay_reason = rng.choice(_DELAYS)
    return _Plan(a, children, meeting, repeat_of)


def _working_day(day: date, clock) -> date:
    """Return `day`, or the working day before it: demo work happens on weekdays."""
    while not clock.calendar.is_working_day(day):
        day -= timedelta(days=1)
    return day


def _children(rng, sector, in_care: list[int]) -> list[InvolvedChild]:
    if sector in (codes.Sector.FOSTER_CARE, codes.Sector.RESIDENTIAL_CARE) and in_care:
        return [InvolvedChild(child_id=rng.choice(in_care))]
    return [
        InvolvedChild(
            initials=rng.choice("ABCDEFGHJKLMNPRST") + rng.choice("ABCDEFGHJKLMNPRSTW"),
            age=rng.randint(3, 17),
            gender=rng.choice(("male", "female")),
        )
        for _ in range(rng.choice((1, 1, 1, 2)))
    ]
