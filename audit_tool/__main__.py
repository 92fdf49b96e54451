"""Entry point: `audit-tool` (GUI without a command, CLI with one)."""

from __future__ import annotations

import gc
import sys


def main(argv: list[str] | None = None) -> int:
    # Start-up imports create hundreds of thousands of long-lived objects (Qt bindings,
    # SQLAlchemy, the models); collecting garbage among them only slows start-up. The GUI
    # turns collection back on after its first paint, the command line before it does work.
    gc.disable()
    try:
        from audit_tool.cli import run

        return run(sys.argv[1:] if argv is None else argv)
    finally:
        gc.enable()


if __name__ == "__main__":
    sys.exit(main())
