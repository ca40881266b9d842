"""One factory per LADO model, valid by default. Due dates come from the clock."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import factory
from django.utils import timezone

from accounts.roles import Role
from cases.selectors import clock_get
from lado import codes
from lado.models import (
    Allegation,
    AllegationAction,
    AllegationMeeting,
    Attendee,
    InvolvedChild,
    LegalHold,
    MinutesVersion,
    SubjectMatch,
)
from tests.factories import UserFactory

LONDON = ZoneInfo("Europe/London")


def _due(code):
    return factory.LazyAttribute(lambda a: clock_get().due(code, a.received_on).due)


class AllegationFactory(factory.django.DjangoModelFactory):
    """A referral received on Monday 2 March 2026, awaiting the LADO's decision."""

    class Meta:
        model = Allegation

    lado_officer = factory.SubFactory(UserFactory, roles=[Role.LADO])
    received_at = datetime(2026, 3, 2, 10, 30, tzinfo=LONDON)
    received_on = factory.LazyAttribute(
        lambda a: timezone.localtime(a.received_at).date()
    )
    referral_source = codes.ReferralSource.EMPLOYER
    referrer_name = "Dana Whitfield"
    referrer_organisation = "Millbrook Primary School"
    referrer_role = "Headteacher"
    setting_name = "Millbrook Primary School"
    sector = codes.Sector.EDUCATION
    came_to_employer_attention_on = date(2026, 2, 27)
    employer_referral_working_days = 1
    subject_first_name = factory.Sequence(lambda n: f"Adult{n}")
    subject_last_name = "Fernsby"
    subject_date_of_birth = date(1985, 5, 14)
    subject_role = "Teaching assistant"
    category = codes.Category.PHYSICAL
    details = "A pupil says the adult grabbed her arm in the playground."
    decision_due_on = _due("lado_decision")
    one_month_due_on = _due("lado_1_month")
    three_months_due_on = _due("lado_3_months")
    twelve_months_due_on = _due("lado_12_months")

    class Params:
        managed = factory.Trait(
            status=codes.Status.IN_MANAGEMENT,
            decision=codes.Decision.THRESHOLD_MET,
            decided_on=factory.LazyAttribute(lambda a: a.received_on),
            first_response_on=factory.LazyAttribute(lambda a: a.received_on),
            decision_rationale="The harm test is met.",
            harm_harmed=True,
        )
        closed = factory.Trait(
            status=codes.Status.CLOSED,
            decision=codes.Decision.THRESHOLD_MET,
            decided_on=factory.LazyAttribute(lambda a: a.received_on),
            first_response_on=factory.LazyAttribute(lambda a: a.received_on),
            decision_rationale="The harm test is met.",
            harm_harmed=True,
            outcome=codes.Outcome.UNSUBSTANTIATED,
            outcome_on=factory.LazyAttribute(lambda a: a.received_on),
            closed_on=factory.LazyAttribute(lambda a: a.received_on),
        )


class InvolvedChildFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = InvolvedChild

    allegation = factory.SubFactory(AllegationFactory)
    initials = "JB"
    age = 9
    gender = "female"


class SubjectMatchFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SubjectMatch

    allegation = factory.SubFactory(AllegationFactory)
    earlier = factory.SubFactory(
        AllegationFactory,
        received_at=datetime(2025, 6, 2, 9, 0, tzinfo=LONDON),
        subject_first_name=factory.SelfAttribute("..allegation.subject_first_name"),
        subject_last_name=factory.SelfAttribute("..allegation.subject_last_name"),
    )


class AllegationMeetingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AllegationMeeting

    allegation = factory.SubFactory(AllegationFactory, managed=True)
    kind = codes.MeetingKind.STRATEGY
    held_on = date(2026, 3, 4)
    venue = "Online"
    chair = factory.LazyAttribute(lambda m: m.allegation.lado_officer)
    discussion = "The school shared the account of the incident."
    decisions = "Police to consider; the school to keep the adult away from pupils."


class AttendeeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Attendee

    meeting = factory.SubFactory(AllegationMeetingFactory)
    name = factory.Faker("name", locale="en_GB")
    role = "Headteacher"
    email = factory.Sequence(lambda n: f"attendee{n}@example.org")


class AllegationActionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AllegationAction

    meeting = factory.SubFactory(AllegationMeetingFactory)
    allegation = factory.LazyAttribute(lambda a: a.meeting.allegation)
    text = "Send the LADO the incident log"
    owner_name = "Dana Whitfield"
    owner_email = factory.Sequence(lambda n: f"owner{n}@example.org")
    due_on = date(2026, 3, 11)


class MinutesVersionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MinutesVersion

    meeting = factory.SubFactory(AllegationMeetingFactory)
    version = 1
    discussion = factory.LazyAttribute(lambda m: m.meeting.discussion)
    decisions = factory.LazyAttribute(lambda m: m.meeting.decisions)
    attendees = factory.LazyFunction(list)
    actions = factory.LazyFunction(list)
    content_hash = "0" * 64
    issued_by = factory.LazyAttribute(lambda m: m.meeting.chair)


class LegalHoldFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LegalHold

    allegation = factory.SubFactory(AllegationFactory)
    reason = "Civil claim notified by the employer's solicitors."
    placed_by = factory.LazyAttribute(lambda h: h.allegation.lado_officer)
