"""Setuptools hook (the project is described in pyproject.toml): a wheel carries the user guide.

Help > User guide (F1) reads docs/user-guide.md and the screenshots it shows. They live in docs/
for the repository's readers; a wheel (pip or pipx install) gets a copy inside the package, at
audit_tool/docs, where audit_tool.resources.user_guide_path() looks for it. An editable install
reads docs/ in place, and the PyInstaller build copies it itself (packaging/audit-tool.spec).
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent
GUIDE = ROOT / "docs" / "user-guide.md"


def guide_files() -> list[Path]:
    """The guide and the pictures it links to (not every screenshot in docs/)."""
    if not GUIDE.is_file():
        return []
    text = GUIDE.read_text(encoding="utf-8")
    pictures = sorted(set(re.findall(r"\]\((screenshots/[^)\s]+\.png)\)", text)))
    return [GUIDE, *(GUIDE.parent / p for p in pictures if (GUIDE.parent / p).is_file())]


class BuildWithGuide(build_py):
    def run(self) -> None:
        super().run()
        if getattr(self, "editable_mode", False):
            return
        target = Path(self.build_lib) / "audit_tool" / "docs"
        for path in guide_files():
            destination = target / path.relative_to(GUIDE.parent)
            destination.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, destination)


setup(cmdclass={"build_py": BuildWithGuide})
