"""The views benchmark (bench/bench_views.py) keeps working: a short run on a small demo
database times every view of the main window and the opening and closing of an audit."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QSettings

BENCH = Path(__file__).resolve().parents[1] / "bench"

VIEWS = [
    "My work",
    "Cases",
    "Audits",
    "Programmes",
    "Family feedback",
    "Learning",
    "Actions",
    "Briefings",
    "Dashboard",
    "Urgent concerns",
    "Notices",
    "Admin",
]


@pytest.mark.slow  # a demo database and three windows: about 10 s of CPU
def test_a_short_run_times_every_view_and_the_audit_windows(
    qapp, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp_path / "qs"))
    monkeypatch.syspath_prepend(str(BENCH))
    import bench_views

    argv = ["--audits", "50", "--runs", "1", "--out", str(tmp_path), "--role", "lead"]
    steps = bench_views.main(argv)
    out = capsys.readouterr().out

    assert (tmp_path / "views-50.sqlite").exists()  # kept for the next run
    labels = [s.label for s in steps]
    assert labels[0] == "QA lead: start the window (My work)"
    for view in VIEWS:
        assert f"QA lead: visit again {view}" in labels
        if view != "My work":  # built when the window starts
            assert f"QA lead: first visit {view}" in labels
    for audit in ("open review", "close review", "open moderation", "close moderation"):
        assert f"QA lead: {audit}" in labels
    assert all(len(s.seconds) == 1 and s.seconds[0] > 0 for s in steps)
    # The table prints one line per step, with the verdict against the budget.
    table = out.split("over 100 ms?\n", 1)[1].splitlines()
    assert len(table) == len(steps)
    for line, step in zip(table, steps, strict=True):
        assert line.startswith(step.label)
        assert line.split()[-1] in ("no", "YES", "only")
