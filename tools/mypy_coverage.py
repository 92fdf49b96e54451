"""Prints how much of the package mypy checks and how much of that strictly, from the [tool.mypy]
settings in pyproject.toml (its `files`, `exclude`, `strict` and per-module overrides);
`make lint` runs it after mypy.

    python tools/mypy_coverage.py [--list]

A file is strict when every per-module flag that `mypy --strict` turns on is on for it (by
`strict = true`, the global flags or an override for its module). --list also names the files
not checked. Always exits 0: it reports, mypy itself fails the build.
"""

from __future__ import annotations

import argparse
import fnmatch
import re
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = "audit_tool"
# The flags `mypy --strict` turns on that can be set module by module (warn_redundant_casts and
# warn_unused_configs are global only), and the value each takes under --strict.
STRICT_FLAGS: Mapping[str, bool] = {
    "disallow_any_generics": True,
    "disallow_subclassing_any": True,
    "disallow_untyped_calls": True,
    "disallow_untyped_defs": True,
    "disallow_incomplete_defs": True,
    "check_untyped_defs": True,
    "disallow_untyped_decorators": True,
    "warn_unused_ignores": True,
    "warn_return_any": True,
    "implicit_reexport": False,
    "strict_equality": True,
    "extra_checks": True,
}


@dataclass(frozen=True)
class Coverage:
    total: list[Path]
    checked: list[Path]
    strict: list[Path]

    @property
    def unchecked(self) -> list[Path]:
        checked = set(self.checked)
        return [path for path in self.total if path not in checked]

    def summary(self) -> str:
        return (
            f"mypy: {len(self.checked)} of {len(self.total)} files checked, "
            f"{len(self.strict)} strict"
        )


def read_config(pyproject: Path) -> dict[str, Any]:
    data = tomllib.loads(pyproject.read_text(encoding="utf-8"))
    config: dict[str, Any] = data.get("tool", {}).get("mypy", {})
    return config


def package_files(root: Path) -> list[Path]:
    """Every Python file of the package, as paths relative to `root`."""
    return sorted(p.relative_to(root) for p in (root / PACKAGE).rglob("*.py"))


def module_name(path: Path) -> str:
    parts = list(path.with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _as_list(value: str | Iterable[str] | None) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [part.strip() for part in value.split(",") if part.strip()]
    return list(value)


def checked_files(config: Mapping[str, Any], files: Iterable[Path]) -> list[Path]:
    """The files mypy checks: those under an entry of `files`, less those `exclude` matches."""
    roots = [Path(entry) for entry in _as_list(config.get("files"))]
    excludes = [re.compile(pattern) for pattern in _as_list(config.get("exclude"))]
    found = []
    for path in files:
        if not any(path == top or top in path.parents for top in roots):
            continue
        if any(pattern.search(path.as_posix()) for pattern in excludes):
            continue
        found.append(path)
    return found


def _matches(pattern: str, module: str) -> bool:
    """mypy's override patterns: `a.b` exactly, `a.b.*` for a.b and everything under it,
    and `*` standing for one or more name parts inside a pattern."""
    if pattern.endswith(".*") and module == pattern[:-2]:
        return True
    return fnmatch.fnmatchcase(module, pattern)


def flags_for(config: Mapping[str, Any], module: str) -> dict[str, Any]:
    """The strict flags' values for `module`: --strict if set, the global values, then each
    matching override in order (a later override wins, as in mypy)."""
    flags: dict[str, Any] = {}
    if config.get("strict"):
        flags.update(STRICT_FLAGS)
    flags.update({name: config[name] for name in STRICT_FLAGS if name in config})
    for override in config.get("overrides", []):
        if not any(_matches(p, module) for p in _as_list(override.get("module"))):
            continue
        if override.get("strict"):
            flags.update(STRICT_FLAGS)
        flags.update({name: override[name] for name in STRICT_FLAGS if name in override})
    return flags


def is_strict(config: Mapping[str, Any], module: str) -> bool:
    flags = flags_for(config, module)
    return all(flags.get(name) == value for name, value in STRICT_FLAGS.items())


def coverage(root: Path = ROOT) -> Coverage:
    config = read_config(root / "pyproject.toml")
    total = package_files(root)
    checked = checked_files(config, total)
    strict = [path for path in checked if is_strict(config, module_name(path))]
    return Coverage(total, checked, strict)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--list", action="store_true", help="name the files not checked")
    args = parser.parse_args(argv)
    result = coverage()
    print(result.summary())
    by_part: dict[str, int] = {}
    for path in result.unchecked:
        part = path.parts[1] if len(path.parts) > 2 else path.name
        by_part[part] = by_part.get(part, 0) + 1
    if by_part:
        parts = ", ".join(f"{name} ({count})" for name, count in sorted(by_part.items()))
        print(f"  not checked: {parts}")
    if args.list:
        for path in result.unchecked:
            print(f"  {path.as_posix()}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
