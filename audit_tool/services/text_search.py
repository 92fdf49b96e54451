"""Text searches in lists: one length limit, and LIKE's wildcards taken as typed.

A search box's text goes into a LIKE pattern. Typed `%` and `_` are escaped, so "C_1"
finds the reference C_1 and not C01, C11...; SQLite refuses patterns over 50,000 bytes
("LIKE or GLOB pattern too complex"), so a search is capped at MAX_CHARS with a clear
message, the same on PostgreSQL. The GUI's search boxes take no more than MAX_CHARS.
"""

from __future__ import annotations

from audit_tool.errors import ValidationError

MAX_CHARS = 200
ESCAPE = "\\"


def search_text(value: str | None, what: str = "Search text") -> str | None:
    """The text to search for (trimmed), None for no search; too long is a ValidationError."""
    text = (value or "").strip()
    if not text:
        return None
    if len(text) > MAX_CHARS:
        raise ValidationError(
            f"{what} is too long: at most {MAX_CHARS} characters ({len(text):,} given)"
        )
    return text


def contains_pattern(text: str) -> str:
    """A LIKE pattern (used with escape=ESCAPE) matching values that contain text as typed."""
    escaped = text.replace(ESCAPE, ESCAPE * 2).replace("%", ESCAPE + "%").replace("_", ESCAPE + "_")
    return f"%{escaped}%"
