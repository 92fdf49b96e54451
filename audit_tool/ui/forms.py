"""Form helpers shared by the editors: an input with its message line, and a yes/no question."""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QLabel, QLineEdit, QVBoxLayout, QWidget

from audit_tool.errors import ValidationError
from audit_tool.services.audits import ConcernRow
from audit_tool.ui import theme as themes

ERROR_STYLE = "color: $error;"
BANNER_STYLE = (
    "background: $banner_bg; color: $banner_fg; border: 1px solid $banner_border; padding: 6px;"
)
MUTED_STYLE = "color: $muted;"
SUCCESS_STYLE = "color: $success;"


def banner(name: str) -> QLabel:
    """A yellow notice line above a form's content, hidden until it has something to say."""
    label = QLabel()
    label.setObjectName(name)
    label.setWordWrap(True)
    themes.styled(label, BANNER_STYLE)
    label.hide()
    return label


def show_checkout_note(label: QLabel, view: object, actor: object) -> None:
    """Show on `label` that the audit of `view` (services.audits.AuditView) is checked out to
    work on offline, or hide it."""
    from PySide6.QtCore import Qt

    note = getattr(view, "checked_out", None)
    label.setTextFormat(Qt.TextFormat.PlainText)  # names and file names, not markup
    label.setText(note.banner(actor) if note is not None else "")
    label.setVisible(note is not None)


def concern_text(c: ConcernRow) -> str:
    """An urgent concern in words, whole, for an audit's screen."""
    lines = [
        f"Urgent safeguarding concern raised by {c.raised_by} "
        f"on {c.raised_at.astimezone():%d %b %Y at %H:%M}: {c.what}"
    ]
    if c.why_urgent:
        lines.append(f"Why urgent: {c.why_urgent}")
    if c.informed:
        lines.append("Seen at once by: " + ", ".join(c.informed))
    if c.status == "open":
        lines.append("Open until a QA lead or the case's manager records what was done.")
    else:
        lines.append(f"Closed by {c.responded_by}: {c.response}")
    return "\n".join(lines)


def show_concerns(label: QLabel, concerns: list[ConcernRow]) -> None:
    """Show the audit's urgent concerns, each in full, on `label`, or hide it."""
    from PySide6.QtCore import Qt

    label.setTextFormat(Qt.TextFormat.PlainText)  # what people typed, never markup
    label.setText("\n\n".join(concern_text(c) for c in concerns))
    label.setVisible(bool(concerns))


def field_with_error(widget: QWidget, name: str, label: str) -> tuple[QWidget, QLabel]:
    """Put an input above a (hidden) red message line; returns the pair's box and the line.

    The input is named `name` and the message line `<name>Error`, for tests and tools."""
    widget.setObjectName(name)
    widget.setAccessibleName(label)
    error = QLabel()
    error.setObjectName(f"{name}Error")
    themes.styled(error, ERROR_STYLE)
    error.setWordWrap(True)
    error.hide()
    box = QWidget()
    inner = QVBoxLayout(box)
    inner.setContentsMargins(0, 0, 0, 0)
    inner.setSpacing(2)
    inner.addWidget(widget)
    inner.addWidget(error)
    return box, error


def confirm(parent: QWidget | None, title: str, text: str) -> bool:
    """Ask a yes/no question whose safe answer (No) is the default."""
    from PySide6.QtWidgets import QMessageBox

    answer = QMessageBox.question(
        parent,
        title,
        text,
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
        QMessageBox.StandardButton.No,
    )
    return answer == QMessageBox.StandardButton.Yes


class FieldForm:
    """A QFormLayout of inputs, each with its message line, and a summary message above.

    `show_errors` puts a ValidationError's per-field messages beside their inputs, says how
    many there are in the summary, and moves the focus to the first one."""

    def __init__(self, prefix: str, noun: str, message_name: str) -> None:
        from PySide6.QtWidgets import QFormLayout

        self.prefix, self.noun = prefix, noun
        self.layout = QFormLayout()
        self.layout.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.fields: dict[str, QWidget] = {}
        self.errors: dict[str, QLabel] = {}
        self.message = QLabel()
        self.message.setObjectName(message_name)
        themes.styled(self.message, ERROR_STYLE)
        self.message.setWordWrap(True)
        self.message.hide()

    def add(self, key: str, label: str, widget: QWidget) -> QWidget:
        box, error = field_with_error(widget, f"{self.prefix}{key}", label)
        self.layout.addRow(label, box)
        self.fields[key] = widget
        self.errors[key] = error
        return widget

    def line(self, key: str, label: str, placeholder: str = "") -> QLineEdit:
        edit = QLineEdit()
        edit.setPlaceholderText(placeholder)
        self.add(key, label, edit)
        return edit

    def combo(self, key: str, label: str) -> QComboBox:
        combo = QComboBox()
        self.add(key, label, combo)
        return combo

    def clear_errors(self) -> None:
        for label in self.errors.values():
            label.clear()
            label.hide()
        self.message.hide()

    def show_errors(self, exc: ValidationError) -> None:
        from PySide6.QtCore import Qt

        self.clear_errors()
        shown = [k for k in self.errors if k in exc.fields]
        for key in shown:
            self.errors[key].setText(exc.fields[key])
            self.errors[key].show()
        if shown:
            count = len(shown)
            self.message.setText(
                f"The {self.noun} was not saved: {count} problem{'s' if count > 1 else ''}, "
                "shown next to the fields."
            )
            self.fields[shown[0]].setFocus(Qt.FocusReason.OtherFocusReason)
        else:
            self.message.setText(str(exc))
        self.message.show()


def select_data(combo: QComboBox, value: object) -> None:
    """Choose the item holding `value`, or the first item if none does."""
    combo.setCurrentIndex(max(combo.findData(value), 0))
