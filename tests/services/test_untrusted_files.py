"""Files from elsewhere: an oversized extract or pack, a zip bomb dressed as a workbook and an
XML entity bomb are refused with a message, before parsing, and nothing is written."""

from __future__ import annotations

import zipfile

import pytest

from audit_tool.errors import ValidationError
from audit_tool.services import case_import, cases, changelog, packs, untrusted
from audit_tool.services.cases import CaseQuery


def _state(world) -> tuple[int, int]:
    return (
        cases.count_cases(world.db, world.lead, CaseQuery()),
        changelog.count(world.db),
    )


def test_an_oversized_case_extract_is_refused_unread(world, tmp_path, monkeypatch):
    path = tmp_path / "cases.csv"
    path.write_text("Case reference,Initials,Case type,Team\n" + "X,AB,cin,north\n" * 2000)
    monkeypatch.setattr(untrusted, "CASE_EXTRACT_LIMIT", 10_000)
    before = _state(world)
    with pytest.raises(ValidationError, match=r"cases.csv: .* larger than any case extract"):
        case_import.import_cases(world.db, world.lead, path)
    assert _state(world) == before


def test_an_oversized_pack_is_refused_unread(tmp_path, monkeypatch):
    path = tmp_path / "pack.json"
    path.write_text("{" + " " * 5000 + "}")
    monkeypatch.setattr(untrusted, "PACK_LIMIT", 1000)
    with pytest.raises(ValidationError, match=r"pack.json: .* larger than any audit pack"):
        packs.read_pack(path)


def test_a_zip_bomb_named_xlsx_is_refused(world, tmp_path):
    path = tmp_path / "cases.xlsx"
    # 200 MB of zeros squeeze into a few hundred kB.
    with (
        zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive,
        archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as member,
    ):
        block = b"\0" * (1024 * 1024)
        for _ in range(200):
            member.write(block)
    assert path.stat().st_size < 2 * 1024 * 1024
    before = _state(world)
    with pytest.raises(ValidationError, match="would unpack to 200 MB"):
        case_import.import_cases(world.db, world.lead, path)
    assert _state(world) == before


def test_a_file_named_xlsx_that_is_not_a_workbook(world, tmp_path):
    path = tmp_path / "cases.xlsx"
    path.write_text("Case reference,Initials\n")
    with pytest.raises(ValidationError, match=r"cases.xlsx: cannot be read as an Excel workbook"):
        case_import.import_cases(world.db, world.lead, path)


def test_an_xml_entity_bomb_in_a_workbook_is_refused(world, tmp_path):
    from openpyxl import Workbook

    path = tmp_path / "cases.xlsx"
    book = Workbook()
    sheet = book.active
    sheet.append(["Case reference", "Initials", "Case type", "Team"])
    sheet.append(["C1", "AB", "cin", "north"])
    book.save(path)
    bomb = (
        '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        '<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
        '<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        '<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&lol3;</t></is></c></row>'
        "</sheetData></worksheet>"
    )
    rebuilt = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(rebuilt, "w") as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                data = bomb.encode()
            dst.writestr(info, data)
    before = _state(world)
    with pytest.raises(ValidationError, match=r"bomb.xlsx: cannot be read as an Excel workbook"):
        case_import.import_cases(world.db, world.lead, rebuilt)
    assert _state(world) == before
