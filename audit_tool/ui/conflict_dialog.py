"""A save that lost a race: who changed the record and when, and what to do with my text.

Nothing is overwritten silently. The user either reloads (their unsaved changes are dropped,
the newer version is shown) or first copies their text aside: it goes on the clipboard, into a
small window they can keep open and into a text file in the app's data folder, and then the
newer version is loaded."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from audit_tool.errors import ConflictError
from audit_tool.ui.filters import text_width

RELOAD = "reload"
COPY_ASIDE = "copy"


def set_aside_folder() -> Path:
    from audit_tool.config import data_dir
    from audit_tool.fileio import private_dir

    return private_dir(data_dir() / "set-aside", tighten=True)


class SetAsideWindow(QWidget):
    """The user's unsaved text, kept open beside the reloaded record to copy from."""

    def __init__(self, title: str, text: str, path: Path | None, parent: QWidget | None) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self.setObjectName("setAsideWindow")
        self.setWindowTitle(f"Your unsaved text: {title}")
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        layout = QVBoxLayout(self)
        where = f"Also saved in {path}" if path is not None else "Not saved to a file"
        note = QLabel(f"Your text that was not saved. It is on the clipboard too. {where}.")
        note.setObjectName("setAside_note")
        note.setWordWrap(True)
        layout.addWidget(note)
        self.text = QPlainTextEdit(text)
        self.text.setObjectName("setAside_text")
        self.text.setAccessibleName("Your unsaved text")
        self.text.setReadOnly(True)
        layout.addWidget(self.text)
        self.resize(560, 420)


class ConflictDialog(QDialog):
    """Says who changed the record and when; "Reload" or "Copy my text aside" (then reload)."""

    def __init__(
        self,
        exc: ConflictError,
        my_text: str,
        title: str,
        parent: QWidget | None = None,
        *,
        to_file: bool = True,
    ) -> None:
        """`to_file`: also keep the text in a file of the data folder. Off for an encrypted
        database or a server: a plain file would leave their text readable on the laptop."""
        super().__init__(parent)
        self.to_file = to_file
        self.setObjectName("conflictDialog")
        self.setWindowTitle("Changed by someone else")
        self.setMinimumWidth(text_width(self, 77))
        self.my_text, self.title = my_text, title
        self.choice: str | None = None
        self.aside_window: SetAsideWindow | None = None
        self.aside_path: Path | None = None
        layout = QVBoxLayout(self)
        self.message = QLabel(str(exc))
        self.message.setObjectName("conflict_message")
        self.message.setWordWrap(True)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.message)
        if exc.changed_by and exc.changed_at:
            detail = QLabel(
                f"Last changed by <b>{_escape(exc.changed_by)}</b> on "
                f"{exc.changed_at.astimezone():%d %b %Y at %H:%M}."
            )
            detail.setObjectName("conflict_who")
            layout.addWidget(detail)
        buttons = QDialogButtonBox()
        self.copy_button = QPushButton("&Copy my text aside")
        self.copy_button.setObjectName("conflict_copy")
        self.copy_button.setToolTip(
            "Put your unsaved text on the clipboard and in a window and file you can keep, "
            "then load the newer version"
        )
        self.copy_button.setEnabled(bool(my_text.strip()))
        self.reload_button = QPushButton("&Reload")
        self.reload_button.setObjectName("conflict_reload")
        self.reload_button.setToolTip("Discard your unsaved changes and load the newer version")
        buttons.addButton(self.copy_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(self.reload_button, QDialogButtonBox.ButtonRole.AcceptRole)
        self.copy_button.clicked.connect(self.copy_aside)
        self.reload_button.clicked.connect(self.reload)
        layout.addWidget(buttons)
        (self.copy_button if self.copy_button.isEnabled() else self.reload_button).setDefault(True)

    def reload(self) -> None:
        self.choice = RELOAD
        self.accept()

    def copy_aside(self) -> None:
        QApplication.clipboard().setText(self.my_text)
        self.aside_path = None
        try:
            if not self.to_file:
                raise OSError("not to a file")
            path = set_aside_folder() / f"unsaved-{datetime.now():%Y%m%d-%H%M%S-%f}.txt"
            from audit_tool.fileio import open_private

            with open_private(path, "x") as fh:  # readable by the user alone
                fh.write(self.my_text)
            self.aside_path = path
        except OSError:
            pass  # the clipboard and the window still hold it
        self.aside_window = SetAsideWindow(
            self.title, self.my_text, self.aside_path, self.parentWidget()
        )
        self.aside_window.show()
        self.choice = COPY_ASIDE
        self.accept()

    def reject(self) -> None:
        # Closing the dialog (Escape) must not lose the text: it is copied aside, then the
        # newer version loads (the unsaved text can never be saved over it).
        if self.my_text.strip():
            self.copy_aside()
        else:
            self.reload()


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def plain_file_ok(db: object) -> bool:
    """Whether unsaved text may be kept in a plain file: only beside a plain SQLite file."""
    return bool(getattr(db, "is_sqlite", False)) and getattr(db, "key", None) is None
