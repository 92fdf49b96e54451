"""The Dashboard's headline tiles: one figure each, with its detail and its change."""

from __future__ import annotations

from PySide6.QtWidgets import QFrame, QLabel, QSizePolicy, QVBoxLayout

from audit_tool.ui import theme as themes


class Tile(QFrame):
    """One headline figure: what it is, the latest value, a detail line and the change."""

    def __init__(self, name: str, title: str, tip: str) -> None:
        super().__init__()
        self.setObjectName(name)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setAccessibleName(title)
        self.setToolTip(tip)
        # Preferred, not Fixed: a wrapped line makes the tile taller (height for width).
        policy = QSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        policy.setHeightForWidth(True)
        self.setSizePolicy(policy)
        self.title = QLabel(title)
        self.title.setObjectName(f"{name}_title")
        themes.styled(self.title, "color: $muted;")
        self.value = QLabel()
        self.value.setObjectName(f"{name}_value")
        font = self.value.font()
        font.setPointSizeF(font.pointSizeF() * 1.6)
        font.setBold(True)
        self.value.setFont(font)
        self.detail = QLabel()
        self.detail.setObjectName(f"{name}_detail")
        themes.styled(self.detail, "color: $muted;")
        self.change = QLabel()
        self.change.setObjectName(f"{name}_change")
        for label in (self.title, self.value, self.detail, self.change):
            label.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 6, 10, 8)
        layout.setSpacing(1)
        layout.addWidget(self.title)
        layout.addWidget(self.value)
        layout.addWidget(self.detail)
        layout.addWidget(self.change)

    def show_figures(self, value: str, detail: str, change: str, tone: str) -> None:
        """`tone`: "better", "worse" or "" (the words carry the meaning; colour only helps)."""
        self.value.setText(value)
        self.detail.setText(detail)
        self.change.setText(change)
        colour = {"better": "success", "worse": "error"}.get(tone, "muted")
        themes.styled(self.change, f"color: ${colour};")
        self.setAccessibleDescription(self.text())

    def text(self) -> str:
        return " · ".join(
            label.text()
            for label in (self.title, self.value, self.detail, self.change)
            if label.text()
        )


def _tone(direction: str, better: str) -> str:
    if not direction or not better:
        return ""
    return "better" if direction == better else "worse"
