"""A normal (not editable) install: the wheel built from the checkout carries its resources and
migrations, and installed with only the lock's runtime pins into a new virtual environment, its
`audit-tool --self-test` passes (issue 13: the resources used to sit outside the package)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import venv
import zipfile
from pathlib import Path

import pytest

from audit_tool import __version__, selftest

ROOT = Path(__file__).resolve().parent.parent
IS_WINDOWS = sys.platform.startswith("win")


def _run(*argv: str | Path, cwd: Path, timeout: float = 600) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME")}
    env["QT_QPA_PLATFORM"] = "offscreen"
    return subprocess.run(
        [str(a) for a in argv], capture_output=True, text=True, cwd=cwd, env=env, timeout=timeout
    )


def build_wheel(tmp_path: Path) -> Path:
    """The wheel of a clean copy of what a release holds (no build/ left from an earlier
    run can slip in), built with this environment's setuptools: no download."""
    source = tmp_path / "source"
    source.mkdir()
    for name in ("pyproject.toml", "setup.py", "README.md"):
        shutil.copy2(ROOT / name, source / name)
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    shutil.copytree(ROOT / "audit_tool", source / "audit_tool", ignore=ignore)
    shutil.copytree(ROOT / "docs", source / "docs", ignore=ignore)
    out = tmp_path / "wheel"
    build = _run(
        sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--quiet",
        "--wheel-dir", out, source, cwd=tmp_path,
    )  # fmt: skip
    assert build.returncode == 0, build.stderr[-3000:]
    (wheel,) = out.glob("audit_tool-*.whl")
    return wheel


@pytest.mark.slow
def test_the_wheel_installs_into_a_new_environment_and_passes_its_self_test(tmp_path: Path):
    wheel = build_wheel(tmp_path)
    names = set(zipfile.ZipFile(wheel).namelist())
    for shipped in (
        "audit_tool/resources/fonts/DejaVuSans.ttf",
        "audit_tool/resources/icons/app.svg",
        "audit_tool/resources/schemas/audit-pack-v1.schema.json",
        "audit_tool/resources/templates/moderated_case_file.json",
        "audit_tool/store/migrations/script.py.mako",
        "audit_tool/store/migrations/versions/0001_initial.py",
        # Help > User guide (F1): the guide and the pictures it shows (setup.py copies them)
        "audit_tool/docs/user-guide.md",
        "audit_tool/docs/screenshots/walkthrough/05-auditor1-my-work.png",
    ):
        assert shipped in names, shipped
    pictures = [n for n in names if n.startswith("audit_tool/docs/screenshots/")]
    linked = (ROOT / "docs" / "user-guide.md").read_text(encoding="utf-8").count("](screenshots/")
    assert 0 < len(pictures) <= linked  # the guide's own pictures, not the whole folder

    # Only the runtime pins of the lock (requirements/runtime.txt, as a user installs them),
    # hash-checked; pip refuses if one that is needed is missing.
    runtime = ROOT / "requirements" / "runtime.txt"
    env_dir = tmp_path / "venv"
    venv.EnvBuilder(with_pip=True).create(env_dir)
    bin_dir = env_dir / ("Scripts" if IS_WINDOWS else "bin")
    python = bin_dir / ("python.exe" if IS_WINDOWS else "python")
    # --no-compile: byte-compiling pandas', NumPy's and SQLAlchemy's thousands of modules
    # checks nothing here (the self-test compiles what it imports); measured on the 2-core
    # machine, busy, twice each: 130-153 s with it, 88-130 s without.
    pip = (python, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "--no-compile")
    deps = _run(*pip, "--only-binary=:all:", "--require-hashes", "-r", runtime, cwd=tmp_path)
    assert deps.returncode == 0, deps.stderr[-3000:]
    own = _run(*pip, "--no-deps", "--no-index", wheel, cwd=tmp_path)
    assert own.returncode == 0, own.stderr[-3000:]

    where = _run(python, "-c", "import audit_tool; print(audit_tool.__file__)", cwd=tmp_path)
    assert Path(where.stdout.strip()).is_relative_to(env_dir), where.stdout + where.stderr
    exe = bin_dir / ("audit-tool.exe" if IS_WINDOWS else "audit-tool")
    result = _run(exe, "--self-test", cwd=tmp_path, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stderr == ""
    lines = result.stdout.splitlines()
    assert f"{__version__} self-test (installed," in lines[0]
    assert lines[-1].startswith(selftest.PASSED)
