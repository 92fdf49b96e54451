"""The screen's colours: a light and a dark set of semantic colours, chosen by the palette.

Every colour the windows draw themselves (messages, banners, grade cells, charts) comes from
here, never from a literal in a view. The set follows the application palette: a dark window
colour (Windows 11 or macOS dark mode, or a dark palette set by the user) picks the dark set.
`styled()` gives a widget a style sheet written with `$name` placeholders; `install()` re-applies
those style sheets when the palette changes and tells `changed` listeners (charts, models) to
redraw. The printed PDFs (reporting/) keep their own colours: paper is always white.
"""

from __future__ import annotations

import functools
from dataclasses import asdict, dataclass, field
from string import Template
from typing import TypeVar

from PySide6.QtCore import QCoreApplication, QEvent, Signal
from PySide6.QtGui import QColor, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication, QWidget

STYLE_PROPERTY = "themeStyle"
GRADES = ("outstanding", "good", "requires_improvement", "inadequate")


# Theme.values() worked out once per set: id(theme) -> (theme, its values).
_VALUES: dict[int, tuple[Theme, dict[str, str]]] = {}


@dataclass(frozen=True)
class Theme:
    """One set of colours (hex strings). `backgrounds` are the window and base colours the set
    is meant for: the contrast test checks every text colour against each of them."""

    name: str
    backgrounds: tuple[str, ...]
    text: str  # ordinary text on those backgrounds (as the palette gives it)
    muted: str  # secondary text: notes, hints, counts
    error: str
    success: str
    banner_bg: str  # the yellow notices above forms
    banner_fg: str
    banner_border: str
    alert_bg: str  # the red "urgent concerns" bar
    alert_fg: str
    spread_one_bg: str  # moderation grid: reviews one grade apart
    spread_two_bg: str  # two or more grades apart
    spread_fg: str
    lock_bg: str  # the idle lock's cover
    lock_box: str
    lock_fg: str
    lock_error: str
    paper: str  # a preview of what is printed (the PDF logo): white in both sets
    paper_border: str
    chart_bg: str
    chart_fg: str
    chart_grid: str
    chart_neutral: str  # a bar that is neither a grade nor good or bad ("done", "outside")
    chart_neutral_fg: str
    bar_edge: str  # the outline of every bar: gives a pale fill its edge on a white chart
    grades: dict[str, str] = field(default_factory=dict)  # bar fills, Okabe-Ito hues
    grade_fg: dict[str, str] = field(default_factory=dict)  # a value label on each fill

    @property
    def is_dark(self) -> bool:
        return self.name == "dark"

    def values(self) -> dict[str, str]:
        """The plain colour names, for `$name` style templates (worked out once per set: a
        window styles dozens of widgets as it opens). Read it; do not change it."""
        known = _VALUES.get(id(self))
        if known is None or known[0] is not self:
            known = (self, {k: v for k, v in asdict(self).items() if isinstance(v, str)})
            _VALUES[id(self)] = known
        return known[1]

    def text_pairs(self) -> list[tuple[str, str, str]]:
        """Every (what, foreground, background) pair of text this set draws: each needs 4.5:1."""
        pairs = [
            (f"{name} on {bg}", getattr(self, name), bg)
            for name in ("text", "muted", "error", "success")
            for bg in self.backgrounds
        ]
        pairs += [
            ("banner", self.banner_fg, self.banner_bg),
            ("alert", self.alert_fg, self.alert_bg),
            ("spread one", self.spread_fg, self.spread_one_bg),
            ("spread two", self.spread_fg, self.spread_two_bg),
            ("lock text", self.lock_fg, self.lock_bg),
            ("lock box text", self.lock_fg, self.lock_box),
            ("lock error", self.lock_error, self.lock_box),
            ("chart text", self.chart_fg, self.chart_bg),
            ("neutral bar label", self.chart_neutral_fg, self.chart_neutral),
        ]
        pairs += [(f"{g} bar label", self.grade_fg[g], self.grades[g]) for g in GRADES]
        return pairs

    def graphic_pairs(self) -> list[tuple[str, str, str, str]]:
        """Bars against the chart, as (what, fill, outline, background): the fill or the outline
        needs 3:1 (WCAG 1.4.11, non-text contrast)."""
        fills = [(g, self.grades[g]) for g in GRADES] + [("neutral", self.chart_neutral)]
        return [(f"{name} bar", fill, self.bar_edge, self.chart_bg) for name, fill in fills]


