"""Check that every package pinned in the lock has a binary wheel on PyPI for each platform and
Python the users have, so `pip install` never has to compile anything on a user's laptop.

The platforms are Windows x64, macOS on Apple silicon and on Intel, and Linux x86_64; the
Pythons 3.11, 3.12 and 3.13. A pin whose environment marker leaves a platform out (for example
`pywin32-ctypes ; sys_platform == 'win32'`) is checked only where it is installed. The file list
comes from PyPI's simple index in its JSON form (PEP 691), fetched a few packages at a time;
nothing is cached.

    python packaging/check_wheels.py [--lock requirements/lock.txt] [--also NAME==VERSION ...]

Exit 0: every pin has its wheels. Exit 1: one line per package that lacks one, naming the
platforms and Pythons. Exit 2: the lock cannot be read or PyPI cannot be reached (one line).
"""

from __future__ import annotations

import argparse
import json
import sys
import urllib.error
import urllib.request
from collections.abc import Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from packaging.markers import Marker
from packaging.requirements import InvalidRequirement, Requirement
from packaging.tags import Tag, compatible_tags, cpython_tags, mac_platforms
from packaging.utils import (
    InvalidSdistFilename,
    InvalidWheelFilename,
    canonicalize_name,
    parse_sdist_filename,
    parse_wheel_filename,
)
from packaging.version import Version

ROOT = Path(__file__).resolve().parent.parent
LOCK = ROOT / "requirements" / "lock.txt"


def _default_index() -> str:
    """The index pip itself uses: PIP_INDEX_URL when set, else pip's own default (PyPI)."""
    import os

    configured = os.environ.get("PIP_INDEX_URL")
    if configured:
        return configured.rstrip("/")
    from pip._internal.models.index import PyPI

    return str(PyPI.simple_url).rstrip("/")


INDEX_URL = _default_index()
PYTHONS: tuple[tuple[int, int], ...] = ((3, 11), (3, 12), (3, 13))
# The oldest systems the users may have: macOS 13 (PySide6 6.11 needs it) and glibc 2.34
# (RHEL 9; Ubuntu 22.04 has 2.35). A wheel for anything older installs on them as well.
MACOS = (13, 0)
GLIBC_MINOR = 34
TIMEOUT = 30.0
WORKERS = 8


class IndexUnreachable(Exception):
    """PyPI did not answer (no network, a proxy, an outage)."""


@dataclass(frozen=True)
class Platform:
    """One kind of user machine: its wheel platform tags and its environment-marker values."""

    name: str
    tags: tuple[str, ...]
    markers: Mapping[str, str]


def _manylinux_x86_64() -> tuple[str, ...]:
    modern = tuple(f"manylinux_2_{minor}_x86_64" for minor in range(GLIBC_MINOR, 4, -1))
    legacy = ("manylinux2014_x86_64", "manylinux2010_x86_64", "manylinux1_x86_64")
    return modern + legacy


PLATFORMS: tuple[Platform, ...] = (
    Platform(
        "win_amd64",
        ("win_amd64",),
        {"sys_platform": "win32", "platform_system": "Windows", "os_name": "nt",
         "platform_machine": "AMD64"},
    ),
    Platform(
        "macosx_arm64",
        tuple(mac_platforms(MACOS, "arm64")),
        {"sys_platform": "darwin", "platform_system": "Darwin", "os_name": "posix",
         "platform_machine": "arm64"},
    ),
    Platform(
        "macosx_x86_64",
        tuple(mac_platforms(MACOS, "x86_64")),
        {"sys_platform": "darwin", "platform_system": "Darwin", "os_name": "posix",
         "platform_machine": "x86_64"},
    ),
    Platform(
        "manylinux_x86_64",
        _manylinux_x86_64(),
        {"sys_platform": "linux", "platform_system": "Linux", "os_name": "posix",
         "platform_machine": "x86_64"},
    ),
)  # fmt: skip


