"""The Dashboard's "Learning and voices" tab: the report in words beside its figures.

The learning themes of the latest period against the one before (counts set side by side only
when both periods are whole), the strongest learning points and the families' voices quoted
(those the report may quote: services/report_story.py), last period's areas for improvement
with what was done, and the QA lead's commentary from the report's edition, with the command
that opens the commentary editor (ui/dashboard/commentary.py) for those who write it."""

from __future__ import annotations

import html
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from audit_tool.reporting.story import (
    COMMENTARY_SECTIONS,
    action_state_text,
    change_text,
    edition_text,
    point_source_text,
    theme_title,
    voice_source_text,
)
from audit_tool.ui import theme as themes
from audit_tool.ui.table_model import Column, RecordTableModel


def _label(span: dict[str, Any]) -> str:
    return f"{span['label']} (partial)" if span.get("partial") else str(span["label"])


class StoryPanel(QWidget):
    """The story of the report on show; `write_commentary` asks for the editor."""

    write_commentary = Signal()

    def __init__(self, can_comment: bool) -> None:
        super().__init__()
        self.setObjectName("dashboard_story")
        self.story: dict[str, Any] = {}
        self.heading = QLabel()
        self.heading.setObjectName("dashboard_storyHeading")
        self.heading.setWordWrap(True)
        self.edition = QLabel()
        self.edition.setObjectName("dashboard_storyEdition")
        themes.styled(self.edition, "color: $muted;")
        self.comment_button = QPushButton("Write commentary...")
        self.comment_button.setObjectName("dashboard_commentaryButton")
        self.comment_button.setAccessibleName("Write the QA lead's commentary on this report")
        self.comment_button.setToolTip(
            "Write the commentary printed under each section of this period's report, save it "
            "as a draft and publish it"
        )
        self.comment_button.setVisible(can_comment)
        self.comment_button.clicked.connect(self.write_commentary)
        self.model = RecordTableModel(self._columns(compared=True), self)
        self.table = QTableView()
        self.table.setObjectName("dashboard_themes")
        self.table.setAccessibleName("Learning themes of the latest period")
        self.table.setModel(self.model)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.text = QTextBrowser()
        self.text.setObjectName("dashboard_storyText")
        self.text.setAccessibleName("The learning, the families' voices and the commentary")
        self.text.setOpenLinks(False)
        self._lay_out()

    def _lay_out(self) -> None:
        top = QHBoxLayout()
        top.addWidget(self.heading, 1)
        top.addWidget(self.edition)
        top.addWidget(self.comment_button)
        body = QHBoxLayout()
        body.addWidget(self.table, 1)
        body.addWidget(self.text, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 0)
        layout.addLayout(top)
        layout.addLayout(body, 1)

    @staticmethod
    def _columns(*, compared: bool) -> list[Column]:
        def then(kind: str) -> Column:
            return Column(
                "Change",
                lambda t: change_text(t[kind], (t.get("before") or {}).get(kind)),
            )

        columns = [
            Column("Theme", lambda t: theme_title(t["theme"])),
            Column("Strengths", lambda t: t["strength"]),
            Column("For development", lambda t: t["development"]),
        ]
        if compared:
            columns.insert(2, then("strength"))
            columns.append(then("development"))
        return columns

    def show_story(self, story: dict[str, Any] | None) -> None:
        """Show the story of the report on show (None: the report has none)."""
        self.story = story or {}
        if not story:
            self.heading.setText("The learning in words is not part of these figures.")
            self.edition.clear()
            self.model.set_rows([])
            self.text.clear()
            return
        now, before = _label(story["period"]), _label(story["previous"])
        compared = bool(story.get("compared"))
        self.heading.setText(
            f"Learning in {now}, against {before}"
            if compared
            else f"Learning in {now}: not compared with {before}, as a period is not whole"
        )
        self.edition.setText(f"Commentary: {edition_text(story.get('edition'))}")
        self.model.columns = self._columns(compared=compared)
        rows = [t for t in story.get("themes") or [] if t["strength"] or t["development"]]
        self.model.set_rows(rows)
        self.text.setHtml(story_html(story))

    def set_commentary(self, commentary: dict[str, str], edition: dict[str, Any] | None) -> None:
        """The commentary just saved or published, without computing the figures again."""
        if self.story:
            self.show_story({**self.story, "commentary": dict(commentary), "edition": edition})


def story_html(story: dict[str, Any]) -> str:
    """The story's words as simple HTML: every text escaped."""
    e = html.escape
    now, before = _label(story["period"]), _label(story["previous"])
    commentary = story.get("commentary") or {}
    parts: list[str] = []

    def points(title: str, found: list[dict[str, Any]]) -> None:
        parts.append(f"<h3>{e(title)}</h3>")
        if not found:
            parts.append(f"<p><i>None recorded in {e(now)} may be quoted.</i></p>")
            return
        items = "".join(
            f"<li>\u201c{e(p['text'])}\u201d <small>\u2014 {e(point_source_text(p))}</small></li>"
            for p in found
        )
        parts.append(f"<ul>{items}</ul>")

    points("What worked well", story.get("strengths") or [])
    points("What needs to improve", story.get("developments") or [])
    parts.append("<h3>Voices of children and families</h3>")
    voices = story.get("voices") or []
    if not voices:
        parts.append(f"<p><i>No comment in {e(now)} may be quoted.</i></p>")
    for v in voices:
        parts.append(
            f"<blockquote>\u201c{e(v['text'])}\u201d "
            f"<small>\u2014 {e(voice_source_text(v))}</small></blockquote>"
        )
    parts.append(f"<h3>Areas for improvement from {e(before)}</h3>")
    areas = story.get("improvement") or []
    if not areas:
        parts.append(f"<p><i>No points for development were recorded in {e(before)}.</i></p>")
    for a in areas:
        n = a["actions"]
        parts.append(
            f"<p><b>{e(theme_title(a['theme']))}</b>: {a['development_before']} for development "
            f"in {e(before)}, {a['development_now']} in {e(now)}; {n['raised']} actions raised, "
            f"{n['done']} done, {n['open']} open ({n['overdue']} overdue).</p>"
        )
        quoted = "".join(
            f"<li>{e(q['text'])} \u2014 {e(action_state_text(q))}</li>"
            for q in a.get("quoted") or []
        )
        if quoted:
            parts.append(f"<ul>{quoted}</ul>")
    written = [(h, commentary[k]) for k, h in COMMENTARY_SECTIONS if commentary.get(k)]
    if written:
        parts.append("<h3>Commentary from the QA lead</h3>")
        for heading, text in written:
            body = "<br>".join(e(line) for line in str(text).splitlines())
            parts.append(f"<p><b>{e(heading)}</b><br>{body}</p>")
    return "".join(parts)
