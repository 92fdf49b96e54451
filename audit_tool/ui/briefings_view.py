"""The Briefings view: 7-minute learning briefings drafted, edited, checked, exported, published
and recorded where they were used.

A QA lead drafts a briefing from a programme's final audits, those carrying a theme tag, or
audits picked by hand ("New briefing..."), then edits its title, audience and seven sections
side by side with the list. Each section is a rich-text box kept in the briefing's light
Markdown, with its word count against the page-one budget and a button that drafts it again
from the audits. Edits save a few seconds after typing stops. "Check for names..." lists the
identifying details still in the text; a lead may allow one with a reason. "Export PDF..."
writes the designed PDF (and, by default, the text-only PDF and the .txt beside it) off the GUI
thread. Publishing freezes the text and the PDF; "New version" makes an editable copy. The
register of where a published briefing was used sits in its own tab. Everyone else reads the
published briefings and exports them."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from PySide6.QtCore import QDate, QModelIndex, QPersistentModelIndex, Qt, QTimer, Signal
from PySide6.QtGui import (
    QAction,
    QFocusEvent,
    QFont,
    QHideEvent,
    QKeySequence,
    QTextCursor,
    QTextDocument,
    QTextListFormat,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QCompleter,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QRadioButton,
    QScrollArea,
    QSizePolicy,
    QSpinBox,
    QSplitter,
    QTableView,
    QTabWidget,
    QTextEdit,
    QToolBar,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from audit_tool.access.actors import Actor
from audit_tool.errors import AuditToolError, ConflictError, ValidationError
from audit_tool.services import briefings
from audit_tool.services.briefings import (
    DEFAULT_AUDIENCE,
    HEADINGS,
    SECTIONS,
    STATUS_LABELS,
    WORD_BUDGET,
    BriefingRow,
    BriefingView,
    DeliveryRow,
)
from audit_tool.store import Database
from audit_tool.ui import theme as themes
from audit_tool.ui.errors import show_error
from audit_tool.ui.filters import text_height
from audit_tool.ui.forms import BANNER_STYLE, ERROR_STYLE, FieldForm, confirm, field_with_error
from audit_tool.ui.learning_view import ColumnFitter
from audit_tool.ui.table_model import Column, RecordTableModel

_Index = QModelIndex | QPersistentModelIndex

AUTOSAVE_IDLE_MS = 2500  # save this long after typing stops...
AUTOSAVE_MAX_MS = 10_000  # ...and at the latest this long after the first unsaved change
# A steady presenting pace; the rest of the seven minutes is for the team's questions.
WORDS_PER_MINUTE = 130
OVER_STYLE = "color: $error; font-weight: bold;"
MUTED_STYLE = "color: $muted;"
OK_STYLE = "color: $success;"
MAX_COLUMN_CHARS = 43  # in average characters of the table font
SECTION_MIN_LINES = 4
EMPTY_LEAD = "No briefings yet. New briefing... drafts one from a programme's moderated audits."
EMPTY_READER = "No published briefings yet. A QA lead publishes them here for teams to use."
PUBLISH_TEXT = (
    "Publishing freezes the text and the PDF: this version can no longer be changed, and every "
    "export of it gives the same file. New version... makes an editable copy later.\n\n"
    "Publish '{title}' now?"
)


# ---------------------------------------------------------------- small helpers


def local_day(moment: datetime) -> date:
    """The user's calendar day of a stored moment (stored in UTC; SQLite may drop the zone)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone().date()


