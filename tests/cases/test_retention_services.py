"""Retention review, legal holds and disposal: the selectors and services."""

from datetime import date, timedelta

import pytest
from django.apps import apps
from django.db import models

from accounts.models import AccessLog
from cases import disposal
from cases.errors import DomainError
from cases.models import Child, DisposalRecord, LegalHold, RetentionSetting
from lado import codes as lado_codes
from lado.models import InvolvedChild
from lado.models import LegalHold as LadoHold
from reg44.models import Visit
from tests.cases.retention_builders import SURNAME, closed_child_record
from tests.factories import (
    CareEpisodeFactory,
    ChildFactory,
    CPPlanFactory,
    MeetingFactory,
    UserFactory,
)
from tests.lado.factories import AllegationFactory
from tests.reg44.factories import VisitFactory

pytestmark = pytest.mark.django_db

TODAY = date(2026, 11, 23)


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def _due_ids(today=TODAY, record_type=""):
    return {
        (row.record_type.code, row.record.object_id)
        for row in disposal.disposal_review_list(today=today, record_type=record_type)
    }


def test_review_lists_closed_records_whose_period_has_ended():
    """Due: a child past 75 whose care ended, a malicious allegation once closed,
    a visit 15 years old. Not due: an open episode, a young child, a recent visit."""
    old = ChildFactory(date_of_birth=date(1940, 1, 1))
    CareEpisodeFactory(
        child=old,
        started_on=date(2026, 3, 2),
        ended_on=date(2026, 4, 1),
        reason_ended="E11",
    )
    still_in_care = ChildFactory(date_of_birth=date(1940, 1, 1))
    CareEpisodeFactory(child=still_in_care, started_on=date(2026, 3, 2))
    young = ChildFactory(date_of_birth=date(2015, 1, 1))
    malicious = AllegationFactory(closed=True, outcome=lado_codes.Outcome.MALICIOUS)
    kept = AllegationFactory(closed=True)
    old_visit = VisitFactory(status=Visit.Status.APPROVED, visit_on=date(2010, 3, 10))
    new_visit = VisitFactory(status=Visit.Status.APPROVED, visit_on=date(2020, 3, 10))

    due = _due_ids()

    assert {("child", old.pk), ("lado_allegation", malicious.pk)} <= due
    assert ("reg44_visit", old_visit.pk) in due
    for absent in (
        ("child", still_in_care.pk),
        ("child", young.pk),
        ("lado_allegation", kept.pk),
        ("reg44_visit", new_visit.pk),
    ):
        assert absent not in due


def test_a_young_child_never_looked_after_is_due_three_years_after_eighteen():
    child = ChildFactory(date_of_birth=date(2005, 1, 10))
    assert ("child", child.pk) not in _due_ids(date(2026, 1, 9))
    assert ("child", child.pk) in _due_ids(date(2026, 1, 10))


def test_a_meeting_held_counts_as_contact_for_the_local_rules():
    """A child on a plan is kept 35 years after the last meeting held for them."""
    child = ChildFactory(date_of_birth=date(1970, 1, 1))
    CPPlanFactory(
        child=child,
        started_on=date(1980, 1, 1),
        ended_on=date(1981, 1, 1),
        end_reason="no_longer_at_risk",
    )
    assert ("child", child.pk) in _due_ids(date(2026, 1, 1))
    episode = CareEpisodeFactory(
        child=ChildFactory(date_of_birth=date(1970, 1, 1)),
        started_on=date(1995, 1, 1),
        ended_on=date(1995, 2, 1),
        reason_ended="E11",
    )
    MeetingFactory(
        period_start=episode, child=child, held=True, held_on=date(2000, 1, 1)
    )
    assert ("child", child.pk) not in _due_ids(date(2026, 1, 1))


def test_local_values_move_the_due_date():
    visit = VisitFactory(status=Visit.Status.APPROVED, visit_on=date(2020, 3, 10))
    assert ("reg44_visit", visit.pk) not in _due_ids()
    disposal.retention_setting_set(code="ret_reg44_visit", years=5, by=UserFactory())
    assert ("reg44_visit", visit.pk) in _due_ids()


def test_only_local_rules_take_a_value_within_range():
    admin = UserFactory()
    with pytest.raises(DomainError, match="Only local"):
        disposal.retention_setting_set(code="ret_child_looked_after", years=5, by=admin)
    with pytest.raises(DomainError, match="0 to 120"):
        disposal.retention_setting_set(code="ret_reg44_visit", years=121, by=admin)
    setting = disposal.retention_setting_set(code="ret_reg44_visit", years=7, by=admin)
    assert setting.history.get().history_user == admin
    assert RetentionSetting.objects.get().years == 7


def test_dispose_removes_the_record_its_dependants_history_and_files(
    django_capture_on_commit_callbacks, media
):
    manager = UserFactory()
    child, report, allegation = closed_child_record()
    pdf_path = media / report.pdf.name
    assert pdf_path.exists()

    with django_capture_on_commit_callbacks(execute=True):
        record = disposal.record_dispose(
            record_type="child", object_id=child.pk, by=manager, today=TODAY
        )

    assert not Child.objects.filter(pk=child.pk).exists()
    assert not pdf_path.exists()
    assert (record.rule_code, record.due_on) == (
        "ret_child_looked_after",
        date(2015, 1, 1),
    )
    assert record.disposed_by == manager and record.files_deleted == 1
    assert record.rows_deleted >= 12
    # The allegation is kept under its own rule, naming the child by initials.
    link = InvolvedChild.objects.get(allegation=allegation)
    assert (link.child_id, link.initials) == (None, "WQ")
    assert AccessLog.objects.filter(object_id=str(child.pk), object_repr="").exists()


