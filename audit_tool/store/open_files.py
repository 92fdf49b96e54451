"""The SQLite files this process has open: restore and encrypt refuse them, since swapping a
file under an open connection loses data. `Database` holds its file while it is open."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

# SQLite files open in this process (resolved path -> count).
_OPEN_FILES: Counter[Path] = Counter()


def is_open_here(path: str | Path) -> bool:
    return _OPEN_FILES[Path(path).expanduser().resolve()] > 0


def hold(path: Path) -> Path:
    """Count `path` as open here (once more); returns the resolved path to `release` later."""
    resolved = path.resolve()
    _OPEN_FILES[resolved] += 1
    return resolved


def release(resolved: Path) -> None:
    """One holder of `resolved` (from `hold`) closed it."""
    _OPEN_FILES[resolved] -= 1
    if _OPEN_FILES[resolved] <= 0:
        del _OPEN_FILES[resolved]
