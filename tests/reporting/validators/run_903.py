"""Run the DfE SSDA903 rules (csc-validator-be-903, `lac_validator`) over a directory
holding header.csv, episodes.csv and reviews.csv; print the failing rules as JSON.

Runs under the validators' own virtualenv (pandas < 2), never the app's:
    $DFE_VALIDATORS_PYTHON run_903.py DIR YEAR RULESET
"""

import importlib
import json
import logging
import sys
import warnings

warnings.filterwarnings("ignore")
logging.disable(logging.CRITICAL)

from lac_validator import lac_validator  # noqa: E402
from lac_validator.report import Report  # noqa: E402
from lac_validator.utils import process_uploaded_files  # noqa: E402

directory, year, ruleset = sys.argv[1:4]
files = process_uploaded_files(
    {
        "This year": [
            f"{directory}/{name}.csv" for name in ("header", "episodes", "reviews")
        ]
    }
)
registry = importlib.import_module(f"lac_validator.rules.{ruleset}").registry
validator = lac_validator.LacValidator(
    metadata={"collectionYear": year, "localAuthority": "E09000027"},
    files=files,
    registry=registry,
    selected_rules=None,
)
summary = Report(validator.ds_results, registry).error_summary
print(
    json.dumps(
        [
            {
                "code": str(row["Code"]),
                "fields": str(row["Affected Fields"]),
                "count": int(row["Error Count"]),
                "message": str(row["Error Description"]),
            }
            for _, row in summary.iterrows()
        ]
        if hasattr(summary, "iterrows")
        else []
    )
)