LIGHT = Theme(
    name="light",
    backgrounds=("#ffffff", "#f0f0f0", "#efefef"),
    text="#000000",
    muted="#555555",
    error="#b00020",
    success="#1b5e20",
    banner_bg="#fff4ce",
    banner_fg="#3d2f00",
    banner_border="#d9b300",
    alert_bg="#b00020",
    alert_fg="#ffffff",
    spread_one_bg="#fff4ce",
    spread_two_bg="#f8d0d0",
    spread_fg="#000000",
    lock_bg="#26364a",
    lock_box="#33475f",
    lock_fg="#ffffff",
    lock_error="#ffc4c4",
    paper="#ffffff",
    paper_border="#c8c8c8",
    chart_bg="#ffffff",
    chart_fg="#1f1f1f",
    chart_grid="#d6d6d6",
    chart_neutral="#6b6b6b",
    chart_neutral_fg="#ffffff",
    bar_edge="#4d4d4d",
    grades={
        "outstanding": "#0072B2",
        "good": "#56B4E9",
        "requires_improvement": "#E69F00",
        "inadequate": "#D55E00",
    },
    grade_fg={
        "outstanding": "#ffffff",
        "good": "#000000",
        "requires_improvement": "#000000",
        "inadequate": "#000000",
    },
)

# Window colours of the dark modes: Windows 11 (#202020), macOS (#1e1e1e, #323232), Fusion's
# usual dark palette (#353535), KDE Breeze Dark (#2a2e32, #31363b).
DARK = Theme(
    name="dark",
    backgrounds=("#1e1e1e", "#202020", "#2a2e32", "#323232", "#353535", "#3c3c3c"),
    text="#ffffff",
    muted="#bdbdbd",
    error="#ff9e9e",
    success="#8fd694",
    banner_bg="#4a3b00",
    banner_fg="#fff4ce",
    banner_border="#b38f00",
    alert_bg="#a0001c",
    alert_fg="#ffffff",
    spread_one_bg="#54460a",
    spread_two_bg="#6e2a2a",
    spread_fg="#ffffff",
    lock_bg="#1b2533",
    lock_box="#2a3a4f",
    lock_fg="#ffffff",
    lock_error="#ffc4c4",
    paper="#ffffff",
    paper_border="#808080",
    chart_bg="#262626",
    chart_fg="#e8e8e8",
    chart_grid="#4a4a4a",
    chart_neutral="#a6a6a6",
    chart_neutral_fg="#000000",
    bar_edge="#262626",
    grades={
        "outstanding": "#1a80c4",  # a little lighter than Okabe-Ito's: 3:1 on the dark chart
        "good": "#56B4E9",
        "requires_improvement": "#E69F00",
        "inadequate": "#D55E00",
    },
    grade_fg={
        "outstanding": "#000000",
        "good": "#000000",
        "requires_improvement": "#000000",
        "inadequate": "#000000",
    },
)


def relative_luminance(colour: str) -> float:
    """WCAG 2 relative luminance of a #rrggbb colour."""
    c = QColor(colour)

    def channel(v: int) -> float:
        s = v / 255
        return s / 12.92 if s <= 0.04045 else ((s + 0.055) / 1.055) ** 2.4

    return 0.2126 * channel(c.red()) + 0.7152 * channel(c.green()) + 0.0722 * channel(c.blue())


def contrast(foreground: str, background: str) -> float:
    """WCAG 2 contrast ratio, 1 to 21."""
    a, b = relative_luminance(foreground), relative_luminance(background)
    return (max(a, b) + 0.05) / (min(a, b) + 0.05)


def is_dark(palette: QPalette) -> bool:
    """A palette whose window colour is darker than mid-grey."""
    return palette.color(QPalette.ColorRole.Window).lightnessF() < 0.5


def for_palette(palette: QPalette) -> Theme:
    return DARK if is_dark(palette) else LIGHT


def current() -> Theme:
    """The set for the application's palette now (the light set before there is one)."""
    if QGuiApplication.instance() is None:
        return LIGHT
    return for_palette(QGuiApplication.palette())


