"""File > Export / Import audit pack: each an operation (ui.operations) with progress and Cancel.

Export can be cancelled: the pack is read in one transaction that then records nothing, and
the file is written last, whole (a cancelled export writes nothing). Import can be cancelled
too, up to its commit: it is one transaction, so a cancel rolls it back and the database is
as it was; a cancel pressed after the last audit is written comes too late, and the import's
report is shown as usual. Errors go where every operation's go (ui.operations.route_error)."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QMessageBox

from audit_tool.ui import operations as ops

KEY = "audit-pack"  # one pack job per window at a time


def busy(window: Any) -> bool:
    """Whether a pack export or import is running (one at a time)."""
    return ops.is_running(window, KEY)


def export_pack(window: Any, path: str) -> ops.Operation[int] | None:
    """Write every audit the user may exchange (with what it refers to) to `path`."""
    from audit_tool.services import packs

    if busy(window):
        return None
    withheld: list[str] = []
    db, actor = window.db, window.actor

    def done(count: object) -> None:
        message = f"{count} audit(s) exported to {path}"
        if withheld:
            message += (
                f"; {len(withheld)} left out: you are one of their auditors and not every "
                "review is in yet"
            )
        window.statusBar().showMessage(message, 12000)

    return (
        ops.Operation(
            window,
            lambda task: packs.write_pack(db, actor, path, withheld=withheld, progress=task),
            title="Pack not exported",
            key=KEY,
        )
        .with_progress(
            "Exporting the audit pack...",
            cancellable=True,
            name="packExportProgress",
            title="Audit pack",
        )
        .success(done)
        .run_in_background()
    )


def import_pack(window: Any, path: str) -> ops.Operation[Any] | None:
    """Read an audit pack: all or nothing; conflicts are reported and left untouched."""
    from audit_tool.services import packs

    if busy(window):
        return None
    db, actor = window.db, window.actor

    def done(report: Any) -> None:
        text = (
            f"{len(report.created)} audit(s) new, {len(report.updated)} updated, "
            f"{len(report.unchanged)} unchanged; {report.reference_created} reference "
            "record(s) added."
        )
        if report.conflicts:
            text += "\n\nLeft untouched (conflicts):\n" + "\n".join(report.conflicts[:20])
        window.statusBar().clearMessage()
        box = QMessageBox(QMessageBox.Icon.Information, "Audit pack imported", text, parent=window)
        box.setObjectName("packReport")
        box.exec()

    return (
        ops.Operation(
            window,
            lambda task: packs.import_pack(db, actor, packs.read_pack(path), task),
            title="Pack not imported",
            key=KEY,
            changes=ops.PACK_CHANGES,
        )
        .with_progress(
            "Importing the audit pack...",
            cancellable=True,
            name="packImportProgress",
            title="Audit pack",
        )
        .success(done)
        .run_in_background()
    )
