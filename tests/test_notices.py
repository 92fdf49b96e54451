"""Third-party licence notices (audit_tool/notices.py), generated from what is installed."""

from __future__ import annotations

import sys
from importlib import metadata

from audit_tool import notices


def _declared() -> set[str]:
    """The runtime requirements pyproject.toml declares (its test extra left out)."""
    names = set()
    for requirement in metadata.distribution("audit-tool").requires or []:
        if "extra" in requirement:
            continue
        match = notices._NAME.match(requirement)
        assert match is not None
        names.add(notices.canonical(match.group(1)))
    return names


def test_every_runtime_dependency_and_nothing_from_the_test_tools_is_listed() -> None:
    listed = {notices.canonical(d.metadata["Name"]) for d in notices.runtime_distributions()}
    assert _declared() <= listed
    assert "audit-tool" not in listed
    assert "numpy" in listed  # a dependency of a dependency (pandas)
    assert not {"pytest", "pytest-qt", "mypy", "ruff", "hypothesis", "pyinstaller"} & listed


def test_each_entry_has_its_version_licence_and_shipped_text() -> None:
    found = {notices.canonical(n.name): n for n in notices.notices()}
    sqlalchemy = found["sqlalchemy"]
    assert sqlalchemy.version == metadata.version("sqlalchemy")
    assert "MIT" in sqlalchemy.licence
    assert any("Permission is hereby granted" in text for _file, text in sqlalchemy.texts)
    assert all(n.licence for n in found.values())


def test_the_whole_text_adds_qt_sqlcipher_and_openssl() -> None:
    text = notices.generate()
    assert text.startswith("Third-party software in Audit Tool")
    assert "GNU LESSER GENERAL PUBLIC LICENSE" in text and "Version 3, 29 June 2007" in text
    assert "ZETETIC LLC" in text
    assert "Apache License" in text and "OpenSSL" in text
    for name in _declared():
        assert name in text.lower().replace("_", "-")


def test_the_command_writes_the_file(tmp_path, capsys) -> None:
    out = tmp_path / "THIRD-PARTY-NOTICES.txt"
    assert notices.main([str(out)]) == 0
    assert "SQLCipher" in out.read_text(encoding="utf-8")
    assert notices.main([]) == 2
    assert capsys.readouterr().err.strip() == "usage: python -m audit_tool.notices OUTPUT_FILE"


def test_a_frozen_application_reads_the_file_its_build_wrote(tmp_path, monkeypatch) -> None:
    (tmp_path / notices.NOTICES_FILE).write_text("the notices of the build\n", encoding="utf-8")
    monkeypatch.setattr(sys, "_MEIPASS", str(tmp_path), raising=False)
    assert notices.third_party_text() == "the notices of the build\n"
