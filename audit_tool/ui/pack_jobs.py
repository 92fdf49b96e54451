"""File > Export / Import audit pack: the work runs in a Worker, with a progress dialog.

Export can be cancelled: the pack is read in one transaction that then records nothing, and
the file is written last, whole (a cancelled export writes nothing). Import can be cancelled
too, up to its commit: it is one transaction, so a cancel rolls it back and the database is
as it was; a cancel pressed after the last audit is written comes too late, and the import's
report is shown as usual. Errors are shown as one readable message (ui.errors.show_error)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMainWindow, QMessageBox, QProgressDialog

from audit_tool.errors import Cancelled
from audit_tool.ui.errors import show_error
from audit_tool.ui.workers import Worker


def _run(
    window: QMainWindow,
    text: str,
    name: str,
    job: Callable[[Callable[[int, int], bool]], Any],
    done: Callable[[Any], None],
    failed_title: str,
) -> Worker:
    """Run `job(progress)` off the GUI thread with a window-modal progress dialog and Cancel."""
    dialog = QProgressDialog(text, "Cancel", 0, 0, window)
    dialog.setObjectName(name)
    dialog.setWindowTitle("Audit pack")
    dialog.setWindowModality(Qt.WindowModality.WindowModal)
    dialog.setMinimumDuration(300)
    dialog.setAutoReset(False)
    dialog.setAutoClose(False)
    worker = Worker(job)
    window._pack_worker = worker  # type: ignore[attr-defined]  # kept alive until it ends

    def progress(done_: int, total: int) -> None:
        if dialog.wasCanceled():
            return
        dialog.setMaximum(total)
        dialog.setValue(done_)

    def cancel() -> None:
        worker.cancel()
        window.statusBar().showMessage("Stopping...")

    def finish() -> None:
        dialog.close()
        dialog.deleteLater()
        window._pack_worker = None  # type: ignore[attr-defined]

    def finished(result: object) -> None:
        finish()
        done(result)

    def failed(exc: object) -> None:
        finish()
        if isinstance(exc, Cancelled):
            window.statusBar().showMessage(str(exc), 12000)
        else:
            show_error(window, failed_title, exc if isinstance(exc, BaseException) else str(exc))

    worker.signals.progress.connect(progress)
    worker.signals.finished.connect(finished)
    worker.signals.failed.connect(failed)
    dialog.canceled.connect(cancel)
    worker.start()
    return worker


def busy(window: QMainWindow) -> bool:
    """Whether a pack export or import is running (one at a time)."""
    return getattr(window, "_pack_worker", None) is not None


def export_pack(window: Any, path: str) -> Worker | None:
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

    return _run(
        window,
        "Exporting the audit pack...",
        "packExportProgress",
        lambda progress: packs.write_pack(db, actor, path, withheld=withheld, progress=progress),
        done,
        "Pack not exported",
    )


def import_pack(window: Any, path: str) -> Worker | None:
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
        window.refresh_after_import()

    return _run(
        window,
        "Importing the audit pack...",
        "packImportProgress",
        lambda progress: packs.import_pack(db, actor, packs.read_pack(path), progress),
        done,
        "Pack not imported",
    )
