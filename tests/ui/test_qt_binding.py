"""Guards against a Qt binding that would crash the app in ordinary use.

PySide6 6.12.0 on Python 3.11 drops a reference to None on every call of a method that
returns nothing (setText, show, update, processEvents...). None is not immortal before
Python 3.12, so after enough calls the interpreter aborts ("deallocating None"), taking
unsaved work with it. pyproject.toml keeps PySide6 below 6.12; this test fails if a binding
with that fault is ever installed."""

from __future__ import annotations

import sys

from PySide6.QtWidgets import QApplication, QLabel


def test_void_calls_do_not_lose_references_to_none(qtbot):
    label = QLabel("x")
    qtbot.addWidget(label)
    before = sys.getrefcount(None)
    for _ in range(2000):
        label.setText("y")
        label.update()
        QApplication.processEvents()
    assert sys.getrefcount(None) - before > -50
