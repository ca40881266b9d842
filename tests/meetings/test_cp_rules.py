"""Pure rules of child protection: the shared timescale table, outcomes, redaction."""

import csv
from datetime import date
from pathlib import Path

import pytest

from cases.selectors import clock_get
from meetings import workflow
from meetings.types import MEETING_TYPES, meeting_types_in

TABLE = Path(__file__).resolve().parents[3] / "shared" / "timescale-cases.csv"


def _cp_rows():
    with TABLE.open(newline="") as handle:
        return [row for row in csv.DictReader(handle) if row["rule"].startswith("cp_")]


@pytest.mark.django_db
@pytest.mark.parametrize("row", _cp_rows(), ids=lambda r: f"{r['rule']}-{r['start']}")
def test_cp_timescales_reproduce_the_shared_table(row):
    """Every cp_* row of the shared table comes out of the clock as written."""
    due = clock_get().due(row["rule"], date.fromisoformat(row["start"]))
    assert due.due == date.fromisoformat(row["due"]), row["note"]


def test_the_shared_table_has_cp_rows():
    assert {row["rule"] for row in _cp_rows()} >= {
        "cp_icpc",
        "cp_transfer_in",
        "cp_core_group_1",
        "cp_rcpc_1",
        "cp_rcpc_n",
    }


@pytest.mark.parametrize(
    ("allowed", "data", "expected"),
    [
        (("plan", "no_plan"), {"outcome": "plan", "category": "NEG"}, None),
        (("plan", "no_plan"), {"outcome": "plan"}, "category"),
        (("plan", "no_plan"), {"outcome": "no_plan"}, "alternative"),
        (("plan", "no_plan"), {"outcome": "no_plan", "alternative": "cin_plan"}, None),
        (("plan", "no_plan"), {"outcome": "continue", "category": "NEG"}, "outcome"),
        (("continue", "end"), {"outcome": "continue", "category": "EMO"}, None),
        (("continue", "end"), {"outcome": "end"}, "end_reason"),
        (
            ("continue", "end"),
            {"outcome": "end", "end_reason": "no_longer_at_risk"},
            "alternative",
        ),
        (("continue", "end"), {}, "outcome"),
    ],
)
def test_conference_outcome_problem(allowed, data, expected):
    problem = workflow.conference_outcome_problem(
        allowed=allowed,
        outcome=data.get("outcome", ""),
        category=data.get("category", ""),
        alternative=data.get("alternative", ""),
        end_reason=data.get("end_reason", ""),
    )
    assert (problem[0] if problem else None) == expected


SECTIONS = [
    {"heading": "Agencies", "present_ids": [1, 2, 3], "restricted_text": "Address"},
    {"heading": "Private", "present_ids": [2, 3], "restricted_text": ""},
]


def test_agencies_receive_every_section_with_its_restricted_details():
    shown = workflow.sections_for_recipient(SECTIONS, is_family=False, participant_id=2)
    assert [s["heading"] for s in shown] == ["Agencies", "Private"]
    assert shown[0]["restricted_text"] == "Address"


def test_a_parent_receives_only_sections_attended_without_restricted_details():
    shown = workflow.sections_for_recipient(SECTIONS, is_family=True, participant_id=1)
    assert [(s["heading"], s["restricted_text"]) for s in shown] == [("Agencies", "")]
    assert SECTIONS[0]["restricted_text"] == "Address"


def test_a_family_member_who_is_not_a_participant_receives_no_section():
    assert (
        workflow.sections_for_recipient(SECTIONS, is_family=True, participant_id=None)
        == []
    )


@pytest.mark.parametrize(
    ("status", "role", "allowed"),
    [
        ("draft", "minute_taker", True),
        ("draft", "chair", True),
        ("submitted", "minute_taker", False),
        ("submitted", "chair", True),
        ("approved", "chair", False),
        ("draft", "", False),
    ],
)
def test_who_edits_minutes_in_each_status(status, role, allowed):
    assert workflow.minutes_may_edit_as(status=status, as_role=role) is allowed


@pytest.mark.parametrize(
    ("current", "new", "allowed"),
    [
        ("draft", "submitted", True),
        ("submitted", "approved", True),
        ("submitted", "draft", True),
        ("draft", "approved", False),
        ("approved", "superseded", True),
        ("approved", "draft", False),
    ],
)
def test_minutes_transitions(current, new, allowed):
    assert workflow.can_move(workflow.MINUTES_TRANSITIONS, current, new) is allowed


def test_family_roles_get_the_family_copy():
    assert workflow.is_family_role("parent") and workflow.is_family_role("child")
    assert not workflow.is_family_role("police")
    assert not workflow.is_family_role("social_worker")


def test_every_meeting_type_the_job_descriptions_name_is_declared():
    assert {spec.kind for spec in meeting_types_in("other")} == {
        "foster_carer_review",
        "short_break_review",
        "secure_review",
        "adoption_review",
        "aim_meeting",
        "cin_meeting",
        "disruption_meeting",
        "information_sharing",
    }
    assert {spec.kind for spec in meeting_types_in("cp")} == {
        "icpc",
        "transfer_in",
        "rcpc",
        "core_group",
    }


def test_declared_rules_exist():
    from cases.timescales import RULES

    for spec in MEETING_TYPES.values():
        for code in (
            spec.first_rule,
            spec.repeat_rule,
            spec.reports_rule,
            spec.decisions_rule,
            spec.record_rule,
        ):
            assert code is None or code in RULES, (spec.kind, code)
