"""The warning before opening SQLite on a network share or in a synced folder: every
platform's branch with a fake mount table, drive type or path, and the command line's line."""

from __future__ import annotations

import sqlite3
import sys

import pytest

from audit_tool import cli
from audit_tool.store.location import (
    DRIVE_REMOTE,
    database_location_warning,
    parse_mac_mounts,
    parse_proc_mounts,
    read_mount_table,
    shared_location_reason,
)

LINUX_MOUNTS = """\
/dev/nvme0n1p2 / ext4 rw,relatime 0 0
proc /proc proc rw,nosuid,nodev,noexec,relatime 0 0
tmpfs /tmp tmpfs rw,nosuid,nodev 0 0
//fileserver/safeguarding /mnt/team\\040share cifs rw,vers=3.1.1 0 0
nas:/export/qa /srv/qa nfs4 rw,relatime 0 0
me@host:/data /home/me/remote fuse.sshfs rw,nosuid,nodev 0 0
gocryptfs /home/me/vault fuse.gocryptfs rw 0 0
/dev/sdb1 /srv/qa/local ext4 rw 0 0
"""

MAC_MOUNTS = """\
/dev/disk3s1s1 on / (apfs, sealed, local, read-only, journaled)
/dev/disk3s5 on /System/Volumes/Data (apfs, local, journaled, nobrowse)
//jo@fileserver/Safeguarding on /Volumes/Safeguarding (smbfs, nodev, nosuid, mounted by jo)
nas:/export/qa on /Volumes/qa (nfs, nodev, nosuid, mounted by jo)
/dev/disk4s1 on /Volumes/USB Stick (msdos, local, nodev, nosuid, noowners)
"""


def linux(path: str) -> str | None:
    return shared_location_reason(path, platform="linux", mount_table=LINUX_MOUNTS)


def mac(path: str) -> str | None:
    return shared_location_reason(path, platform="darwin", mount_table=MAC_MOUNTS)


def windows(path: str, remote: tuple[str, ...] = ()) -> str | None:
    asked: list[str] = []

    def drive_type(root: str) -> int:
        asked.append(root)
        return DRIVE_REMOTE if root[:2] in remote else 3  # DRIVE_FIXED

    return shared_location_reason(path, platform="win32", drive_type=drive_type)


def test_linux_network_file_systems_from_the_mount_table():
    assert linux("/mnt/team share/audits.sqlite") == (
        "is on a network file system (cifs at /mnt/team share)"
    )
    assert linux("/srv/qa/audits.sqlite") == "is on a network file system (nfs4 at /srv/qa)"
    assert linux("/home/me/remote/a.sqlite") == (
        "is on a network file system (fuse.sshfs at /home/me/remote)"
    )
    # The longest mount point wins: a local disk mounted inside the share is local.
    assert linux("/srv/qa/local/audits.sqlite") is None
    assert linux("/home/me/vault/a.sqlite") is None  # an encrypted local FUSE folder
    assert linux("/home/me/audits.sqlite") is None
    assert linux("/srv/qanother/a.sqlite") is None  # a prefix of the name is not the mount


def test_mount_tables_are_parsed_with_spaces_in_names():
    assert ("//fileserver/safeguarding", "/mnt/team share", "cifs") in parse_proc_mounts(
        LINUX_MOUNTS
    )
    assert ("/dev/disk4s1", "/Volumes/USB Stick", "msdos") in parse_mac_mounts(MAC_MOUNTS)


def test_macos_network_volumes_from_the_mount_table():
    assert mac("/Volumes/Safeguarding/qa/audits.sqlite") == (
        "is on a network file system (smbfs at /Volumes/Safeguarding)"
    )
    assert mac("/Volumes/qa/audits.sqlite") == "is on a network file system (nfs at /Volumes/qa)"
    assert mac("/Volumes/USB Stick/audits.sqlite") is None
    assert mac("/Users/jo/Documents/audits.sqlite") is None


