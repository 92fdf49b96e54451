"""The dependency set: the lock pins everything pyproject.toml asks for, and every pin has a
binary wheel for Windows x64, macOS (arm64 and x86_64) and Linux x86_64 on Python 3.11-3.13
(packaging/check_wheels.py, asked of PyPI)."""

from __future__ import annotations

import os
import subprocess
import sys
import tomllib
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parent.parent
IN_CI = os.environ.get("CI", "").lower() == "true"
SCRIPT = ROOT / "packaging" / "check_wheels.py"


@pytest.fixture(scope="module")
def check_wheels() -> ModuleType:
    sys.path.insert(0, str(SCRIPT.parent))  # runtime_lock imports check_wheels as they run
    try:
        import check_wheels
        import runtime_lock  # noqa: F401
    finally:
        sys.path.remove(str(SCRIPT.parent))
    return check_wheels


def _skip_or_fail(reason: str) -> None:
    if IN_CI:
        pytest.fail(f"CI=true but {reason}")
    pytest.skip(reason)


def _pyproject_requirements() -> Iterator[Requirement]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"]
    for text in [*project["dependencies"], *project["optional-dependencies"]["test"]]:
        yield Requirement(text)


def test_the_lock_pins_what_pyproject_asks_for_on_every_platform(check_wheels):
    """Someone who adds or narrows a dependency in pyproject.toml and forgets `make lock`
    learns it here, offline, before CI installs a lock that lacks it."""
    pins = check_wheels.read_lock(check_wheels.LOCK)
    for requirement in _pyproject_requirements():
        name = canonicalize_name(requirement.name)
        for platform in check_wheels.PLATFORMS:
            for python in check_wheels.PYTHONS:
                env = check_wheels.environment(platform, python)
                if requirement.marker and not requirement.marker.evaluate(env):
                    continue
                versions = [
                    check_wheels._pinned(pin)
                    for pin in pins
                    if canonicalize_name(pin.name) == name
                    and (pin.marker is None or pin.marker.evaluate(env))
                ]
                where = f"{platform.name}/cp{python[0]}{python[1]}"
                assert len(versions) == 1, f"{name}: {len(versions)} pins for {where}"
                assert requirement.specifier.contains(versions[0], prereleases=True), (
                    f"{name}=={versions[0]} in the lock is outside {requirement} (run make lock)"
                )


def test_missing_wheels_reads_tags_and_markers(check_wheels):
    files = [
        "demo-1.0-cp311-cp311-win_amd64.whl",
        "demo-1.0-cp39-abi3-macosx_11_0_arm64.whl",
        "demo-1.0-cp39-abi3-macosx_10_9_x86_64.whl",
        "demo-1.0-cp311-cp311-manylinux_2_39_x86_64.whl",  # too new for glibc 2.34
        "demo-1.1-cp312-cp312-win_amd64.whl",  # another version: does not count
        "demo-1.0.tar.gz",
    ]
    missing = check_wheels.missing_wheels(Requirement("demo==1.0"), files)
    assert missing == [
        "win_amd64/cp312",
        "win_amd64/cp313",
        "manylinux_x86_64/cp311",
        "manylinux_x86_64/cp312",
        "manylinux_x86_64/cp313",
    ]
    # Installed on macOS only: the Windows and Linux gaps do not matter.
    darwin_only = Requirement("demo==1.0 ; sys_platform == 'darwin'")
    assert check_wheels.missing_wheels(darwin_only, files) == []
    pure = ["demo-1.0-py3-none-any.whl"]
    assert check_wheels.missing_wheels(Requirement("demo==1.0"), pure) == []


def test_read_lock_joins_continuations_and_drops_hashes(tmp_path: Path, check_wheels):
    lock = tmp_path / "lock.txt"
    lock.write_text(
        "# a comment\n"
        "numpy==2.4.6 ; python_full_version < '3.12' \\\n"
        "    --hash=sha256:aa \\\n"
        "    --hash=sha256:bb\n"
        "    # via pandas\n"
        "pytest==9.2.0 \\\n"
        "    --hash=sha256:cc\n",
        encoding="utf-8",
    )
    pins = check_wheels.read_lock(lock)
    assert [str(pin) for pin in pins] == [
        'numpy==2.4.6; python_full_version < "3.12"',
        "pytest==9.2.0",
    ]
    lock.write_text("pandas>=3\n", encoding="utf-8")
    with pytest.raises(ValueError, match="pandas is not pinned"):
        check_wheels.read_lock(lock)


def test_every_pin_in_the_lock_has_wheels_for_every_platform(check_wheels):
    """The check itself, against PyPI (skipped without a network, except in CI)."""
    pins = check_wheels.read_lock(check_wheels.LOCK)
    assert len(pins) > 40
    try:
        found = check_wheels.problems(pins)
    except check_wheels.IndexUnreachable as exc:
        _skip_or_fail(str(exc))
    assert found == []


def test_a_linux_only_package_fails_the_check_naming_it(tmp_path: Path):
    """sqlcipher3-binary, the package this project used before: Linux x86_64 wheels only, no
    source. The script exits 1 with one line that names it and the platforms it lacks."""
    lock = tmp_path / "lock.txt"
    lock.write_text("sqlcipher3==0.6.4\n", encoding="utf-8")
    result = subprocess.run(
        [sys.executable, str(SCRIPT), "--lock", str(lock), "--also", "sqlcipher3-binary==0.6.0"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    if result.returncode == 2 and "cannot reach" in result.stderr:
        _skip_or_fail(result.stderr.strip())
    assert result.returncode == 1, result.stdout + result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("sqlcipher3-binary==0.6.0: no binary wheel")
    for platform in ("win_amd64/cp311", "macosx_arm64/cp313", "macosx_x86_64/cp312"):
        assert platform in lines[0]
    assert "manylinux_x86_64" not in lines[0]


def test_the_runtime_pins_are_cut_from_the_lock(check_wheels):
    """requirements/runtime.txt (what a user installs) is the lock's runtime part, up to date;
    no test tool is in it and every runtime dependency of pyproject.toml is."""
    import runtime_lock

    assert runtime_lock.RUNTIME.read_text("utf-8") == runtime_lock.runtime_text(), "make lock"
    names = {canonicalize_name(p.name) for p in check_wheels.read_lock(runtime_lock.RUNTIME)}
    project = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"]
    runtime = {canonicalize_name(Requirement(t).name) for t in project["dependencies"]}
    tests = {
        canonicalize_name(Requirement(t).name) for t in project["optional-dependencies"]["test"]
    }
    assert runtime <= names
    assert {"pytest", "mypy", "pyinstaller", "ruff", "hypothesis"} <= tests - runtime
    assert not (tests - runtime) & names
