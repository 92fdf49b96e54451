"""Third-party licence notices: generated from the installed distributions the application
depends on (importlib.metadata: name, version, licence, and each licence file the distribution
ships), plus the notices of what those bundle without shipping a text (Qt's LGPL, SQLCipher,
OpenSSL; audit_tool/licences/).

Help > Third-party licences shows this text; the PyInstaller build writes it into the package
as THIRD-PARTY-NOTICES.txt (packaging/audit-tool.spec), and a frozen application, which has
only some distributions' metadata, reads that file instead.

    python -m audit_tool.notices OUTPUT_FILE
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass, field
from email.message import Message
from importlib import metadata
from pathlib import Path
from typing import cast

APP_DISTRIBUTION = "audit-tool"
NOTICES_FILE = "THIRD-PARTY-NOTICES.txt"
LICENCE_DIR = Path(__file__).resolve().parent / "licences"
# The notices audit_tool/licences/ adds, and the distribution that brings each in.
BUNDLED = (
    ("Qt-LGPL.txt", "Qt 6 and Qt for Python", ("pyside6-essentials", "pyside6")),
    ("SQLCipher.txt", "SQLCipher", ("sqlcipher3", "sqlcipher3-binary")),
    ("OpenSSL.txt", "OpenSSL libcrypto", ("sqlcipher3", "sqlcipher3-binary")),
)
_LICENCE_FILE = re.compile(r"^(licen[cs]e|copying|notice|authors)", re.IGNORECASE)
_EXTRA = re.compile(r";.*\bextra\s*==")
_NAME = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)")
RULE = "=" * 78


def _fields(dist: metadata.Distribution) -> Message:
    """The distribution's metadata fields (an email.message.Message underneath)."""
    return cast("Message", dist.metadata)


def canonical(name: str) -> str:
    """A distribution name as PEP 503 compares them."""
    return re.sub(r"[-_.]+", "-", name).lower()


@dataclass
class Notice:
    name: str
    version: str
    licence: str
    texts: list[tuple[str, str]] = field(default_factory=list)  # (file name, text)


def runtime_distributions(root: str = APP_DISTRIBUTION) -> list[metadata.Distribution]:
    """The installed distributions `root` needs at run time, itself left out: its requirements
    without extras, followed recursively. A requirement for another platform is simply not
    installed, and so not listed."""
    seen: dict[str, metadata.Distribution] = {}
    todo = [root]
    while todo:
        name = canonical(todo.pop())
        if name in seen:
            continue
        try:
            dist = metadata.distribution(name)
        except metadata.PackageNotFoundError:
            continue
        seen[name] = dist
        for requirement in dist.requires or []:
            if _EXTRA.search(requirement):  # an optional part, not installed with the app
                continue
            match = _NAME.match(requirement)
            if match:
                todo.append(match.group(1))
    seen.pop(canonical(root), None)
    return sorted(seen.values(), key=lambda d: canonical(d.metadata["Name"]))


def licence_of(dist: metadata.Distribution) -> str:
    """The distribution's licence in a few words: its SPDX expression, its License field when
    short, or its licence classifiers."""
    meta = _fields(dist)
    expression = meta.get("License-Expression")
    if expression:
        return str(expression)
    short = (meta.get("License") or "").strip()
    if short and "\n" not in short and len(short) <= 80:
        return short
    classifiers = [
        c.split("::")[-1].strip()
        for c in meta.get_all("Classifier") or []
        if c.startswith("License ::") and c.count("::") >= 2
    ]
    return " / ".join(classifiers) or ("see the licence text" if short else "not stated")


def licence_texts(dist: metadata.Distribution) -> list[tuple[str, str]]:
    """The licence files the distribution ships in its metadata folder (name, text)."""
    texts = []
    for file in dist.files or []:
        parts = file.parts
        if not any(p.endswith(".dist-info") for p in parts[:-1]):
            continue
        if not _LICENCE_FILE.match(parts[-1]):
            continue
        try:
            text = Path(str(dist.locate_file(file))).read_text(encoding="utf-8", errors="replace")
        except OSError:
            continue
        texts.append(("/".join(parts[1:]), text.strip()))
    if not texts:  # some put the whole text in the License field
        long = (_fields(dist).get("License") or "").strip()
        if "\n" in long or len(long) > 80:
            texts.append(("License (from the package metadata)", long))
    return texts


def notices() -> list[Notice]:
    return [
        Notice(d.metadata["Name"], d.version, licence_of(d), licence_texts(d))
        for d in runtime_distributions()
    ]


def generate() -> str:
    """The whole notices text, from the distributions installed in this environment."""
    found = notices()
    names = {canonical(n.name) for n in found}
    lines = [
        "Third-party software in Audit Tool",
        "",
        "Audit Tool uses the following software. Each is listed with its version and licence,",
        "followed by the full licence texts.",
        "",
    ]
    lines += [f"  {n.name} {n.version}: {n.licence}" for n in found]
    bundled = [(f, title) for f, title, dists in BUNDLED if names & set(dists)]
    if bundled:
        lines += ["", "Bundled inside the packages above:"]
        lines += [f"  {title}: see below" for _f, title in bundled]
    for notice in found:
        lines += ["", RULE, f"{notice.name} {notice.version}", f"Licence: {notice.licence}"]
        for file, text in notice.texts:
            lines += ["", f"--- {file}", "", text]
    for file, title in bundled:
        text = (LICENCE_DIR / file).read_text(encoding="utf-8").strip()
        lines += ["", RULE, title, "", text]
    return "\n".join(lines) + "\n"


def third_party_text() -> str:
    """What Help > Third-party licences shows: the file the package build wrote when frozen,
    else generated now."""
    frozen = getattr(sys, "_MEIPASS", None)
    if frozen and (Path(frozen) / NOTICES_FILE).exists():
        return (Path(frozen) / NOTICES_FILE).read_text(encoding="utf-8")
    return generate()


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        print("usage: python -m audit_tool.notices OUTPUT_FILE", file=sys.stderr)
        return 2
    Path(args[0]).write_text(generate(), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
