"""Driving the real window as a user would, for walkthrough.py: mouse clicks and key presses on
the widgets themselves (QTest), waits on conditions (never fixed sleeps), modal dialogs answered
when they show, a screenshot per step, and a count of the clicks and keys each step took."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from PySide6.QtCore import QPoint, QRect, Qt, QTimer
from PySide6.QtGui import QGuiApplication
from PySide6.QtTest import QTest
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QComboBox,
    QLabel,
    QListWidget,
    QMainWindow,
    QMessageBox,
    QTabWidget,
    QTreeWidget,
    QTreeWidgetItem,
    QWidget,
)

LEFT = Qt.MouseButton.LeftButton
CTRL = Qt.KeyboardModifier.ControlModifier
NONE = Qt.KeyboardModifier.NoModifier


class WalkthroughError(AssertionError):
    """The window did not do what the walkthrough expected: the message says what and where."""


@dataclass
class Step:
    number: str
    role: str
    name: str
    what: str
    clicks: int = 0
    keys: int = 0
    typed: int = 0  # texts typed into fields
    seconds: float = 0.0
    shots: list[str] = field(default_factory=list)


@dataclass
class Pending:
    """A dialog the walkthrough waits to answer."""

    kind: str
    done: bool = False
    cancelled: bool = False
    error: BaseException | None = None


def describe(widget: QWidget) -> str:
    text = getattr(widget, "text", None)
    shown = text() if callable(text) else ""
    return f"{type(widget).__name__} {widget.objectName()!r} {shown!r}".strip()


class Driver:
    """Clicks, keys, waits, dialogs and screenshots, counted per step."""

    def __init__(self, app: QApplication, out: Path, *, timeout: float = 30.0) -> None:
        self.app = app
        self.out = out
        self.timeout = timeout
        self.steps: list[Step] = []
        self.step: Step | None = None
        self.errors: list[str] = []
        self.armed = 0  # dialog handlers waiting for their dialog
        sys.excepthook = self._excepthook

    def _excepthook(self, kind: type[BaseException], exc: BaseException, tb: Any) -> None:
        # An exception in a slot: Qt carries on, the walkthrough must not.
        import traceback

        self.errors.append("".join(traceback.format_exception(kind, exc, tb)))
        sys.__excepthook__(kind, exc, tb)

    # -- steps

    @contextmanager
    def begin(self, number: str, role: str, name: str, what: str) -> Iterator[Step]:
        step = Step(number, role, name, what)
        self.steps.append(step)
        self.step = step
        started = time.perf_counter()
        print(f"{number} {role}: {what}", flush=True)
        yield step
        step.seconds = time.perf_counter() - started
        self.check()
        self.step = None

    def _count(self, clicks: int = 0, keys: int = 0, typed: int = 0) -> None:
        if self.step is not None:
            self.step.clicks += clicks
            self.step.keys += keys
            self.step.typed += typed

    # -- waiting

    def check(self) -> None:
        if self.errors:
            raise WalkthroughError("An exception in the window:\n" + "\n".join(self.errors))

    def wait_until(self, condition: Callable[[], object], what: str, timeout: float = 0) -> None:
        """Process events until `condition()` holds (as qtbot.waitUntil does), failing on a
        timeout, an exception in a slot or an error dialog nobody expected."""
        deadline = time.monotonic() + (timeout or self.timeout)
        while True:
            self.check()
            if condition():
                return
            modal = QApplication.activeModalWidget()
            if self.armed == 0 and isinstance(modal, QMessageBox) and modal.isVisible():
                text = f"{modal.windowTitle()}: {modal.text()} {modal.informativeText()}"
                modal.close()
                raise WalkthroughError(f"Unexpected message while waiting for {what}: {text}")
            if time.monotonic() > deadline:
                raise WalkthroughError(f"Timed out waiting for {what}")
            QTest.qWait(20)

    def settle(self) -> None:
        """Let what was just changed be laid out and painted on the X server."""
        for window in self.windows():
            QTest.qWaitForWindowExposed(window, 5000)
        for _ in range(3):
            self.app.processEvents()
        for window in self.windows():
            window.repaint()
        if hasattr(QGuiApplication, "sync"):
            QGuiApplication.sync()
        self.app.processEvents()

    # -- input

    def click(self, widget: QWidget, pos: QPoint | None = None) -> None:
        """A click where the X server would deliver it: on the child under the pointer."""
        self._usable(widget)
        widget, pos = under(widget, pos if pos is not None else widget.rect().center())
        QTest.mouseClick(widget, LEFT, NONE, pos)
        self._count(clicks=1)

    def double_click(self, widget: QWidget, pos: QPoint) -> None:
        """A double-click, counted as one click (what users mean by "double-click it")."""
        self._usable(widget)
        widget, pos = under(widget, pos)
        QTest.mouseClick(widget, LEFT, NONE, pos)
        QTest.mouseDClick(widget, LEFT, NONE, pos)
        self._count(clicks=1)

    def key(self, widget: QWidget, key: Qt.Key, modifier: Qt.KeyboardModifier = NONE) -> None:
        QTest.keyClick(widget, key, modifier)
        self._count(keys=1)

    def type(self, widget: QWidget, text: str, *, replace: bool = False) -> None:
        """Type into a field (that has the focus): Ctrl+A first to replace what is there."""
        self._usable(widget)
        if replace:
            self.key(widget, Qt.Key.Key_A, CTRL)
        QTest.keyClicks(widget, text)
        self._count(typed=1)

    def click_and_type(self, widget: QWidget, text: str, *, replace: bool = False) -> None:
        self.click(widget)
        self.type(widget, text, replace=replace)

    def _usable(self, widget: QWidget) -> None:
        if not widget.isVisible() or not widget.isEnabled():
            raise WalkthroughError(f"{describe(widget)} cannot be used (hidden or disabled)")

    def choose(self, combo: QComboBox, *, data: object = None, text: str = "") -> None:
        """Open a drop-down with a click and click the entry: two clicks.

        The mouse highlights the entry; Qt 6.11's popup then ignores a release that QTest
        synthesises, so the highlighted entry is taken with Return, as the click would."""
        index = combo.findData(data) if data is not None else combo.findText(text)
        if index < 0:
            raise WalkthroughError(f"{describe(combo)} has no entry {data or text!r}")
        self.click(combo)
        view = combo.view()
        self.wait_until(view.isVisible, f"the list of {combo.objectName() or 'a drop-down'}")
        entry = view.model().index(index, combo.modelColumn())
        view.scrollTo(entry)
        point = view.visualRect(entry).center()
        self._move(view.viewport(), point)
        self.wait_until(lambda: view.currentIndex().row() == index, "the entry under the mouse")
        self.click(view.viewport(), point)
        if view.isVisible():
            QTest.keyClick(view, Qt.Key.Key_Return)
        self.wait_until(
            lambda: not view.isVisible() and combo.currentIndex() == index,
            f"{data or text!r} chosen in {combo.objectName()}",
        )

    def _move(self, widget: QWidget, point: QPoint) -> None:
        """The mouse moved over `point` (QTest.mouseMove moves the X pointer, which a popup
        may not hear in time: the move event itself is sent)."""
        from PySide6.QtCore import QEvent, QPointF
        from PySide6.QtGui import QMouseEvent

        move = QMouseEvent(
            QEvent.Type.MouseMove,
            QPointF(point),
            QPointF(widget.mapToGlobal(point)),
            Qt.MouseButton.NoButton,
            Qt.MouseButton.NoButton,
            NONE,
        )
        QApplication.sendEvent(widget, move)

    def click_row(self, view: QAbstractItemView, row: int, *, double: bool = False) -> None:
        rect = view.visualRect(view.model().index(row, 0))
        if double:
            self.double_click(view.viewport(), rect.center())
        else:
            self.click(view.viewport(), rect.center())

    def click_list_item(self, widget: QListWidget, text_start: str) -> None:
        """Click the entry of a list (the sidebar, Notices) whose text begins so."""
        for i in range(widget.count()):
            item = widget.item(i)
            if item.text().startswith(text_start):
                widget.scrollToItem(item)
                self.click(widget.viewport(), widget.visualItemRect(item).center())
                return
        raise WalkthroughError(f"No entry starting {text_start!r} in {describe(widget)}")

    def sidebar(self, window: QMainWindow, label: str) -> None:
        bar = window.findChild(QListWidget, "navSidebar")
        assert bar is not None
        self.click_list_item(bar, label)

    def tree_item(self, tree: QTreeWidget, match: Callable[[QTreeWidgetItem], bool]) -> Any:
        for i in range(tree.topLevelItemCount()):
            group = tree.topLevelItem(i)
            for j in range(group.childCount()):
                if match(group.child(j)):
                    return group.child(j)
        return None

    def double_click_tree_item(self, tree: QTreeWidget, item: QTreeWidgetItem) -> None:
        tree.scrollToItem(item)
        self.double_click(tree.viewport(), tree.visualItemRect(item).center())

    def tab(self, tabs: QTabWidget, title: str) -> None:
        bar = tabs.tabBar()
        for i in range(bar.count()):
            if bar.tabText(i).replace("&", "") == title:
                self.click(bar, bar.tabRect(i).center())
                self.wait_until(lambda n=i: tabs.currentIndex() == n, f"the {title} tab")
                return
        raise WalkthroughError(f"No tab {title!r}")

    def menu(self, window: QMainWindow, top: str, entry: str) -> None:
        """Click a menu in the menu bar, then its entry."""
        bar = window.menuBar()
        action = next(a for a in bar.actions() if a.text().replace("&", "") == top)
        menu = action.menu()
        self.click(bar, bar.actionGeometry(action).center())
        self.wait_until(menu.isVisible, f"the {top} menu")
        item = next(a for a in menu.actions() if a.text().replace("&", "") == entry)
        self.click(menu, menu.actionGeometry(item).center())

    # -- dialogs

    def expect(self, kind: type[QWidget], handler: Callable[[Any], None]) -> Pending:
        """Answer the next modal dialog of `kind` with `handler(dialog)` once it shows (the
        handler clicks its buttons, closing it). Arm it before the click that opens it."""
        pending = Pending(kind.__name__)
        deadline = time.monotonic() + self.timeout
        self.armed += 1

        def finish(error: BaseException | None = None) -> None:
            pending.error, pending.done = error, True
            self.armed -= 1

        def poll() -> None:
            if pending.cancelled:
                return
            modal = QApplication.activeModalWidget()
            if isinstance(modal, kind) and modal.isVisible():
                QTest.qWaitForWindowExposed(modal, 5000)
                try:
                    handler(modal)
                except BaseException as exc:  # noqa: BLE001 - raised once the dialog is gone
                    modal.close()
                    finish(exc)
                    return
                finish()
                return
            if time.monotonic() > deadline:
                finish(WalkthroughError(f"No {kind.__name__} dialog came"))
                if modal is not None:
                    modal.close()
                return
            QTimer.singleShot(20, poll)

        QTimer.singleShot(0, poll)
        return pending

    def answered(self, pending: Pending, *, optional: bool = False) -> bool:
        """Wait until the dialog was answered; `optional`: it may not have come (a question
        some answers bring, asked inside the click that has just returned)."""
        if optional and not pending.done:
            pending.cancelled = True
            self.armed -= 1
            return False
        self.wait_until(lambda: pending.done, f"the {pending.kind} dialog")
        if pending.error is not None:
            raise pending.error
        return True

    def dialog(
        self,
        trigger: Callable[[], None],
        handler: Callable[[Any], None],
        kind: type[QWidget],
        *,
        optional: bool = False,
    ) -> bool:
        """Run `trigger` (the click that opens a dialog of `kind`) and answer the dialog with
        `handler`; returns whether it came."""
        pending = self.expect(kind, handler)
        trigger()
        return self.answered(pending, optional=optional)

    def answer(self, box: QMessageBox, button: QMessageBox.StandardButton) -> None:
        self.click(box.button(button))

    # -- screenshots

    def windows(self) -> list[QWidget]:
        return [
            w
            for w in QApplication.topLevelWidgets()
            if w.isVisible()
            and w.windowType() in (Qt.WindowType.Window, Qt.WindowType.Dialog)
            and not isinstance(w, QLabel)
        ]

    def shot(self, name: str | None = None) -> Path:
        """The screen as the user sees it, cut to the windows on it, as a small PNG."""
        assert self.step is not None
        step = self.step
        name = name or f"{step.number}-{step.role}-{step.name}"
        self.settle()
        path = self.out / f"{name}.png"
        windows = self.windows()
        if QGuiApplication.platformName() == "xcb":
            area = QRect()
            for window in windows:
                area = area.united(window.frameGeometry())
            screen = QGuiApplication.primaryScreen()
            area = area.intersected(screen.geometry())
            pixmap = screen.grabWindow(0, area.x(), area.y(), area.width(), area.height())
        else:  # no X server: the window in front, drawn by itself
            front = QApplication.activeModalWidget() or QApplication.activeWindow() or windows[0]
            pixmap = front.grab()
        image = pixmap.toImage()
        save_small_png(image, path)
        step.shots.append(path.name)
        return path

    # -- the table

    def table(self) -> str:
        lines = [
            "| step | role | what | clicks | keys | typed |",
            "| --- | --- | --- | ---: | ---: | ---: |",
        ]
        for s in self.steps:
            lines.append(
                f"| {s.number} | {s.role} | {s.what} | {s.clicks} | {s.keys} | {s.typed} |"
            )
        total = [sum(getattr(s, a) for s in self.steps) for a in ("clicks", "keys", "typed")]
        lines.append(f"| | | total | {total[0]} | {total[1]} | {total[2]} |")
        return "\n".join(lines)


def under(widget: QWidget, pos: QPoint) -> tuple[QWidget, QPoint]:
    """The widget a real click at `pos` lands on (QTest would give it to `widget` itself)."""
    child = widget.childAt(pos)
    if child is None:
        return widget, pos
    return child, child.mapFrom(widget, pos)


def save_small_png(image: Any, path: Path) -> None:
    """A screenshot as a 256-colour PNG (a window has few colours): a fifth of the size."""
    from io import BytesIO

    from PySide6.QtCore import QBuffer, QByteArray, QIODevice

    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    buffer.close()
    try:
        from PIL import Image
    except ImportError:
        path.write_bytes(bytes(data.data()))
        return
    with Image.open(BytesIO(bytes(data.data()))) as picture:
        small = picture.convert("RGB").quantize(256, method=Image.Quantize.MEDIANCUT, dither=0)
        small.save(path, optimize=True)
