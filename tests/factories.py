"""One factory per model, valid by default."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import factory
from django.contrib.auth.models import Group

from accounts.models import Team, User
from accounts.roles import Role
from cases import codes
from cases.models import Allocation, CareEpisode, Child, CPPlanEpisode, KeyPerson

PASSWORD = "correct-horse-battery"
LONDON = ZoneInfo("Europe/London")


class TeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Team
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Team {n}")
    kind = Team.Kind.SOCIAL_WORK


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name", locale="en_GB")
    last_name = factory.Faker("last_name", locale="en_GB")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        for role in extracted or ():
            self.groups.add(Group.objects.get(name=role))
        if create:
            self.save()


class ChildFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Child

    la_child_id = factory.Sequence(lambda n: f"T{n:07d}")
    first_name = factory.Faker("first_name", locale="en_GB")
    last_name = factory.Faker("last_name", locale="en_GB")
    date_of_birth = date(2015, 6, 1)
    gender = codes.Gender.FEMALE
    ethnicity = codes.Ethnicity.WBRI


class CareEpisodeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CareEpisode

    child = factory.SubFactory(ChildFactory)
    started_on = date(2026, 3, 2)
    reason_new_episode = codes.ReasonNewEpisode.S
    legal_status = codes.LegalStatus.C2
    placement_type = codes.PlacementType.U6
    category_of_need = codes.CategoryOfNeed.N1


class CPPlanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CPPlanEpisode

    child = factory.SubFactory(ChildFactory)
    started_on = date(2026, 5, 1)
    initial_category = codes.CategoryOfAbuse.NEG
    latest_category = codes.CategoryOfAbuse.NEG


class AllocationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Allocation

    child = factory.SubFactory(ChildFactory)
    role = Allocation.Role.IRO
    worker = factory.SubFactory(UserFactory, roles=[Role.IRO])
    started_on = date(2026, 3, 3)


class KeyPersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = KeyPerson

    child = factory.SubFactory(ChildFactory)
    name = factory.Faker("name", locale="en_GB")
    relationship = codes.KeyPersonRelationship.MOTHER
    phone = "01234 567890"


# --- meetings ---------------------------------------------------------------------


class MeetingFactory(factory.django.DjangoModelFactory):
    """A booked first review of the child's period of care, chaired by an IRO."""

    class Meta:
        model = "meetings.Meeting"

    kind = "cic_review"
    child = factory.LazyAttribute(lambda m: m.period_start.child)
    period_start = factory.SubFactory(CareEpisodeFactory)
    sequence = 1
    due_rule = "cic_review_1"
    due_start_on = factory.LazyAttribute(lambda m: m.period_start.started_on)
    due_on = date(2026, 3, 30)
    status = "scheduled"
    scheduled_for = datetime(2026, 3, 27, 10, 0, tzinfo=LONDON)
    venue = "Foster home"
    chair = factory.SubFactory(UserFactory, roles=[Role.IRO])

    class Params:
        held = factory.Trait(
            status="held", held_on=date(2026, 3, 27), participation_code="PN1"
        )


class ParticipantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "meetings.Participant"

    meeting = factory.SubFactory(MeetingFactory)
    name = factory.Faker("name", locale="en_GB")
    role = "parent"
    email = factory.Sequence(lambda n: f"participant{n}@example.org")


class ActionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "meetings.Action"

    meeting = factory.SubFactory(MeetingFactory, held=True)
    child = factory.LazyAttribute(lambda a: a.meeting.child)
    text = "Arrange the health assessment"
    owner_name = "Sam Social Worker"
    owner_role = "social_worker"
    due_on = date(2026, 4, 30)


class ChairReportFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "meetings.ChairReport"

    meeting = factory.SubFactory(MeetingFactory, held=True)
    summary = "The review considered the care plan."
    child_views = "I like living here."


class DisputeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "meetings.Dispute"

    child = factory.SubFactory(ChildFactory)
    raised_by = factory.SubFactory(UserFactory, roles=[Role.IRO])
    raised_on = date(2026, 5, 1)
    category = "drift"
    summary = "The health assessment is overdue."


class MonitoringNoteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "meetings.MonitoringNote"

    child = factory.SubFactory(ChildFactory)
    noted_on = date(2026, 5, 1)
    kind = "contact_sw"
    text = "Spoke to the social worker about contact arrangements."


class ComplaintFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "meetings.Complaint"

    child = factory.SubFactory(ChildFactory)
    received_on = date(2026, 5, 2)
    complainant_name = "A Parent"
    complainant_relationship = "Mother"
    summary = "Not invited to the review."
