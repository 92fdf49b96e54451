"""The New briefing dialog: what a briefing is drafted from (a programme, a theme tag or chosen
audits), with its title and audience."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from audit_tool.access.actors import Actor
from audit_tool.errors import AuditToolError
from audit_tool.services import briefings
from audit_tool.services.briefings import DEFAULT_AUDIENCE, BriefingView
from audit_tool.store import Database
from audit_tool.ui import operations as ops
from audit_tool.ui import theme as themes
from audit_tool.ui.briefings.common import MUTED_STYLE, OVER_STYLE, plural
from audit_tool.ui.forms import ERROR_STYLE
from audit_tool.ui.in_place import in_line


class NewBriefingDialog(QDialog):
    """Choose what a new briefing is drafted from: a programme, a theme tag or chosen audits."""

    def __init__(self, db: Database, actor: Actor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db, self.actor = db, actor
        self.created: BriefingView | None = None
        self.setObjectName("briefings_newDialog")
        self.setWindowTitle("New briefing")
        self.resize(620, 600)
        self._build_sources()
        self._build_programmes()
        self._build_theme()
        self._build_fields()
        self._build_buttons()
        self._build_layout()
        self._start()

    def _build_sources(self) -> None:
        """The three radio buttons: from a programme, a theme tag or chosen audits."""
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

    def _build_programmes(self) -> None:
        from audit_tool.services import programmes

        self.programme = QComboBox()
        self.programme.setObjectName("briefings_new_programme")
        self.programme.setAccessibleName("Programme")
        self.chosen_programme = QComboBox()
        self.chosen_programme.setObjectName("briefings_new_chosenProgramme")
        self.chosen_programme.setAccessibleName("Show the final audits of")
        self.chosen_programme.addItem("All programmes", None)
        for row in programmes.list_programmes(self.db, self.actor):
            label = row.name + (f" (theme: {row.theme})" if row.theme else "")
            self.programme.addItem(label, row.key)
            self.chosen_programme.addItem(row.name, row.key)

    def _build_theme(self) -> None:
        from audit_tool.services import learning

        self.theme = QComboBox()
        self.theme.setObjectName("briefings_new_theme")
        self.theme.setAccessibleName("Theme tag")
        self.theme.setEditable(True)
        self.theme.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.theme.addItems(learning.theme_tags(self.db, self.actor))
        self.theme.setCurrentIndex(-1)

    def _build_fields(self) -> None:
        """The chosen audits' list, the count of audits, title, audience and the message."""
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

    def _build_buttons(self) -> None:
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok.setText("&Draft briefing")
        self.ok.setObjectName("briefings_new_ok")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)

    def _build_layout(self) -> None:
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

    def _start(self) -> None:
        """Preselect a source, follow the user's choices, and fill the list and the count."""
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
        db, actor = self.db, self.actor

        def count(key: str | None) -> Callable[[ops.Task], int]:
            return lambda task: briefings.count_source_audits(db, actor, programme_key=key)

        for i in range(self.programme.count()):
            n = (
                ops.Operation(self, count(self.programme.itemData(i)), title="New briefing")
                .quietly()  # then no programme is preselected
                .run()
            )
            if n is None:
                return
            if n:
                self.programme.setCurrentIndex(i)
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

        db, actor, programme = self.db, self.actor, self.chosen_programme.currentData()
        rows = (
            ops.Operation(
                self,
                lambda task: audits.list_audits(
                    db, actor, status="final", programme_key=programme, limit=20_000
                ),
                title="New briefing",
            )
            .failure(in_line(self.message))
            .run()
        ) or []
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
        db, actor = self.db, self.actor
        refusals: list[str] = []

        def refused(exc: AuditToolError) -> bool:
            refusals.append(str(exc))
            return True  # said in the count line

        def count(**which: Any) -> int:
            n = (
                ops.Operation(
                    self,
                    lambda task: briefings.count_source_audits(db, actor, **which),
                    title="New briefing",
                )
                .failure(refused)
                .run()
            )
            return n or 0

        if source == "programme":
            key = self.programme.currentData()
            n = count(programme_key=key) if key else 0
            ready = key is not None
            text = (
                f"{plural(n, 'final audit')} in this programme: the briefing is drafted from them."
                if n
                else "No final audits in this programme yet. The briefing is still "
                "drafted, with placeholders: redraft its sections once audits are "
                "moderated."
            )
        elif source == "theme":
            theme = self.theme.currentText().strip()
            ready = bool(theme)
            n = count(theme=theme)
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
        if refusals:
            text, ready = refusals[0], False
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
        db, actor = self.db, self.actor
        created = (
            ops.Operation(
                self,
                lambda task: briefings.new_briefing(db, actor, **kwargs),
                title="New briefing",
            )
            .failure(in_line(self.message))
            .run()
        )
        if created is None:
            return
        self.created = created
        super().accept()
