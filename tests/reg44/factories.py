"""Factories for Regulation 44 models, valid by default."""

from datetime import date, datetime, time

import factory

from accounts.roles import Role
from cases.timescales import month_end
from reg44.models import (
    Home,
    PlacingAuthority,
    Recommendation,
    Visit,
    VisitorAssignment,
)
from tests.factories import LONDON, UserFactory


class HomeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Home

    name = factory.Sequence(lambda n: f"Willow Lodge {n}")
    urn = factory.Sequence(lambda n: f"SC{500000 + n}")
    provider_name = "Brightpath Children's Services Ltd"
    provider_email = "provider@brightpath.example.org"
    registered_manager_name = "Rachel Shaw"
    registered_manager_email = "rachel.shaw@brightpath.example.org"
    responsible_individual_name = "Paul Norris"
    responsible_individual_email = "paul.norris@brightpath.example.org"
    ofsted_email = "reg44.reports@ofsted.example.org"
    address = "12 Church Lane\nNorthwold"
    postcode = "NW4 2AB"
    places = 4
    registered_on = date(2020, 1, 6)


class PlacingAuthorityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PlacingAuthority

    home = factory.SubFactory(HomeFactory)
    name = "Northshire County Council"
    email = factory.Sequence(lambda n: f"placements{n}@northshire.example.org")


class VisitorAssignmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = VisitorAssignment

    home = factory.SubFactory(HomeFactory)
    visitor = factory.SubFactory(UserFactory, roles=[Role.REG44_VISITOR])
    started_on = date(2020, 1, 6)


def _month(day: date) -> date:
    return day.replace(day=1)


class VisitFactory(factory.django.DjangoModelFactory):
    """A visit recorded as a draft; dates follow `visit_on` (set the due dates
    explicitly where a test depends on them)."""

    class Meta:
        model = Visit

    home = factory.SubFactory(HomeFactory)
    visitor = factory.SubFactory(UserFactory, roles=[Role.REG44_VISITOR])
    status = Visit.Status.DRAFT
    visit_on = date(2026, 3, 10)
    visit_at = factory.LazyAttribute(
        lambda v: datetime.combine(v.visit_on, time(10, 30), tzinfo=LONDON)
    )
    for_month = factory.LazyAttribute(lambda v: _month(v.visit_on))
    due_on = factory.LazyAttribute(lambda v: month_end(v.for_month))
    report_due_on = factory.LazyAttribute(lambda v: month_end(v.visit_on, 1))


class RecommendationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Recommendation

    visit = factory.SubFactory(VisitFactory)
    number = factory.Sequence(lambda n: n + 1)
    text = "Debrief every child after a physical intervention."
    consider_by = date(2026, 4, 10)
