"""The open briefing: what it is and where it stands, its title and audience, the tabs (its text,
the names check, where it was used) and the line that says whether the edits are saved."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from audit_tool.services.briefings import DEFAULT_AUDIENCE, BriefingView
from audit_tool.ui import theme as themes
from audit_tool.ui.briefings.common import MUTED_STYLE, day_text, local_day, plural, status_text
from audit_tool.ui.briefings.formatting import TextCorner
from audit_tool.ui.briefings.names_check import NamesTab
from audit_tool.ui.briefings.sections import TextTab
from audit_tool.ui.briefings.usage import UsageTab
from audit_tool.ui.forms import BANNER_STYLE, field_with_error


class BriefingEditor(QWidget):
    """The right-hand (lower) part of the view; the Names check tab is for those who edit."""

    def __init__(
        self,
        can_edit: bool,
        format_actions: tuple[QAction, ...],
        allow_action: QAction,
        record_action: QAction,
        busy: tuple[QLabel, QProgressBar],
    ) -> None:
        super().__init__()
        self.setObjectName("briefings_editor")
        self.facts = QLabel()
        self.facts.setObjectName("briefings_facts")
        self.facts.setWordWrap(True)
        themes.styled(self.facts, MUTED_STYLE)
        self.banner = QLabel()
        self.banner.setObjectName("briefings_banner")
        self.banner.setWordWrap(True)
        themes.styled(self.banner, BANNER_STYLE)
        self.banner.hide()
        fields = self._build_fields()
        self.text_corner = TextCorner(format_actions, can_edit)
        self.text_tab = TextTab(can_edit)
        self.names_tab = NamesTab(allow_action)
        self.use_tab = UsageTab(record_action)
        self._build_tabs(can_edit)
        self.save_status = QLabel()
        self.save_status.setObjectName("briefings_saveStatus")
        themes.styled(self.save_status, MUTED_STYLE)
        bottom = QHBoxLayout()
        bottom.addWidget(self.save_status, 1)
        for widget in busy:
            bottom.addWidget(widget)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 0)
        layout.addWidget(self.facts)
        layout.addWidget(self.banner)
        layout.addLayout(fields)
        layout.addWidget(self.tabs, 1)
        layout.addLayout(bottom)

    def _build_fields(self) -> QHBoxLayout:
        """Title and audience, in one row: the sections need the height."""
        self.title = QLineEdit()
        title_box, self.title_error = field_with_error(self.title, "briefings_title", "Title")
        self.audience = QLineEdit()
        self.audience.setObjectName("briefings_audience")
        self.audience.setAccessibleName("Audience")
        self.audience.setPlaceholderText(DEFAULT_AUDIENCE)
        title_label, audience_label = QLabel("&Title"), QLabel("A&udience")
        title_label.setBuddy(self.title)
        audience_label.setBuddy(self.audience)
        fields = QHBoxLayout()
        fields.setContentsMargins(0, 0, 0, 0)
        fields.addWidget(title_label, 0, Qt.AlignmentFlag.AlignTop)
        fields.addWidget(title_box, 3, Qt.AlignmentFlag.AlignTop)
        fields.addSpacing(8)
        fields.addWidget(audience_label, 0, Qt.AlignmentFlag.AlignTop)
        fields.addWidget(self.audience, 2, Qt.AlignmentFlag.AlignTop)
        for label in (title_label, audience_label):
            label.setMinimumHeight(self.title.sizeHint().height())
        return fields

    def _build_tabs(self, can_edit: bool) -> None:
        self.tabs = QTabWidget()
        self.tabs.setObjectName("briefings_tabs")
        self.tabs.setDocumentMode(True)
        self.tabs.addTab(self.text_tab, "Te&xt")
        if can_edit:
            self.tabs.addTab(self.names_tab, "Names &check")
        self.tabs.addTab(self.use_tab, "&Where it was used")
        self.tabs.setCornerWidget(self.text_corner, Qt.Corner.TopRightCorner)
        self.tabs.currentChanged.connect(
            lambda _i: self.text_corner.setVisible(self.tabs.currentWidget() is self.text_tab)
        )

    def show_facts(self, view: BriefingView, can_edit: bool) -> None:
        """The line of facts (status, source, audits, author) and the banner, if one is due."""
        row = view.row
        parts = [status_text(row), row.source, f"drafted from {plural(row.audits, 'final audit')}"]
        if row.author_name:
            parts.append(f"by {row.author_name}")
        self.facts.setText("  ·  ".join(parts))
        if view.published and row.published_at is not None:
            text = f"Published on {day_text(local_day(row.published_at))}, version {row.version}"
            if can_edit:
                text += ": frozen. New version... makes an editable copy."
            else:
                text += "."
            self.banner.setText(text)
            self.banner.show()
        elif not row.audits and can_edit:
            self.banner.setText(
                "No final audits yet: the sections hold placeholders. Redraft them from the "
                "audits once audits are moderated."
            )
            self.banner.show()
        else:
            self.banner.hide()
