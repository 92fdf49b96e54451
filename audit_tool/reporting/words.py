"""The report's codes in the partnership's words: grades and the levels of its own scales (from
the report's labels, else the Ofsted words the PDF prints), answers, audit kinds and the strands
of a SEND audit. The workbook, the PDF's breakdowns and the Dashboard's tables say them the same
way; nothing a reader sees holds a key such as ``requires_improvement`` or ``multi_agency``."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

GRADES = ("outstanding", "good", "requires_improvement", "inadequate")
GRADE_WORDS = {
    "outstanding": "Outstanding",
    "good": "Good",
    "requires_improvement": "Requires improvement to be good",
    "inadequate": "Inadequate",
    "not_applicable": "Not applicable",
}
ANSWER_WORDS = {
    "yes": "Yes",
    "no": "No",
    "partly": "Partly",
    "not_asked": "Not asked",
    "not_applicable": "Not applicable",
}
KIND_WORDS = {
    "looped": "Looped (two auditors)",
    "single": "Dip sample (single auditor)",
    "multi_agency": "Multi-agency",
    "send": "SEND",
}
PART_WORDS = {"education": "Education", "health": "Health", "social_care": "Social care"}
NO_AREA = "(none)"  # the report's key for teams without a service area
DEFAULT_SCALE = "ofsted"


def humane(key: str) -> str:
    """A key with no label, made readable: "social_care" -> "Social care"."""
    return key.replace("_", " ").capitalize() if key.islower() else key


class Words:
    """The words for the keys a report names: its labels first, then the fixed vocabulary."""

    def __init__(self, labels: Mapping[str, Any] | None) -> None:
        raw = labels or {}
        self._names: dict[str, dict[str, str]] = {
            kind: {str(k): str(v) for k, v in names.items() if v}
            for kind, names in raw.items()
            if isinstance(names, dict) and kind != "levels"
        }
        levels = raw.get("levels")
        if not isinstance(levels, dict):
            levels = {}
        self._levels: dict[str, dict[str, str]] = {
            str(scale): {str(k): str(v) for k, v in names.items() if v}
            for scale, names in levels.items()
            if isinstance(names, dict)
        }

    def name(self, kind: str, key: Any) -> str:
        """The label of `key` among the report's `kind` (teams, agencies, people, items,
        questions, scales), else the key."""
        return self._names.get(kind, {}).get(str(key)) or str(key)

    def team(self, key: str) -> str:
        return self.name("teams", key)

    def agency(self, key: str) -> str:
        return self.name("agencies", key)

    def has(self, kind: str, key: Any) -> bool:
        return isinstance(key, str) and key in self._names.get(kind, {})

    def grade(self, key: str) -> str:
        """An Ofsted grade (or "not applicable") in the partnership's words."""
        return (
            self._names.get("grades", {}).get(key)
            or self._levels.get(DEFAULT_SCALE, {}).get(key)
            or GRADE_WORDS.get(key, humane(key))
        )

    def level(self, scale: str | None, key: str) -> str:
        """A level of `scale` (the Ofsted one where None) in words; "" is no grade."""
        if not key:
            return "No overall grade"
        if scale and scale != DEFAULT_SCALE:
            word = self._levels.get(scale, {}).get(key)
            if word:
                return word
            if key == "not_applicable":
                return GRADE_WORDS[key]
            return humane(key)
        return self.grade(key)

    def levels_of(self, scale: str) -> dict[str, str]:
        """The levels of `scale` in words, best first, as the report's labels give them."""
        return dict(self._levels.get(scale, {}))

    def knows_level(self, scale: str | None, key: str) -> bool:
        """Whether `key` is a level of `scale` (the Ofsted one where None)."""
        if not scale or scale == DEFAULT_SCALE:
            return key in GRADE_WORDS or key in self._levels.get(DEFAULT_SCALE, {})
        return key in self._levels.get(scale, {}) or key == "not_applicable"

    def scale(self, key: str | None) -> str:
        if not key:
            return self.name("scales", DEFAULT_SCALE) if self.has("scales", DEFAULT_SCALE) else ""
        return self.name("scales", key) if self.has("scales", key) else humane(key)

    @staticmethod
    def answer(key: str) -> str:
        return ANSWER_WORDS.get(key, key)

    @staticmethod
    def kind(key: str) -> str:
        return KIND_WORDS.get(key, humane(key))

    @staticmethod
    def part(key: str) -> str:
        return PART_WORDS.get(key, humane(key))

    @staticmethod
    def area(key: str) -> str:
        return "No service area" if key == NO_AREA else key
