"""Import complaints from the complaints system's CSV or Excel extract: the case import dialog
(ui.import_dialog) over services.complaints.importing, all or nothing (no "valid rows only")."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from audit_tool.services import complaints
from audit_tool.ui import operations as ops
from audit_tool.ui.import_dialog import CaseImportDialog

HELP_TEXT = (
    "Import a CSV or Excel (.xlsx) extract with one complaint per row. Required columns: "
    "<b>Complaint reference</b>, <b>Received</b>, <b>Agency</b>, <b>Stage</b> (1, 2 or "
    "Ombudsman), <b>Points</b> (how many). Optional: Team, Themes (each point's themes in turn, "
    "separated by |), Outcome, Responded, Joint agencies, Case reference, Summary. Never "
    "include the complainant's name or address. Nothing is written unless every row is valid; "
    "complaints already held are left as they are."
)


class ComplaintImportDialog(CaseImportDialog):
    TITLE = "Import complaints"
    HELP = HELP_TEXT
    NOUN = "complaint"
    OBJECT_NAME = "complaintImportDialog"
    FILE_FILTER = "Complaint extracts (*.csv *.xlsx);;CSV files (*.csv);;Excel workbooks (*.xlsx)"
    CHANGES = frozenset({ops.COMPLAINTS})
    PARTIAL = False

    def validate(self, path: Path, task: ops.Task) -> Any:
        return complaints.read_complaints(self.db, self.actor, path, progress=task)

    def write(self, path: Path, valid_only: bool, task: ops.Task) -> Any:
        return complaints.import_complaints(self.db, self.actor, path, progress=task)
