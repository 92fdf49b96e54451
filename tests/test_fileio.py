"""fileio: private files and folders whatever the umask, atomic writes, and a Windows sharing
violation (another program holding the file) tried again, then refused with a clear error."""

from __future__ import annotations

import os
import stat
import sys
from pathlib import Path

import pytest

from audit_tool import fileio

posix_only = pytest.mark.skipif(
    sys.platform == "win32",
    reason="POSIX modes; on Windows the access list of the user's profile keeps files private",
)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def umask022():
    old = os.umask(0o022)
    yield
    os.umask(old)


def sharing_violation() -> PermissionError:
    """What os.replace raises on Windows while another program has the file open."""
    exc = PermissionError(13, "The process cannot access the file because it is being used")
    exc.winerror = 32  # type: ignore[attr-defined]
    return exc


@pytest.fixture
def no_wait(monkeypatch):
    pauses: list[float] = []
    monkeypatch.setattr(fileio, "_sleep", pauses.append)
    return pauses


@pytest.fixture
def busy_replace(monkeypatch):
    """os.replace fails with a sharing violation `fails[0]` times, then works."""
    real = os.replace
    fails = [0]
    calls: list[tuple[str, str]] = []

    def replace(src, dst, *args, **kwargs):  # type: ignore[no-untyped-def]
        calls.append((str(src), str(dst)))
        if fails[0] > 0:
            fails[0] -= 1
            raise sharing_violation()
        return real(src, dst, *args, **kwargs)

    monkeypatch.setattr(os, "replace", replace)
    return fails, calls


def hidden_leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith("."))


@posix_only
def test_private_folders_are_0700_whatever_the_umask(tmp_path, umask022):
    made = fileio.private_dir(tmp_path / "a" / "b")
    assert mode(made) == 0o700
    open_one = tmp_path / "open"
    open_one.mkdir(mode=0o755)
    fileio.private_dir(open_one)
    assert mode(open_one) == 0o755  # someone's existing folder is left alone...
    fileio.private_dir(open_one, tighten=True)
    assert mode(open_one) == 0o700  # ...unless it is one of the application's own


@posix_only
@pytest.mark.parametrize("umask", [0o022, 0o002, 0o000, 0o277])
def test_private_files_are_0600_whatever_the_umask(tmp_path, umask):
    old = os.umask(umask)
    try:
        with fileio.open_private(tmp_path / "log.txt", "a") as fh:
            fh.write("one\n")
        fileio.write_atomic(tmp_path / "out.json", "{}")
        assert fileio.create_private_file(tmp_path / "new.sqlite")
        assert not fileio.create_private_file(tmp_path / "new.sqlite")
        fileio.copy_private(tmp_path / "out.json", tmp_path / "copy.json")
    finally:
        os.umask(old)
    for name in ("log.txt", "out.json", "new.sqlite", "copy.json"):
        assert mode(tmp_path / name) == 0o600, name
    assert (tmp_path / "copy.json").read_text() == "{}"


@posix_only
def test_appending_to_an_old_readable_log_makes_it_private(tmp_path, umask022):
    log = tmp_path / "crash.log"
    log.write_text("old\n")
    log.chmod(0o644)
    with fileio.open_private(log, "a") as fh:
        fh.write("new\n")
    assert mode(log) == 0o600 and log.read_text() == "old\nnew\n"


@posix_only
def test_atomic_write_replaces_a_readable_file_with_a_private_one(tmp_path, umask022):
    target = tmp_path / "report.json"
    target.write_text("old")
    target.chmod(0o644)
    fileio.write_atomic(target, b"new")
    assert target.read_bytes() == b"new" and mode(target) == 0o600
    assert hidden_leftovers(tmp_path) == []


def test_a_failed_atomic_write_leaves_the_old_file_and_no_temporary(tmp_path):
    target = tmp_path / "report.pdf"
    target.write_bytes(b"old")
    with pytest.raises(RuntimeError), fileio.atomic_target(target) as tmp:
        tmp.write_bytes(b"half")
        raise RuntimeError("the renderer failed")
    assert target.read_bytes() == b"old" and hidden_leftovers(tmp_path) == []


