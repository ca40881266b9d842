"""Factories for child protection records (one per model, valid by default)."""

from datetime import date, datetime

import factory

from accounts.roles import Role
from tests.factories import LONDON, ChildFactory, UserFactory


class ConferenceFactory(factory.django.DjangoModelFactory):
    """A booked initial conference about one child, owed from a strategy discussion
    on 27 March 2026 (due 21 April 2026), chaired by an IRO."""

    class Meta:
        model = "meetings.Meeting"
        skip_postgeneration_save = True

    kind = "icpc"
    child = factory.SubFactory(ChildFactory)
    sequence = 1
    due_rule = "cp_icpc"
    due_start_on = date(2026, 3, 27)
    due_on = date(2026, 4, 21)
    status = "scheduled"
    scheduled_for = datetime(2026, 4, 20, 10, 0, tzinfo=LONDON)
    venue = "Civic Centre"
    chair = factory.SubFactory(UserFactory, roles=[Role.IRO])

    class Params:
        held = factory.Trait(
            status="held",
            held_on=date(2026, 4, 20),
            decisions_due_on=date(2026, 4, 21),
            record_due_on=date(2026, 5, 12),
        )

    @factory.post_generation
    def children(self, create, extracted, **kwargs):
        if not create:
            return
        from meetings.models import ConferenceChild

        for child in [self.child, *(extracted or ())]:
            ConferenceChild.objects.get_or_create(meeting=self, child=child)


class StrategyDiscussionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "meetings.StrategyDiscussion"
        skip_postgeneration_save = True

    child = factory.SubFactory(ChildFactory)
    held_on = date(2026, 3, 27)
    chaired_by = "Team manager, children's social care"
    agencies_present = ["social_care", "police", "health"]
    decision = "s47_joint"
    reasons = "Bruising reported by the school."

    @factory.post_generation
    def family(self, create, extracted, **kwargs):
        if create:
            self.children.set([self.child, *(extracted or ())])


class MinutesFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "meetings.Minutes"

    meeting = factory.SubFactory(ConferenceFactory, held=True)
    version = 1


class MinutesSectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "meetings.MinutesSection"

    minutes = factory.SubFactory(MinutesFactory)
    position = factory.Sequence(lambda n: n + 1)
    heading = "Information from agencies"
    text = "The school shared its concerns."


class ConferenceSendingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "meetings.ConferenceSending"

    meeting = factory.SubFactory(ConferenceFactory, held=True)
    document = "outline_plan"
    audience = "full"
    recipient_name = "Dr Patel"
    recipient_email = factory.Sequence(lambda n: f"agency{n}@example.org")
    recipient_key = factory.LazyAttribute(lambda s: s.recipient_email)
