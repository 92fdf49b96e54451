"""The complaint and compliment operations of the role matrix (tests/services/
test_role_matrix.py), on the complaints and compliments role_world.build records: one of each
in agency A (the actors' own) and one of each in agency B."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from audit_tool.services import complaints as C
from audit_tool.services.complaints import ComplaintInput, ComplimentInput, PointInput

TODAY = date.today()
COMPLAINT = ComplaintInput(
    reference="RM-NEW",
    received_on=TODAY - timedelta(days=3),
    agency_key="csc",
    team_key="team_a",
    stage="stage1",
    points=(PointInput("Letters were late", ("communication",)),),
)
COMPLIMENT = ComplimentInput(TODAY - timedelta(days=3), "csc", "parent", "Kind and clear")


def _csv(tmp: Path) -> Path:
    # Named as the case import's file, which the matrix allows a refused call to leave.
    path = tmp / "cases.csv"
    path.write_text(
        "Complaint reference,Received,Agency,Stage,Points\nRM-CSV,2026-01-05,csc,1,1\n",
        encoding="utf-8",
    )
    return path


def operations(op: Callable[..., Any], roles: Callable[[str], frozenset[str]]) -> list[Any]:
    lead = frozenset({"lead"})
    view, record = roles("complaint.view"), roles("complaint.record")
    seen, kept = roles("compliment.view"), roles("compliment.record")

    def r(w: Any, name: str) -> str:
        return str(w.records[name])

    return [
        op(
            "complaints.records.record_complaint",
            C.record_complaint,
            lambda d, a, w, t: C.record_complaint(d, a, COMPLAINT),
            record,
            write=True,
        ),
        op(
            "complaints.records.record_complaint(other agency)",
            C.record_complaint,
            lambda d, a, w, t: C.record_complaint(
                d, a, replace(COMPLAINT, agency_key="police", team_key=None)
            ),
            lead,
            write=True,
        ),
        op(
            "complaints.records.check_complaint",
            C.check_complaint,
            lambda d, a, w, t: C.check_complaint(d, a, COMPLAINT),
            record,
        ),
        op(
            "complaints.records.update_complaint",
            C.update_complaint,
            lambda d, a, w, t: C.update_complaint(
                d, a, r(w, "complaint"), replace(COMPLAINT, reference="RM-A")
            ),
            record,
            write=True,
        ),
        op(
            "complaints.records.update_complaint(other agency)",
            C.update_complaint,
            lambda d, a, w, t: C.update_complaint(
                d,
                a,
                r(w, "complaint_b"),
                replace(COMPLAINT, reference="RM-B", agency_key="police", team_key="team_b"),
            ),
            lead,
            write=True,
            hidden=True,
        ),
        op(
            "complaints.records.delete_complaint",
            C.delete_complaint,
            lambda d, a, w, t: C.delete_complaint(d, a, r(w, "complaint")),
            record,
            write=True,
        ),
        op(
            "complaints.records.get_complaint",
            C.get_complaint,
            lambda d, a, w, t: C.get_complaint(d, a, r(w, "complaint")),
            view,
        ),
        op(
            "complaints.records.get_complaint(other agency)",
            C.get_complaint,
            lambda d, a, w, t: C.get_complaint(d, a, r(w, "complaint_b")),
            lead,
            hidden=True,
        ),
        op(
            "complaints.listing.list_complaints",
            C.list_complaints,
            lambda d, a, w, t: C.list_complaints(d, a),
            view,
        ),
        op(
            "complaints.listing.complaint_themes",
            C.complaint_themes,
            lambda d, a, w, t: C.complaint_themes(d, a),
            view | seen,
        ),
        op(
            "complaints.actions.add_complaint_action",
            C.add_complaint_action,
            lambda d, a, w, t: C.add_complaint_action(
                d, a, r(w, "complaint"), text="Check letters", owner_key="mod_a", due_on=TODAY
            ),
            record,
            write=True,
        ),
        op(
            "complaints.actions.complaint_action_rows",
            C.complaint_action_rows,
            lambda d, a, w, t: C.complaint_action_rows(d, a, r(w, "complaint")),
            view,
        ),
        op(
            "complaints.importing.read_complaints",
            C.read_complaints,
            lambda d, a, w, t: C.read_complaints(d, a, _csv(t)),
            roles("complaint.import"),
        ),
        op(
            "complaints.importing.import_complaints",
            C.import_complaints,
            lambda d, a, w, t: C.import_complaints(d, a, _csv(t)),
            roles("complaint.import"),
            write=True,
        ),
        op(
            "complaints.rules.timescales",
            C.timescales,
            lambda d, a, w, t: C.timescales(d, a),
            view | roles("reference.edit"),
        ),
        op(
            "complaints.rules.save_timescales",
            C.save_timescales,
            lambda d, a, w, t: C.save_timescales(d, a, {"stage1": 15}),
            roles("reference.edit"),
            write=True,
        ),
        op(
            "complaints.compliments.shareable_problems",
            C.shareable_problems,
            lambda d, a, w, t: C.shareable_problems(d, a, "Kind words"),
            kept,
        ),
        op(
            "complaints.compliments.check_compliment",
            C.check_compliment,
            lambda d, a, w, t: C.check_compliment(d, a, COMPLIMENT),
            kept,
        ),
        op(
            "complaints.compliments.record_compliment",
            C.record_compliment,
            lambda d, a, w, t: C.record_compliment(d, a, COMPLIMENT),
            kept,
            write=True,
        ),
        op(
            "complaints.compliments.update_compliment",
            C.update_compliment,
            lambda d, a, w, t: C.update_compliment(
                d, a, r(w, "compliment"), replace(COMPLIMENT, summary="Kind")
            ),
            kept,
            write=True,
        ),
        op(
            "complaints.compliments.update_compliment(other agency)",
            C.update_compliment,
            lambda d, a, w, t: C.update_compliment(
                d, a, r(w, "compliment_b"), replace(COMPLIMENT, agency_key="police", summary="Kind")
            ),
            lead,
            write=True,
            hidden=True,
        ),
        op(
            "complaints.compliments.delete_compliment",
            C.delete_compliment,
            lambda d, a, w, t: C.delete_compliment(d, a, r(w, "compliment")),
            kept,
            write=True,
        ),
        op(
            "complaints.compliments.list_compliments",
            C.list_compliments,
            lambda d, a, w, t: C.list_compliments(d, a),
            seen,
        ),
    ]


def build(lead: Any, db: Any, records: dict[str, str]) -> None:
    """The complaints and compliments the operations above act on."""
    records["complaint"] = C.record_complaint(db, lead, replace(COMPLAINT, reference="RM-1")).uuid
    records["complaint_b"] = C.record_complaint(
        db, lead, replace(COMPLAINT, reference="RM-2", agency_key="police", team_key="team_b")
    ).uuid
    records["compliment"] = C.record_compliment(db, lead, COMPLIMENT).uuid
    records["compliment_b"] = C.record_compliment(
        db, lead, replace(COMPLIMENT, agency_key="police")
    ).uuid