def environment(platform: Platform, python: tuple[int, int]) -> dict[str, str]:
    """The PEP 508 marker environment of CPython `python` on `platform`."""
    version = f"{python[0]}.{python[1]}"
    return {
        **platform.markers,
        "implementation_name": "cpython",
        "platform_python_implementation": "CPython",
        "python_version": version,
        "python_full_version": f"{version}.0",
        "implementation_version": f"{version}.0",
        "platform_release": "",
        "platform_version": "",
        "extra": "",
    }


def supported_tags(platform: Platform, python: tuple[int, int]) -> frozenset[Tag]:
    """Every wheel tag that pip on CPython `python` and `platform` would install."""
    plats = list(platform.tags)
    interpreter = f"cp{python[0]}{python[1]}"
    return frozenset(
        [
            *cpython_tags(python, platforms=plats),
            *compatible_tags(python, interpreter, plats),
        ]
    )


@dataclass(frozen=True)
class Entry:
    """One pin of the lock: the requirement, its lines as written (hashes too) and the
    packages that need it (from the lock's `# via` notes)."""

    requirement: Requirement
    text: str
    via: frozenset[str]


def read_entries(path: Path) -> list[Entry]:
    """The `name==version ; marker` pins of a pip requirements file, continuation lines joined,
    with the `# via` notes that uv and pip-compile write under each."""
    blocks: list[list[str]] = []
    for raw in path.read_text("utf-8").splitlines():
        if raw and not raw[0].isspace() and not raw.startswith(("#", "-")):
            blocks.append([raw])
        elif blocks and raw.strip():
            blocks[-1].append(raw)
    entries = []
    for block in blocks:
        words, via = [], set()
        for line in block:
            stripped = line.strip()
            if stripped.startswith("#"):
                note = stripped.lstrip("#").strip().removeprefix("via").strip()
                if note:
                    via.add(canonicalize_name(note.split()[0]))
                continue
            words += [w for w in stripped.rstrip("\\").split() if not w.startswith("--hash=")]
        text = " ".join(words)
        try:
            requirement = Requirement(text)
        except InvalidRequirement as exc:
            raise ValueError(f"{path.name}: cannot read {text!r}: {exc}") from None
        if _pinned(requirement) is None:
            raise ValueError(f"{path.name}: {requirement.name} is not pinned with ==")
        entries.append(Entry(requirement, "\n".join(block), frozenset(via)))
    return entries


def read_lock(path: Path) -> list[Requirement]:
    return [entry.requirement for entry in read_entries(path)]


def runtime_entries(entries: Sequence[Entry], dependencies: Iterable[str]) -> list[Entry]:
    """The entries a plain install needs: `dependencies` (pyproject's [project] list, extras
    followed) and whatever they need in turn, by the lock's `# via` notes; test tools left out."""
    runtime = set()
    for text in dependencies:
        requirement = Requirement(text)
        runtime.add(canonicalize_name(requirement.name))
        runtime |= {
            canonicalize_name(f"{requirement.name}-{extra}") for extra in requirement.extras
        }
    grew = True
    while grew:
        grew = False
        for entry in entries:
            name = canonicalize_name(entry.requirement.name)
            if name not in runtime and entry.via & runtime:
                runtime.add(name)
                grew = True
    return [e for e in entries if canonicalize_name(e.requirement.name) in runtime]


def _pinned(requirement: Requirement) -> Version | None:
    specs = list(requirement.specifier)
    if len(specs) == 1 and specs[0].operator in ("==", "==="):
        return Version(specs[0].version)
    return None


def fetch_files(name: str, index_url: str = INDEX_URL) -> list[str]:
    """The file names PyPI holds for project `name`, all versions."""
    url = f"{index_url.rstrip('/')}/{canonicalize_name(name)}/"
    request = urllib.request.Request(url, headers={"Accept": "application/vnd.pypi.simple.v1+json"})
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT) as response:
            data = json.load(response)
    except urllib.error.HTTPError as exc:
        if exc.code == 404:
            return []
        raise IndexUnreachable(f"{url} answered HTTP {exc.code}") from None
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        raise IndexUnreachable(f"cannot reach {index_url}: {reason}") from None
    return [entry["filename"] for entry in data.get("files", [])]


