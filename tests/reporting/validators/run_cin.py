"""Run the DfE CIN census rules (csc-validator-be-cin, `cin_validator`) over a cin.xml;
print the failing rules as JSON.

Runs under the validators' own virtualenv, never the app's:
    $DFE_VALIDATORS_PYTHON run_cin.py FILE RULESET
"""

import importlib
import json
import logging
import sys
import warnings
import xml.etree.ElementTree as ET

warnings.filterwarnings("ignore")
logging.disable(logging.CRITICAL)

from cin_validator import cin_validator  # noqa: E402

path, ruleset = sys.argv[1:3]
data = cin_validator.process_data(cin_validator.convert_data(ET.parse(path).getroot()))
registry = importlib.import_module(f"cin_validator.rules.{ruleset}").registry
issues = cin_validator.CinValidator(data, registry, selected_rules=None).full_issue_df
counts = issues.groupby(["rule_code", "tables_affected", "columns_affected"]).size()
print(
    json.dumps(
        [
            {
                "code": str(code),
                "table": str(table),
                "fields": str(column),
                "count": int(n),
            }
            for (code, table, column), n in counts.items()
        ]
    )
)
