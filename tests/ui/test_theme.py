"""The screen's colours (ui/theme.py): every text pair of both sets is readable (WCAG 4.5:1),
a dark palette gives the dark set to what the user sees, and a change of palette is followed."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QLabel

from audit_tool.services import audits, reference
from audit_tool.ui import theme
from audit_tool.ui.main_window import MainWindow
from audit_tool.ui.moderation_view import ModerationForm
from tests.factories import complete_review, looped_audit
from tests.ui.conftest import show_and_activate


@pytest.fixture
def dark(qapp):
    """The application under a dark system palette, put back afterwards."""
    before = QPalette(qapp.palette())
    qapp.setPalette(theme.sample_dark_palette())
    yield
    qapp.setPalette(before)


def pixel(widget, x: int = 3, y: int = 3) -> str:
    """The colour the user sees at (x, y) of the widget, as drawn."""
    return widget.grab().toImage().pixelColor(x, y).name()


def test_the_contrast_ratio_is_wcag_s() -> None:
    assert theme.contrast("#000000", "#ffffff") == pytest.approx(21)
    assert theme.contrast("#ffffff", "#ffffff") == pytest.approx(1)
    assert theme.contrast("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)
    assert theme.contrast("#ffffff", "#777777") == theme.contrast("#777777", "#ffffff")


@pytest.mark.parametrize("colours", [theme.LIGHT, theme.DARK], ids=["light", "dark"])
def test_every_text_colour_of_both_sets_is_readable(colours: theme.Theme) -> None:
    pairs = colours.text_pairs()
    # Four text colours on each background of the set, and nine coloured boxes and four bars
    # with their own text.
    assert len(pairs) == 4 * len(colours.backgrounds) + 9 + 4
    poor = [
        f"{what}: {fg} on {bg} is {theme.contrast(fg, bg):.2f}:1"
        for what, fg, bg in pairs
        if theme.contrast(fg, bg) < 4.5
    ]
    assert not poor


@pytest.mark.parametrize("colours", [theme.LIGHT, theme.DARK], ids=["light", "dark"])
def test_every_bar_stands_out_from_its_chart(colours: theme.Theme) -> None:
    weak = [
        what
        for what, fill, edge, bg in colours.graphic_pairs()
        if max(theme.contrast(fill, bg), theme.contrast(edge, bg)) < 3
    ]
    assert not weak


def test_the_old_colours_were_unreadable_on_a_dark_window() -> None:
    # What the fixed colours gave under Windows 11's dark mode: why there is a dark set.
    assert theme.contrast("#555555", "#202020") < 2.5
    assert theme.contrast("#b00020", "#202020") < 2.5


def test_the_palette_chooses_the_set(qapp, dark) -> None:
    assert theme.current() is theme.DARK
    assert theme.for_palette(QPalette()) in (theme.LIGHT, theme.DARK)
    light = QPalette(theme.sample_dark_palette())
    light.setColor(QPalette.ColorRole.Window, theme.qcolor("paper"))
    assert theme.for_palette(light) is theme.LIGHT


def _concern_window(qtbot, world):
    uuid = looped_audit(world)
    audits.raise_concern(world.db, world.auditor, uuid, what="Bruising seen", why_urgent="Today")
    window = show_and_activate(qtbot, MainWindow(world.db, reference.actor_for(world.db, "tm1")))
    qtbot.waitUntil(lambda: window.banner.isVisible())
    return window


def test_under_a_dark_palette_the_window_draws_the_dark_set(qtbot, sqlite_world, dark) -> None:
    window = _concern_window(qtbot, sqlite_world)
    assert pixel(window.banner) == theme.DARK.alert_bg
    assert theme.contrast(theme.DARK.alert_fg, pixel(window.banner)) >= 4.5
    # The sidebar: dark, and its text readable on it.
    sidebar = window.sidebar
    background = pixel(sidebar.viewport(), 2, sidebar.viewport().height() - 3)
    assert theme.relative_luminance(background) < 0.05
    text = sidebar.palette().color(QPalette.ColorRole.Text).name()
    assert theme.contrast(text, background) >= 4.5


def test_a_change_of_palette_while_open_is_followed(qtbot, sqlite_world, qapp) -> None:
    window = _concern_window(qtbot, sqlite_world)
    assert pixel(window.banner) == theme.LIGHT.alert_bg
    before = QPalette(qapp.palette())
    qapp.setPalette(theme.sample_dark_palette())
    try:
        qtbot.waitUntil(lambda: pixel(window.banner) == theme.DARK.alert_bg)
    finally:
        qapp.setPalette(before)
    qtbot.waitUntil(lambda: pixel(window.banner) == theme.LIGHT.alert_bg)


def test_the_moderation_grid_marks_differences_in_the_dark_set(qtbot, sqlite_world, dark) -> None:
    world = sqlite_world
    uuid = looped_audit(world)
    complete_review(world, world.auditor, uuid, overall="good")
    complete_review(world, world.auditor2, uuid, overall="inadequate")
    form = show_and_activate(qtbot, ModerationForm(world.db, world.moderator, uuid))
    cell = form.findChild(QLabel, "moderation_overall_1")
    assert cell.text() == "Inadequate"
    assert pixel(cell) == theme.DARK.spread_two_bg  # two grades apart
    assert theme.contrast(theme.DARK.spread_fg, theme.DARK.spread_two_bg) >= 4.5
    assert theme.LIGHT.spread_two_bg not in cell.styleSheet()
