"""Limits for files that come from elsewhere (case extracts, audit packs): a file too large,
or a workbook that would unpack to far more than its size, is refused before it is parsed.

Excel workbooks are zip archives of XML: openpyxl parses them with defusedxml (a dependency)
so that entity tricks ("billion laughs") fail, and the sizes below stop zip bombs."""

from __future__ import annotations

import zipfile
from pathlib import Path

from audit_tool.errors import ValidationError

MB = 1024 * 1024
CASE_EXTRACT_LIMIT = 100 * MB  # 200,000 cases as CSV are about 12 MB
PACK_LIMIT = 512 * MB  # a pack of 20,000 audits with all their text is about 150 MB
UNPACKED_LIMIT = 1024 * MB  # what an .xlsx may hold once unzipped
UNPACK_RATIO = 200  # XML compresses well, but not by more than this


def check_size(path: Path, limit: int, what: str) -> None:
    """Refuse a file over `limit` bytes, naming it and the limit."""
    try:
        size = path.stat().st_size
    except FileNotFoundError as exc:
        raise ValidationError(f"{path.name}: no such file") from exc
    if size > limit:
        raise ValidationError(
            f"{path.name}: {size / MB:,.0f} MB is larger than any {what} should be "
            f"(at most {limit // MB:,} MB); nothing was imported"
        )


def check_workbook(path: Path) -> None:
    """Refuse an .xlsx that is not a zip archive or would unpack to too much."""
    try:
        with zipfile.ZipFile(path) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError) as exc:
        raise ValidationError(
            f"{path.name}: cannot be read as an Excel workbook (.xlsx): it is not one"
        ) from exc
    packed = max(path.stat().st_size, 1)
    if unpacked > UNPACKED_LIMIT or unpacked > packed * UNPACK_RATIO + 10 * MB:
        raise ValidationError(
            f"{path.name}: the workbook would unpack to {unpacked / MB:,.0f} MB, far more than "
            "a case extract holds; nothing was imported"
        )
