"""The DfE validators run over the returns extracted from the demo data find no
errors from the rules on reviews, episodes, section 47 and child protection plans,
bar the fields the service does not hold.

The factory-built cases in test_returns_validators.py pin single rules; this runs
the whole rule sets over the varied caseload `seed_demo` creates (periods of care
with changes of legal status and placement, short breaks, police protection,
plans with their conferences).
"""

import csv
from datetime import datetime

import pytest
from django.core.management import call_command

from tests.reporting.test_returns_validators import (
    EPISODE_FIELDS,
    MISSING_FIELD_RULES_903,
    MISSING_MODULE_RULES_CIN,
    _run,
    validators_installed,  # noqa: F401 - autouse fixture
)

pytestmark = pytest.mark.django_db

# REASON_PLACE_CHANGE is not held by the service either.
NOT_HELD_903 = MISSING_FIELD_RULES_903 | {"225"}
YEAR = 2026  # the last complete collection year before the demo's "today"


def _changes_of_legal_status_and_placement(episodes_csv) -> int:
    """Episodes with reason T that follow an episode of the same child.

    The validators' rule 435 (RNE P: "placement has changed but not the legal
    status") is applied to RNE T as well, where the legal status changes by
    definition, so it flags every such episode; nothing else may fail it.
    """
    with open(episodes_csv, newline="") as handle:
        rows = sorted(
            csv.DictReader(handle),
            key=lambda r: (r["CHILD"], datetime.strptime(r["DECOM"], "%d/%m/%Y")),
        )
    return sum(
        1
        for previous, row in zip(rows, rows[1:], strict=False)
        if row["CHILD"] == previous["CHILD"] and row["RNE"] == "T"
    )


def test_demo_returns_pass_the_review_episode_s47_and_plan_rules(tmp_path):
    """No review, episode, section 47 or plan rule fails over the demo caseload,
    other than those needing fields the service does not hold."""
    # given
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    call_command(
        "export_returns", "--year", str(YEAR), "--out", str(tmp_path),
        stdout=open("/dev/null", "w"),  # noqa: SIM115
    )
    with open(tmp_path / "reviews.csv") as reviews:
        assert len(reviews.readlines()) > 20  # the extract is not empty
    assert (tmp_path / "cin.xml").read_text().count("<Section47>") > 5
    # when
    failures_903 = _run("run_903.py", tmp_path, YEAR, "lac2025_26")
    failures_cin = _run("run_cin.py", tmp_path / "cin.xml", "cin2025_26")
    # then
    review = [f for f in failures_903 if "REVIEW" in f["fields"]]
    episodes = {
        f["code"]: f["count"]
        for f in failures_903
        if any(field in f["fields"] for field in EPISODE_FIELDS)
        and f["code"] not in NOT_HELD_903
    }
    cp = [
        f
        for f in failures_cin
        if f["table"] in ("Section47", "ChildProtectionPlans")
        and f["code"] not in MISSING_MODULE_RULES_CIN
    ]
    assert review == []
    expected_435 = _changes_of_legal_status_and_placement(tmp_path / "episodes.csv")
    assert episodes.pop("435", 0) == expected_435
    assert episodes == {}
    assert cp == []
