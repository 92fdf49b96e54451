"""The headers of a case extract: how each of the case's own fields may be spelt, which
headers name personal data the tool never holds, and how a header is compared (without case,
spaces or punctuation). Shared by the import and by the case fields (a field's key must not be
read as one of these)."""

from __future__ import annotations

import re

# Field -> header spellings accepted (compared without case, spaces or punctuation).
ALIASES: dict[str, tuple[str, ...]] = {
    "ref": ("Case reference", "Reference", "Case ref", "Ref", "Case ID", "Case number"),
    "initials": ("Initials", "Child initials", "Child's initials"),
    "case_type": ("Case type", "Type"),
    "level_of_need": ("Level of need", "Level", "Need level"),
    "team": ("Team", "Team name"),
    "worker": ("Worker", "Social worker", "Allocated worker", "Practitioner"),
    "manager": ("Manager", "Team manager"),
    "opened_on": ("Opened", "Opened on", "Date opened", "Start date"),
    "closed_on": ("Closed", "Closed on", "Date closed", "End date"),
}
REQUIRED = ("ref", "initials", "case_type", "team")
FIELD_LABELS = {
    "ref": "Case reference",
    "initials": "Initials",
    "case_type": "Case type",
    "level_of_need": "Level of need",
    "team": "Team",
    "worker": "Worker",
    "manager": "Manager",
    "opened_on": "Opened",
    "closed_on": "Closed",
}
# Headers that name personal data the tool must never hold.
PERSONAL_HEADERS = (
    "Name",
    "Child name",
    "Child's name",
    "Full name",
    "Forename",
    "Forenames",
    "First name",
    "Given name",
    "Surname",
    "Last name",
    "Family name",
    "Date of birth",
    "DOB",
    "Birth date",
    "Address",
    "Postcode",
    "Post code",
    "NHS number",
    "NI number",
    "National insurance number",
    "UPN",
    "Unique pupil number",
    "Phone",
    "Telephone",
    "Email",
)


def norm(header: str) -> str:
    return re.sub(r"[^a-z0-9]", "", str(header).lower())


FIELD_BY_HEADER = {norm(a): name for name, aliases in ALIASES.items() for a in aliases}
PERSONAL = {norm(h) for h in PERSONAL_HEADERS}
# A date of birth is held only as the case field a QA lead marked as the date of birth.
BIRTH_HEADERS = frozenset(norm(h) for h in ("Date of birth", "DOB", "Birth date"))


def personal_header(header: str) -> str | None:
    """The header as compared (lower case, letters and digits) if it names personal data."""
    key = norm(header)
    return key if key in PERSONAL else None


def builtin_header(header: str) -> str | None:
    """The label of the case's own field this header is read as, if any."""
    name = FIELD_BY_HEADER.get(norm(header))
    return FIELD_LABELS[name] if name else None
