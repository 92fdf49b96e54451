"""The shared base of the list views (audits, actions, notices, my work, family feedback): one
way to load rows and show them, that the main window, the live refresh and the operation
pattern all rely on.

A list page says what it shows (``watches``, the kinds of change in ui.operations), how to
load its rows for the current filters (``live_loader``: called on the GUI thread to read the
filters, it returns a function that only calls services and may run in any thread) and how
to show them (``show_loaded``, on the GUI thread, keeping the selection). ``refresh`` runs the
loader as an Operation keyed "rows", so its errors go where every operation's go and a newer
refresh drops an older one's result: on the GUI thread (the lists are filtered and cut in SQL;
the figures are in docs/performance.md), or in the pool for a page that sets
``load_in_background`` (a list of thousands); the live refresh (ui.live_refresh) runs the same
loader in the pool.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QWidget

from audit_tool.ui import operations as ops


class ListPage(QWidget):
    """A main view that lists rows loaded through the services (see the module docstring)."""

    status_message = Signal(str)
    changed = Signal()

    watches: frozenset[str] = frozenset()
    title = ""  # the view's name, for the title of an error dialog
    load_in_background = False  # refresh() loads in the pool; the rows are shown when loaded

    def live_loader(self) -> Callable[[], Any]:
        raise NotImplementedError

    def show_loaded(self, loaded: Any) -> None:
        raise NotImplementedError

    def refresh(self, keep: str | None = None) -> None:
        """Load the rows for the current filters and show them (selecting the row `keep`
        names, for a page whose show_loaded takes one)."""
        load = self.live_loader()

        def show(loaded: Any) -> None:
            if keep is None:
                self.show_loaded(loaded)
            else:
                self.show_loaded(loaded, keep)  # type: ignore[call-arg]

        operation = ops.Operation(self, lambda task: load(), title=self.title, key="rows")
        operation.success(show)
        if self.load_in_background:
            operation.run_in_background()
        else:
            operation.run()

    def loading(self) -> bool:
        """Whether a refresh is still loading its rows."""
        return ops.is_running(self, "rows")
