"""The partnership's settings: name and logo on briefings, kept in the database."""

from __future__ import annotations

import struct
import zlib

import pytest
from pypdf import PdfReader

from audit_tool.errors import PermissionDenied, ValidationError
from audit_tool.services import changelog, settings


def png(width: int = 40, height: int = 20) -> bytes:
    """A small, valid PNG (solid teal), made here so the tests need no picture files."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    rows = b"".join(b"\x00" + b"\x00\x80\x80" * width for _ in range(height))
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


def test_name_and_logo_are_saved_and_logged(world):
    start = settings.partnership(world.db)
    assert start.name == "County Safeguarding Children Partnership" and start.logo is None
    saved = settings.save_partnership(
        world.db,
        world.lead,
        name="  Northshire   Safeguarding Children Partnership ",
        installation_name="QA team laptop",
        logo=png(),
    )
    assert saved.name == "Northshire Safeguarding Children Partnership"
    assert settings.partnership(world.db).logo == png()
    (entry,) = changelog.entries(world.db, world.lead, entity="settings")
    assert entry.after["partnership_name"] == saved.name
    assert entry.after["logo"].endswith("bytes>")  # the log says a logo came, not its bytes
    removed = settings.save_partnership(
        world.db, world.lead, name=saved.name, installation_name="", logo=None
    )
    assert removed.logo is None


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"name": "   "}, "name"),
        ({"logo": b"GIF89a not allowed"}, "logo"),
        ({"logo": b"\x89PNG\r\n\x1a\n" + b"broken"}, "logo"),
        ({"logo": b"\x89PNG\r\n\x1a\n" + b"\x00" * 1_000_001}, "logo"),
    ],
)
def test_bad_settings_are_refused_and_change_nothing(world, kwargs, field):
    args = {"name": "A partnership", "installation_name": "", "logo": None, **kwargs}
    with pytest.raises(ValidationError) as info:
        settings.save_partnership(world.db, world.lead, **args)
    assert field in info.value.fields
    assert settings.partnership(world.db).name == "County Safeguarding Children Partnership"


def test_only_a_lead_changes_them(world):
    with pytest.raises(PermissionDenied):
        settings.save_partnership(
            world.db, world.auditor, name="x", installation_name="", logo=None
        )


def test_the_logo_and_name_appear_on_the_briefing(world, tmp_path):
    from audit_tool.services import briefings

    settings.save_partnership(
        world.db,
        world.lead,
        name="Northshire Safeguarding Children Partnership",
        installation_name="",
        logo=png(),
    )
    view = briefings.new_briefing(world.db, world.lead, theme="voice")
    result = briefings.export_briefing(world.db, world.lead, view.uuid, tmp_path / "b.pdf")
    page = PdfReader(result.pdf).pages[0]
    assert "NORTHSHIRE SAFEGUARDING CHILDREN PARTNERSHIP" in page.extract_text().upper()
    images = page["/Resources"].get("/XObject", {})
    assert any(x.get_object()["/Subtype"] == "/Image" for x in images.values())


def test_the_year_start_defaults_to_april_and_is_checked(world):
    assert settings.partnership(world.db).year_start_month == 4
    kept = settings.partnership(world.db)
    args = {"name": kept.name, "installation_name": "", "logo": None}
    assert (
        settings.save_partnership(world.db, world.lead, **args, year_start_month=1).year_start_month
        == 1
    )
    # Saving without it leaves it as it was.
    assert settings.save_partnership(world.db, world.lead, **args).year_start_month == 1
    for bad in (0, 13, True):
        with pytest.raises(ValidationError) as info:
            settings.save_partnership(world.db, world.lead, **args, year_start_month=bad)
        assert "year_start_month" in info.value.fields
    assert settings.partnership(world.db).year_start_month == 1
