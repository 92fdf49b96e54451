"""The Dashboard's headline tiles: one figure each, with its detail and its change."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtWidgets import QFrame, QLabel, QSizePolicy, QVBoxLayout

from audit_tool.ui import theme as themes
from audit_tool.ui.dashboard.figures import (
    BETTER_UP,
    NEUTRAL,
    change_text,
    feedback_mean,
    is_partial,
    pct_text,
    period_name,
)
from audit_tool.ui.filters import plural


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


def make_tiles() -> dict[str, Tile]:
    """The six headline tiles, in the order they are shown."""
    return {
        "audits": Tile(
            "dashboard_tile_audits",
            "Final audits",
            "Audits made final in the period, against the audits due in it",
        ),
        "good": Tile(
            "dashboard_tile_good",
            "Good or better",
            "Final overall grade Outstanding or Good, of the audits graded",
        ),
        "agreement": Tile(
            "dashboard_tile_agreement",
            "Auditors agree",
            "Looped audits whose two auditors gave the same overall grade; quadratic-"
            "weighted kappa beside it",
        ),
        "feedback": Tile(
            "dashboard_tile_feedback",
            "Family feedback",
            "Mean of the % answering yes to each feedback question, in the audits",
        ),
        "worker": Tile(
            "dashboard_tile_worker",
            "Worker feedback",
            "Final audits whose worker was given feedback on the audit",
        ),
        "actions": Tile(
            "dashboard_tile_actions",
            "Actions",
            "Overdue today: open actions due before today, of all the actions you can see "
            "(the count beside Actions in the sidebar). Open and done: the actions raised "
            "in the period's audits",
        ),
    }


class _Compared:
    """Shows a tile's figure for the latest period with its change from the one before: like
    with like, or not at all (part of a period is never compared with a whole one)."""

    def __init__(
        self, tiles: dict[str, Tile], latest: dict[str, Any], previous: dict[str, Any] | None
    ) -> None:
        self.tiles, self.latest, self.previous = tiles, latest, previous
        self.before = period_name(previous) if previous else None
        self.partial = next(
            (p for p in (latest, previous) if p is not None and is_partial(p)), None
        )

    def prev(self, get: Callable[[dict[str, Any]], Any]) -> Any:
        return get(self.previous) if self.previous is not None else None

    def show(
        self,
        key: str,
        value: str,
        detail: str,
        now: float | None,
        then: float | None,
        *,
        points: bool,
        better: str,
    ) -> None:
        if self.partial is not None and self.previous is not None:
            change, direction = f"not compared: {period_name(self.partial)} is partial", ""
        else:
            change, direction = change_text(now, then, self.before, points=points)
        self.tiles[key].show_figures(value, detail, change, _tone(direction, better))


def show_tiles(
    tiles: dict[str, Tile],
    latest: dict[str, Any],
    previous: dict[str, Any] | None,
    overdue_today: int | None,
) -> None:
    """The latest period's figures; `overdue_today` is the sidebar's count (None: not shown)."""
    compared = _Compared(tiles, latest, previous)
    _show_audits(compared)
    _show_agreement(compared)
    _show_feedback(compared)
    actions = latest["actions"]
    tiles["actions"].show_figures(
        f"{actions['open']:,} open"
        if overdue_today is None
        else f"{overdue_today:,} overdue today",
        f"from {period_name(latest)}'s audits: {actions['open']:,} open, {actions['done']:,} done",
        "",
        "",
    )


def _show_audits(compared: _Compared) -> None:
    latest = compared.latest
    final, planned = latest["audits_final"], latest.get("audits_planned")
    so_far = " so far" if is_partial(latest) else ""
    compared.show(
        "audits",
        f"{final:,}",
        f"of {planned:,} due{so_far}" if planned else f"in {period_name(latest)}{so_far}",
        final,
        compared.prev(lambda p: p["audits_final"]),
        points=False,
        better=NEUTRAL,
    )
    graded = sum(latest["overall"].values())
    good = latest["pct_good_or_better"]
    compared.show(
        "good",
        "No grades" if good is None else pct_text(good),
        f"of {plural(graded, 'graded audit')}",
        latest["pct_good_or_better"],
        compared.prev(lambda p: p["pct_good_or_better"]),
        points=True,
        better=BETTER_UP,
    )


def _show_agreement(compared: _Compared) -> None:
    agreement = compared.latest["agreement"]
    kappa, pairs = agreement.get("kappa_quadratic"), agreement["pairs"]
    compared.show(
        "agreement",
        "No pairs" if agreement["exact_pct"] is None else f"{agreement['exact_pct']:.1f}% exact",
        f"kappa {kappa:.2f}, {plural(pairs, 'pair')}"
        if kappa is not None
        else f"{plural(pairs, 'pair')}: too few for kappa",
        agreement["exact_pct"],
        compared.prev(lambda p: p["agreement"]["exact_pct"]),
        points=True,
        better=BETTER_UP,
    )


def _show_feedback(compared: _Compared) -> None:
    latest = compared.latest
    mean, questions, answers = feedback_mean(latest["feedback"])
    compared.show(
        "feedback",
        "No answers" if mean is None else f"{mean:.1f}% yes",
        f"{plural(questions, 'question')}, {plural(answers, 'answer')}"
        if mean is not None
        else "in these audits",
        mean,
        compared.prev(lambda p: feedback_mean(p["feedback"])[0]),
        points=True,
        better=BETTER_UP,
    )
    worker = latest["worker_feedback_pct"]
    compared.show(
        "worker",
        "No audits" if worker is None else pct_text(worker),
        f"of {plural(latest['audits_final'], 'final audit')}",
        latest["worker_feedback_pct"],
        compared.prev(lambda p: p["worker_feedback_pct"]),
        points=True,
        better=BETTER_UP,
    )
