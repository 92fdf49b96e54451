"""The Help menu's windows: the user guide, the keyboard shortcuts, About, and the third-party
licence notices."""

from __future__ import annotations

import platform
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Qt, QUrl, qVersion
from PySide6.QtGui import QAction, QImage, QKeySequence, QShortcut, QTextDocument
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QMenu,
    QPlainTextEdit,
    QTableWidget,
    QTableWidgetItem,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from audit_tool import APP_NAME, __version__
from audit_tool.errors import AuditToolError
from audit_tool.resources import user_guide_path
from audit_tool.ui import operations as ops
from audit_tool.ui.filters import text_width


def _close_buttons(dialog: QDialog, layout: QVBoxLayout) -> QDialogButtonBox:
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
    buttons.rejected.connect(dialog.reject)
    layout.addWidget(buttons)
    return buttons


def _size_for_text(dialog: QDialog, chars: int, lines: int) -> None:
    """A size in characters and lines of the dialog's font (larger text, larger window), at
    most the screen's."""
    width, height = text_width(dialog, chars), lines * dialog.fontMetrics().lineSpacing()
    screen = dialog.screen().availableGeometry()
    dialog.resize(min(width, screen.width()), min(height, screen.height()))


IMAGE_LINK = re.compile(r"!\[[^\]]*\]\(([^)\s]+)\)")


def load_images(folder: Path, text: str, width: int) -> dict[str, QImage]:
    """The pictures `text` (Markdown) shows, read and narrowed to `width`, by absolute path.
    Runs in the thread pool: QImage may be used off the GUI thread."""
    images = {}
    for name in dict.fromkeys(IMAGE_LINK.findall(text)):
        path = (folder / name).resolve()
        image = QImage(str(path))
        if image.isNull():
            continue
        if image.width() > width:
            image = image.scaledToWidth(width, Qt.TransformationMode.SmoothTransformation)
        images[str(path)] = image
    return images


