from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

SHARED_CASES = Path(__file__).resolve().parents[3] / "shared" / "timescale-cases.csv"

pytestmark = pytest.mark.django_db


def _run(*args):
    out = StringIO()
    call_command("timescale", *args, stdout=out)
    return out.getvalue()


def test_timescale_prints_the_due_date_then_the_explanation():
    lines = _run("lado_decision", "2026-04-02").splitlines()
    assert lines[0] == "2026-04-07"
    assert any("Good Friday" in line for line in lines)


def test_timescale_csv_reproduces_the_shared_table():
    """`timescale --csv` on the shared worked examples prints their due dates exactly."""
    expected = ["rule,start,due"] + [
        ",".join(line.split(",")[:3])
        for line in SHARED_CASES.read_text().splitlines()[1:]
    ]
    assert _run("--csv", str(SHARED_CASES)).splitlines() == expected


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("cic_review_9", "2026-01-01"), "Unknown rule"),
        (("cic_review_1", "01/02/2026"), "not a date"),
        (("cic_review_1",), "Usage"),
        (("--csv", "/nonexistent.csv"), "Cannot read"),
    ],
)
def test_timescale_bad_input_is_a_clear_error(args, message):
    with pytest.raises(CommandError, match=message):
        _run(*args)


def test_timescale_csv_without_header_or_with_bad_row(tmp_path):
    no_header = tmp_path / "a.csv"
    no_header.write_text("cic_review_1,2026-01-01\n")
    bad_row = tmp_path / "b.csv"
    bad_row.write_text("rule,start\ncic_review_1,2026-01-01\ncp_icpc,tomorrow\n")
    with pytest.raises(CommandError, match="header"):
        _run("--csv", str(no_header))
    with pytest.raises(CommandError, match="line 3"):
        _run("--csv", str(bad_row))