def test_a_sharing_violation_is_tried_again_then_the_write_goes_through(
    tmp_path, no_wait, busy_replace
):
    fails, calls = busy_replace
    fails[0] = 2
    target = tmp_path / "pack.json"
    target.write_text("old")
    fileio.write_atomic(target, "new")
    assert target.read_text() == "new"
    assert len(calls) == 3 and no_wait == list(fileio.RETRY_DELAYS[:2])
    assert hidden_leftovers(tmp_path) == []


def test_a_file_held_open_for_good_is_a_clear_error_and_nothing_changes(
    tmp_path, no_wait, busy_replace
):
    fails, calls = busy_replace
    fails[0] = 10**6
    target = tmp_path / "pack.json"
    target.write_text("old")
    with pytest.raises(fileio.FileInUseError) as info:
        fileio.write_atomic(target, "new")
    message = str(info.value)
    assert str(target) in message and "another program has it open" in message
    assert "\n" not in message
    assert target.read_text() == "old" and hidden_leftovers(tmp_path) == []
    assert len(calls) == len(fileio.RETRY_DELAYS) + 1
    assert sum(no_wait) < 2  # a short wait, not a hang


def test_a_plain_permission_error_is_not_retried(tmp_path, no_wait, monkeypatch):
    def refuse(src, dst):  # type: ignore[no-untyped-def]
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(os, "replace", refuse)
    with pytest.raises(PermissionError) as info:
        fileio.replace(tmp_path / "a", tmp_path / "b")
    assert not isinstance(info.value, fileio.FileInUseError) and no_wait == []


def test_deleting_a_file_in_use_is_tried_again(tmp_path, no_wait, monkeypatch):
    real = Path.unlink
    fails = [1]

    def unlink(self, missing_ok=False):  # type: ignore[no-untyped-def]
        if fails[0]:
            fails[0] -= 1
            raise sharing_violation()
        return real(self, missing_ok=missing_ok)

    monkeypatch.setattr(Path, "unlink", unlink)
    doomed = tmp_path / "draft.json"
    doomed.write_text("x")
    fileio.remove(doomed)
    assert not doomed.exists() and no_wait == [fileio.RETRY_DELAYS[0]]


@posix_only
def test_flushing_never_uses_a_read_only_handle(tmp_path, monkeypatch):
    """Windows refuses FlushFileBuffers on a handle opened read-only; here that is mimicked."""
    windows_like_fsync(monkeypatch)
    target = tmp_path / "f.bin"
    fileio.write_atomic(target, b"data")
    fileio.fsync_file(target)
    assert target.read_bytes() == b"data"


def windows_like_fsync(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import errno
    import fcntl

    real = os.fsync

    def fsync(fd):  # type: ignore[no-untyped-def]
        if fcntl.fcntl(fd, fcntl.F_GETFL) & os.O_ACCMODE == os.O_RDONLY and not os.path.isdir(
            f"/proc/self/fd/{fd}"
        ):
            raise OSError(errno.EBADF, "Bad file descriptor")
        return real(fd)

    monkeypatch.setattr(os, "fsync", fsync)


def test_an_export_over_a_file_another_program_holds_is_one_line_and_changes_nothing(
    tmp_path, capsys, no_wait, busy_replace
):
    from audit_tool import cli

    db = tmp_path / "d.sqlite"
    assert cli.run(["--database", str(db), "demo", "--audits", "5"]) == 0
    capsys.readouterr()
    pack = tmp_path / "pack.json"
    pack.write_text("the pack sent last week")
    fails, _calls = busy_replace
    fails[0] = 10**6  # the e-mail client has it open as an attachment
    code = cli.run(["--database", str(db), "export-pack", "--out", str(pack)])
    err = capsys.readouterr().err
    assert code == 1 and err.count("\n") == 1
    assert err.startswith(f"audit-tool: error: Cannot replace {pack}: another program has it open")
    assert pack.read_text() == "the pack sent last week" and hidden_leftovers(tmp_path) == []
