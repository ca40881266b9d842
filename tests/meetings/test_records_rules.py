"""Pure rules of the record: lateness of its steps and its content hash."""

import hashlib
import json
from datetime import date

import pytest

from meetings.selectors import (
    chair_report_content,
    chair_report_content_hash,
    record_step_timeliness,
)

DUE = date(2026, 4, 3)


@pytest.mark.parametrize(
    ("done_on", "today", "is_late", "days_late", "text"),
    [
        (None, date(2026, 4, 1), False, 0, "Due by 03/04/2026"),
        (None, DUE, False, 0, "Due by 03/04/2026"),
        (None, date(2026, 4, 4), True, 1, "Late by 1 day (was due by 03/04/2026)"),
        (None, date(2026, 4, 10), True, 7, "Late by 7 days (was due by 03/04/2026)"),
        (
            DUE,
            date(2026, 5, 1),
            False,
            0,
            "Sent 03/04/2026: in time (due by 03/04/2026)",
        ),
        (
            date(2026, 4, 6),
            date(2026, 5, 1),
            True,
            3,
            "Sent 06/04/2026: late by 3 days (due by 03/04/2026)",
        ),
    ],
)
def test_record_step_timeliness_flags_late_steps(
    done_on, today, is_late, days_late, text
):
    """A step done or still open after its due date is late by whole calendar days."""
    result = record_step_timeliness(
        due_on=DUE, done_on=done_on, today=today, done_word="Sent"
    )
    assert (result.is_late, result.days_late, result.text) == (is_late, days_late, text)


def test_record_step_timeliness_without_a_due_date_is_never_late():
    """A meeting with no recorded due date shows no lateness."""
    result = record_step_timeliness(due_on=None, done_on=None, today=date(2027, 1, 1))
    assert (result.is_late, result.text) == (False, "No due date recorded")


ACTIONS = [
    {
        "text": "Arrange the health assessment",
        "owner_name": "Sam",
        "owner_role": "social_worker",
        "due_on": "2026-04-30",
    }
]


def test_content_hash_is_sha256_of_canonical_json():
    """The hash is SHA-256 over sorted-key, compact, UTF-8 JSON of fields and decisions."""
    # given
    content = chair_report_content(fields={"summary": "Café ok"}, actions=ACTIONS)
    expected_json = json.dumps(
        {
            "decisions": ACTIONS,
            "fields": {
                "chair_view": "",
                "child_views": "",
                "discussion": "",
                "family_views": "",
                "letter_to_child": "",
                "summary": "Café ok",
            },
        },
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
    )
    # when
    digest = chair_report_content_hash(content)
    # then
    assert digest == hashlib.sha256(expected_json.encode("utf-8")).hexdigest()


def test_content_hash_changes_with_a_decision():
    """Changing who does a decision changes the hash; the same content hashes the same."""
    before = chair_report_content(fields={"summary": "x"}, actions=ACTIONS)
    same = chair_report_content(fields={"summary": "x"}, actions=[dict(ACTIONS[0])])
    changed = chair_report_content(
        fields={"summary": "x"}, actions=[{**ACTIONS[0], "owner_name": "Alex"}]
    )
    assert chair_report_content_hash(before) == chair_report_content_hash(same)
    assert chair_report_content_hash(before) != chair_report_content_hash(changed)