def day_text(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


def plural(n: int, one: str, many: str | None = None) -> str:
    return f"{n:,} {one if n == 1 else (many or one + 's')}"


def words_text(words: int) -> str:
    """ "72 / 80 words", or "96 / 80 words: over budget" (said in words, not colour alone)."""
    text = f"{words} / {WORD_BUDGET} words"
    return text + ": over budget" if words > WORD_BUDGET else text


def total_text(words: int) -> str:
    minutes = words / WORDS_PER_MINUTE
    if minutes < 0.75:
        time = "under a minute"
    else:
        n = max(1, round(minutes))
        time = f"about {plural(n, 'minute')}"
    return f"Total {plural(words, 'word')}, {time} to present"


def status_text(row: BriefingRow) -> str:
    return f"{STATUS_LABELS.get(row.status, row.status)}, version {row.version}"


def export_paths(pdf: Path) -> tuple[Path, Path]:
    """The accessible versions written beside a PDF: <stem>-text.pdf and <stem>.txt."""
    return pdf.with_name(f"{pdf.stem}-text.pdf"), pdf.with_name(f"{pdf.stem}.txt")


def file_stem(title: str) -> str:
    stem = re.sub(r'[\\/:*?"<>|\s]+', " ", title).strip(" .")
    return stem[:80] or "briefing"


def canonical(markdown: str) -> str:
    """Section text as Qt writes it, whitespace folded: two texts that read the same compare
    equal however they were wrapped or escaped."""
    doc = QTextDocument()
    doc.setMarkdown(markdown)
    return " ".join(doc.toMarkdown().split())


def _hits_text(hits: list[Any]) -> str:
    return "\n".join(f"• {hit}" for hit in hits)


class BriefingTableModel(RecordTableModel):
    def __init__(self, parent: Any = None) -> None:
        super().__init__(
            [
                Column("Title", lambda r: r.title),
                Column("From", lambda r: r.source),
                Column("Status", status_text),
                Column("Date", lambda r: local_day(r.published_at or r.updated_at).isoformat()),
                Column("Author", lambda r: r.author_name or ""),
                Column("Audits", lambda r: r.audits),
            ],
            parent,
        )

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row: BriefingRow = self.rows[index.row()]
        if role == Qt.ItemDataRole.ToolTipRole and index.column() == 3:
            if row.published_at is not None:
                return f"Published on {day_text(local_day(row.published_at))}"
            return f"Last changed on {day_text(local_day(row.updated_at))}"
        if role == Qt.ItemDataRole.ToolTipRole and index.column() == 5:
            return f"Drafted from {plural(row.audits, 'final audit')}"
        if role == Qt.ItemDataRole.TextAlignmentRole and index.column() == 5:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.FontRole and index.column() == 2 and row.status == "draft":
            font = QFont()
            font.setItalic(True)
            return font
        return super().data(index, role)

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Sort, keeping the selection on the same briefing (the one open in the editor)."""
        get = self.columns[column].value
        self.layoutAboutToBeChanged.emit()
        before = list(self.rows)
        self.rows.sort(
            key=(lambda r: r.audits) if column == 5 else (lambda r: str(get(r) or "").lower()),
            reverse=order == Qt.SortOrder.DescendingOrder,
        )
        where = {id(row): i for i, row in enumerate(self.rows)}
        old = self.persistentIndexList()
        new = [self.index(where[id(before[i.row()])], i.column()) for i in old]
        self.changePersistentIndexList(old, new)
        self.layoutChanged.emit()


class DeliveryTableModel(RecordTableModel):
    def __init__(self, parent: Any = None) -> None:
        super().__init__(
            [
                Column("Team", lambda r: r.team_name),
                Column("Date", lambda r: r.delivered_on.isoformat()),
                Column("Presenter", lambda r: r.presenter),
                Column("Attendees", lambda r: r.attendees),
                Column("What the team will do", lambda r: " ".join(r.actions.split())),
            ],
            parent,
        )

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.ToolTipRole and index.isValid() and index.column() == 4:
            return self.rows[index.row()].actions
        return super().data(index, role)


# ---------------------------------------------------------------- a section of the text


class SectionEdit(QTextEdit):
    """One section's text. It grows with its text (the page scrolls, not each box), Tab moves
    on, and pasting brings plain text only: the briefing keeps its own few formats."""

    focused = Signal()

    def __init__(self) -> None:
        super().__init__()
        self.setTabChangesFocus(True)
        self.setAcceptRichText(False)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        layout = self.document().documentLayout()
        layout.documentSizeChanged.connect(lambda _size: self._fit())
        self._fit()

    def _fit(self) -> None:
        doc = self.document()
        lines = self.fontMetrics().lineSpacing() * SECTION_MIN_LINES + 2 * doc.documentMargin()
        height = int(max(doc.size().height(), lines)) + 2 * self.frameWidth() + 2
        if height != self.height():
            self.setFixedHeight(height)

    def markdown(self) -> str:
        return self.toMarkdown().rstrip()

    def focusInEvent(self, event: QFocusEvent) -> None:  # noqa: N802 - Qt's name
        super().focusInEvent(event)
        self.focused.emit()


class SectionBox(QFrame):
    """A numbered heading with its "Redraft from audits" button, the text, the word count."""

    def __init__(self, number: int, key: str, heading: str) -> None:
        super().__init__()
        self.key, self.heading = key, heading
        self.words = 0
        self.setObjectName(f"briefings_section_{key}")
        self.setFrameShape(QFrame.Shape.NoFrame)
        label = QLabel(f"{number}. {heading}")
        label.setObjectName(f"briefings_heading_{key}")
        font = label.font()
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.1)
        label.setFont(font)
        self.edit = SectionEdit()
        self.edit.setObjectName(f"briefings_text_{key}")
        self.edit.setAccessibleName(f"Section {number}: {heading}")
        label.setBuddy(self.edit)
        self.redraft_button = QPushButton("Redraft from audits")
        self.redraft_button.setObjectName(f"briefings_redraft_{key}")
        self.redraft_button.setAccessibleName(f"Redraft '{heading}' from the audits")
        self.redraft_button.setToolTip(
            f"Draft '{heading}' again from the audits' current data; the other sections stay "
            "as they are"
        )
        self.count = QLabel()
        self.count.setObjectName(f"briefings_words_{key}")
        self.count.setAlignment(Qt.AlignmentFlag.AlignRight)
        self.count.setToolTip(
            f"Page one shows about {WORD_BUDGET} words of each section; the rest goes on the "
            "detail pages"
        )
        top = QHBoxLayout()
        top.setContentsMargins(0, 0, 0, 0)
        top.addWidget(label, 1)
        top.addWidget(self.redraft_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 4)
        layout.setSpacing(3)
        layout.addLayout(top)
        layout.addWidget(self.edit)
        layout.addWidget(self.count)

    def update_count(self) -> int:
        from audit_tool.reporting.markup import word_count

        words = self.words = word_count(self.edit.markdown())
        self.count.setText(words_text(words))
        themes.styled(self.count, OVER_STYLE if words > WORD_BUDGET else MUTED_STYLE)
        return words


# ---------------------------------------------------------------- dialogs


class NewBriefingDialog(QDialog):
    """Choose what a new briefing is drafted from: a programme, a theme tag or chosen audits."""

    def __init__(self, db: Database, actor: Actor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        from audit_tool.services import learning, programmes

        self.db, self.actor = db, actor
        self.created: BriefingView | None = None
        self.setObjectName("briefings_newDialog")
        self.setWindowTitle("New briefing")
        self.resize(620, 600)

        self.programme_radio = QRadioButton("From a &programme's final audits")
        self.theme_radio = QRadioButton("From audits with a &theme tag")
        self.chosen_radio = QRadioButton("From audits I &choose")
        self.group = QButtonGroup(self)
        for name, radio in (
            ("briefings_new_fromProgramme", self.programme_radio),
            ("briefings_new_fromTheme", self.theme_radio),
            ("briefings_new_fromChosen", self.chosen_radio),
        ):
            radio.setObjectName(name)
            radio.setAccessibleName(radio.text().replace("&", ""))
            self.group.addButton(radio)

        self.programme = QComboBox()
        self.programme.setObjectName("briefings_new_programme")
        self.programme.setAccessibleName("Programme")
        self.chosen_programme = QComboBox()
        self.chosen_programme.setObjectName("briefings_new_chosenProgramme")
        self.chosen_programme.setAccessibleName("Show the final audits of")
        self.chosen_programme.addItem("All programmes", None)
        for row in programmes.list_programmes(db, actor):
            label = row.name + (f" (theme: {row.theme})" if row.theme else "")
            self.programme.addItem(label, row.key)
            self.chosen_programme.addItem(row.name, row.key)

        self.theme = QComboBox()
        self.theme.setObjectName("briefings_new_theme")
        self.theme.setAccessibleName("Theme tag")
        self.theme.setEditable(True)
        self.theme.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.theme.addItems(learning.theme_tags(db, actor))
        self.theme.setCurrentIndex(-1)
        _typed(self.theme, "Type or choose a theme tag")

        self.audits = QListWidget()
        self.audits.setObjectName("briefings_new_audits")
        self.audits.setAccessibleName("Final audits to draft from")
        self.audits.setMinimumHeight(150)
        self.audits.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.audits.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.chosen: set[str] = set()

        self.count = QLabel()
        self.count.setObjectName("briefings_new_count")
        self.count.setWordWrap(True)

        self.title = QLineEdit()
        self.title.setObjectName("briefings_new_title")
        self.title.setAccessibleName("Title (optional)")
        self.title.setPlaceholderText("7-minute briefing: (the programme's theme or name)")
        self.audience = QLineEdit()
        self.audience.setObjectName("briefings_new_audience")
        self.audience.setAccessibleName("Audience (optional)")
        self.audience.setPlaceholderText(DEFAULT_AUDIENCE)
        self.message = QLabel()
        self.message.setObjectName("briefings_new_message")
        themes.styled(self.message, ERROR_STYLE)
        self.message.setWordWrap(True)
        self.message.hide()

        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok.setText("&Draft briefing")
        self.ok.setObjectName("briefings_new_ok")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)

        def indented(*widgets: QWidget) -> QVBoxLayout:
            box = QVBoxLayout()
            box.setContentsMargins(24, 0, 0, 6)
            for widget in widgets:
                box.addWidget(widget)
            return box

        chosen_filter = QHBoxLayout()
        show_label = QLabel("Show:")
        show_label.setBuddy(self.chosen_programme)
        chosen_filter.addWidget(show_label)
        chosen_filter.addWidget(self.chosen_programme, 1)
        chosen_box = QWidget()
        chosen_layout = QVBoxLayout(chosen_box)
        chosen_layout.setContentsMargins(0, 0, 0, 0)
        chosen_layout.addLayout(chosen_filter)
        chosen_layout.addWidget(self.audits, 1)
        self.chosen_box = chosen_box

        form = QFormLayout()
        form.addRow("T&itle", self.title)
        form.addRow("&Audience", self.audience)
        for i in range(form.rowCount()):
            label_item = form.itemAt(i, QFormLayout.ItemRole.LabelRole)
            field_item = form.itemAt(i, QFormLayout.ItemRole.FieldRole)
            if label_item is not None and field_item is not None:
                buddy_label, buddy = label_item.widget(), field_item.widget()
                if isinstance(buddy_label, QLabel) and buddy is not None:
                    buddy_label.setBuddy(buddy)

        intro = QLabel(
            "A briefing is drafted from moderated (final) audits; every section can then be edited."
        )
        intro.setWordWrap(True)
        themes.styled(intro, MUTED_STYLE)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.programme_radio)
        layout.addLayout(indented(self.programme))
        layout.addWidget(self.theme_radio)
        layout.addLayout(indented(self.theme))
        layout.addWidget(self.chosen_radio)
        chosen_indent = indented(chosen_box)
        layout.addLayout(chosen_indent, 1)
        layout.addWidget(self.count)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)

        if self.programme.count():
            self.programme_radio.setChecked(True)
            self._preselect_programme()
        else:
            self.programme_radio.setEnabled(False)
            self.programme.addItem("(no programmes yet)", None)
            self.theme_radio.setChecked(True)
        self.group.buttonToggled.connect(lambda _b, on: self._update() if on else None)
        self.programme.currentIndexChanged.connect(lambda _i: self._update())
        self.theme.currentTextChanged.connect(lambda _t: self._update())
        self.chosen_programme.currentIndexChanged.connect(lambda _i: self._fill_audits())
        self.audits.itemChanged.connect(self._item_changed)
        self._fill_audits()
        self._update()

    def _preselect_programme(self) -> None:
        """The newest programme that has final audits (they are listed newest first)."""
        for i in range(self.programme.count()):
            key = self.programme.itemData(i)
            try:
                if briefings.count_source_audits(self.db, self.actor, programme_key=key):
                    self.programme.setCurrentIndex(i)
                    return
            except AuditToolError:
                return

    def source(self) -> str:
        if self.theme_radio.isChecked():
            return "theme"
        if self.chosen_radio.isChecked():
            return "chosen"
        return "programme"

    def _fill_audits(self) -> None:
        from audit_tool.services import audits
        from audit_tool.ui.audits_view import GRADE_LABELS

        try:
            rows = audits.list_audits(
                self.db,
                self.actor,
                status="final",
                programme_key=self.chosen_programme.currentData(),
                limit=20_000,
            )
        except AuditToolError as exc:
            self.message.setText(str(exc))
            self.message.show()
            rows = []
        self.audits.blockSignals(True)
        self.audits.clear()
        for row in rows:
            grade = GRADE_LABELS.get(row.final_overall or "", row.final_overall or "not graded")
            item = QListWidgetItem(f"{row.case_ref}  ·  {row.programme_name}  ·  {grade}")
            item.setData(Qt.ItemDataRole.UserRole, row.uuid)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(
                Qt.CheckState.Checked if row.uuid in self.chosen else Qt.CheckState.Unchecked
            )
            self.audits.addItem(item)
        self.audits.blockSignals(False)
        self._update()

    def _item_changed(self, item: QListWidgetItem) -> None:
        uuid = str(item.data(Qt.ItemDataRole.UserRole))
        if item.checkState() == Qt.CheckState.Checked:
            self.chosen.add(uuid)
        else:
            self.chosen.discard(uuid)
        self._update()

    def _update(self) -> None:
        source = self.source()
        self.programme.setEnabled(source == "programme")
        self.theme.setEnabled(source == "theme")
        self.chosen_box.setEnabled(source == "chosen")
        self.message.hide()
        ready = True
        try:
            if source == "programme":
                key = self.programme.currentData()
                n = (
                    briefings.count_source_audits(self.db, self.actor, programme_key=key)
                    if key
                    else 0
                )
                ready = key is not None
                text = (
                    f"{plural(n, 'final audit')} in this programme: the briefing is drafted "
                    "from them."
                    if n
                    else "No final audits in this programme yet. The briefing is still "
                    "drafted, with placeholders: redraft its sections once audits are "
                    "moderated."
                )
            elif source == "theme":
                theme = self.theme.currentText().strip()
                ready = bool(theme)
                n = briefings.count_source_audits(self.db, self.actor, theme=theme)
                if not theme:
                    text = "Type or choose a theme tag."
                elif n:
                    text = (
                        f"{plural(n, 'final audit')} with a learning point tagged '{theme}' "
                        "or in a programme on this theme: the briefing is drafted from them."
                    )
                else:
                    text = (
                        f"No final audits are tagged '{theme}' yet. The briefing is still "
                        "drafted, with placeholders: redraft its sections once there are some."
                    )
            else:
                shown = self.audits.count()
                n = len(self.chosen)
                ready = n > 0
                if not shown and not n:
                    text = "No final audits to choose from: audits appear here once moderated."
                else:
                    text = f"{plural(n, 'final audit')} chosen" + (
                        "." if n else ": tick the audits to draft from."
                    )
        except AuditToolError as exc:
            text, ready = str(exc), False
        self.count.setText(text)
        themes.styled(self.count, OVER_STYLE if text.startswith("No final") else "")
        self.ok.setEnabled(ready)

    def accept(self) -> None:
        source = self.source()
        kwargs: dict[str, Any] = {
            "title": self.title.text().strip() or None,
            "audience": self.audience.text().strip() or None,
        }
        if source == "programme":
            kwargs["programme_key"] = self.programme.currentData()
        elif source == "theme":
            kwargs["theme"] = self.theme.currentText().strip()
        else:
            kwargs["audit_uuids"] = sorted(self.chosen)
        try:
            self.created = briefings.new_briefing(self.db, self.actor, **kwargs)
        except AuditToolError as exc:
            self.message.setText(str(exc))
            self.message.show()
            return
        super().accept()


class AllowDialog(QDialog):
    """A lead allows one identifying detail to stay, saying why (the reason is recorded)."""

    def __init__(
        self,
        db: Database,
        actor: Actor,
        uuid: str,
        hit: Any,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.db, self.actor, self.uuid, self.hit = db, actor, uuid, hit
        self.result_view: BriefingView | None = None
        self.setObjectName("briefings_allowDialog")
        self.setWindowTitle("Allow in the briefing")
        self.resize(480, 0)
        intro = QLabel(
            f"Allow the {hit.kind} <b>'{_escape(hit.text)}'</b> to stay in this briefing? "
            "Do this only when it names no child or family, for example a team named after a "
            "place that is also a surname. Your reason is recorded with your name."
        )
        intro.setWordWrap(True)
        self.reason = QLineEdit()
        self.reason.setPlaceholderText("Why it may stay")
        box, self.error = field_with_error(self.reason, "briefings_allowReason", "Reason")
        label = QLabel("&Reason (required)")
        label.setBuddy(self.reason)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        ok = buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setText("&Allow")
        ok.setObjectName("briefings_allowOk")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(label)
        layout.addWidget(box)
        layout.addWidget(buttons)

    def accept(self) -> None:
        try:
            self.result_view = briefings.allow(
                self.db, self.actor, self.uuid, self.hit.kind, self.hit.text, self.reason.text()
            )
        except ValidationError as exc:
            self.error.setText(exc.fields.get("reason", str(exc)))
            self.error.show()
            self.reason.setFocus()
            return
        except AuditToolError as exc:
            self.error.setText(str(exc))
            self.error.show()
            return
        super().accept()


class RecordUseDialog(QDialog):
    """One team's use of a published briefing, from the action-plan page they returned."""

    def __init__(
        self, db: Database, actor: Actor, uuid: str, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        from audit_tool.services import reference

        self.db, self.actor, self.uuid = db, actor, uuid
        self.recorded: DeliveryRow | None = None
        self.setObjectName("briefings_useDialog")
        self.setWindowTitle("Record where the briefing was used")
        self.resize(520, 0)
        self.form = FieldForm("briefings_use_", "record", "briefings_use_message")
        self.team = QComboBox()
        self.team.setEditable(True)
        self.team.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        try:
            teams = reference.list_teams(db, actor, include_inactive=False, with_case_counts=False)
        except AuditToolError:
            teams = []
        for team in teams:
            self.team.addItem(team.name, team.key)
        self.team.setCurrentIndex(-1)
        _typed(self.team, "Choose a team, or type its name")
        self.form.add("team", "Team", self.team)
        self.date = QDateEdit()
        self.date.setCalendarPopup(True)
        self.date.setDisplayFormat("yyyy-MM-dd")
        self.date.setDate(QDate.currentDate())
        self.form.add("delivered_on", "Date used", self.date)
        self.presenter = self.form.line("presenter", "Presented by", "e.g. Team manager")
        self.attendees = QSpinBox()
        self.attendees.setRange(0, 999)
        self.form.add("attendees", "Attendees", self.attendees)
        self.plan = QPlainTextEdit()
        self.plan.setTabChangesFocus(True)
        self.plan.setPlaceholderText("What the team will do, from their action plan")
        self.plan.setFixedHeight(text_height(self.plan, 5))
        self.form.add("actions", "What the team will do", self.plan)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        ok = buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setText("&Record")
        ok.setObjectName("briefings_use_ok")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        intro = QLabel(
            "From the action-plan page the team returned: when they used the briefing, who "
            "presented it, how many attended and what they will do."
        )
        intro.setWordWrap(True)
        themes.styled(intro, MUTED_STYLE)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.form.message)
        layout.addLayout(self.form.layout)
        layout.addWidget(buttons)

    def accept(self) -> None:
        text = self.team.currentText().strip()
        index = self.team.findText(text, Qt.MatchFlag.MatchFixedString)
        team_key = self.team.itemData(index) if index >= 0 else None
        day = self.date.date()
        try:
            self.recorded = briefings.record_delivery(
                self.db,
                self.actor,
                self.uuid,
                team_key=team_key,
                team_name="" if team_key else text,
                delivered_on=date(day.year(), day.month(), day.day()),
                presenter=self.presenter.text(),
                attendees=self.attendees.value(),
                actions=self.plan.toPlainText(),
            )
        except ValidationError as exc:
            self.form.show_errors(exc)
            return
        except AuditToolError as exc:
            self.form.message.setText(str(exc))
            self.form.message.show()
            return
        super().accept()


def _typed(combo: QComboBox, placeholder: str) -> None:
    """An editable combo box whose completion finds what is typed anywhere in an item."""
    edit, completer = combo.lineEdit(), combo.completer()
    assert edit is not None and completer is not None
    edit.setPlaceholderText(placeholder)
    completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
    completer.setFilterMode(Qt.MatchFlag.MatchContains)
    completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


# ---------------------------------------------------------------- the view


class BriefingsView(QWidget):
    status_message = Signal(str)
    changed = Signal()
    open_audit = Signal(str)
    exported = Signal(str)  # the PDF's path, once written

    def __init__(self, db: Database, actor: Actor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db, self.actor = db, actor
        self.setObjectName("briefingsView")
        self.can_edit = actor.can("briefing.edit")
        self.can_publish = actor.can("briefing.publish")
        self.can_override = actor.can("briefing.override")
        self.current: BriefingView | None = None
        self.revision = 0
        self.editable = False
        self._dirty = False
        self._loading = False
        self._filling = False
        self._conflicted = False
        self._worker: Any = None
        self._export_path = Path()
        self._active_edit: SectionEdit | None = None
        self.hits: list[Any] = []

        # -- commands
        self.new_action = self._action(
            "&New briefing...", "Draft a briefing from moderated audits", "Ctrl+N", self.new
        )
        self.save_action = self._action(
            "&Save", "Save now (Ctrl+S); edits also save as you type", "Ctrl+S", self.save_now
        )
        self.check_action = self._action(
            "Check for &names...",
            "Look for case references, initials and people's names in the text",
            None,
            self.run_check,
        )
        self.export_action = self._action(
            "&Export PDF...", "Write the briefing as a PDF", "Ctrl+E", self.export_pdf
        )
        self.publish_action = self._action(
            "&Publish...", "Freeze this version's text and PDF for teams", None, self.publish
        )
        self.new_version_action = self._action(
            "New &version",
            "Make an editable copy of this published briefing",
            None,
            self.new_version,
        )
        self.record_action = self._action(
            "&Record use...", "Record a team's use of this briefing", None, self.record_use
        )
        self.allow_action = self._action(
            "&Allow...", "Let this detail stay in the briefing, with a reason", None, self.allow
        )
        self.bold_action = self._action("Bold", "Bold (Ctrl+B)", "Ctrl+B", self.toggle_bold)
        self.italic_action = self._action("Italic", "Italic (Ctrl+I)", "Ctrl+I", self.toggle_italic)
        self.bullet_action = self._action(
            "• Bullet list", "Bullet list (Ctrl+Shift+L)", "Ctrl+Shift+L", self.toggle_bullets
        )
        for action, name in (
            (self.new_action, "briefings_new"),
            (self.save_action, "briefings_save"),
            (self.check_action, "briefings_check"),
            (self.export_action, "briefings_export"),
            (self.publish_action, "briefings_publish"),
            (self.new_version_action, "briefings_newVersion"),
            (self.record_action, "briefings_recordUse"),
            (self.allow_action, "briefings_allow"),
            (self.bold_action, "briefings_bold"),
            (self.italic_action, "briefings_italic"),
            (self.bullet_action, "briefings_bullets"),
        ):
            action.setObjectName(name)
        bold_font, italic_font = QFont(), QFont()
        bold_font.setBold(True)
        italic_font.setItalic(True)
        self.bold_action.setFont(bold_font)
        self.italic_action.setFont(italic_font)
        for action in (self.bold_action, self.italic_action):
            action.setCheckable(True)
        for action in (
            self.new_action,
            self.save_action,
            self.check_action,
            self.new_version_action,
            self.record_action,
            self.bold_action,
            self.italic_action,
            self.bullet_action,
        ):
            action.setVisible(self.can_edit)
        self.publish_action.setVisible(self.can_publish)
        self.allow_action.setVisible(self.can_override)

        self.accessible_check = QCheckBox("with text-only versions")
        self.accessible_check.setObjectName("briefings_exportAccessible")
        self.accessible_check.setAccessibleName(
            "Also export the accessible text-only PDF and a text file"
        )
        self.accessible_check.setToolTip(
            "Also write the accessible text-only PDF (<name>-text.pdf) and a plain text file "
            "(<name>.txt) beside the PDF"
        )
        self.accessible_check.setChecked(self._setting("exportAccessible", True))

        # -- the list
        self.model = BriefingTableModel(self)
        self.table = QTableView()
        self.table.setObjectName("briefings_table")
        self.table.setAccessibleName("Briefings")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(self.table.fontMetrics().height() + 8)
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(False)
        header.setMinimumSectionSize(40)
        self.columns = ColumnFitter(self.table, 0, cap=MAX_COLUMN_CHARS, share=0.35, fixed=(3,))
        self.table.setSortingEnabled(True)
        header.setSortIndicator(3, Qt.SortOrder.DescendingOrder)  # newest first
        self.table.selectionModel().currentRowChanged.connect(lambda _c, _p: self._selected())
        self.count = QLabel()
        self.count.setObjectName("briefings_count")
        themes.styled(self.count, MUTED_STYLE)

        self.empty = QLabel(EMPTY_LEAD if self.can_edit else EMPTY_READER)
        self.empty.setObjectName("briefings_empty")
        self.empty.setWordWrap(True)
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_button = QPushButton("New briefing...")
        self.empty_button.setObjectName("briefings_emptyNew")
        self.empty_button.clicked.connect(self.new)
        self.empty_button.setVisible(self.can_edit)
        self.empty_box = QWidget()
        empty_layout = QVBoxLayout(self.empty_box)
        empty_layout.addStretch(1)
        empty_layout.addWidget(self.empty)
        empty_layout.addWidget(self.empty_button, 0, Qt.AlignmentFlag.AlignHCenter)
        empty_layout.addStretch(2)

        # -- the editor
        self.facts = QLabel()
        self.facts.setObjectName("briefings_facts")
        self.facts.setWordWrap(True)
        themes.styled(self.facts, MUTED_STYLE)
        self.banner = QLabel()
        self.banner.setObjectName("briefings_banner")
        self.banner.setWordWrap(True)
        themes.styled(self.banner, BANNER_STYLE)
        self.banner.hide()
        self.title = QLineEdit()
        title_box, self.title_error = field_with_error(self.title, "briefings_title", "Title")
        self.audience = QLineEdit()
        self.audience.setObjectName("briefings_audience")
        self.audience.setAccessibleName("Audience")
        self.audience.setPlaceholderText(DEFAULT_AUDIENCE)
        for edit in (self.title, self.audience):
            edit.textEdited.connect(lambda _t: self._changed())
        title_label, audience_label = QLabel("&Title"), QLabel("A&udience")
        title_label.setBuddy(self.title)
        audience_label.setBuddy(self.audience)
        fields = QHBoxLayout()  # one row: the sections need the height
        fields.setContentsMargins(0, 0, 0, 0)
        fields.addWidget(title_label, 0, Qt.AlignmentFlag.AlignTop)
        fields.addWidget(title_box, 3, Qt.AlignmentFlag.AlignTop)
        fields.addSpacing(8)
        fields.addWidget(audience_label, 0, Qt.AlignmentFlag.AlignTop)
        fields.addWidget(self.audience, 2, Qt.AlignmentFlag.AlignTop)
        for label in (title_label, audience_label):
            label.setMinimumHeight(self.title.sizeHint().height())

        self.boxes: dict[str, SectionBox] = {}
        body = QWidget()
        body.setObjectName("briefings_sections")
        # Two columns, like the seven boxes of page one; "What to do" (the longest, with the
        # questions for reflection) takes the whole last row.
        body_layout = QGridLayout(body)
        body_layout.setContentsMargins(4, 4, 12, 4)
        body_layout.setHorizontalSpacing(16)
        body_layout.setVerticalSpacing(10)
        body_layout.setColumnStretch(0, 1)
        body_layout.setColumnStretch(1, 1)
        for number, (key, heading) in enumerate(SECTIONS, start=1):
            box = SectionBox(number, key, heading)
            box.edit.textChanged.connect(lambda b=box: self._section_changed(b))
            box.edit.focused.connect(lambda b=box: self._focused(b.edit))
            box.edit.cursorPositionChanged.connect(lambda b=box: self._follow_cursor(b.edit))
            box.edit.currentCharFormatChanged.connect(lambda _f: self._sync_format())
            box.redraft_button.clicked.connect(lambda _c=False, k=key: self.redraft(k))
            box.redraft_button.setVisible(self.can_edit)
            row, column = divmod(number - 1, 2)
            span = 2 if number == len(SECTIONS) and column == 0 else 1
            body_layout.addWidget(box, row, column, 1, span, Qt.AlignmentFlag.AlignTop)
            self.boxes[key] = box
        body_layout.setRowStretch(body_layout.rowCount(), 1)
        self.sections_body = body
        self.sections_scroll = QScrollArea()
        self.sections_scroll.setObjectName("briefings_scroll")
        self.sections_scroll.setWidgetResizable(True)
        self.sections_scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.sections_scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.sections_scroll.setWidget(body)

        self.format_bar = QToolBar()
        self.format_bar.setObjectName("briefings_formatBar")
        self.format_bar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        for action in (self.bold_action, self.italic_action, self.bullet_action):
            self.format_bar.addAction(action)
        self.format_bar.setVisible(self.can_edit)
        self.total = QLabel()
        self.total.setObjectName("briefings_total")
        self.total.setToolTip(
            f"At about {WORDS_PER_MINUTE} words a minute, a steady pace for presenting; the "
            "rest of the seven minutes is for the team's questions"
        )
        # Beside the tabs, so the sections keep the height.
        self.text_corner = QWidget()
        format_row = QHBoxLayout(self.text_corner)
        format_row.setContentsMargins(0, 0, 0, 0)
        format_row.addWidget(self.format_bar)
        format_row.addSpacing(12)
        format_row.addWidget(self.total)
        text_tab = QWidget()
        text_layout = QVBoxLayout(text_tab)
        text_layout.setContentsMargins(0, 4, 0, 0)
        text_layout.addWidget(self.sections_scroll, 1)

        # the names check
        self.check_summary = QLabel()
        self.check_summary.setObjectName("briefings_checkSummary")
        self.check_summary.setWordWrap(True)
        self.hits_list = QListWidget()
        self.hits_list.setObjectName("briefings_hits")
        self.hits_list.setAccessibleName("Identifying details found")
        self.hits_list.currentRowChanged.connect(lambda _r: self._update_actions())
        self.hits_list.itemActivated.connect(lambda _i: self.allow())
        self.overrides_list = QListWidget()
        self.overrides_list.setObjectName("briefings_overrides")
        self.overrides_list.setAccessibleName("Details a lead allowed")
        check_again = QPushButton("Check &again")
        check_again.setObjectName("briefings_checkAgain")
        check_again.clicked.connect(self.run_check)
        self.check_again = check_again
        allow_button = QToolButton()
        allow_button.setDefaultAction(self.allow_action)
        allow_button.setObjectName("briefings_allowButton")
        hits_buttons = QHBoxLayout()
        hits_buttons.addWidget(check_again)
        hits_buttons.addWidget(allow_button)
        hits_buttons.addStretch(1)
        explain = QLabel(
            "No child or person may be named in a briefing. The check looks for case "
            "references, the initials of the briefing's cases and the names of people held in "
            "the app. Remove what it finds from the text; a QA lead may allow a detail that "
            "names no one (a team named after a place, say), with a reason."
        )
        explain.setWordWrap(True)
        themes.styled(explain, MUTED_STYLE)
        allowed_label = QLabel("Allowed by a lead")
        allowed_label.setBuddy(self.overrides_list)
        names_tab = QWidget()
        names_layout = QVBoxLayout(names_tab)
        names_layout.addWidget(explain)
        names_layout.addWidget(self.check_summary)
        names_layout.addWidget(self.hits_list, 2)
        names_layout.addLayout(hits_buttons)
        names_layout.addWidget(allowed_label)
        names_layout.addWidget(self.overrides_list, 1)
        self.names_tab = names_tab

        # where it was used
        self.use_intro = QLabel()
        self.use_intro.setObjectName("briefings_useIntro")
        self.use_intro.setWordWrap(True)
        themes.styled(self.use_intro, MUTED_STYLE)
        self.delivery_model = DeliveryTableModel(self)
        self.deliveries = QTableView()
        self.deliveries.setObjectName("briefings_deliveries")
        self.deliveries.setAccessibleName("Where the briefing was used")
        self.deliveries.setModel(self.delivery_model)
        self.deliveries.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.deliveries.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.deliveries.setAlternatingRowColors(True)
        self.deliveries.setWordWrap(False)
        self.deliveries.verticalHeader().setVisible(False)
        self.deliveries.horizontalHeader().setStretchLastSection(True)
        record_button = QToolButton()
        record_button.setDefaultAction(self.record_action)
        record_button.setObjectName("briefings_recordButton")
        use_buttons = QHBoxLayout()
        use_buttons.addWidget(record_button)
        use_buttons.addStretch(1)
        use_tab = QWidget()
        use_layout = QVBoxLayout(use_tab)
        use_layout.addWidget(self.use_intro)
        use_layout.addWidget(self.deliveries, 1)
        use_layout.addLayout(use_buttons)
        self.use_tab = use_tab

        self.tabs = QTabWidget()
        self.tabs.setObjectName("briefings_tabs")
        self.tabs.setDocumentMode(True)
        self.tabs.addTab(text_tab, "Te&xt")
        self.text_tab = text_tab
        if self.can_edit:
            self.tabs.addTab(names_tab, "Names &check")
        self.tabs.addTab(use_tab, "&Where it was used")
        self.tabs.setCornerWidget(self.text_corner, Qt.Corner.TopRightCorner)
        self.tabs.currentChanged.connect(
            lambda _i: self.text_corner.setVisible(self.tabs.currentWidget() is self.text_tab)
        )

        self.save_status = QLabel()
        self.save_status.setObjectName("briefings_saveStatus")
        themes.styled(self.save_status, MUTED_STYLE)
        self.busy_label = QLabel()
        self.busy_label.setObjectName("briefings_busyLabel")
        self.busy_label.hide()
        self.busy = QProgressBar()
        self.busy.setObjectName("briefings_progress")
        self.busy.setAccessibleName("Progress")
        self.busy.setMaximumWidth(180)
        self.busy.hide()
        bottom = QHBoxLayout()
        bottom.addWidget(self.save_status, 1)
        bottom.addWidget(self.busy_label)
        bottom.addWidget(self.busy)

        self.editor = QWidget()
        self.editor.setObjectName("briefings_editor")
        editor_layout = QVBoxLayout(self.editor)
        editor_layout.setContentsMargins(0, 4, 0, 0)
        editor_layout.addWidget(self.facts)
        editor_layout.addWidget(self.banner)
        editor_layout.addLayout(fields)
        editor_layout.addWidget(self.tabs, 1)
        editor_layout.addLayout(bottom)
        self.placeholder = QLabel("Choose a briefing in the list to read it.")
        self.placeholder.setObjectName("briefings_placeholder")
        self.placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
        themes.styled(self.placeholder, MUTED_STYLE)
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(self.editor, 1)
        right_layout.addWidget(self.placeholder, 1)

        # The list above the editor: a partnership has a handful of briefings a year, and the
        # list's columns and the sections both want the full width.
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.setSpacing(2)
        left_layout.addWidget(self.table, 1)
        left_layout.addWidget(self.count)
        rows = self.table.verticalHeader().defaultSectionSize()
        left.setMinimumHeight(self.table.horizontalHeader().sizeHint().height() + 2 * rows + 24)
        self.splitter = QSplitter(Qt.Orientation.Vertical)
        self.splitter.setObjectName("briefings_splitter")
        self.splitter.setChildrenCollapsible(False)
        self.splitter.addWidget(left)
        self.splitter.addWidget(right)
        self.splitter.setStretchFactor(0, 0)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes(
            [self.table.horizontalHeader().sizeHint().height() + 5 * rows + 30, 560]
        )
        state = self._setting("splitter", None)
        if state is not None:
            self.splitter.restoreState(state)

        # -- layout
        view_title = QLabel("Briefings")
        view_title.setObjectName("viewTitle")
        font = view_title.font()
        font.setPointSizeF(font.pointSizeF() * 1.5)
        font.setBold(True)
        view_title.setFont(font)
        toolbar = QToolBar()
        toolbar.setObjectName("briefings_toolbar")
        toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        toolbar.addAction(self.new_action)
        toolbar.addAction(self.save_action)
        toolbar.addSeparator()
        toolbar.addAction(self.check_action)
        toolbar.addAction(self.export_action)
        toolbar.addWidget(self.accessible_check)
        toolbar.addSeparator()
        toolbar.addAction(self.publish_action)
        toolbar.addAction(self.new_version_action)
        self.toolbar = toolbar
        # Keyboard users reach every command: the toolbars' buttons take Tab focus, and the
        # list's context menu (Menu key, Shift+F10) holds the commands too.
        for bar in (toolbar, self.format_bar):
            for action in bar.actions():
                button = bar.widgetForAction(action)
                if isinstance(button, QToolButton):
                    button.setFocusPolicy(Qt.FocusPolicy.TabFocus)
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)
        for action in (
            self.new_action,
            self.check_action,
            self.export_action,
            self.publish_action,
            self.new_version_action,
            self.record_action,
        ):
            self.table.addAction(action)
        top = QHBoxLayout()
        top.addWidget(view_title)
        top.addStretch(1)
        top.addWidget(toolbar)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.splitter, 1)
        layout.addWidget(self.empty_box, 1)

        self._idle = QTimer(self)
        self._idle.setSingleShot(True)
        self._idle.setInterval(AUTOSAVE_IDLE_MS)
        self._idle.timeout.connect(self.save)
        self._cap = QTimer(self)
        self._cap.setSingleShot(True)
        self._cap.setInterval(AUTOSAVE_MAX_MS)
        self._cap.timeout.connect(self.save)
        self.accessible_check.toggled.connect(lambda on: self._store("exportAccessible", on))
        self.refresh()

    def _action(self, text: str, tip: str, shortcut: str | None, slot: Any) -> QAction:
        action = QAction(text, self)
        action.setToolTip(tip)
        action.setStatusTip(tip)
        if shortcut:
            action.setShortcut(QKeySequence(shortcut))
            action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        action.triggered.connect(lambda _checked=False: slot())
        self.addAction(action)
        return action

    def button_for(self, action: QAction) -> QWidget:
        """The toolbar button of a command (for tests and tools)."""
        widget = self.toolbar.widgetForAction(action)
        assert widget is not None
        return widget

    @staticmethod
    def _setting(key: str, default: Any) -> Any:
        from audit_tool.ui.settings import app_settings

        value = app_settings().value(f"briefings/{key}", default)
        if isinstance(default, bool) and isinstance(value, str):
            return value.lower() == "true"
        return value

    @staticmethod
    def _store(key: str, value: Any) -> None:
        from audit_tool.ui.settings import app_settings

        app_settings().setValue(f"briefings/{key}", value)

    # -- the list

    def refresh(self) -> None:
        """Reload the list; the open briefing reloads too unless it has unsaved edits."""
        self.save()
        keep = self.current.uuid if self.current is not None else None
        try:
            rows = briefings.list_briefings(self.db, self.actor)
        except AuditToolError as exc:
            show_error(self, "Briefings", exc)
            return
        self._set_rows(rows, keep)

    def _set_rows(self, rows: list[BriefingRow], keep: str | None) -> None:
        self._filling = True
        try:
            self.model.set_rows(rows)
            header = self.table.horizontalHeader()
            self.model.sort(header.sortIndicatorSection(), header.sortIndicatorOrder())
            self.columns.measure()
            uuids = [r.uuid for r in self.model.rows]
            if keep in uuids:
                self.table.selectRow(uuids.index(keep))
            elif rows:
                self.table.selectRow(0)
        finally:
            self._filling = False
        self.splitter.setVisible(bool(rows))
        self.empty_box.setVisible(not rows)
        drafts = sum(1 for r in rows if r.status == "draft")
        text = plural(len(rows), "briefing")
        if self.can_edit and rows:
            text += f": {plural(drafts, 'draft')}, {len(rows) - drafts:,} published"
        self.count.setText(text)
        row = self.selected()
        if row is None:
            self._show(None)
        elif self.current is None or row.uuid != self.current.uuid:
            self.open_briefing(row.uuid)
        elif not self._dirty:
            self._reload_if_changed()

    def selected(self) -> BriefingRow | None:
        index = self.table.selectionModel().currentIndex()
        if not index.isValid() or index.row() >= len(self.model.rows):
            return None
        row: BriefingRow = self.model.rows[index.row()]
        return row

    def _select_uuid(self, uuid: str) -> None:
        uuids = [r.uuid for r in self.model.rows]
        if uuid in uuids:
            self._filling = True
            self.table.selectRow(uuids.index(uuid))
            self._filling = False

    def _selected(self) -> None:
        if self._filling:
            return
        row = self.selected()
        if row is None or (self.current is not None and row.uuid == self.current.uuid):
            return
        if not self.save():
            if self.current is not None:  # stay with the unsaved briefing
                self._select_uuid(self.current.uuid)
            return
        self.open_briefing(row.uuid)

    def _replace_row(self, view: BriefingView) -> None:
        for i, row in enumerate(self.model.rows):
            if row.uuid == view.uuid:
                self.model.rows[i] = view.row
                self.model.dataChanged.emit(
                    self.model.index(i, 0), self.model.index(i, self.model.columnCount() - 1)
                )

    # -- showing a briefing

    def open_briefing(self, uuid: str) -> None:
        try:
            view = briefings.get_briefing(self.db, self.actor, uuid)
        except AuditToolError as exc:
            show_error(self, "Briefing", exc)
            return
        self._select_uuid(uuid)
        self._show(view)

    def _reload_if_changed(self) -> None:
        if self.current is None:
            return
        try:
            view = briefings.get_briefing(self.db, self.actor, self.current.uuid)
        except AuditToolError:
            return
        if view.revision != self.revision:
            self._show(view)

    def _show(self, view: BriefingView | None) -> None:
        self._idle.stop()
        self._cap.stop()
        self.current = view
        self._dirty = False
        self._conflicted = False
        self.hits = []
        self.editor.setVisible(view is not None)
        self.placeholder.setVisible(view is None)
        if view is None:
            self._update_actions()
            return
        self._loading = True
        try:
            self.revision = view.revision
            self.title.setText(view.row.title)
            self.audience.setText(view.audience)
            for edit in (self.title, self.audience):
                edit.setCursorPosition(0)  # show the start of a long title, not its end
            for key, box in self.boxes.items():
                box.edit.setMarkdown(view.sections.get(key, ""))
                box.edit.document().setModified(False)
                box.edit.document().clearUndoRedoStacks()
        finally:
            self._loading = False
        self.editable = self.can_edit and not view.published
        for box in self.boxes.values():
            box.edit.setReadOnly(not self.editable)
            box.redraft_button.setEnabled(self.editable)
        self.title.setReadOnly(not self.editable)
        self.audience.setReadOnly(not self.editable)
        self.title_error.hide()
        self._show_facts()
        self._update_counts()
        self._show_overrides()
        self.hits_list.clear()
        self.check_summary.setText(
            "Not checked since opening: Check for names... looks now."
            if self.editable
            else "Published: the text was checked before it was frozen."
        )
        themes.styled(self.check_summary, MUTED_STYLE)
        self._show_deliveries()
        if view.published:
            self.save_status.setText("Published: read only")
        elif not self.can_edit:
            self.save_status.setText("Read only")
        else:
            self.save_status.setText(f"Last saved {self._when(view.row.updated_at)}")
        self._update_actions()

    @staticmethod
    def _when(moment: datetime) -> str:
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=UTC)
        local = moment.astimezone()
        if local.date() == date.today():
            return f"at {local:%H:%M}"
        return f"on {day_text(local.date())}"

    def _show_facts(self) -> None:
        view = self.current
        if view is None:
            return
        row = view.row
        parts = [status_text(row), row.source, f"drafted from {plural(row.audits, 'final audit')}"]
        if row.author_name:
            parts.append(f"by {row.author_name}")
        self.facts.setText("  ·  ".join(parts))
        if view.published and row.published_at is not None:
            text = f"Published on {day_text(local_day(row.published_at))}, version {row.version}"
            if self.can_edit:
                text += ": frozen. New version... makes an editable copy."
            else:
                text += "."
            self.banner.setText(text)
            self.banner.show()
        elif not row.audits and self.can_edit:
            self.banner.setText(
                "No final audits yet: the sections hold placeholders. Redraft them from the "
                "audits once audits are moderated."
            )
            self.banner.show()
        else:
            self.banner.hide()

    def _show_overrides(self) -> None:
        self.overrides_list.clear()
        if self.current is None:
            return
        for o in self.current.overrides:
            self.overrides_list.addItem(f"{o.kind} '{o.text}': {o.reason} ({o.by}, {o.at[:10]})")
        if not self.current.overrides:
            item = QListWidgetItem("None")
            item.setFlags(Qt.ItemFlag.NoItemFlags)
            self.overrides_list.addItem(item)

    def _show_deliveries(self) -> None:
        view = self.current
        rows: list[DeliveryRow] = []
        if view is not None:
            try:
                rows = briefings.deliveries(self.db, self.actor, view.uuid)
            except AuditToolError as exc:
                self.use_intro.setText(str(exc))
        self.delivery_model.set_rows(rows)
        self.deliveries.resizeColumnsToContents()
        self.deliveries.horizontalHeader().setStretchLastSection(True)
        if view is None:
            return
        if not view.published:
            self.use_intro.setText(
                "Teams record their use of a published briefing: publish this one first."
            )
        elif rows:
            people = sum(r.attendees for r in rows)
            self.use_intro.setText(
                f"Used by {plural(len(rows), 'team')}, {plural(people, 'attendee')} in all."
            )
        else:
            self.use_intro.setText(
                "Not recorded as used yet. When a team returns the action-plan page, record "
                "their use here."
            )

    def _update_counts(self) -> None:
        total = sum(box.update_count() for box in self.boxes.values())
        self.total.setText(total_text(total))

    def _update_actions(self) -> None:
        view = self.current
        busy = self._worker is not None
        draft = view is not None and not view.published
        published = view is not None and view.published
        self.save_action.setEnabled(self.editable and view is not None)
        self.check_action.setEnabled(draft and not busy)
        self.check_again.setEnabled(draft and not busy)
        self.export_action.setEnabled(view is not None and not busy)
        self.publish_action.setEnabled(draft and not busy)
        self.new_version_action.setEnabled(published and not busy)
        self.record_action.setEnabled(published)
        self.allow_action.setEnabled(draft and self.hits_list.currentRow() >= 0 and bool(self.hits))
        for action in (self.bold_action, self.italic_action, self.bullet_action):
            action.setEnabled(self.editable and view is not None)

    # -- editing

    def _changed(self) -> None:
        if self._loading or not self.editable:
            return
        self._dirty = True
        self.save_status.setText("Unsaved changes")
        if not self._conflicted:
            self._idle.start()
            if not self._cap.isActive():
                self._cap.start()

    def _section_changed(self, box: SectionBox) -> None:
        box.update_count()
        self.total.setText(total_text(sum(b.words for b in self.boxes.values())))
        self._changed()

    def _focused(self, edit: SectionEdit) -> None:
        self._active_edit = edit
        self._sync_format()

    def _follow_cursor(self, edit: SectionEdit) -> None:
        """Keep the cursor in view as the page scrolls, not the (growing) box."""
        if not edit.hasFocus():
            return
        rect = edit.cursorRect()
        point = edit.viewport().mapTo(self.sections_body, rect.center())
        self.sections_scroll.ensureVisible(point.x(), point.y(), 20, rect.height() + 8)

    def _format_target(self) -> SectionEdit | None:
        if not self.editable:
            return None
        focus = QApplication.focusWidget()
        if isinstance(focus, SectionEdit):
            return focus
        if isinstance(focus, QLineEdit | QPlainTextEdit):
            return None  # Ctrl+B in the title box is not meant for a section
        return self._active_edit

    def _sync_format(self) -> None:
        edit = self._active_edit
        if edit is None:
            return
        fmt = edit.currentCharFormat()
        weight = fmt.fontWeight()
        self.bold_action.setChecked(int(getattr(weight, "value", weight)) > 500)
        self.italic_action.setChecked(fmt.fontItalic())

    def toggle_bold(self) -> None:
        edit = self._format_target()
        if edit is None:
            return
        weight = edit.currentCharFormat().fontWeight()
        bold = int(getattr(weight, "value", weight)) > 500
        edit.setFontWeight(QFont.Weight.Normal if bold else QFont.Weight.Bold)
        edit.setFocus()
        self._sync_format()

    def toggle_italic(self) -> None:
        edit = self._format_target()
        if edit is None:
            return
        edit.setFontItalic(not edit.currentCharFormat().fontItalic())
        edit.setFocus()
        self._sync_format()

    def toggle_bullets(self) -> None:
        edit = self._format_target()
        if edit is None:
            return
        cursor = edit.textCursor()
        cursor.beginEditBlock()
        if cursor.currentList() is not None:
            doc = edit.document()
            block = doc.findBlock(cursor.selectionStart())
            end = cursor.selectionEnd()
            while block.isValid() and block.position() <= end:
                text_list = block.textList()
                if text_list is not None:
                    text_list.remove(block)
                    fmt = block.blockFormat()
                    fmt.setIndent(0)
                    QTextCursor(block).setBlockFormat(fmt)
                block = block.next()
        else:
            cursor.createList(QTextListFormat.Style.ListDisc)
        cursor.endEditBlock()
        edit.setFocus()

    def _edited_since_draft(self, key: str) -> bool:
        drafted = self.current.drafted.get(key) if self.current is not None else None
        if drafted is None:
            return True  # drafted before the app kept the draft: ask, to be safe
        return canonical(self.boxes[key].edit.markdown()) != canonical(drafted)

    # -- saving

    def save_now(self) -> None:
        if self.save(explicit=True) and self.editable:
            self.status_message.emit("Briefing saved")

    def save(self, *, explicit: bool = False) -> bool:
        """Save the edits if there are any (or when asked). False when they were not saved."""
        self._idle.stop()
        self._cap.stop()
        view = self.current
        if view is None or not self.editable:
            return True
        if not self._dirty and not explicit:
            return True
        if self._conflicted and not explicit:
            return False
        sections = {
            key: box.edit.markdown()
            for key, box in self.boxes.items()
            if box.edit.document().isModified()
        }
        try:
            saved = briefings.save_briefing(
                self.db,
                self.actor,
                view.uuid,
                title=self.title.text(),
                audience=self.audience.text(),
                sections=sections,
                expected_revision=self.revision,
            )
        except ValidationError as exc:
            message = exc.fields.get("title", str(exc))
            self.title_error.setText(message)
            self.title_error.show()
            self.save_status.setText(f"Not saved: {message}")
            if explicit:
                self.title.setFocus()
            return False
        except ConflictError as exc:
            self._conflict(exc)
            return False
        except AuditToolError as exc:
            self.save_status.setText("Not saved")
            show_error(self, "Briefing not saved", exc)
            return False
        self._saved(saved)
        return True

    def _saved(self, view: BriefingView) -> None:
        self.current = view
        self.revision = view.revision
        self._dirty = False
        self._conflicted = False
        for box in self.boxes.values():
            box.edit.document().setModified(False)
        self.title_error.hide()
        self.save_status.setText(f"Saved at {datetime.now():%H:%M:%S}")
        self._replace_row(view)
        self._show_facts()

    def _conflict(self, exc: ConflictError) -> None:
        """Someone else saved this briefing since it was opened: say who, offer to reload."""
        self._conflicted = True
        self._idle.stop()
        self._cap.stop()
        self.save_status.setText("Not saved: the briefing was changed elsewhere")
        who = ""
        if self.current is not None and self.actor.can("changelog.view"):
            from audit_tool.services import changelog

            try:
                entries = changelog.entries(
                    self.db, self.actor, entity="briefing", entity_uuid=self.current.uuid, limit=1
                )
            except AuditToolError:
                entries = []
            if entries:
                last = entries[0]
                who = (
                    f"\n\nLast change: {last.summary}, by {last.actor_name} {self._when(last.at)}."
                )
        box = QMessageBox(
            QMessageBox.Icon.Warning,
            "Briefing changed elsewhere",
            f"{exc}{who}\n\nReload it to see the saved version (your changes here since your "
            "last save are lost), or keep your text on screen to copy it first.",
            QMessageBox.StandardButton.NoButton,
            self,
        )
        box.setObjectName("briefings_conflict")
        reload = box.addButton("&Reload", QMessageBox.ButtonRole.AcceptRole)
        reload.setObjectName("briefings_conflictReload")
        keep = box.addButton("&Keep my text", QMessageBox.ButtonRole.RejectRole)
        keep.setObjectName("briefings_conflictKeep")
        box.setDefaultButton(reload)
        box.exec()
        if box.clickedButton() is reload and self.current is not None:
            self._dirty = False
            self.refresh_current()
            self.status_message.emit("Briefing reloaded")

    def refresh_current(self) -> None:
        """Load the open briefing again as saved, dropping unsaved edits."""
        if self.current is not None:
            self._dirty = False
            self.open_briefing(self.current.uuid)
            if self.current is not None:
                self._replace_row(self.current)

    # -- commands

    def new(self) -> None:
        if not self.can_edit or not self.save():
            return
        try:
            dialog = NewBriefingDialog(self.db, self.actor, self)
        except AuditToolError as exc:
            show_error(self, "New briefing", exc)
            return
        if dialog.exec() != QDialog.DialogCode.Accepted or dialog.created is None:
            return
        view = dialog.created
        self._after_create(view)
        self.status_message.emit(
            f"Drafted '{view.row.title}' from {plural(view.row.audits, 'final audit')}"
        )

    def _after_create(self, view: BriefingView) -> None:
        self.current = None
        try:
            rows = briefings.list_briefings(self.db, self.actor)
        except AuditToolError as exc:
            show_error(self, "Briefings", exc)
            return
        self._set_rows(rows, view.uuid)
        self.tabs.setCurrentWidget(self.text_tab)
        self.changed.emit()

    def redraft(self, key: str) -> None:
        view = self.current
        if view is None or not self.editable:
            return
        heading = HEADINGS[key]
        if self._edited_since_draft(key) and not confirm(
            self,
            "Redraft from audits",
            f"Replace your text for '{heading}' with a fresh draft from the audits?",
        ):
            return
        if not self.save():
            return
        try:
            fresh = briefings.redraft_section(
                self.db, self.actor, view.uuid, key, expected_revision=self.revision
            )
        except ConflictError as exc:
            self._conflict(exc)
            return
        except AuditToolError as exc:
            show_error(self, "Section not redrafted", exc)
            return
        box = self.boxes[key]
        self._loading = True
        try:
            box.edit.setMarkdown(fresh.sections[key])
            box.edit.document().setModified(False)
        finally:
            self._loading = False
        self._saved(fresh)
        self._update_counts()
        self.status_message.emit(f"'{heading}' drafted again from the audits")

    def run_check(self) -> None:
        view = self.current
        if view is None or not self.can_edit or view.published or not self.save():
            return
        try:
            hits = briefings.check(self.db, self.actor, view.uuid)
        except AuditToolError as exc:
            show_error(self, "Check for names", exc)
            return
        self._show_hits(hits)
        self.tabs.setCurrentWidget(self.names_tab)
        self.status_message.emit(self.check_summary.text())

    def _show_hits(self, hits: list[Any]) -> None:
        self.hits = list(hits)
        self.hits_list.clear()
        for hit in hits:
            item = QListWidgetItem(f"{hit.kind[:1].upper()}{hit.kind[1:]}: '{hit.text}'")
            item.setToolTip("Remove it from the text, or allow it with a reason")
            self.hits_list.addItem(item)
        if hits:
            self.check_summary.setText(
                f"{plural(len(hits), 'identifying detail')} found: remove "
                f"{'it' if len(hits) == 1 else 'them'} from the text"
                + (", or allow one with a reason." if self.can_override else ".")
            )
            themes.styled(self.check_summary, OVER_STYLE)
            self.hits_list.setCurrentRow(0)
        else:
            self.check_summary.setText("No case references, initials or names found.")
            themes.styled(self.check_summary, OK_STYLE)
        self._update_actions()

    def allow(self) -> None:
        view = self.current
        row = self.hits_list.currentRow()
        if view is None or not self.can_override or not 0 <= row < len(self.hits):
            return
        if not self.save():
            return
        hit = self.hits[row]
        dialog = AllowDialog(self.db, self.actor, view.uuid, hit, self)
        if dialog.exec() != QDialog.DialogCode.Accepted or dialog.result_view is None:
            return
        allowed = dialog.result_view
        self.current, self.revision = allowed, allowed.revision
        self._show_overrides()
        self.status_message.emit(f"{hit.kind.capitalize()} '{hit.text}' allowed in the briefing")
        self.run_check()

    def export_pdf(self, path: Path | None = None) -> None:
        """Ask where (unless `path` is given) and write the PDF in the background."""
        view = self.current
        if view is None or self._worker is not None or not self.save():
            return
        if path is None:
            from PySide6.QtWidgets import QFileDialog

            folder = Path(str(self._setting("exportDir", str(Path.home()))))
            name, _ = QFileDialog.getSaveFileName(
                self,
                "Export briefing as PDF",
                str(folder / f"{file_stem(view.row.title)}.pdf"),
                "PDF document (*.pdf)",
            )
            if not name:
                return
            path = Path(name)
        if path.suffix.lower() != ".pdf":
            path = path.with_name(path.name + ".pdf")
        self._store("exportDir", str(path.parent))
        text_pdf, text = export_paths(path) if self.accessible_check.isChecked() else (None, None)
        db, actor, uuid = self.db, self.actor, view.uuid

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

        self._export_path = path
        self._start(work, "Exporting PDF...", self._exported, self._export_failed)

    def _start(self, fn: Any, label: str, done: Any, failed: Any) -> None:
        from audit_tool.ui.workers import Worker

        worker = Worker(fn)
        self._worker = worker
        # Bound methods of this widget: the results are handled in the GUI thread.
        worker.signals.progress.connect(self._progress)
        worker.signals.finished.connect(done)
        worker.signals.failed.connect(failed)
        self.busy_label.setText(label)
        self.busy.setRange(0, 0)
        self.busy.show()
        self.busy_label.show()
        self._update_actions()
        worker.start()

    def _progress(self, done: int, total: int) -> None:
        self.busy.setRange(0, max(total, 1))
        self.busy.setValue(done)

    def _finish(self) -> None:
        self._worker = None
        self.busy.hide()
        self.busy_label.hide()
        self._update_actions()

    def _exported(self, result: object) -> None:
        self._finish()
        path = self._export_path
        extra = getattr(result, "accessible_pdf", None)
        text = f"Exported {path.name}"
        if extra is not None:
            text += f", with {extra.name} and {path.stem}.txt beside it"
        self.status_message.emit(text)
        self.exported.emit(str(path))

    def _export_failed(self, exc: object) -> None:
        self._finish()
        self._refused("Briefing not exported", exc)

    def _refused(self, title: str, exc: object) -> None:
        """A refusal for identifying details lists them and offers the check; else the error."""
        if not (isinstance(exc, ValidationError) and "hits" in exc.fields):
            show_error(self, title, exc if isinstance(exc, BaseException) else str(exc))
            return
        hits: list[Any] = []
        if self.current is not None and self.can_edit:
            try:
                hits = briefings.check(self.db, self.actor, self.current.uuid)
            except AuditToolError:
                hits = []
        listed = _hits_text(hits) if hits else exc.fields["hits"]
        box = QMessageBox(
            QMessageBox.Icon.Warning,
            title,
            "The briefing names a child or a person, so it cannot leave the app yet:\n\n"
            f"{listed}\n\nRemove these from the text"
            + (", or a QA lead may allow one with a reason." if self.can_override else "."),
            QMessageBox.StandardButton.Close,
            self,
        )
        box.setObjectName("briefings_refused")
        open_check = None
        if self.can_edit:
            open_check = box.addButton("Open the &check", QMessageBox.ButtonRole.ActionRole)
            open_check.setObjectName("briefings_openCheck")
            box.setDefaultButton(open_check)
        box.exec()
        if open_check is not None and box.clickedButton() is open_check:
            self.run_check()

    def publish(self) -> None:
        view = self.current
        if view is None or view.published or not self.can_publish or self._worker is not None:
            return
        if not self.save():
            return
        if not confirm(self, "Publish briefing", PUBLISH_TEXT.format(title=view.row.title)):
            return
        db, actor, uuid, revision = self.db, self.actor, view.uuid, self.revision

        def work(_report: Any) -> object:
            return briefings.publish(db, actor, uuid, expected_revision=revision)

        self._start(work, "Publishing...", self._published, self._publish_failed)

    def _published(self, result: object) -> None:
        self._finish()
        assert isinstance(result, BriefingView)
        self._after_create(result)
        self.status_message.emit(
            f"Published '{result.row.title}', version {result.row.version}: frozen"
        )

    def _publish_failed(self, exc: object) -> None:
        self._finish()
        if isinstance(exc, ConflictError):
            self._conflict(exc)
            return
        self._refused("Briefing not published", exc)

    def new_version(self) -> None:
        view = self.current
        if view is None or not view.published or not self.can_edit:
            return
        try:
            draft = briefings.new_version(self.db, self.actor, view.uuid)
        except AuditToolError as exc:
            show_error(self, "New version", exc)
            return
        self._after_create(draft)
        self.status_message.emit(
            f"Version {draft.row.version} of '{draft.row.title}' started: an editable copy"
        )

    def record_use(self) -> None:
        view = self.current
        if view is None or not view.published or not self.can_edit:
            return
        dialog = RecordUseDialog(self.db, self.actor, view.uuid, self)
        if dialog.exec() != QDialog.DialogCode.Accepted or dialog.recorded is None:
            return
        self._show_deliveries()
        self.tabs.setCurrentWidget(self.use_tab)
        self.status_message.emit(f"Recorded: used by {dialog.recorded.team_name}")
        self.changed.emit()

    # -- leaving

    def hideEvent(self, event: QHideEvent) -> None:  # noqa: N802 - Qt's name
        self.save()
        self._store("splitter", self.splitter.saveState())
        super().hideEvent(event)
