"""The report's optional `by_case_field`: final grades by each choice and yes/no case field's
value on the case, against figures worked out by hand, in the JSON written and read back.

C1000: pathway RED, MACE yes      final good
C1001: pathway AMBER              final requires improvement
C1002: no values                  final outstanding
"""

from __future__ import annotations

import json
from datetime import date, timedelta

from jsonschema import Draft202012Validator

from audit_tool.reporting import report as reports
from audit_tool.resources import resource
from audit_tool.services import report_export
from tests.factories import final_audit
from tests.services.test_case_fields import define_fields, set_fields

NO_GRADES = {"outstanding": 0, "good": 0, "requires_improvement": 0, "inadequate": 0}
FROM, TO = date(2025, 4, 1), date.today() + timedelta(days=1)


def group(pct: float, **grades: int) -> dict:
    return {
        "audits_final": sum(grades.values()),
        "overall": NO_GRADES | grades,
        "pct_good_or_better": pct,
    }


def test_grades_by_case_field_in_the_json_written_and_read_back(world, tmp_path):
    assert (
        "by_case_field"
        not in reports.compute(world.db, world.lead, date_from=FROM, date_to=TO)["total"]
    )  # an optional addition: absent without such fields
    define_fields(world)
    set_fields(world, "C1000", {"pathway": "RED", "mace": "yes", "school": "Northfield"})
    set_fields(world, "C1001", {"pathway": "AMBER", "dob": "2012-01-01"})
    final_audit(world, ref="C1000", overall="good")
    final_audit(world, ref="C1001", overall="requires_improvement")
    final_audit(world, ref="C1002", overall="outstanding")
    out = report_export.write_report(
        world.db, world.lead, tmp_path / "r.json", fmt="json", date_from=FROM, date_to=TO
    )
    written = json.loads(out.read_text(encoding="utf-8"))
    schema = json.loads(resource("schemas", "qa-report-v1.schema.json").read_text())
    Draft202012Validator(schema).validate(written)
    expected = {
        "pathway": {
            "(not recorded)": group(100.0, outstanding=1),
            "AMBER": group(0.0, requires_improvement=1),
            "RED": group(100.0, good=1),
        },
        "mace": {
            "(not recorded)": group(50.0, outstanding=1, requires_improvement=1),
            "yes": group(100.0, good=1),
        },
        # A field no case holds a value of: every audit "not recorded".
        "legal_status": {
            "(not recorded)": group(66.7, outstanding=1, good=1, requires_improvement=1)
        },
    }
    assert written["total"]["by_case_field"] == expected
    assert sum(p["by_case_field"]["pathway"].get("RED", {}).get("audits_final", 0)
               for p in written["periods"]) == 1  # fmt: skip
    # Text, date and number fields (school, the date of birth) are not broken down by.
    assert written["labels"]["case_fields"] == {
        "pathway": "Pathway",
        "legal_status": "Legal status",
        "mace": "Discussed at MACE",
    }
