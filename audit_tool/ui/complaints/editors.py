"""The two list editors of the complaint form: the points raised (each with its themes) and
the learning points (kind, text, themes, whether it may go into a briefing). Rows are typed
in place; their problems are shown under the table, each naming its row."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from audit_tool.services.complaints import ComplaintLearningRow, LearningInput, PointInput
from audit_tool.services.learning import KIND_LABELS
from audit_tool.ui import theme as themes
from audit_tool.ui.filters import text_height
from audit_tool.ui.forms import ERROR_STYLE


def split_themes(text: str) -> tuple[str, ...]:
    return tuple(t.strip() for t in text.replace(";", ",").split(",") if t.strip())


class _RowsEditor(QWidget):
    """A table of typed rows with Add and Remove buttons and a message line under it."""

    def __init__(self, name: str, headers: list[str], noun: str, lines: int = 5) -> None:
        super().__init__()
        self.setObjectName(name)
        self.table = QTableWidget(0, len(headers))
        self.table.setObjectName(f"{name}Table")
        self.table.setAccessibleName(noun.capitalize() + "s")
        self.table.setHorizontalHeaderLabels(headers)
        self.table.verticalHeader().setVisible(True)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setMinimumHeight(text_height(self.table, lines))
        self.table.setWordWrap(True)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.add_button = QPushButton(f"&Add {noun}")
        self.add_button.setObjectName(f"{name}Add")
        self.add_button.clicked.connect(lambda: self.add_row())
        self.remove_button = QPushButton(f"Remove {noun}")
        self.remove_button.setObjectName(f"{name}Remove")
        self.remove_button.clicked.connect(self.remove_current)
        self.error = QLabel()
        self.error.setObjectName(f"{name}Error")
        self.error.setWordWrap(True)
        themes.styled(self.error, ERROR_STYLE)
        self.error.hide()
        buttons = QHBoxLayout()
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.remove_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        layout.addWidget(self.error)

    def add_row(self) -> int:
        raise NotImplementedError

    def remove_current(self) -> None:
        row = self.table.currentRow()
        if row >= 0:
            self.table.removeRow(row)

    def text(self, row: int, column: int) -> str:
        item = self.table.item(row, column)
        return item.text() if item is not None else ""

    def set_text(self, row: int, column: int, value: str) -> None:
        self.table.setItem(row, column, QTableWidgetItem(value))

    def show_problems(self, messages: list[str]) -> None:
        self.error.setText("\n".join(messages))
        self.error.setVisible(bool(messages))


class PointsEditor(_RowsEditor):
    """The points a complaint raises: what each is about (no names) and its themes."""

    def __init__(self) -> None:
        super().__init__(
            "complaintPoints",
            ["Point raised (no names)", "Themes (comma-separated)"],
            "point",
        )

    def add_row(self, point: PointInput | None = None) -> int:
        row = self.table.rowCount()
        self.table.insertRow(row)
        self.set_text(row, 0, point.text if point else "")
        self.set_text(row, 1, ", ".join(point.themes) if point else "")
        self.table.setCurrentCell(row, 0)
        return row

    def points(self) -> tuple[PointInput, ...]:
        return tuple(
            PointInput(self.text(r, 0), split_themes(self.text(r, 1)))
            for r in range(self.table.rowCount())
        )


class LearningEditor(_RowsEditor):
    """The complaint's learning points: kind, the learning, themes, allowed into briefings."""

    def __init__(self) -> None:
        super().__init__(
            "complaintLearning",
            ["Kind", "Learning (no names)", "Themes", "In briefings"],
            "learning point",
            lines=4,
        )
        header = self.table.horizontalHeader()
        for column in (0, 3):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        self._uuids: list[str | None] = []

    def add_row(self, existing: ComplaintLearningRow | None = None) -> int:
        row = self.table.rowCount()
        self.table.insertRow(row)
        kind = QComboBox()
        kind.setAccessibleName(f"Kind of learning point {row + 1}")
        for key, label in KIND_LABELS.items():
            kind.addItem(label, key)
        kind.setCurrentIndex(max(kind.findData(existing.kind if existing else "development"), 0))
        self.table.setCellWidget(row, 0, kind)
        self.set_text(row, 1, existing.text if existing else "")
        self.set_text(row, 2, ", ".join(existing.themes) if existing else "")
        check = QTableWidgetItem()
        check.setFlags(Qt.ItemFlag.ItemIsUserCheckable | Qt.ItemFlag.ItemIsEnabled)
        in_briefing = existing.in_briefing if existing else True
        check.setCheckState(Qt.CheckState.Checked if in_briefing else Qt.CheckState.Unchecked)
        self.table.setItem(row, 3, check)
        self._uuids.insert(row, existing.uuid if existing else None)
        self.table.setCurrentCell(row, 1)
        return row

    def remove_current(self) -> None:
        row = self.table.currentRow()
        if row >= 0:
            del self._uuids[row]
        super().remove_current()

    def learning(self) -> tuple[LearningInput, ...]:
        out = []
        for r in range(self.table.rowCount()):
            kind = self.table.cellWidget(r, 0)
            assert isinstance(kind, QComboBox)
            check = self.table.item(r, 3)
            out.append(
                LearningInput(
                    kind=str(kind.currentData()),
                    text=self.text(r, 1),
                    themes=split_themes(self.text(r, 2)),
                    in_briefing=check is not None and check.checkState() == Qt.CheckState.Checked,
                    uuid=self._uuids[r],
                )
            )
        return tuple(out)