def wheel_tags(files: Iterable[str], name: str, version: Version) -> list[frozenset[Tag]]:
    """The tag sets of the wheels among `files` that are release `version` of `name`."""
    wanted = canonicalize_name(name)
    found = []
    for filename in files:
        if not filename.endswith(".whl"):
            continue
        try:
            wheel_name, wheel_version, _build, tags = parse_wheel_filename(filename)
        except InvalidWheelFilename:
            continue
        if wheel_name == wanted and wheel_version == version:
            found.append(tags)
    return found


def has_sdist(files: Iterable[str], name: str, version: Version) -> bool:
    for filename in files:
        try:
            sdist_name, sdist_version = parse_sdist_filename(filename)
        except InvalidSdistFilename:
            continue
        if sdist_name == canonicalize_name(name) and sdist_version == version:
            return True
    return False


def missing_wheels(
    requirement: Requirement, files: Sequence[str], pythons: Sequence[tuple[int, int]] = PYTHONS
) -> list[str]:
    """`platform/python` labels where `requirement` is installed but has no wheel."""
    version = _pinned(requirement)
    assert version is not None
    wheels = wheel_tags(files, requirement.name, version)
    missing = []
    for platform in PLATFORMS:
        for python in pythons:
            marker: Marker | None = requirement.marker
            if marker is not None and not marker.evaluate(environment(platform, python)):
                continue
            tags = supported_tags(platform, python)
            if not any(wheel & tags for wheel in wheels):
                missing.append(f"{platform.name}/cp{python[0]}{python[1]}")
    return missing


def problems(
    pins: Sequence[Requirement], index_url: str = INDEX_URL, workers: int = WORKERS
) -> list[str]:
    """One line per pinned package that lacks a wheel somewhere; [] if all are fine.
    Raises IndexUnreachable if PyPI cannot be asked."""
    names = sorted({canonicalize_name(pin.name) for pin in pins})
    with ThreadPoolExecutor(max_workers=workers) as pool:
        files = dict(zip(names, pool.map(lambda n: fetch_files(n, index_url), names), strict=True))
    lines = []
    for pin in sorted(pins, key=lambda p: (canonicalize_name(p.name), str(p.specifier))):
        version = _pinned(pin)
        if version is None:
            raise ValueError(f"{pin.name} is not pinned with ==")
        project_files = files[canonicalize_name(pin.name)]
        if not project_files:
            lines.append(f"{pin.name}=={version}: not on the index")
            continue
        missing = missing_wheels(pin, project_files)
        if missing:
            source = "source only" if has_sdist(project_files, pin.name, version) else "no file"
            where = ", ".join(missing)
            lines.append(f"{pin.name}=={version}: no binary wheel ({source}) for {where}")
    return lines


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--lock", type=Path, default=LOCK, help="pinned requirements file")
    parser.add_argument("--index-url", default=INDEX_URL, help="PEP 691 simple index")
    parser.add_argument(
        "--also", action="append", default=[], metavar="NAME==VERSION", help="check this too"
    )
    args = parser.parse_args(argv)
    try:
        pins = read_lock(args.lock) + [Requirement(text) for text in args.also]
        if any(_pinned(pin) is None for pin in pins):
            raise ValueError("--also takes NAME==VERSION")
        found = problems(pins, args.index_url)
    except (OSError, ValueError, InvalidRequirement) as exc:
        print(f"check_wheels: {exc}", file=sys.stderr)
        return 2
    except IndexUnreachable as exc:
        print(f"check_wheels: {exc}", file=sys.stderr)
        return 2
    for line in found:
        print(line, file=sys.stderr)
    if found:
        return 1
    platforms = ", ".join(p.name for p in PLATFORMS)
    pythons = ", ".join(f"{a}.{b}" for a, b in PYTHONS)
    print(f"{len(pins)} pins have binary wheels for {platforms} on Python {pythons}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
