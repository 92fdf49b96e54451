"""Where an SQLite file lives: a network share or a synced folder, where it is not safe.

SQLite in write-ahead mode (which Audit Tool uses) keeps its lock and index in shared memory
beside the file; over a network file system (SMB, NFS, sshfs) the locks are unreliable, and a
sync client (OneDrive, Dropbox, Google Drive, iCloud Drive) copies the database and its -wal
file at different moments. Either can corrupt the database. `shared_location_reason` says,
before a file is opened, whether it is in such a place; the command line prints a warning and
the window asks before opening.

The checks, by platform: a UNC path (\\\\server\\share) or a mapped network drive
(GetDriveTypeW) on Windows; the mount table (/proc/mounts) on Linux; the `mount` command's
table on macOS; and on every platform a folder named as a sync client names its folder.
Each source can be given to the function, so every branch is tested on any platform.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable, Iterable
from pathlib import PurePath, PurePosixPath, PureWindowsPath

# Linux mount types that are network file systems.
NETWORK_FS_TYPES = frozenset(
    {
        "nfs",
        "nfs4",
        "cifs",
        "smb3",
        "smbfs",
        "sshfs",
        "afs",
        "ncpfs",
        "9p",
        "ceph",
        "glusterfs",
        "davfs",
        "lustre",
        "gpfs",
        "beegfs",
    }
)
# FUSE file systems known to be local; any other fuse.* type (sshfs, rclone, s3fs, gvfs...)
# may sit on a network and is treated as one.
LOCAL_FUSE_TYPES = frozenset(
    {
        "fuse.gocryptfs",
        "fuse.encfs",
        "fuse.cryfs",
        "fuse.securefs",
        "fuse.portal",
        "fuse.lxcfs",
        "fuse.bindfs",
        "fuse.mergerfs",
        "fuse.appimage",
        "fuse.squashfuse",
        "fuse.snapfuse",
        "fuse.fuse-overlayfs",
        "fuse.ntfs-3g",
    }
)
# macOS mount types that are network file systems (as `mount` prints them).
MAC_NETWORK_FS_TYPES = frozenset({"smbfs", "nfs", "afpfs", "webdav", "cifs", "ftp", "macfuse"})

# Folder names the sync clients use (compared without case).
_SYNCED_NAMES = {
    "onedrive": "OneDrive",
    "dropbox": "Dropbox",
    "google drive": "Google Drive",
    "googledrive": "Google Drive",
    "my drive": "Google Drive",
    "shared drives": "Google Drive",
    "icloud drive": "iCloud Drive",
    "iclouddrive": "iCloud Drive",
    "mobile documents": "iCloud Drive",
    "box sync": "Box",
}
# macOS keeps every File Provider sync client's folder under ~/Library/CloudStorage/<name>.
_CLOUD_STORAGE_PREFIXES = {
    "onedrive": "OneDrive",
    "dropbox": "Dropbox",
    "googledrive": "Google Drive",
    "box": "Box",
}

DRIVE_REMOTE = 4  # GetDriveTypeW's answer for a mapped network drive


def synced_folder(parts: Iterable[str]) -> str | None:
    """The sync client whose folder holds a path with these components, if any."""
    previous = ""
    for part in parts:
        name = part.casefold()
        if previous == "cloudstorage":  # ~/Library/CloudStorage/OneDrive-Personal
            for prefix, client in _CLOUD_STORAGE_PREFIXES.items():
                if name.startswith(prefix):
                    return client
            return "a cloud storage provider"
        if name in _SYNCED_NAMES:
            return _SYNCED_NAMES[name]
        # OneDrive for Business: "OneDrive - Council Name"; Dropbox teams: "Dropbox (Team)".
        if name.startswith("onedrive - ") or name.startswith("onedrive-"):
            return "OneDrive"
        if name.startswith("dropbox (") or name.startswith("dropbox-"):
            return "Dropbox"
        previous = name
    return None


# --- Windows ------------------------------------------------------------------------------


def _windows_drive_type(root: str) -> int:
    if sys.platform != "win32":  # pragma: no cover - only asked on Windows
        return 0
    import ctypes

    result: int = ctypes.windll.kernel32.GetDriveTypeW(ctypes.c_wchar_p(root))
    return result


def _windows_reason(path: PureWindowsPath, drive_type: Callable[[str], int]) -> str | None:
    text = str(path)
    local_device = text.startswith("\\\\?\\") or text.startswith("\\\\.\\")
    if text.startswith("\\\\?\\UNC\\") or (text.startswith("\\\\") and not local_device):
        return f"is on a network share ({path.anchor.rstrip(chr(92)) or text})"
    drive = path.drive
    if len(drive) == 2 and drive[1] == ":" and drive_type(drive + "\\") == DRIVE_REMOTE:
        return f"is on a network drive ({drive})"
    return None


# --- Linux and macOS: the mount table -----------------------------------------------------


def _unescape_mount(field: str) -> str:
    # /proc/mounts writes a space as \040, a tab as \011, a newline as \012, "\" as \134.
    return re.sub(r"\\([0-7]{3})", lambda m: chr(int(m.group(1), 8)), field)


def parse_proc_mounts(table: str) -> list[tuple[str, str, str]]:
    """(device, mount point, type) for each line of /proc/mounts."""
    mounts = []
    for line in table.splitlines():
        fields = line.split()
        if len(fields) >= 3:
            mounts.append((_unescape_mount(fields[0]), _unescape_mount(fields[1]), fields[2]))
    return mounts


_MAC_MOUNT = re.compile(r"^(?P<dev>.+?) on (?P<point>/.*?) \((?P<type>[^,)]+)")


def parse_mac_mounts(table: str) -> list[tuple[str, str, str]]:
    """(device, mount point, type) for each line the macOS `mount` command prints."""
    mounts = []
    for line in table.splitlines():
        match = _MAC_MOUNT.match(line)
        if match:
            mounts.append((match["dev"], match["point"], match["type"].strip()))
    return mounts


def _mount_of(path: PurePosixPath, mounts: list[tuple[str, str, str]]) -> tuple[str, str] | None:
    """(mount point, type) of the file system holding `path`: the longest matching point."""
    best: tuple[str, str] | None = None
    for _dev, point, fstype in mounts:
        mount = PurePosixPath(point)
        if (path == mount or mount in path.parents) and (best is None or len(point) > len(best[0])):
            best = (point, fstype)
    return best


def _is_network_type(fstype: str, platform: str) -> bool:
    kind = fstype.casefold()
    if platform == "darwin":
        return kind in MAC_NETWORK_FS_TYPES or kind.startswith("osxfuse") or kind == "macfuse"
    if kind in NETWORK_FS_TYPES:
        return True
    return kind.startswith("fuse.") and kind not in LOCAL_FUSE_TYPES


def read_mount_table(platform: str) -> str:
    """The live mount table ("" if it cannot be read: then only the folder names count)."""
    import subprocess

    try:
        if platform.startswith("linux"):
            with open("/proc/mounts", encoding="utf-8", errors="replace") as fh:
                return fh.read()
        if platform == "darwin":
            done = subprocess.run(
                ["/sbin/mount"], capture_output=True, text=True, timeout=3, check=False
            )
            return done.stdout
    except (OSError, subprocess.SubprocessError):
        return ""
    return ""


def shared_location_reason(
    path: str | PurePath,
    *,
    platform: str | None = None,
    mount_table: str | None = None,
    drive_type: Callable[[str], int] | None = None,
) -> str | None:
    """Why `path` (an absolute, resolved path) is no safe place for an SQLite database, as
    the rest of a sentence ("is in a folder synced by OneDrive"), or None if it is local.

    `platform` is sys.platform's value; `mount_table` the text of /proc/mounts (Linux) or of
    `mount` (macOS); `drive_type` GetDriveTypeW (Windows). Each defaults to the live one.
    """
    platform = platform or sys.platform
    if platform == "win32":
        win = PureWindowsPath(path)
        reason = _windows_reason(win, drive_type or _windows_drive_type)
        parts: tuple[str, ...] = win.parts[1:]
    else:
        posix = PurePosixPath(path)
        reason = None
        table = read_mount_table(platform) if mount_table is None else mount_table
        parse = parse_mac_mounts if platform == "darwin" else parse_proc_mounts
        found = _mount_of(posix, parse(table))
        if found is not None and _is_network_type(found[1], platform):
            reason = f"is on a network file system ({found[1]} at {found[0]})"
        parts = posix.parts[1:]
    if reason is not None:
        return reason
    client = synced_folder(parts[:-1])
    return None if client is None else f"is in a folder synced by {client}"


def location_warning(path: str | PurePath, reason: str) -> str:
    """The one-line warning shown before opening a database kept in such a place."""
    return (
        f"{path} {reason}: SQLite there can corrupt the database (locks and its -wal file are "
        "not kept in step); keep it on this computer's own disk, or use the team server"
    )


def database_location_warning(database: str | PurePath) -> str | None:
    """The warning for a database argument (a path or URL) kept in an unsafe place, if any;
    None for a server URL or a file on this computer's own disk."""
    from audit_tool.store.urls import to_url

    url = to_url(str(database))
    if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
        return None
    reason = shared_location_reason(url.database)
    return None if reason is None else location_warning(url.database, reason)
