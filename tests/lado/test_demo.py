"""seed_demo's LADO extension: about one allegation per 40 children, every stage."""

import io
import time
from collections import Counter

import pytest
from django.core.management import call_command
from django.utils import timezone

from cases.selectors import clock_get
from lado import codes, selectors
from lado.models import Allegation, AllegationMeeting, InvolvedChild

pytestmark = pytest.mark.django_db


def seed(children: int) -> float:
    started = time.monotonic()
    call_command(
        "seed_demo", "--children", str(children), "--seed", "3", stdout=io.StringIO()
    )
    return time.monotonic() - started


def test_seed_demo_adds_about_one_allegation_per_forty_children():
    seed(2000)
    assert 45 <= Allegation.objects.count() <= 55


def test_demo_allegations_cover_the_stages_and_keep_the_clock():
    # when: enough children for every stage, whatever day the demo is made on
    seed(6000)
    # then
    statuses = Counter(Allegation.objects.values_list("status", flat=True))
    assert statuses[codes.Status.CLOSED] > 10
    assert statuses[codes.Status.AWAITING_DECISION] >= 1
    assert statuses[codes.Status.IN_MANAGEMENT] >= 1
    decisions = set(Allegation.objects.values_list("decision", flat=True))
    assert {"consultation", "threshold_met"} <= decisions
    clock = clock_get()
    for allegation in Allegation.objects.all():
        assert (
            allegation.decision_due_on
            == clock.due("lado_decision", allegation.received_on).due
        )
        assert (
            allegation.one_month_due_on
            == clock.due("lado_1_month", allegation.received_on).due
        )
        assert (
            allegation.received_on == timezone.localtime(allegation.received_at).date()
        )
    assert AllegationMeeting.objects.filter(attendees__isnull=False).exists()
    assert InvolvedChild.objects.filter(child__isnull=False).exists()
    assert not Allegation.history.exists()


def test_demo_allegations_feed_the_figures_and_patterns():
    seed(2000)
    today = timezone.localdate()
    figures = selectors.lado_figures(
        start=today.replace(year=today.year - 2), end=today
    )
    assert figures.contacts == Allegation.objects.count()
    assert figures.closed > 0
    assert selectors.employer_patterns()


def test_demo_seed_stays_fast_per_batch():
    """The LADO rows of a 2,000-child batch take a small part of the seed."""
    elapsed = seed(2000)
    assert elapsed < 60