def test_disposal_leaves_no_personal_data_anywhere():
    """After disposal the child's surname is in no text column of any table,
    history included, and the disposal entry names neither name nor birth date."""
    child, _, _ = closed_child_record()
    disposal.record_dispose(
        record_type="child", object_id=child.pk, by=UserFactory(), today=TODAY
    )
    found = []
    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            if isinstance(field, (models.CharField, models.TextField)):
                lookup = {f"{field.attname}__icontains": SURNAME}
                if model._base_manager.filter(**lookup).exists():
                    found.append(f"{model._meta.label}.{field.name}")
    assert found == []
    entry = DisposalRecord.objects.values().get()
    assert "1940" not in str(entry) and "Wren" not in str(entry)


def test_a_held_record_is_not_disposed_of_until_the_hold_is_lifted():
    manager = UserFactory()
    child, _, _ = closed_child_record()
    hold = disposal.legal_hold_place(
        record_type="child", object_id=child.pk, reason="Civil claim", by=manager
    )
    with pytest.raises(DomainError, match="legal hold"):
        disposal.record_dispose(
            record_type="child", object_id=child.pk, by=manager, today=TODAY
        )
    assert Child.objects.filter(pk=child.pk).exists()

    disposal.legal_hold_lift(hold=hold, reason="Claim settled", by=manager)
    disposal.record_dispose(
        record_type="child", object_id=child.pk, by=manager, today=TODAY
    )
    hold.refresh_from_db()
    assert not Child.objects.filter(pk=child.pk).exists()
    assert (hold.lift_reason, hold.lifted_by) == ("Claim settled", manager)
    assert hold.history.count() == 2


def test_the_lado_hold_on_an_allegation_stops_its_disposal():
    manager = UserFactory()
    allegation = AllegationFactory(closed=True, outcome=lado_codes.Outcome.MALICIOUS)
    LadoHold.objects.create(allegation=allegation, reason="Tribunal")
    rows = disposal.disposal_review_list(today=TODAY, record_type="lado_allegation")
    assert [r.is_held for r in rows if r.record.object_id == allegation.pk] == [True]
    with pytest.raises(DomainError, match="legal hold"):
        disposal.record_dispose(
            record_type="lado_allegation",
            object_id=allegation.pk,
            by=manager,
            today=TODAY,
        )
    with pytest.raises(DomainError, match="on the record itself"):
        disposal.legal_hold_place(
            record_type="lado_allegation",
            object_id=allegation.pk,
            reason="x",
            by=manager,
        )


def test_a_malicious_allegation_is_disposed_of_with_its_history():
    allegation = AllegationFactory(closed=True, outcome=lado_codes.Outcome.MALICIOUS)
    record = disposal.record_dispose(
        record_type="lado_allegation",
        object_id=allegation.pk,
        by=UserFactory(),
        today=TODAY,
    )
    assert record.rule_code == "ret_lado_malicious"
    assert not type(allegation).history.filter(id=allegation.pk).exists()


def test_a_record_not_due_is_refused():
    child = ChildFactory(date_of_birth=date(2015, 1, 1))
    with pytest.raises(DomainError, match="not due"):
        disposal.record_dispose(
            record_type="child", object_id=child.pk, by=UserFactory(), today=TODAY
        )
    assert DisposalRecord.objects.count() == 0


@pytest.mark.parametrize(
    ("reason", "object_id", "message"),
    [
        ("  ", None, "Say why"),
        ("Inquiry", 0, "does not exist"),
    ],
)
def test_a_hold_needs_a_reason_and_a_record(reason, object_id, message):
    child = ChildFactory()
    with pytest.raises(DomainError, match=message):
        disposal.legal_hold_place(
            record_type="child",
            object_id=child.pk if object_id is None else object_id,
            reason=reason,
            by=UserFactory(),
        )


def test_one_active_hold_per_record():
    child = ChildFactory()
    manager = UserFactory()
    disposal.legal_hold_place(
        record_type="child", object_id=child.pk, reason="Inquiry", by=manager
    )
    with pytest.raises(DomainError, match="already"):
        disposal.legal_hold_place(
            record_type="child", object_id=child.pk, reason="Again", by=manager
        )
    assert LegalHold.objects.count() == 1


def test_review_list_query_count_does_not_grow_with_records(
    django_assert_max_num_queries,
):
    manager = UserFactory()
    for n in range(6):
        child = ChildFactory(date_of_birth=date(1940, 1, 1) + timedelta(days=n))
        if n % 2:
            disposal.legal_hold_place(
                record_type="child", object_id=child.pk, reason="Inquiry", by=manager
            )
    with django_assert_max_num_queries(12):
        rows = disposal.disposal_review_list(today=TODAY)
    assert sum(row.is_held for row in rows) == 3
