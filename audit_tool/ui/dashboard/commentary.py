"""The commentary editor: the QA lead's words on each section of the report on the Dashboard,
kept as a report edition (services/report_editions.py): saved as a draft, published (then
frozen), and a new version started from a published one. Exports of the report print them.

Every service call is an operation (ui.operations) run on the GUI thread: each is one quick
transaction whose result the dialog shows at once. A refusal the lead can fix (too long, a
name in the text at publication) is shown in the dialog's message line."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from audit_tool.access.actors import Actor
from audit_tool.errors import AuditToolError, ValidationError
from audit_tool.services import report_editions
from audit_tool.services.report_editions import EditionKey, EditionView
from audit_tool.store import Database
from audit_tool.ui import operations as ops
from audit_tool.ui import theme as themes
from audit_tool.ui.forms import confirm


class CommentaryDialog(QDialog):
    """The editor for one report's commentary; `changed` carries each saved or published
    edition."""

    changed = Signal(object)  # EditionView

    def __init__(self, db: Database, actor: Actor, key: EditionKey, parent: QWidget) -> None:
        super().__init__(parent)
        self.db, self.actor, self.key = db, actor, key
        self.setObjectName("commentaryDialog")
        self.setWindowTitle(f"Commentary on {key.description}")
        self.edition: EditionView | None = None
        self.texts: dict[str, str] = {}
        self.keys = list(report_editions.SECTION_KEYS)
        self._build()
        self._load()

    # -- building

    def _build(self) -> None:
        about = QLabel(
            f"Your commentary on each section of {self.key.description}, printed under the "
            "section's heading in every export of it. Write plain text: a blank line starts a "
            "paragraph, \u201c- \u201d a bullet, **bold** for emphasis."
        )
        about.setWordWrap(True)
        self.status = QLabel()
        self.status.setObjectName("commentaryDialog_status")
        themes.styled(self.status, "color: $muted;")
        self.sections = QListWidget()
        self.sections.setObjectName("commentaryDialog_sections")
        self.sections.setAccessibleName("Sections of the report")
        self.sections.addItems([report_editions.HEADINGS[k] for k in self.keys])
        self.sections.setMaximumWidth(260)
        self.sections.currentRowChanged.connect(self._section_chosen)
        self.editor = QPlainTextEdit()
        self.editor.setObjectName("commentaryDialog_text")
        self.editor.textChanged.connect(self._edited)
        self.message = QLabel()
        self.message.setObjectName("commentaryDialog_message")
        self.message.setWordWrap(True)
        self.message.hide()
        self.save_button = self._button("Save draft", "save", "Save the commentary as a draft")
        self.publish_button = self._button(
            "Publish...", "publish", "Publish this version: it is frozen from then on"
        )
        self.publish_button.setVisible(self.actor.can("report.publish"))
        self.new_button = self._button(
            "New version", "newVersion", "Start a new draft version from the published one"
        )
        close = self._button("Close", "close", "Close the commentary")
        self.save_button.clicked.connect(self.save)
        self.publish_button.clicked.connect(self.publish)
        self.new_button.clicked.connect(self.new_version)
        close.clicked.connect(self.reject)
        save = QShortcut(QKeySequence(QKeySequence.StandardKey.Save), self)
        save.activated.connect(self.save)
        body = QHBoxLayout()
        body.addWidget(self.sections)
        body.addWidget(self.editor, 1)
        buttons = QHBoxLayout()
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.publish_button)
        buttons.addWidget(self.new_button)
        buttons.addStretch(1)
        buttons.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(about)
        layout.addWidget(self.status)
        layout.addLayout(body, 1)
        layout.addWidget(self.message)
        layout.addLayout(buttons)
        self.resize(820, 520)

    def _button(self, text: str, name: str, accessible: str) -> QPushButton:
        button = QPushButton(text)
        button.setObjectName(f"commentaryDialog_{name}")
        button.setAccessibleName(accessible)
        button.setAutoDefault(False)
        return button

    # -- showing

    def _load(self) -> None:
        db, actor, key = self.db, self.actor, self.key
        ops.Operation(
            self,
            lambda _task: report_editions.current_edition(db, actor, key),
            title="Commentary",
        ).success(self._show).run()

    def _show(self, edition: EditionView | None) -> None:
        self.edition = edition
        self.texts = dict(edition.commentary) if edition else {}
        frozen = edition is not None and edition.published
        self.editor.setReadOnly(frozen)
        self.status.setText(self._status_text())
        self._mark_sections()
        row = max(self.sections.currentRow(), 0)
        self.sections.setCurrentRow(row)
        self._section_chosen(row)
        self._update_buttons()
        if edition is not None and edition.hits and not frozen:
            self._say(
                "Before publishing, remove what names a child or a person: "
                + ", ".join(edition.hits)
            )

    def _status_text(self) -> str:
        e = self.edition
        if e is None:
            return "No commentary yet: the first save makes draft version 1."
        when = e.published_at if e.published and e.published_at else e.updated_at
        day = f"{when.day} {when:%B %Y}"
        if e.published:
            return (
                f"Published, version {e.version}, on {day}: frozen. Start a new version to "
                "change it."
            )
        by = f" by {e.author_name}" if e.author_name else ""
        return f"Draft, version {e.version}, last saved {day}{by}."

    def _mark_sections(self) -> None:
        for i, key in enumerate(self.keys):
            item = self.sections.item(i)
            written = bool(self.texts.get(key, "").strip())
            heading = report_editions.HEADINGS[key]
            item.setText(heading + ("  \u270e" if written else ""))
            spoken = heading + (", written" if written else "")
            item.setData(Qt.ItemDataRole.AccessibleTextRole, spoken)

    def _section_chosen(self, row: int) -> None:
        if row < 0:
            return
        key = self.keys[row]
        self.editor.blockSignals(True)
        self.editor.setPlainText(self.texts.get(key, ""))
        self.editor.blockSignals(False)
        self.editor.setAccessibleName(f"Commentary on {report_editions.HEADINGS[key]}")

    def _edited(self) -> None:
        row = self.sections.currentRow()
        if row >= 0:
            self.texts[self.keys[row]] = self.editor.toPlainText()
        self._update_buttons()

    def is_dirty(self) -> bool:
        saved = dict(self.edition.commentary) if self.edition else {}
        mine = {k: v.strip() for k, v in self.texts.items() if v.strip()}
        return mine != saved

    def _update_buttons(self) -> None:
        frozen = self.edition is not None and self.edition.published
        self.save_button.setEnabled(not frozen and self.is_dirty())
        self.publish_button.setEnabled(not frozen and (self.edition is not None or self.is_dirty()))
        self.new_button.setVisible(frozen)

    def _say(self, text: str) -> None:
        self.message.setText(text)
        self.message.setVisible(bool(text))

    def _refused(self, exc: AuditToolError) -> bool:
        if isinstance(exc, ValidationError):
            self._say(str(exc))
            return True
        return False  # the operation's dialog says why

    def _done(self, edition: EditionView) -> None:
        self._say("")
        self._show(edition)
        self.changed.emit(edition)

    # -- commands

    def save(self) -> bool:
        """Save the commentary as the draft; True when saved (or nothing to save)."""
        if not self.is_dirty():
            return True
        if self.edition is not None and self.edition.published:
            return False
        db, actor, key, texts = self.db, self.actor, self.key, dict(self.texts)
        revision = self.edition.revision if self.edition else None
        saved = (
            ops.Operation(
                self,
                lambda _task: report_editions.save_commentary(
                    db, actor, key, texts, expected_revision=revision
                ),
                title="Commentary not saved",
            )
            .success(self._done)
            .failure(self._refused)
            .run()
        )
        return saved is not None

    def publish(self) -> None:
        if not self.save() or self.edition is None or self.edition.published:
            return
        if not confirm(
            self,
            "Publish the commentary",
            f"Publish version {self.edition.version} of the commentary on "
            f"{self.key.description}? It is frozen once published; a later change starts a "
            "new version.",
        ):
            return
        db, actor, uuid, revision = self.db, self.actor, self.edition.uuid, self.edition.revision
        ops.Operation(
            self,
            lambda _task: report_editions.publish_edition(
                db, actor, uuid, expected_revision=revision
            ),
            title="Commentary not published",
        ).success(self._done).failure(self._refused).run()

    def new_version(self) -> None:
        if self.edition is None or not self.edition.published:
            return
        db, actor, uuid = self.db, self.actor, self.edition.uuid
        ops.Operation(
            self,
            lambda _task: report_editions.new_version(db, actor, uuid),
            title="No new version",
        ).success(self._done).failure(self._refused).run()

    def reject(self) -> None:
        """Close (the Close button, Escape, the window's close box); unsaved words are never
        lost without asking."""
        if self.is_dirty() and not (self.edition and self.edition.published):
            answer = QMessageBox.question(
                self,
                "Unsaved commentary",
                "Save your commentary as a draft before closing?",
                QMessageBox.StandardButton.Save
                | QMessageBox.StandardButton.Discard
                | QMessageBox.StandardButton.Cancel,
                QMessageBox.StandardButton.Save,
            )
            if answer == QMessageBox.StandardButton.Cancel:
                return
            if answer == QMessageBox.StandardButton.Save and not self.save():
                return
        super().reject()