class GuideBrowser(QTextBrowser):
    """A text browser that shows the guide's screenshots from `images` (read in the background,
    narrowed to the window: they are taken at a large window size) and opens web links in the
    system browser."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setOpenExternalLinks(True)
        self.folder = Path()
        self.images: dict[str, QImage] = {}
        self._blank = QImage(1, 1, QImage.Format.Format_ARGB32_Premultiplied)
        self._blank.fill(Qt.GlobalColor.transparent)

    def loadResource(self, kind: int, url: QUrl | str) -> Any:  # noqa: N802 - Qt's name
        if kind == QTextDocument.ResourceType.ImageResource.value:
            name = (
                url.toLocalFile()
                if isinstance(url, QUrl) and url.isLocalFile()
                else str(url.toString() if isinstance(url, QUrl) else url)
            )
            path = str((self.folder / name).resolve())
            return self.images.get(path, self._blank)  # blank until the pictures are read
        return super().loadResource(kind, url)


class UserGuideDialog(QDialog):
    """docs/user-guide.md, rendered; its images from docs/screenshots/, read in the background
    (about half a second for the guide's thirty-odd screenshots)."""

    def __init__(self, parent: QWidget | None = None, path: Path | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("userGuide")
        self.setWindowTitle(f"{APP_NAME} user guide")
        _size_for_text(self, 140, 46)
        layout = QVBoxLayout(self)
        self.browser = GuideBrowser()
        self.browser.setObjectName("userGuideText")
        self.browser.setAccessibleName("User guide")
        layout.addWidget(self.browser)
        _close_buttons(self, layout)
        self.images_loaded = False
        self.path = path or user_guide_path()
        try:
            self.text = self.path.read_text(encoding="utf-8")
        except OSError:
            self.browser.setPlainText(
                f"The user guide is not installed with this copy of {APP_NAME} "
                f"(looked for {self.path})."
            )
            return
        folder = self.path.parent
        self.browser.folder = folder
        self.browser.document().setBaseUrl(QUrl.fromLocalFile(str(folder) + "/"))
        self.browser.setMarkdown(self.text)
        width = max(self.width() - 80, 300)
        text = self.text
        ops.Operation(
            self, lambda task: load_images(folder, text, width), title="User guide"
        ).success(self._show_images).run_in_background()

    def _show_images(self, images: object) -> None:
        assert isinstance(images, dict)
        self.browser.images = images
        position = self.browser.verticalScrollBar().value()
        self.browser.setMarkdown(self.text)  # laid out again, now with the pictures
        self.browser.verticalScrollBar().setValue(position)
        self.images_loaded = True


def _text(item: QTableWidgetItem | None) -> str:
    return "" if item is None else item.text()


def _plain(text: str) -> str:
    return text.replace("&&", "\0").replace("&", "").replace("\0", "&").removesuffix("...")


def shortcut_rows(window: QWidget, places: Callable[[QObject], str]) -> list[tuple[str, str, str]]:
    """(command, keys, where) for every action in `window` that has a keyboard shortcut, read
    from the actions themselves: the list is what the keys do, never a copy that could drift."""
    rows: dict[tuple[str, str], str] = {}
    native = QKeySequence.SequenceFormat.NativeText
    for action in window.findChildren(QAction):
        keys = [k for k in action.shortcuts() if not k.isEmpty()]
        if not keys or not action.text():
            continue
        text = ", ".join(k.toString(native) for k in keys)
        rows.setdefault((_plain(action.text()), text), places(action))
    for shortcut in window.findChildren(QShortcut):  # keys without a menu entry
        if shortcut.whatsThis() and not shortcut.key().isEmpty():
            key = shortcut.key().toString(native)
            rows.setdefault((shortcut.whatsThis(), key), places(shortcut))
    return sorted(
        ((command, keys, where) for (command, keys), where in rows.items()),
        key=lambda r: (r[2], r[0]),
    )


def menus_of(item: QObject) -> list[QMenu]:
    """The menus an action is in (none for a QShortcut)."""
    if not isinstance(item, QAction):
        return []
    return [m for m in item.associatedObjects() if isinstance(m, QMenu)]


def menu_place(action: QObject) -> str:
    """The menus an action is in ("Help"), or the widget it belongs to."""
    menus = [_plain(m.title()) for m in menus_of(action)]
    menus = [m for m in menus if m]
    if menus:
        return " and ".join(dict.fromkeys(menus))
    owner = action.parent()
    while isinstance(owner, QWidget):
        name = owner.accessibleName() or owner.windowTitle()
        if name:
            return name
        owner = owner.parentWidget()
    return "Everywhere"


class ShortcutsDialog(QDialog):
    def __init__(self, window: QWidget, places: Callable[[QObject], str] = menu_place) -> None:
        super().__init__(window)
        self.setObjectName("keyboardShortcuts")
        self.setWindowTitle("Keyboard shortcuts")
        layout = QVBoxLayout(self)
        note = QLabel(
            "The keys of the open window. A view's own keys (for example Refresh) are listed "
            "once the view has been opened."
        )
        note.setWordWrap(True)
        layout.addWidget(note)
        rows = shortcut_rows(window, places)
        self.table = QTableWidget(len(rows), 3)
        self.table.setObjectName("shortcutsTable")
        self.table.setAccessibleName("Keyboard shortcuts")
        self.table.setHorizontalHeaderLabels(["Command", "Keys", "Where"])
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                self.table.setItem(r, c, QTableWidgetItem(value))
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        layout.addWidget(self.table)
        _close_buttons(self, layout)
        _size_for_text(self, 80, 30)

    def rows(self) -> list[tuple[str, str, str]]:
        return [
            tuple(_text(self.table.item(r, c)) for c in range(3))  # type: ignore[misc]
            for r in range(self.table.rowCount())
        ]


def about_html(database: str, schema: str, actor: str) -> str:
    from html import escape

    return (
        f"<h3>{APP_NAME} {escape(__version__)}</h3>"
        "<p>Multi-agency case-file audits, moderation, family feedback and learning for "
        "children's safeguarding partnerships.</p>"
        f"<p>Database: {escape(database)}<br>Database schema version: {escape(schema)}<br>"
        f"Acting as: {escape(actor)}</p>"
        f"<p>Python {platform.python_version()}, Qt {qVersion()}. "
        "Help &gt; Third-party licences lists the software it uses and their licences.</p>"
    )


class LicencesDialog(QDialog):
    """The third-party notices (audit_tool.notices), read in the background."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("thirdPartyLicences")
        self.setWindowTitle("Third-party licences")
        layout = QVBoxLayout(self)
        self.text = QPlainTextEdit()
        self.text.setObjectName("licencesText")
        self.text.setAccessibleName("Third-party licences")
        self.text.setReadOnly(True)
        self.text.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.text.setPlainText("Reading the licences...")
        layout.addWidget(self.text)
        _close_buttons(self, layout)
        _size_for_text(self, 90, 36)
        self.loaded = False
        from audit_tool.notices import third_party_text

        ops.Operation(self, lambda task: third_party_text(), title="Third-party licences").success(
            self._show
        ).failure(self._failed).run_in_background()

    def _show(self, text: object) -> None:
        self.text.setPlainText(str(text))
        self.loaded = True

    def _failed(self, exc: AuditToolError) -> bool:
        self.text.setPlainText(f"The licence notices could not be read: {exc}")
        self.loaded = True
        return True
