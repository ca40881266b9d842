"""Pure rules of dispute resolution: which stage may follow which (DRP-02)."""

import pytest

from meetings.workflow import dispute_stages_above, is_formal_stage


@pytest.mark.parametrize(
    ("stage", "expected"),
    [
        ("informal", ["stage_1", "stage_2", "stage_3", "stage_4"]),
        ("stage_1", ["stage_2", "stage_3", "stage_4"]),
        ("stage_2", ["stage_3", "stage_4"]),
        ("stage_3", ["stage_4"]),
        ("stage_4", []),
    ],
)
def test_dispute_stages_above_allows_any_higher_formal_stage(stage, expected):
    """A dispute moves up to the next stage or bypasses to any higher one."""
    assert dispute_stages_above(stage) == expected


@pytest.mark.parametrize(
    ("stage", "expected"),
    [
        ("informal", False),
        ("stage_1", True),
        ("stage_4", True),
    ],
)
def test_is_formal_stage(stage, expected):
    assert is_formal_stage(stage) is expected
