"""Property-based fuzzing of `import-pack` (issue #12, acceptance): a valid exported pack,
mutated at random (values replaced by hostile ones or by other values of the pack, keys
dropped or added, records repeated), imported on the command line. Whatever the pack, the
command exits 0 or 1; on 1 it prints one line and the database is exactly as it was; on 0
the change log still verifies. Bounded: derandomised, a fixed number of examples."""

from __future__ import annotations

import contextlib
import copy
import io
import json
import os
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from audit_tool import cli
from tests.services import pack_corpus
from tests.services.pack_corpus import Corpus

Path_ = tuple[Any, ...]
# A longer hunt: AUDIT_TOOL_FUZZ_EXAMPLES=2000 AUDIT_TOOL_FUZZ_RANDOM=1 pytest this file.
EXAMPLES = int(os.environ.get("AUDIT_TOOL_FUZZ_EXAMPLES", "40"))
RANDOM = os.environ.get("AUDIT_TOOL_FUZZ_RANDOM") == "1"

HOSTILE: list[Any] = [
    None,
    True,
    0,
    -1,
    2**31,
    2**63 - 1,
    2**64,
    1.5,
    1e300,
    "",
    " ",
    "\ud800",
    "a\x00b",
    "line\nbreak",
    "2026-02-30",
    "2026-13-01",
    "0000-01-01",
    "9999-12-31T23:59:59-23:59",
    "2026-01-01T25:00:00+00:00",
    "C 1000!",
    "x" * 300,
    "brilliant",
    "good",
    "not_applicable",
    "final",
    "draft",
    "single",
    "lead",
    "ghost",
    "00000000-0000-0000-0000-000000000000",
    [],
    {},
    json.loads("[" * 20 + '"deep"' + "]" * 20),
]


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Corpus:
    return pack_corpus.module_corpus(tmp_path_factory)


def _paths(value: Any, path: Path_ = ()) -> list[Path_]:
    """Every path into the pack below the top level."""
    found: list[Path_] = [path] if path else []
    if isinstance(value, dict):
        for key, item in value.items():
            found += _paths(item, (*path, key))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            found += _paths(item, (*path, i))
    return found


def _get(pack: Any, path: Path_) -> Any:
    for part in path:
        pack = pack[part]
    return pack


def _mutate(pack: dict[str, Any], how: str, path: Path_, value: Any) -> None:
    parent = _get(pack, path[:-1])
    last = path[-1]
    if how == "replace":
        parent[last] = value
    elif how == "drop" and isinstance(parent, dict):
        parent.pop(last, None)
    elif how == "drop":
        del parent[last]
    elif how == "repeat" and isinstance(parent, list):
        parent.append(copy.deepcopy(parent[last]))
    elif how == "add key" and isinstance(_get(pack, path), dict):
        _get(pack, path)[str(value)[:20]] = value


@st.composite
def mutations(draw: st.DrawFn, pack: dict[str, Any]) -> list[tuple[str, Path_, Any]]:
    paths = _paths(pack)
    own_values = [_get(pack, p) for p in paths if isinstance(_get(pack, p), str | int)]
    steps = []
    for _ in range(draw(st.integers(1, 3))):
        how = draw(st.sampled_from(["replace", "replace", "drop", "repeat", "add key"]))
        path = draw(st.sampled_from(paths))
        value = draw(
            st.one_of(
                st.sampled_from(HOSTILE),
                st.sampled_from(own_values),
                st.integers(-(2**70), 2**70),
                st.text(max_size=30),
            )
        )
        steps.append((how, path, value))
    return steps


def _run(*argv: str) -> tuple[int, str]:
    err = io.StringIO()
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(err):
        code = cli.run(list(argv))
    return code, err.getvalue()


def test_import_pack_survives_any_mutation_of_a_valid_pack(corpus, tmp_path_factory):
    before = pack_corpus.fingerprint_of(corpus.target)  # every example starts from a copy

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        derandomize=not RANDOM,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(steps=mutations(corpus.pack))
    def check(steps: list[tuple[str, Path_, Any]]) -> None:
        folder = tmp_path_factory.mktemp("fuzz")
        target = pack_corpus.copy_target(corpus, folder)
        pack = copy.deepcopy(corpus.pack)
        for how, path, value in steps:
            with contextlib.suppress(KeyError, IndexError, TypeError):
                _mutate(pack, how, path, value)
        pack_file = folder / "pack.json"
        pack_file.write_text(json.dumps(pack), encoding="utf-8")
        code, err = _run("--database", str(target), "import-pack", str(pack_file))
        assert code in (0, 1), err
        if code == 1:
            assert err.count("\n") == 1 and err.startswith("audit-tool: error: "), err
            assert len(err) < 600
            assert pack_corpus.fingerprint_of(target) == before
        else:
            assert err == ""
            verify, verify_err = _run("--database", str(target), "log", "verify")
            assert verify == 0, verify_err

    check()
