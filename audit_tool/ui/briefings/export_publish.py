"""Export PDF... and Publish..., the Briefings view's two commands that run off the GUI thread
as operations (ui.operations), with the busy indicator and the refusal shown when the text
still names someone."""

from __future__ import annotations

from collections.abc import Collection
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QCheckBox, QLabel, QMessageBox, QProgressBar

from audit_tool.errors import AuditToolError, ConflictError, ValidationError
from audit_tool.services import briefings
from audit_tool.services.briefings import BriefingView
from audit_tool.ui import operations as ops
from audit_tool.ui.briefings.common import (
    PUBLISH_TEXT,
    export_paths,
    file_stem,
    hits_text,
    setting,
    store_setting,
)
from audit_tool.ui.briefings.drafting import show_created
from audit_tool.ui.forms import confirm

if TYPE_CHECKING:
    from audit_tool.ui.briefings.view import BriefingsView


def accessible_option() -> QCheckBox:
    """The toolbar's "with accessible versions" box, as last left (ticked at first)."""
    check = QCheckBox("with accessible versions")
    check.setObjectName("briefings_exportAccessible")
    check.setAccessibleName("Also export the accessible tagged PDF and a text file")
    check.setToolTip(
        "Also write the accessible tagged PDF (PDF/UA, <name>-text.pdf) and a plain text file "
        "(<name>.txt) beside the PDF"
    )
    check.setChecked(setting("exportAccessible", True))
    return check


class ExportPublish(QObject):
    """The running export or publication (one at a time), its busy label and bar."""

    def __init__(self, view: BriefingsView) -> None:
        super().__init__(view)
        self.view = view
        self.operation: ops.Operation[Any] | None = None
        self.export_path = Path()
        self.busy_label = QLabel()
        self.busy_label.setObjectName("briefings_busyLabel")
        self.busy_label.hide()
        self.busy = QProgressBar()
        self.busy.setObjectName("briefings_progress")
        self.busy.setAccessibleName("Progress")
        self.busy.setMaximumWidth(180)
        self.busy.hide()

    @property
    def running(self) -> bool:
        return self.operation is not None and self.operation.is_running

    def export_pdf(self, path: Path | None = None) -> None:
        """Ask where (unless `path` is given) and write the PDF in the background."""
        view = self.view
        current = view.current
        if current is None or self.running or not view.save():
            return
        if path is None:
            from PySide6.QtWidgets import QFileDialog

            folder = Path(str(setting("exportDir", str(Path.home()))))
            name, _ = QFileDialog.getSaveFileName(
                view,
                "Export briefing as PDF",
                str(folder / f"{file_stem(current.row.title)}.pdf"),
                "PDF document (*.pdf)",
            )
            if not name:
                return
            path = Path(name)
        if path.suffix.lower() != ".pdf":
            path = path.with_name(path.name + ".pdf")
        store_setting("exportDir", str(path.parent))
        text_pdf, text = export_paths(path) if view.accessible_check.isChecked() else (None, None)
        db, actor, uuid = view.db, view.actor, current.uuid

        def work(report: Any) -> object:
            return briefings.export_briefing(
                db,
                actor,
                uuid,
                path,
                accessible_pdf_path=text_pdf,
                text_path=text,
                progress=report,
            )

        self.export_path = path
        self._start(work, "Exporting PDF...", self._exported, self._export_failed, frozenset())

    def publish(self) -> None:
        view = self.view
        current = view.current
        if current is None or current.published or not view.can_publish or self.running:
            return
        if not view.save():
            return
        if not confirm(view, "Publish briefing", PUBLISH_TEXT.format(title=current.row.title)):
            return
        db, actor, uuid, revision = view.db, view.actor, current.uuid, view.revision

        def work(_report: Any) -> object:
            return briefings.publish(db, actor, uuid, expected_revision=revision)

        self._start(work, "Publishing...", self._published, self._publish_failed, {ops.BRIEFINGS})

    def _start(self, fn: Any, label: str, done: Any, failed: Any, changes: Collection[str]) -> None:
        self.busy_label.setText(label)
        self.busy.setRange(0, 0)
        self.busy.show()
        self.busy_label.show()
        operation = ops.Operation(self.view, fn, title="Briefings", changes=changes)
        operation.progressed.connect(self._progress)
        self.operation = operation.success(done).failure(failed).finally_(self._finish)
        operation.run_in_background()
        self.view.update_actions()

    def _progress(self, done: int, total: int) -> None:
        self.busy.setRange(0, max(total, 1))
        self.busy.setValue(done)

    def _finish(self) -> None:
        self.busy.hide()
        self.busy_label.hide()
        self.view.update_actions()

    def _exported(self, result: object) -> None:
        path = self.export_path
        extra = getattr(result, "accessible_pdf", None)
        text = f"Exported {path.name}"
        if extra is not None:
            text += f", with {extra.name} and {path.stem}.txt beside it"
        self.view.status_message.emit(text)
        self.view.exported.emit(str(path))

    def _export_failed(self, exc: AuditToolError) -> bool:
        return self._refused("Briefing not exported", exc)

    def _published(self, result: object) -> None:
        assert isinstance(result, BriefingView)
        show_created(self.view, result)
        self.view.status_message.emit(
            f"Published '{result.row.title}', version {result.row.version}: frozen"
        )

    def _publish_failed(self, exc: AuditToolError) -> bool:
        if isinstance(exc, ConflictError):
            self.view.saving.conflict(exc)
            return True
        return self._refused("Briefing not published", exc)

    def _refused(self, title: str, exc: AuditToolError) -> bool:
        """A refusal for identifying details lists them and offers the check (True: shown);
        any other error is left to the operation's dialog (False)."""
        view = self.view
        if not (isinstance(exc, ValidationError) and "hits" in exc.fields):
            return False
        hits: list[Any] = []
        if view.current is not None and view.can_edit:
            db, actor, uuid = view.db, view.actor, view.current.uuid
            hits = (
                ops.Operation(
                    view, lambda task: briefings.check(db, actor, uuid), title="Check for names"
                )
                .quietly()  # then the refusal's own list is shown
                .run()
            ) or []
        listed = hits_text(hits) if hits else exc.fields["hits"]
        box = QMessageBox(
            QMessageBox.Icon.Warning,
            title,
            "The briefing names a child or a person, so it cannot leave the app yet:\n\n"
            f"{listed}\n\nRemove these from the text"
            + (", or a QA lead may allow one with a reason." if view.can_override else "."),
            QMessageBox.StandardButton.Close,
            view,
        )
        box.setObjectName("briefings_refused")
        open_check = None
        if view.can_edit:
            open_check = box.addButton("Open the &check", QMessageBox.ButtonRole.ActionRole)
            open_check.setObjectName("briefings_openCheck")
            box.setDefaultButton(open_check)
        box.exec()
        if open_check is not None and box.clickedButton() is open_check:
            view.names_check.run()
        return True
