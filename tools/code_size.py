"""Prints the longest files and functions of the package, against the limits in CONVENTIONS
(files under about 800 lines, functions under about 80); `make lint` runs it.

    python tools/code_size.py [--top N] [--strict]

--strict exits 1 when a file or function is over its limit (migrations aside)."""

from __future__ import annotations

import argparse
import ast
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "audit_tool"
FILE_LIMIT = 800
FUNCTION_LIMIT = 80
LONG_FUNCTION = 50  # the share of functions over this is the figure issue #14 compares
SKIPPED = ("migrations",)  # generated or append-only: not held to the limits


@dataclass(frozen=True)
class Function:
    path: str
    name: str
    line: int
    length: int


def source_files() -> list[Path]:
    return sorted(p for p in PACKAGE.rglob("*.py") if not any(part in SKIPPED for part in p.parts))


def functions_of(path: Path, tree: ast.AST) -> list[Function]:
    """Every function and method with its qualified name (Class.method, outer.inner)."""
    found: list[Function] = []
    rel = str(path.relative_to(ROOT))

    def visit(node: ast.AST, prefix: str) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef):
                name = prefix + child.name
                length = (child.end_lineno or child.lineno) - child.lineno + 1
                found.append(Function(rel, name, child.lineno, length))
                visit(child, name + ".")
            elif isinstance(child, ast.ClassDef):
                visit(child, prefix + child.name + ".")
            else:
                visit(child, prefix)

    visit(tree, "")
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--top", type=int, default=10, help="how many of each to list")
    parser.add_argument("--strict", action="store_true", help="fail when over a limit")
    args = parser.parse_args(argv)

    files: list[tuple[int, str]] = []
    functions: list[Function] = []
    for path in source_files():
        text = path.read_text("utf-8")
        files.append((len(text.splitlines()), str(path.relative_to(ROOT))))
        functions += functions_of(path, ast.parse(text, filename=str(path)))
    files.sort(reverse=True)
    functions.sort(key=lambda f: -f.length)

    big_files = [f for f in files if f[0] > FILE_LIMIT]
    big_functions = [f for f in functions if f.length > FUNCTION_LIMIT]
    long_share = sum(f.length > LONG_FUNCTION for f in functions) / max(len(functions), 1)
    print(
        f"code size: {len(files)} files, {sum(n for n, _ in files):,} lines, "
        f"{len(functions):,} functions"
    )
    print(
        f"  files over {FILE_LIMIT} lines: {len(big_files)}; functions over "
        f"{FUNCTION_LIMIT} lines: {len(big_functions)}; over {LONG_FUNCTION}: "
        f"{long_share:.1%}"
    )
    print("  longest files:")
    for lines, name in files[: args.top]:
        print(f"    {lines:6,}  {name}")
    print("  longest functions:")
    for f in functions[: args.top]:
        print(f"    {f.length:6,}  {f.path}:{f.line} {f.name}")
    if args.strict and (big_files or big_functions):
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
