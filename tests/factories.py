"""One factory per model, valid by default."""

from datetime import date, datetime, timedelta
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


class BreakGlassGrantFactory(factory.django.DjangoModelFactory):
    """An unexpired emergency access grant of an IRO to a child outside their scope."""

    class Meta:
        model = "cases.BreakGlassGrant"

    user = factory.SubFactory(UserFactory, roles=[Role.IRO])
    child = factory.SubFactory(ChildFactory)
    reason = "Police called out of hours about this child's safety."
    granted_at = factory.LazyFunction(lambda: datetime.now(LONDON))
    expires_at = factory.LazyAttribute(lambda g: g.granted_at + timedelta(hours=4))

    class Params:
        expired = factory.Trait(
            granted_at=factory.LazyFunction(
                lambda: datetime.now(LONDON) - timedelta(hours=5)
            ),
        )


class PracticeAlertFactory(factory.django.DjangoModelFactory):
    """An open practice alert raised by an IRO with a manager, due in 5 working days."""

    class Meta:
        model = "meetings.PracticeAlert"

    child = factory.SubFactory(ChildFactory)
    raised_by = factory.SubFactory(UserFactory, roles=[Role.IRO])
    addressed_to = factory.SubFactory(UserFactory, roles=[Role.MANAGER])
    raised_on = date(2026, 5, 1)
    due_on = date(2026, 5, 8)
    category = "planning_drift"
    concern = "The permanence plan has not moved since the last review."
    asked = "Confirm the date of the legal planning meeting."


class GoodPracticeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "meetings.GoodPractice"

    child = factory.SubFactory(ChildFactory)
    worker_name = "Sam Social Worker"
    team = factory.SubFactory(TeamFactory)
    what = "Visited every two weeks and wrote up the child's views in her words."
    recorded_by = factory.SubFactory(UserFactory, roles=[Role.IRO])
    recorded_on = date(2026, 5, 1)


class QualityCheckFactory(factory.django.DjangoModelFactory):
    """The chair's quality check of a held review: all good, plan SMART."""

    class Meta:
        model = "meetings.QualityCheck"

    meeting = factory.SubFactory(MeetingFactory, held=True)
    child_seen_before = True
    child_views_heard = True
    parents_participated = "fully"
    partners_attended = True
    is_quorate = True
    plan_smart = "yes"
    completed_by = factory.LazyAttribute(lambda c: c.meeting.chair)
    held_on = factory.LazyAttribute(lambda c: c.meeting.held_on)
    meeting_kind = factory.LazyAttribute(lambda c: c.meeting.kind)
    team = factory.LazyAttribute(lambda c: c.meeting.chair and c.meeting.chair.team)


class QualityReportRowFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "meetings.QualityReportRow"

    quality_check = factory.SubFactory(QualityCheckFactory)
    agency = "health"
    on_time = True
    quality = "good"
    held_on = factory.LazyAttribute(lambda r: r.quality_check.held_on)
    team = factory.LazyAttribute(lambda r: r.quality_check.team)


class QAMeetingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "meetings.QAMeeting"

    held_on = date(2026, 5, 1)
    team = factory.SubFactory(TeamFactory)
    concerns = "Health assessments are late for children placed out of area."
    created_by = factory.SubFactory(UserFactory, roles=[Role.IRO])


class PanelReferralFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "meetings.PanelReferral"

    child = factory.SubFactory(ChildFactory)
    panel = "case_review"
    referred_on = date(2026, 5, 2)
    reason = "Repeated drift in permanence planning."
    referred_by = factory.SubFactory(UserFactory, roles=[Role.IRO])


class TrainingThemeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "meetings.TrainingTheme"

    tag = "SMART plans"
    noted_on = date(2026, 5, 3)
    tagged_by = factory.SubFactory(UserFactory, roles=[Role.MANAGER])
