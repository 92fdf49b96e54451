"""The installable package: the self-test from source, its failure report, the icons, and a
real PyInstaller build of packaging/audit-tool.spec whose `audit-tool --self-test` must pass."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

from audit_tool import __version__, selftest

ROOT = Path(__file__).resolve().parent.parent
SPEC = ROOT / "packaging" / "audit-tool.spec"
IN_CI = os.environ.get("CI", "").lower() == "true"
STEP_LINE = re.compile(r"^\[\s*(\d+)/(\d+)\] (.+?): ok, ")


def _env() -> dict[str, str]:
    return {**os.environ, "QT_QPA_PLATFORM": "offscreen"}


def _assert_passed(result: subprocess.CompletedProcess[str]) -> list[str]:
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stderr == ""
    lines = result.stdout.splitlines()
    steps = [m.group(3) for m in map(STEP_LINE.match, lines) if m]
    assert steps == [label for label, _ in selftest.STEPS]
    assert lines[-1].startswith(selftest.PASSED)
    return lines


def test_self_test_from_source_runs_every_step_and_passes(tmp_path: Path):
    result = subprocess.run(
        [sys.executable, "-m", "audit_tool", "--self-test"],
        capture_output=True,
        text=True,
        env={**_env(), "TMPDIR": str(tmp_path)},
        timeout=300,
    )
    lines = _assert_passed(result)
    assert "from source" in lines[0] and __version__ in lines[0]
    # The temporary folder is removed after a pass, and nothing else was written there.
    assert list(tmp_path.iterdir()) == []


def test_self_test_names_the_failing_step_on_one_line_and_keeps_the_evidence(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
):
    """A package that lost its resources (templates, schemas, fonts): the new database cannot
    install the default templates, so step 2 fails and the run stops there."""
    empty_bundle = tmp_path / "bundle"
    (empty_bundle / "audit_tool" / "resources").mkdir(parents=True)
    monkeypatch.setattr(sys, "_MEIPASS", str(empty_bundle), raising=False)
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))  # the kept folder lands here
    home = os.environ["AUDIT_TOOL_HOME"]

    code = selftest.run_self_test()

    out, err = capsys.readouterr()
    assert code == 1
    assert selftest.PASSED not in out
    assert "[ 1/" in out and "[ 2/" not in out
    assert err.count("\n") == 1
    assert err.startswith("audit-tool: self-test failed at step 2 (new database): ")
    assert "templates" in err and "Traceback" not in err
    log = Path(re.search(r"details in (.+)\)$", err.strip()).group(1))  # type: ignore[union-attr]
    assert log.parent.parent == tmp_path and "Traceback" in log.read_text("utf-8")
    assert os.environ["AUDIT_TOOL_HOME"] == home  # the run's own settings folder is undone


def test_make_icons_renders_the_svg_for_every_platform(tmp_path: Path, qapp):
    # qapp first: make_icons would otherwise start a QGuiApplication, and every later test
    # that makes a widget would abort (a widget needs a QApplication).
    sys.path.insert(0, str(ROOT / "packaging"))
    try:
        import make_icons
    finally:
        sys.path.remove(str(ROOT / "packaging"))
    from PySide6.QtGui import QImage

    written = make_icons.make_icons(tmp_path / "icons")

    assert written["ico"].read_bytes()[:4] == b"\x00\x00\x01\x00"
    # An .icns file is typed chunks; macOS takes the 1024 px one ("ic10") as a PNG.
    icns = written["icns"].read_bytes()
    assert icns[:4] == b"icns" and int.from_bytes(icns[4:8], "big") == len(icns)
    chunks, at = {}, 8
    while at < len(icns):
        length = int.from_bytes(icns[at + 4 : at + 8], "big")
        chunks[icns[at : at + 4]] = icns[at + 8 : at + length]
        at += length
    assert chunks[b"ic10"][:8] == b"\x89PNG\r\n\x1a\n"
    for fmt, size in make_icons.SIZES.items():
        image = QImage.fromData(chunks[b"ic10"]) if fmt == "icns" else QImage(str(written[fmt]))
        assert not image.isNull() and image.width() == size, fmt
        # The dark blue tile of the logo, not a blank square.
        assert image.pixelColor(size // 10, size // 2).name() == "#1f4e79"


def test_spec_has_no_platform_specific_paths():
    text = SPEC.read_text("utf-8")
    assert "SPECPATH" in text
    for absolute in ("/work/", "/usr/", "/home/", "/tmp/", "C:\\", ".venv"):
        assert absolute not in text


def _pyinstaller() -> list[str]:
    try:
        import PyInstaller  # noqa: F401
    except ImportError:
        reason = "PyInstaller is not installed (pip install 'pyinstaller>=6.10,<7')"
        if IN_CI:
            pytest.fail(f"CI=true but {reason}")
        pytest.skip(reason)
    return [sys.executable, "-m", "PyInstaller"]


def _size_mb(folder: Path) -> float:
    # PyInstaller links some libraries under a second name: count each file once.
    files = (f for f in folder.rglob("*") if f.is_file() and not f.is_symlink())
    return sum(f.stat().st_size for f in files) / 1e6


@pytest.mark.slow
def test_built_package_passes_its_self_test(tmp_path: Path):
    """What `make package` does, in a temporary folder: the spec builds, and the built
    application runs the looped audit, exports and native-module checks on its own."""
    dist, work = tmp_path / "dist", tmp_path / "work"
    started = time.perf_counter()
    build = subprocess.run(
        [*_pyinstaller(), "--noconfirm", "--clean", str(SPEC)]
        + ["--distpath", str(dist), "--workpath", str(work)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        # PyInstaller's cache (--clean empties it) in the test's own folder, not the user's:
        # another build running at the same time keeps its own.
        env={**_env(), "XDG_CACHE_HOME": str(tmp_path / "cache")},
        timeout=1200,
    )
    seconds = time.perf_counter() - started
    assert build.returncode == 0, build.stderr[-4000:]
    app = dist / "audit-tool"
    exe = app / ("audit-tool.exe" if sys.platform.startswith("win") else "audit-tool")
    size = _size_mb(app)
    print(f"\npackage built in {seconds:.0f} s, {size:.0f} MB in {app}")

    result = subprocess.run(
        [str(exe), "--self-test"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env={**_env(), "TMPDIR": str(tmp_path)},
        timeout=300,
    )
    lines = _assert_passed(result)
    assert "frozen" in lines[0]
    version = subprocess.run([str(exe), "--version"], capture_output=True, text=True, timeout=60)
    assert version.stdout.strip() == f"audit-tool {__version__}"

    internal = app / "_internal"
    migrations = internal / "audit_tool" / "store" / "migrations" / "versions"
    assert (migrations / "0001_initial.py").is_file()
    resources = internal / "audit_tool" / "resources"
    assert (resources / "icons" / "app.png").is_file()
    assert (resources / "fonts" / "DejaVuSans.ttf").is_file()
    # Help > User guide and Help > Third-party licences read these in the frozen application.
    assert (internal / "docs" / "user-guide.md").is_file()
    assert (internal / "docs" / "screenshots" / "dark-dashboard.png").is_file()
    assert (internal / "docs" / "screenshots" / "walkthrough" / "01-lead-login.png").is_file()
    notices = (internal / "THIRD-PARTY-NOTICES.txt").read_text(encoding="utf-8")
    assert "PySide6_Essentials" in notices and "GNU LESSER GENERAL PUBLIC LICENSE" in notices
    assert "ZETETIC LLC" in notices and "OpenSSL" in notices
    # Test tools and unused Qt stay out; the size stays within what an installer can carry.
    for unwanted in ("pytest", "hypothesis", "mypy", "PyInstaller", "lxml", "pikepdf"):
        assert not (internal / unwanted).exists(), unwanted
    assert not list(internal.rglob("*Qt6Quick*")) and not list(internal.rglob("*Qt6Pdf*"))
    # 400 MB until the accessible PDFs (issue #16): Typst's compiler is one 81 MB library.
    assert size < 450, f"the package grew to {size:.0f} MB"
