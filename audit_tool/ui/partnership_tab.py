"""Admin > Partnership: the name and logo printed on briefings and reports, the month the
partnership's year starts (the report's quarters and years), this installation's name
(written into audit packs) and, for a QA lead, the e-mail relay of notices
(mail_settings_box.py) and the complaint stages' timescales (complaints/timescales_box.py)."""

from __future__ import annotations

import calendar
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from audit_tool.access.actors import Actor
from audit_tool.errors import ValidationError
from audit_tool.services import settings
from audit_tool.store import Database
from audit_tool.ui import operations as ops
from audit_tool.ui import theme as themes
from audit_tool.ui.forms import ERROR_STYLE, field_with_error
from audit_tool.ui.in_place import beside_fields

LOGO_BOX = (240, 90)


class PartnershipTab(QWidget):
    changed = Signal()
    status_message = Signal(str)

    def __init__(self, db: Database, actor: Actor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db, self.actor = db, actor
        self.setObjectName("partnershipTab")
        self.logo: bytes | None = None
        intro = QLabel(
            "The partnership's name and logo appear on every 7-minute briefing and report. "
            "The logo is kept in the database, so every laptop prints the same."
        )
        intro.setWordWrap(True)
        self.name = QLineEdit()
        name_box, self.name_error = field_with_error(self.name, "partnership_name", "Name")
        self.installation = QLineEdit()
        self.installation.setPlaceholderText("e.g. Northshire QA team laptop")
        install_box, self.installation_error = field_with_error(
            self.installation, "partnership_installation", "This installation's name"
        )
        year_box = self._build_year()
        logo_box, choose = self._build_logo()
        form = QFormLayout()
        form.addRow("&Name:", name_box)
        form.addRow("&Installation:", install_box)
        form.addRow("&Year starts in:", year_box)
        form.addRow("Logo:", logo_box)
        self.save_button = QPushButton("&Save")
        self.save_button.setObjectName("partnership_save")
        self.save_button.clicked.connect(self.save)
        self.status = QLabel()
        self.status.setObjectName("partnership_status")
        buttons = QHBoxLayout()
        buttons.addWidget(self.status, 1)
        buttons.addWidget(self.save_button)
        # In a scroll area: with the e-mail settings the tab is taller than a small window.
        content = QWidget()
        scroll = QScrollArea()
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidgetResizable(True)
        scroll.setWidget(content)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(scroll)
        layout = QVBoxLayout(content)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addLayout(buttons)
        editable = actor.can("reference.edit")
        self.mail: QWidget | None = None
        if editable:  # the relay's settings are for whoever may change them
            from audit_tool.ui.mail_settings_box import MailSettingsBox

            self.mail = MailSettingsBox(db, actor)
            self.mail.status_message.connect(self.status_message)
            layout.addWidget(self.mail)
            from audit_tool.ui.complaints.timescales_box import TimescalesBox

            self.timescales = TimescalesBox(db, actor)
            self.timescales.status_message.connect(self.status_message)
            layout.addWidget(self.timescales)
        layout.addStretch(1)
        for widget in (
            self.name,
            self.installation,
            self.year_start,
            choose,
            self.remove,
            self.save_button,
        ):
            widget.setEnabled(editable)
        self.refresh()

    def _build_year(self) -> QWidget:
        """The month the partnership's year starts in, with its error line."""
        self.year_start = QComboBox()
        self.year_start.setObjectName("partnership_yearStart")
        self.year_start.setAccessibleName("The partnership's year starts in")
        self.year_start.setToolTip(
            "The report's quarters and years follow it: April gives the financial year "
            '("2025/26 Q1" is April to June 2025), January the calendar year ("2025 Q1")'
        )
        for month in range(1, 13):
            self.year_start.addItem(calendar.month_name[month], month)
        self.year_start_error = QLabel()
        themes.styled(self.year_start_error, ERROR_STYLE)
        self.year_start_error.hide()
        year_box = QWidget()
        year_layout = QVBoxLayout(year_box)
        year_layout.setContentsMargins(0, 0, 0, 0)
        year_layout.addWidget(self.year_start)
        year_layout.addWidget(self.year_start_error)
        return year_box

    def _build_logo(self) -> tuple[QWidget, QPushButton]:
        """The logo's preview, Choose and Remove, and its error line; returns Choose too."""
        self.preview = QLabel()
        self.preview.setObjectName("partnership_logoPreview")
        self.preview.setAccessibleName("Logo")
        self.preview.setFixedSize(*LOGO_BOX)
        self.preview.setAlignment(Qt.AlignmentFlag.AlignCenter)
        themes.styled(self.preview, "background: $paper; border: 1px solid $paper_border;")
        self.logo_error = QLabel()
        self.logo_error.setObjectName("partnership_logoError")
        themes.styled(self.logo_error, "color: $error;")
        self.logo_error.setWordWrap(True)
        self.logo_error.hide()
        choose = QPushButton("Choose logo...")
        choose.setObjectName("partnership_chooseLogo")
        choose.clicked.connect(lambda: self.choose_logo())
        self.remove = QPushButton("Remove logo")
        self.remove.setObjectName("partnership_removeLogo")
        self.remove.clicked.connect(self.remove_logo)
        logo_buttons = QVBoxLayout()
        logo_buttons.addWidget(choose)
        logo_buttons.addWidget(self.remove)
        logo_buttons.addStretch(1)
        logo_row = QHBoxLayout()
        logo_row.addWidget(self.preview)
        logo_row.addLayout(logo_buttons)
        logo_row.addStretch(1)
        logo_box = QWidget()
        logo_layout = QVBoxLayout(logo_box)
        logo_layout.setContentsMargins(0, 0, 0, 0)
        logo_layout.addLayout(logo_row)
        logo_layout.addWidget(self.logo_error)
        return logo_box, choose

    def refresh(self) -> None:
        db, actor = self.db, self.actor
        current = ops.Operation(
            self, lambda task: settings.partnership(db, actor), title="Partnership"
        ).run()
        if current is None:
            return
        self.name.setText(current.name)
        self.installation.setText(current.installation_name)
        self.year_start.setCurrentIndex(self.year_start.findData(current.year_start_month))
        self._show_logo(current.logo)

    def _show_logo(self, data: bytes | None) -> None:
        self.logo = data
        self.remove.setEnabled(bool(data) and self.actor.can("reference.edit"))
        if not data:
            self.preview.setPixmap(QPixmap())
            self.preview.setText("No logo")
            return
        pixmap = QPixmap()
        pixmap.loadFromData(data)
        self.preview.setPixmap(
            pixmap.scaled(
                LOGO_BOX[0] - 10,
                LOGO_BOX[1] - 10,
                Qt.AspectRatioMode.KeepAspectRatio,
                Qt.TransformationMode.SmoothTransformation,
            )
        )

    def choose_logo(self, path: str | None = None) -> None:
        if path is None:
            path, _ = QFileDialog.getOpenFileName(
                self, "Choose the partnership's logo", "", "Pictures (*.png *.jpg *.jpeg)"
            )
            if not path:
                return
        try:
            data = Path(path).read_bytes()
        except OSError as exc:
            self._logo_problem(f"{Path(path).name} cannot be read: {exc.strerror}")
            return
        if settings.logo_kind(data) is None:
            self._logo_problem(f"{Path(path).name} is not a PNG or JPEG picture")
            return
        self.logo_error.hide()
        self._show_logo(data)
        self.status.setText("Logo chosen: save to keep it")

    def _logo_problem(self, text: str) -> None:
        self.logo_error.setText(text)
        self.logo_error.show()

    def remove_logo(self) -> None:
        self._show_logo(None)
        self.status.setText("Logo removed: save to keep the change")

    def _show_errors(self, exc: ValidationError) -> None:
        for key, label in (
            ("name", self.name_error),
            ("installation_name", self.installation_error),
            ("year_start_month", self.year_start_error),
            ("logo", self.logo_error),
        ):
            if key in exc.fields:
                label.setText(exc.fields[key])
                label.show()
        self.status.setText("Not saved")

    def save(self) -> None:
        for label in (
            self.name_error,
            self.installation_error,
            self.year_start_error,
            self.logo_error,
        ):
            label.hide()
        db, actor, logo = self.db, self.actor, self.logo
        name, installation = self.name.text(), self.installation.text()
        year_start = self.year_start.currentData()
        saved = (
            ops.Operation(
                self,
                lambda task: settings.save_partnership(
                    db,
                    actor,
                    name=name,
                    installation_name=installation,
                    logo=logo,
                    year_start_month=year_start,
                ),
                title="Settings not saved",
            )
            .failure(beside_fields(self._show_errors))
            .run()
        )
        if saved is None:
            return
        self.name.setText(saved.name)
        self.year_start.setCurrentIndex(self.year_start.findData(saved.year_start_month))
        self.status.setText("Saved")
        self.status_message.emit("Partnership settings saved")
        self.changed.emit()
