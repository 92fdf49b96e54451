"""The Dashboard's filter bar: the period (a preset or two dates), the grouping, and the team,
agency, service area, programme and theme filters, read together as one Choice."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from PySide6.QtCore import QDate, QTimer, Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QPushButton, QWidget

from audit_tool.access.actors import Actor
from audit_tool.reporting.report import Filters
from audit_tool.services import settings as partnership_settings
from audit_tool.store import Database
from audit_tool.ui.dashboard.figures import PRESETS, Choice, preset_label, preset_range
from audit_tool.ui.filters import filter_combo, filter_date

DATE_DELAY_MS = 400  # typing a date: wait for a pause before computing


class FilterBar(QWidget):
    """Says `changed` when the figures should be computed again (a typed date after a pause)."""

    changed = Signal()

    def __init__(self, db: Database, actor: Actor, today: Callable[[], date]) -> None:
        super().__init__()
        self.db, self.actor, self.today = db, actor, today
        # The partnership's year (Admin > Partnership): the presets' quarters and years.
        self.year_start = partnership_settings.partnership(db).year_start_month
        self._build_period()
        self._build_filters()
        self._date_timer = QTimer(self)
        self._date_timer.setSingleShot(True)
        self._date_timer.setInterval(DATE_DELAY_MS)
        self._date_timer.timeout.connect(self.changed)
        self.period.currentIndexChanged.connect(lambda _i: self._period_changed())
        self.by.currentIndexChanged.connect(lambda _i: self.changed.emit())
        for combo in (
            self.team_filter,
            self.agency_filter,
            self.area_filter,
            self.programme_filter,
            self.theme_filter,
        ):
            combo.currentIndexChanged.connect(lambda _i: self.changed.emit())
        for edit in (self.date_from, self.date_to):
            edit.dateChanged.connect(lambda _d: self._date_timer.start())
        self.clear_button = QPushButton("Clear filters")
        self.clear_button.setObjectName("dashboard_clear")
        self.clear_button.setAccessibleName(
            "Clear the team, agency, service area, programme and theme"
        )
        self.clear_button.clicked.connect(self.clear_filters)
        self._lay_out()

    def _build_period(self) -> None:
        self.period = filter_combo("dashboard_period", "Period")
        for key in PRESETS:
            self.period.addItem(preset_label(key, self.today(), self.year_start), key)
        first = preset_range("last_4_quarters", self.today(), self.year_start)
        assert first is not None
        self.date_from = filter_date("dashboard_from", "From date", first[0])
        self.date_to = filter_date("dashboard_to", "To date", first[1])
        self.date_from.setVisible(False)
        self.date_to.setVisible(False)
        self.by = filter_combo("dashboard_by", "Figures by")
        self.by.addItem("By quarter", "quarter")
        self.by.addItem("By month", "month")
        self.by.addItem("By year", "year")

    def _build_filters(self) -> None:
        self.team_filter = filter_combo("dashboard_team", "Team")
        self.team_filter.addItem("All teams", None)
        self.agency_filter = filter_combo("dashboard_agency", "Agency")
        self.agency_filter.addItem("All agencies", None)
        self.area_filter = filter_combo("dashboard_area", "Service area")
        self.area_filter.addItem("All service areas", None)
        self.area_filter.setToolTip("The service area of the case's team")
        self.programme_filter = filter_combo("dashboard_programme", "Programme")
        self.programme_filter.addItem("All programmes", None)
        self.theme_filter = filter_combo("dashboard_theme", "Theme")
        self.theme_filter.addItem("All themes", None)
        self._fill_filters()
        for combo in (self.team_filter, self.programme_filter, self.theme_filter):
            combo.setSizeAdjustPolicy(
                QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
            )
            combo.setMinimumContentsLength(14)

    def _lay_out(self) -> None:
        filters = QHBoxLayout(self)
        filters.setContentsMargins(0, 0, 0, 0)
        filters.addWidget(self.period)
        filters.addWidget(self.date_from)
        filters.addWidget(self.date_to)
        filters.addWidget(self.by)
        filters.addWidget(self.team_filter, 1)
        filters.addWidget(self.agency_filter)
        filters.addWidget(self.area_filter)
        filters.addWidget(self.programme_filter, 1)
        filters.addWidget(self.theme_filter, 1)
        filters.addWidget(self.clear_button)

    def _fill_filters(self) -> None:
        from audit_tool.services import programmes, reference

        if self.actor.can("reference.view"):
            for team in reference.list_teams(self.db, self.actor, with_case_counts=False):
                self.team_filter.addItem(team.name, team.key)
            for agency in reference.list_agencies(self.db, self.actor):
                self.agency_filter.addItem(agency.name, agency.key)
            for area in reference.service_areas(self.db):
                self.area_filter.addItem(area, area)
        themes: dict[str, str] = {}
        if self.actor.can("programme.view"):
            for programme in programmes.list_programmes(self.db, self.actor):
                self.programme_filter.addItem(programme.name, programme.key)
                if programme.theme:
                    themes.setdefault(programme.theme.lower(), programme.theme)
        if self.actor.can("learning.view"):
            from audit_tool.services import learning

            for tag in learning.theme_tags(self.db, self.actor):
                themes.setdefault(tag.lower(), tag[:1].upper() + tag[1:])
        for key, label in sorted(themes.items()):
            self.theme_filter.addItem(label, key)
        self.theme_filter.setToolTip("A programme's theme, or a theme tag on a learning point")

    def stop_waiting(self) -> None:
        """Forget a date being typed: the figures are being computed now."""
        self._date_timer.stop()

    def clear_filters(self) -> None:
        """Back to every team, agency, service area, programme and theme (the period stays)."""
        combos = (
            self.team_filter,
            self.agency_filter,
            self.area_filter,
            self.programme_filter,
            self.theme_filter,
        )
        for combo in combos:
            combo.blockSignals(True)
            combo.setCurrentIndex(0)
            combo.blockSignals(False)
        self.changed.emit()

    def _period_changed(self) -> None:
        preset = self.period.currentData()
        between = preset == "between"
        self.date_from.setVisible(between)
        self.date_to.setVisible(between)
        wanted = {"last_4_quarters": "quarter", "last_12_months": "month"}.get(preset)
        if wanted is not None and self.by.currentData() != wanted:
            self.by.blockSignals(True)
            self.by.setCurrentIndex(self.by.findData(wanted))
            self.by.blockSignals(False)
        dates = preset_range(preset, self.today(), self.year_start)
        if dates is not None:
            for edit, day in zip((self.date_from, self.date_to), dates, strict=True):
                edit.blockSignals(True)
                edit.setDate(QDate(day.year, day.month, day.day))
                edit.blockSignals(False)
        self.changed.emit()

    def choice(self) -> Choice:
        today = self.today()
        dates = preset_range(self.period.currentData(), today, self.year_start)
        if dates is None:
            start: date = self.date_from.date().toPython()  # type: ignore[assignment]
            end: date = self.date_to.date().toPython()  # type: ignore[assignment]
            dates = (start, end)
        return Choice(
            date_from=dates[0],
            date_to=dates[1],
            by=self.by.currentData(),
            filters=Filters(
                team=self.team_filter.currentData(),
                agency=self.agency_filter.currentData(),
                service_area=self.area_filter.currentData(),
                programme=self.programme_filter.currentData(),
                theme=self.theme_filter.currentData(),
            ),
            today=today,
        )
