"""LADO reads: scope, search, the record's panels, annual figures and patterns."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.test import override_settings

from accounts.roles import Role
from cases.selectors import clock_get
from lado import codes, selectors
from lado.models import SubjectMatch
from tests.factories import UserFactory
from tests.lado.factories import (
    AllegationFactory,
    AllegationMeetingFactory,
    LegalHoldFactory,
)

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")


def at(day: date) -> datetime:
    return datetime.combine(day, datetime.min.time(), tzinfo=LONDON).replace(hour=10)


@pytest.mark.parametrize(
    ("role", "sees"),
    [
        (Role.LADO, True),
        (Role.MANAGER, True),
        (Role.IRO, False),
        (Role.MINUTE_TAKER, False),
        (Role.REG44_VISITOR, False),
        (Role.ADMINISTRATOR, False),
    ],
)
def test_allegations_are_visible_only_to_lados_and_managers(role, sees):
    allegation = AllegationFactory()
    user = UserFactory(roles=[role])
    visible = selectors.allegation_list_visible_to(user=user)
    assert (allegation in visible) is sees


def test_search_filters_by_name_status_sector_and_overdue_decision():
    # given
    lado = UserFactory(roles=[Role.LADO])
    overdue = AllegationFactory(
        lado_officer=lado, subject_first_name="Rhys", subject_last_name="Tamblyn"
    )
    managed = AllegationFactory(
        lado_officer=lado, managed=True, sector=codes.Sector.SPORT_LEISURE
    )
    someone_elses = AllegationFactory(subject_last_name="Tamblyn")

    def search(**kwargs):
        return set(
            selectors.allegation_list_search(
                user=lado, today=date(2026, 3, 10), **kwargs
            )
        )

    # then
    assert search(q="rhys tamb") == {overdue}
    assert search(q="tamblyn") == {overdue, someone_elses}
    assert search(mine=True, q="tamblyn") == {overdue}
    assert search(status=codes.Status.IN_MANAGEMENT) == {managed}
    assert search(sector=codes.Sector.SPORT_LEISURE) == {managed}
    assert search(mine=True, overdue_decision=True) == {overdue}


def test_overdue_decision_is_not_overdue_on_its_due_date():
    lado = UserFactory(roles=[Role.LADO])
    AllegationFactory(lado_officer=lado)  # due Tue 3 March 2026
    on_due = selectors.allegation_list_search(
        user=lado, today=date(2026, 3, 3), overdue_decision=True
    )
    after = selectors.allegation_list_search(
        user=lado, today=date(2026, 3, 4), overdue_decision=True
    )
    assert (on_due.count(), after.count()) == (0, 1)


def test_clock_items_explain_each_stored_date():
    allegation = AllegationFactory()
    items = selectors.allegation_clock_items(allegation=allegation, clock=clock_get())
    assert [(i.stored_due_on, i.explanation.due) for i in items] == [
        (date(2026, 3, 3), date(2026, 3, 3)),
        (date(2026, 4, 2), date(2026, 4, 2)),
        (date(2026, 6, 2), date(2026, 6, 2)),
        (date(2027, 3, 2), date(2027, 3, 2)),
    ]
    assert items[0].explanation.rule.code == "lado_decision"


def test_duration_of_a_closed_case_against_the_marks():
    allegation = AllegationFactory(closed=True, closed_on=date(2026, 5, 1))
    duration = selectors.allegation_duration(
        allegation=allegation, today=date(2026, 11, 1)
    )
    assert [m.state for m in duration.marks] == ["missed", "met", "met"]
    assert duration.days == 60
    assert duration.summary == "Took 60 days from referral to closure: within 3 months."
    assert duration.needs_delay_reason is True


def test_duration_of_an_open_case():
    duration = selectors.allegation_duration(
        allegation=AllegationFactory(managed=True), today=date(2026, 7, 1)
    )
    assert [m.state for m in duration.marks] == ["passed", "passed", "ahead"]
    assert duration.summary == "Open for 121 days: past the 3 months mark."


def test_employer_referral_says_whether_it_was_within_one_working_day():
    late = AllegationFactory(employer_referral_working_days=3)
    result = selectors.allegation_employer_referral(allegation=late)
    assert result.in_time is False
    assert "3 working days later: later than one working day" in result.text


def test_timeline_orders_key_dates_with_due_dates():
    meeting = AllegationMeetingFactory(held_on=date(2026, 3, 4))
    allegation = selectors.allegation_get_for_detail(
        user=meeting.allegation.lado_officer, pk=meeting.allegation.pk
    )
    labels = [e.label for e in selectors.allegation_timeline(allegation=allegation)]
    assert labels[:5] == [
        "Came to the employer's attention",
        "Referral received by the LADO",
        "Initial consideration",
        "Initial consideration due",
        "Allegation management (strategy) meeting",
    ]


@override_settings(LADO_NORMAL_PENSION_AGE=68)
def test_retention_reads_the_pension_age_setting():
    allegation = AllegationFactory(
        subject_date_of_birth=date(1990, 7, 15),
        came_to_employer_attention_on=date(2026, 2, 27),
    )
    panel = selectors.allegation_retention(
        allegation=allegation, today=date(2026, 3, 2)
    )
    assert panel.due.review_on == date(2058, 7, 15)


def test_retention_pension_age_defaults_to_67():
    assert selectors.retention_pension_age() == 67


def test_retention_panel_shows_a_legal_hold_and_malicious_flag():
    allegation = AllegationFactory(closed=True, outcome=codes.Outcome.MALICIOUS)
    LegalHoldFactory(allegation=allegation)
    panel = selectors.allegation_retention(
        allegation=selectors.allegation_get_for_detail(
            user=allegation.lado_officer, pk=allegation.pk
        ),
        today=date(2026, 3, 2),
    )
    assert panel.disposal_blocked is True
    assert panel.remove_from_personnel_records is True
    assert panel.not_in_references is True


# --- figures ------------------------------------------------------------------------------


@pytest.fixture
def year_of_contacts():
    """Contacts in 2025-26 (and one outside it) at known stages."""
    received = [
        # sector, source, decision, criteria, closed_on (from 1 May 2025), outcome
        (
            "education",
            "employer",
            "threshold_met",
            ["harmed"],
            date(2025, 5, 20),
            "substantiated",
        ),
        (
            "education",
            "parent",
            "threshold_met",
            ["harmed", "offence"],
            date(2025, 7, 15),
            "unsubstantiated",
        ),
        (
            "sport_leisure",
            "police",
            "threshold_met",
            ["suitability"],
            date(2026, 6, 1),
            "false",
        ),
        ("education", "employer", "consultation", [], date(2025, 5, 1), ""),
        ("health", "health", "threshold_not_met", [], date(2025, 5, 2), ""),
        ("health", "health", "", [], None, ""),
    ]
    rows = []
    for sector, source, decision, criteria, closed_on, outcome in received:
        is_met = decision == "threshold_met"
        rows.append(
            AllegationFactory(
                received_at=at(date(2025, 5, 1)),
                sector=sector,
                referral_source=source,
                decision=decision,
                decided_on=date(2025, 5, 1) if decision else None,
                first_response_on=date(2025, 5, 1) if decision else None,
                **{f"harm_{c}": True for c in criteria},
                status=(
                    codes.Status.CLOSED if closed_on else codes.Status.AWAITING_DECISION
                ),
                closed_on=closed_on,
                outcome=outcome,
                outcome_on=closed_on if is_met else None,
                dbs_referred=outcome == "substantiated",
                employer_actions=["dismissal"] if outcome == "substantiated" else [],
                regulator_referrals=["tra"] if outcome == "substantiated" else [],
                delay_reason="Police enquiry." if is_met else "",
            )
        )
    AllegationFactory(received_at=at(date(2026, 4, 2)))
    return rows


def test_figures_count_contacts_by_sector_source_and_criterion(year_of_contacts):
    figures = selectors.lado_figures(start=date(2025, 4, 1), end=date(2026, 3, 31))
    assert (figures.contacts, figures.consultations, figures.referrals) == (6, 1, 4)
    assert (figures.threshold_met, figures.undecided) == (3, 1)
    sector = {r.key: (r.consultations, r.referrals, r.total) for r in figures.by_sector}
    assert sector["education"] == (1, 2, 3)
    assert sector["health"] == (0, 1, 2)
    source = {r.key: r.total for r in figures.by_source}
    assert (source["employer"], source["parent"], source["police"]) == (2, 1, 1)
    criteria = {c.key: c.count for c in figures.by_criterion}
    assert criteria == {"harmed": 2, "offence": 1, "risk": 0, "suitability": 1}


def test_figures_count_timeliness_outcomes_and_dbs_for_cases_closed(year_of_contacts):
    figures = selectors.lado_figures(start=date(2025, 4, 1), end=date(2026, 3, 31))
    # Two threshold-met cases closed in the year: 19 days and 2.5 months.
    assert figures.closed == 2
    assert [(t.within, t.of) for t in figures.resolution] == [(1, 2), (2, 2), (2, 2)]
    assert figures.resolution[0].percent == 50.0
    outcomes = {c.key: c.count for c in figures.by_outcome}
    assert (
        outcomes["substantiated"],
        outcomes["unsubstantiated"],
        outcomes["false"],
    ) == (
        1,
        1,
        0,
    )
    assert figures.dbs_referrals == 1
    assert {c.key: c.count for c in figures.by_regulator}["tra"] == 1
    assert [c.days for c in figures.longest] == [75]


def test_figures_csv_rows_have_a_header_and_named_measures(year_of_contacts):
    figures = selectors.lado_figures(start=date(2025, 4, 1), end=date(2026, 3, 31))
    rows = selectors.lado_figures_csv_rows(figures)
    assert rows[0] == ["section", "item", "measure", "value"]
    assert ["sector", "education", "referrals", 2] in rows
    assert ["timeliness", "resolved_within_1_month", "percent", 50.0] in rows
    assert ["closed", "all", "dbs_referrals", 1] in rows


def test_figures_count_confirmed_repeat_subjects():
    later = AllegationFactory(received_at=at(date(2025, 6, 1)))
    earlier = AllegationFactory(received_at=at(date(2025, 5, 1)))
    SubjectMatch.objects.create(
        allegation=later, earlier=earlier, status=codes.MatchStatus.CONFIRMED
    )
    figures = selectors.lado_figures(start=date(2025, 4, 1), end=date(2026, 3, 31))
    assert figures.repeat_subjects == 1


def test_employer_patterns_group_settings_with_more_than_one_allegation():
    AllegationFactory(setting_name="Kingsmere Swim Club", sector="sport_leisure")
    AllegationFactory(
        setting_name="KINGSMERE SWIM CLUB",
        sector="sport_leisure",
        closed=True,
        outcome=codes.Outcome.SUBSTANTIATED,
    )
    AllegationFactory(setting_name="Oakhurst Nursery")
    patterns = selectors.employer_patterns()
    assert [(p.setting_name, p.total, p.open) for p in patterns] == [
        ("KINGSMERE SWIM CLUB", 2, 1)
    ]
    assert patterns[0].outcomes == [("Substantiated", 1)]
    assert patterns[0].sectors == "Sport and leisure"
