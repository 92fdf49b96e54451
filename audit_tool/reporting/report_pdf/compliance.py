"""Section 7 of the QA report PDF, monthly audit compliance: each manager's monthly audits due,
done and overdue."""

from __future__ import annotations

from typing import Any

from audit_tool.reporting.report_pdf.context import Context
from audit_tool.reporting.report_pdf.tables import Cell, period_table
from audit_tool.reporting.report_pdf.view import compliance_totals, fmt_pct, pct


def render(ctx: Context) -> list[Any]:
    v = ctx.v
    story: list[Any] = [
        ctx.para(
            "Monthly audits each manager was due to complete in the period, how many were "
            "done, and how many are overdue.",
            ctx.intro,
        )
    ]
    keys: dict[str, None] = {}
    for p in [*v.periods, v.total]:
        for k in p.get("compliance") or {}:
            keys.setdefault(k, None)
    if not keys:
        story.append(ctx.empty_note("No monthly audits were due in this period."))
        return story
    rows = sorted(((v.label("people", k), k) for k in keys), key=lambda t: t[0].casefold())

    def cell(period: dict[str, Any], key: str) -> Cell:
        c = (period.get("compliance") or {}).get(key)
        if not c or not int(c.get("due", 0)):
            return Cell("\u2013")
        due, done, overdue = (int(c.get(k, 0)) for k in ("due", "done", "overdue"))
        text = f"{done}/{due} done"
        if overdue:
            text += f"\n{overdue} overdue"
        return Cell(text, bold=overdue > 0)

    def total_key(period: dict[str, Any]) -> Cell:
        due = done = overdue = 0
        for c in (period.get("compliance") or {}).values():
            due += int(c.get("due", 0))
            done += int(c.get("done", 0))
            overdue += int(c.get("overdue", 0))
        if not due:
            return Cell("\u2013")
        return Cell(f"{done}/{due} done\n{overdue} overdue")

    def any_cell(period: dict[str, Any], key: str) -> Cell:
        return total_key(period) if key == "" else cell(period, key)

    named = [(ctx.name_cell(n), k) for n, k in rows]
    story += ctx.sub("compliance-table", "Monthly audits by manager")
    story += period_table(
        ctx,
        "Manager",
        named,
        any_cell,
        total_row=(ctx.name_cell("All managers", bold=True), ""),
    )
    due, done = compliance_totals(v.total)
    overdue = sum(int(c.get("overdue", 0)) for c in (v.total.get("compliance") or {}).values())
    story.append(
        ctx.note_para(
            f"Over the whole period {done} of {due} monthly audits were done "
            f"({fmt_pct(pct(done, due))}); "
            f"{overdue} {'is' if overdue == 1 else 'are'} overdue. "
            "Bold cells have an overdue audit."
        )
    )
    return story
