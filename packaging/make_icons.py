"""Render the application icon (audit_tool/resources/icons/app.svg) for the installers: .ico
(Windows), .icns (macOS) and .png (Linux desktop files), with Qt's own SVG renderer and writers.

Run by the PyInstaller spec into its work folder, so generated files are never committed:
    python packaging/make_icons.py OUT_DIR
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from PySide6.QtGui import QImage

ROOT = Path(__file__).resolve().parent.parent
SVG = ROOT / "audit_tool" / "resources" / "icons" / "app.svg"
# Windows shows the icon at up to 256 px, macOS at up to 512 px (1024 on Retina).
SIZES = {"ico": 256, "icns": 1024, "png": 512}


def render(svg: Path, size: int) -> QImage:
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    renderer = QSvgRenderer(str(svg))
    if not renderer.isValid():
        raise SystemExit(f"make_icons: {svg} is not a valid SVG image")
    image = QImage(size, size, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    renderer.render(painter)
    painter.end()
    return image


def make_icons(out_dir: Path, svg: Path = SVG) -> dict[str, Path]:
    """Write app.ico, app.icns and app.png into out_dir; return them by format."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtGui import QGuiApplication, QImageWriter

    _app = QGuiApplication.instance() or QGuiApplication([sys.argv[0]])
    out_dir.mkdir(parents=True, exist_ok=True)
    written: dict[str, Path] = {}
    for fmt, size in SIZES.items():
        path = out_dir / f"app.{fmt}"
        writer = QImageWriter(str(path), fmt.encode("ascii"))
        if not writer.write(render(svg, size)):
            raise SystemExit(f"make_icons: cannot write {path}: {writer.errorString()}")
        written[fmt] = path
    return written


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print("usage: make_icons.py OUT_DIR", file=sys.stderr)
        return 2
    for path in make_icons(Path(argv[0])).values():
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