def test_windows_unc_paths_and_mapped_network_drives():
    assert windows(r"\\fileserver\safeguarding\qa\audits.sqlite") == (
        r"is on a network share (\\fileserver\safeguarding)"
    )
    assert windows(r"\\?\UNC\fileserver\safeguarding\audits.sqlite") is not None
    assert windows(r"Z:\qa\audits.sqlite", remote=("Z:",)) == "is on a network drive (Z:)"
    assert windows(r"C:\Users\jo\AppData\Local\audit-tool\audit-tool.sqlite") is None
    assert windows(r"\\?\C:\Users\jo\audits.sqlite") is None  # a long local path


@pytest.mark.parametrize(
    ("path", "client"),
    [
        (r"C:\Users\jo\OneDrive\Documents\audits.sqlite", "OneDrive"),
        (r"C:\Users\jo\OneDrive - Northshire Council\QA\audits.sqlite", "OneDrive"),
        (r"C:\Users\jo\Dropbox\audits.sqlite", "Dropbox"),
        (r"C:\Users\jo\Dropbox (Northshire)\audits.sqlite", "Dropbox"),
        (r"G:\My Drive\QA\audits.sqlite", "Google Drive"),
        (r"C:\Users\jo\iCloudDrive\audits.sqlite", "iCloud Drive"),
    ],
)
def test_windows_synced_folders(path, client):
    assert windows(path) == f"is in a folder synced by {client}"


@pytest.mark.parametrize(
    ("path", "client"),
    [
        ("/Users/jo/Library/Mobile Documents/com~apple~CloudDocs/a.sqlite", "iCloud Drive"),
        ("/Users/jo/Library/CloudStorage/OneDrive-Personal/a.sqlite", "OneDrive"),
        ("/Users/jo/Library/CloudStorage/GoogleDrive-jo@example.org/My Drive/a.sqlite", None),
        ("/Users/jo/Library/CloudStorage/Box-Box/a.sqlite", "Box"),
        ("/Users/jo/Dropbox/QA/a.sqlite", "Dropbox"),
    ],
)
def test_macos_synced_folders(path, client):
    reason = mac(path)
    assert reason is not None and reason.startswith("is in a folder synced by ")
    if client is not None:
        assert reason == f"is in a folder synced by {client}"


def test_linux_synced_folders_and_a_file_merely_named_like_one():
    assert linux("/home/me/Dropbox/a.sqlite") == "is in a folder synced by Dropbox"
    assert linux("/home/me/OneDrive/a.sqlite") == "is in a folder synced by OneDrive"
    assert linux("/home/me/audits/onedrive.sqlite") is None  # the file's own name
    assert linux("/home/me/Dropboxes/a.sqlite") is None


def test_a_server_url_is_never_warned_about():
    assert database_location_warning("postgresql+psycopg://qa@server/audits") is None


def test_the_command_line_warns_in_one_line_then_opens(tmp_path, capsys):
    folder = tmp_path / "OneDrive - Northshire Council"
    folder.mkdir()
    path = folder / "audits.sqlite"
    assert cli.run(["--database", str(path), "demo", "--audits", "5"]) == 0
    _out, err = capsys.readouterr()
    assert err.count("\n") == 1
    assert err.startswith(f"audit-tool: warning: {path} is in a folder synced by OneDrive: ")
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT count(*) FROM audits").fetchone()[0] == 5
    conn.close()
    local = tmp_path / "local.sqlite"
    assert cli.run(["--database", str(local), "demo", "--audits", "5"]) == 0
    assert capsys.readouterr().err == ""


@pytest.mark.skipif(sys.platform not in ("linux", "darwin"), reason="a POSIX mount table")
def test_the_live_mount_table_is_read_on_this_machine():
    table = read_mount_table(sys.platform)
    parse = parse_mac_mounts if sys.platform == "darwin" else parse_proc_mounts
    assert "/" in [point for _dev, point, _type in parse(table)]
