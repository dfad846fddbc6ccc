"""Folders and files for person-level output that trust nothing they did not create.

A subject access bundle names a pupil, so it is written only under ``<reports>/shares/sar/``
(a bare name lands there; any other path must be a folder directly in it; the folder's name
has the form ``pipeline.rights.share_names`` gives), into a folder that
is new (created ``0700`` here) or empty, owned by the user and writable by no one else. A
symbolic link, a file, a folder owned by someone else, a shared (group- or world-writable,
e.g. ``1777``) folder or a folder that already holds files is refused with one line; the
permissions of a folder this module did not create are never changed. A share's files
become visible together (:func:`write_share`): a command killed while writing them leaves no
half-written share.

Files are created in the folder through a descriptor of it opened with ``O_NOFOLLOW``, as a
temporary file opened ``O_CREAT | O_EXCL | O_NOFOLLOW`` (so a planted name or symbolic link
makes it fail instead of writing elsewhere), given ``0600`` on its descriptor, flushed and
linked to its name within the folder (a link, unlike a rename, never replaces a file already
there: an existing name is refused in one line).
"""

from __future__ import annotations

import os
import shutil
import stat
import uuid
from collections.abc import Callable, Mapping
from pathlib import Path

from pipeline.atomic_files import fsync_dir
from pipeline.fault_points import fault_point
from pipeline.rights.share_names import checked_share_name
from schema.errors import PupilstatsError

PARTIAL_PREFIX = ".partial-"
OWNER_ONLY_DIR = 0o700
OWNER_ONLY_FILE = 0o600
SHARED_BITS = stat.S_IWGRP | stat.S_IWOTH


def _refuse_untrusted(path: Path, what: str) -> None:
    """Raise unless ``path`` is a real folder of this user that no one else may write."""
    info = os.lstat(path)
    if stat.S_ISLNK(info.st_mode):
        raise PupilstatsError(f"{what} {path} is a symbolic link: give a new folder")
    if not stat.S_ISDIR(info.st_mode):
        raise PupilstatsError(f"{what} {path} exists and is not a folder: give a new folder")
    if info.st_uid != os.geteuid():
        raise PupilstatsError(f"{what} {path} belongs to another user: give a new folder")
    if info.st_mode & SHARED_BITS:
        raise PupilstatsError(
            f"{what} {path} is writable by others (mode {stat.S_IMODE(info.st_mode):04o}): "
            "give a new folder"
        )


def _make_or_check(folder: Path, what: str) -> None:
    """Create ``folder`` owner-only, or check the existing one (never changing it)."""
    try:
        os.mkdir(folder, OWNER_ONLY_DIR)
    except FileExistsError:
        _refuse_untrusted(folder, what)
    else:
        os.chmod(folder, OWNER_ONLY_DIR, follow_symlinks=False)  # ours: the umask aside


def share_target(out: Path, base: Path) -> Path:
    """The folder ``out`` names for person-level output under ``base``: refused unless it is
    new, or an empty folder as the module docstring says (not made here: see
    :func:`write_share`); ``base`` and its parent are created owner-only if new."""
    base.parent.parent.mkdir(parents=True, exist_ok=True)
    for folder in (base.parent, base):
        _make_or_check(folder, "the shares folder")
    home = base.resolve()
    target = home / out.name if out.parent == Path(".") else Path(os.path.abspath(out))
    if target.parent.resolve() != home or out.name in ("", ".", ".."):
        raise PupilstatsError(
            f"person-level output is written only in a new folder directly under {home}/, "
            f"not to {str(out)!r}: give a folder name"
        )
    checked_share_name(out.name, "--out")
    if os.path.lexists(target):
        _refuse_untrusted(target, "the output folder")
        if any(os.scandir(target)):
            raise PupilstatsError(f"the output folder {target} is not empty: give a new folder")
    return target


def remove_stale_partials(base: Path) -> None:
    """Delete the hidden folders of shares whose writing was killed (person-level data that
    no one asked to keep); they are this user's, in a folder no one else may write."""
    for entry in os.scandir(base):
        if entry.name.startswith(PARTIAL_PREFIX) and entry.is_dir(follow_symlinks=False):
            shutil.rmtree(entry.path, ignore_errors=True)


def write_share(
    out: Path,
    base: Path,
    files: Mapping[str, bytes],
    before_shown: Callable[[], None] | None = None,
) -> Path:
    """Write ``files`` (name to bytes, owner-only) as the folder ``out`` names under ``base``
    (:func:`share_target`) and return it. The files are written in a hidden ``.partial-``
    folder beside it, which is renamed to its name when all are written, so a command killed
    meanwhile leaves no folder that looks like a share (the next share removes the hidden
    one). Into an existing empty folder, the complete files are linked one after the other.
    ``before_shown`` (logging the share) runs when every file is written, just before the
    share takes its name: a share is never visible without having been logged."""
    target = share_target(out, base)
    remove_stale_partials(base)
    partial = base / f"{PARTIAL_PREFIX}{uuid.uuid4().hex}"
    os.mkdir(partial, OWNER_ONLY_DIR)
    os.chmod(partial, OWNER_ONLY_DIR, follow_symlinks=False)  # ours: the umask aside
    try:
        for name, data in files.items():
            write_new_file(partial, name, data)
            fault_point(f"share: {name} written")
        if before_shown is not None:
            before_shown()
        try:
            if os.path.lexists(target):
                for name in files:
                    os.link(partial / name, target / name, follow_symlinks=False)
            else:
                os.rename(partial, target)
        except FileExistsError:
            raise PupilstatsError(f"{target} already exists: give a new folder") from None
        except OSError as error:
            raise PupilstatsError(f"cannot write {target}: {error.strerror}") from None
        fsync_dir(base)
    finally:
        shutil.rmtree(partial, ignore_errors=True)
    return target


def write_new_file(folder: Path, name: str, data: bytes) -> Path:
    """Write ``data`` to ``folder/name`` (owner-only) without following any link; refuse
    with one line if ``name`` is already there."""
    path = folder / name
    try:
        directory = os.open(folder, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW)
    except OSError as error:
        raise PupilstatsError(f"cannot write in {folder}: {error.strerror}") from None
    partial = f".partial-{uuid.uuid4().hex}-{name}"
    try:
        flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW
        fd = os.open(partial, flags, OWNER_ONLY_FILE, dir_fd=directory)
        try:
            os.fchmod(fd, OWNER_ONLY_FILE)
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
            # a hard link never replaces what is there (a rename would): a planted name fails
            os.link(
                partial, name, src_dir_fd=directory, dst_dir_fd=directory, follow_symlinks=False
            )
        finally:
            os.unlink(partial, dir_fd=directory)
        os.fsync(directory)
    except FileExistsError:
        raise PupilstatsError(f"{path} already exists: give a new folder") from None
    except OSError as error:
        raise PupilstatsError(f"cannot write {path}: {error.strerror}") from None
    finally:
        os.close(directory)
    return path