def css(template: str, theme: Theme | None = None) -> str:
    """`template` with its `$name` placeholders filled from `theme` (default: the current set)."""
    theme = theme or current()
    if theme is LIGHT or theme is DARK:
        return _css(template, theme.name)
    return Template(template).substitute(theme.values())


@functools.lru_cache(maxsize=1024)
def _css(template: str, name: str) -> str:
    """css() for the two built-in sets: a form styles the same few templates over and over."""
    return Template(template).substitute((DARK if name == "dark" else LIGHT).values())


W = TypeVar("W", bound=QWidget)


def styled(widget: W, template: str) -> W:
    """Give `widget` the style sheet `template` (with `$name` colours); kept in step with the
    palette by `install()`. An empty template clears it."""
    watcher()  # so that it follows the palette from now on
    widget.setProperty(STYLE_PROPERTY, template)
    widget.setStyleSheet(css(template) if template else "")
    return widget


def restyle_all(theme: Theme | None = None) -> None:
    """Re-apply every `styled()` widget's style sheet with `theme` (default: current)."""
    theme = theme or current()
    for widget in QApplication.allWidgets():
        template = widget.property(STYLE_PROPERTY)
        if isinstance(template, str) and template:
            widget.setStyleSheet(css(template, theme))


class _Watcher(QWidget):
    """Follows the application palette: a widget that is never shown, so that Qt tells it of
    every change (QEvent.PaletteChange, after ApplicationPaletteChange) without a filter on
    every event of the application. `changed` carries the new set."""

    changed = Signal(object)

    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("themeWatcher")
        self.theme = current()
        self.app = QCoreApplication.instance()

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange:
            self.check()

    def check(self) -> None:
        theme = current()
        if theme is not self.theme:
            self.theme = theme
            restyle_all(theme)
            self.changed.emit(theme)


_watcher: _Watcher | None = None


def watcher() -> _Watcher | None:
    """The one watcher, made the first time it is asked for once the application exists."""
    global _watcher
    app = QCoreApplication.instance()
    if app is None:
        return None
    if _watcher is None or _watcher.app is not app:
        _watcher = _Watcher()
    return _watcher


def install() -> None:
    """Follow the palette from now on (called once the QApplication exists)."""
    watcher()


def qcolor(name: str) -> QColor:
    """The current set's colour `name` (for item models' foreground and decoration roles)."""
    return QColor(getattr(current(), name))


def span(name: str, html: str) -> str:
    """`html` in the current set's colour `name`, for rich text (drawn when it is set: a view
    that shows it sets it again when it refreshes)."""
    return f"<span style='color:{getattr(current(), name)}'>{html}</span>"


def sample_dark_palette() -> QPalette:
    """A dark palette like Windows 11's dark mode, for the screenshots (docs/screenshots) and
    the tests: what the application gets from a dark system, without one."""
    roles = QPalette.ColorRole
    palette = QPalette()
    for role, colour in (
        (roles.Window, "#202020"),
        (roles.WindowText, "#ffffff"),
        (roles.Base, "#1c1c1c"),
        (roles.AlternateBase, "#2b2b2b"),
        (roles.Text, "#ffffff"),
        (roles.Button, "#2d2d2d"),
        (roles.ButtonText, "#ffffff"),
        (roles.BrightText, "#ffffff"),
        (roles.ToolTipBase, "#2b2b2b"),
        (roles.ToolTipText, "#ffffff"),
        (roles.PlaceholderText, "#a6a6a6"),
        (roles.Highlight, "#005a9e"),
        (roles.HighlightedText, "#ffffff"),
        (roles.Link, "#6cb8ff"),
        (roles.LinkVisited, "#c69cff"),
        (roles.Light, "#3c3c3c"),
        (roles.Midlight, "#343434"),
        (roles.Mid, "#2a2a2a"),
        (roles.Dark, "#141414"),
        (roles.Shadow, "#000000"),
    ):
        palette.setColor(role, QColor(colour))
    for role in (roles.WindowText, roles.Text, roles.ButtonText):
        palette.setColor(QPalette.ColorGroup.Disabled, role, QColor("#8a8a8a"))
    return palette
