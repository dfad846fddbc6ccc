"""``reports/releases/latest/``: which release each flow's newest run published.

After every run the release step points ``latest/<flow>`` (a relative symbolic link, so
``reports/releases/latest/funding-round/`` opens the release folder) at the release the run
published, or at the earlier release it repeated byte for byte when it wrote nothing new;
``latest/index.json`` names the same releases for programs (flow -> release id and folder).
Both are replaced atomically (a new link or file renamed over the old one), and concurrent
runs take turns through a lock file, so a reader sees the old pointer or the new one.
The ``latest`` folder has no ``manifest.json``, so nothing mistakes it for a release.
"""

from __future__ import annotations

import fcntl
import json
import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from pipeline.atomic_files import fsync_dir, write_file_atomically
from schema.errors import PupilstatsError

LATEST_DIR = "latest"
INDEX_FILE = "index.json"


@contextmanager
def _locked(folder: Path) -> Iterator[None]:
    with (folder / ".lock").open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _link_target(link_dir: Path, release: Path) -> str:
    """``../<release id>`` when the release is beside ``latest/``, else its absolute path."""
    release = Path(release).resolve()
    if release.parent == link_dir.parent.resolve():
        return os.path.join(os.pardir, release.name)
    return str(release)


def latest_index(releases_dir: Path) -> dict[str, dict[str, str]]:
    """``latest/index.json``: flow -> ``{"release_id", "folder"}`` (empty if none yet)."""
    path = Path(releases_dir) / LATEST_DIR / INDEX_FILE
    if not path.is_file():
        return {}
    return json.loads(path.read_text(encoding="utf-8"))


def point_latest(releases_dir: Path, flow: str, release: Path) -> Path:
    """Make ``latest/<flow>`` and the index name ``release``; return the link's path.

    Something other than a link at ``latest/<flow>`` (a folder someone made or copied
    there) is not pupilstats' to replace: a one-line error says so, naming the release that
    was written, and leaves the pointer and the index as they were."""
    folder = Path(releases_dir) / LATEST_DIR
    folder.mkdir(parents=True, exist_ok=True)
    link = folder / flow
    with _locked(folder):
        if link.exists() and not link.is_symlink():
            kind = "folder" if link.is_dir() else "file"
            raise PupilstatsError(
                f"{link} is a {kind}, not the link pupilstats keeps there: release "
                f"{Path(release).name} was written, but {link} and {folder / INDEX_FILE} were "
                "left as they were; move it away and run again to point them at it"
            )
        temporary = folder / f".partial-{uuid.uuid4().hex}-{flow}"
        os.symlink(_link_target(folder, release), temporary)
        try:
            os.replace(temporary, link)
        except BaseException:
            temporary.unlink(missing_ok=True)
            raise
        fsync_dir(folder)
        index = latest_index(releases_dir)
        index[flow] = {"release_id": Path(release).name, "folder": str(Path(release).resolve())}
        text = json.dumps(dict(sorted(index.items())), indent=2) + "\n"
        write_file_atomically(folder / INDEX_FILE, text.encode("utf-8"))
    return link
