"""The user guide (docs/user-guide.md, shipped in the wheel and the desktop package with the
pictures it links) links only files that exist, and its pictures stay small enough to ship."""

from __future__ import annotations

import re
from pathlib import Path

DOCS = Path(__file__).resolve().parents[1] / "docs"
GUIDE = DOCS / "user-guide.md"
LINK = re.compile(r"\]\(([^)\s]+)\)")  # [text](target) and ![alt](target)
PICTURES_BUDGET = 4_000_000  # bytes: what Help > User guide carries into every install


def _local_links(text: str) -> list[str]:
    return [t for t in LINK.findall(text) if not re.match(r"[a-z]+:|#", t)]


def test_every_file_the_guide_links_exists_under_docs():
    links = _local_links(GUIDE.read_text(encoding="utf-8"))
    assert "screenshots/walkthrough/01-lead-login.png" in links  # the walkthrough's pictures
    missing = [t for t in links if not (DOCS / t.split("#")[0]).is_file()]
    assert missing == []
    outside = [t for t in links if not (DOCS / t).resolve().is_relative_to(DOCS)]
    assert outside == []


def test_the_guides_pictures_are_pngs_within_the_budget():
    pictures = {t for t in _local_links(GUIDE.read_text(encoding="utf-8")) if "screenshots/" in t}
    assert pictures and all(t.startswith("screenshots/") and t.endswith(".png") for t in pictures)
    total = sum((DOCS / t).stat().st_size for t in pictures)
    assert total <= PICTURES_BUDGET, f"{total:,} bytes of pictures"


def test_the_link_check_finds_a_missing_file(tmp_path):
    """The check is not vacuous: a link to a file that is not there is found."""
    text = "See ![gone](screenshots/not-there.png) and [security](security.md)."
    links = _local_links(text)
    assert links == ["screenshots/not-there.png", "security.md"]
    assert [t for t in links if not (DOCS / t).is_file()] == ["screenshots/not-there.png"]
