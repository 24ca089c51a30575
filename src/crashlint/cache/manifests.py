"""The manifests cache (issue 13, the commit path): each folder's manifest (package.json,
pyproject.toml, requirements*.txt, tsconfig/jsconfig, Procfile, Dockerfile, … as
`dependencies.read_folder` reads them) is kept with the stats of everything reading it looked at,
and a scan reads again only the folders where one of those changed. Every scan reads the manifests
of every folder that holds a file (the result cache's key and the project model hang on them): on
novu 1,286 folders listed and a tsconfig looked for in each, about 0.09 s of a warm scan.

As the discovery cache does (and git's untracked cache), it trusts stats: what a folder's reading
looked at is the folders it listed or looked into (adding, removing or renaming an entry changes a
folder's mtime and ctime: a manifest that appears or goes, a tsconfig its `extends` names) and the
files it read or found (a file written changes its size, mtime, ctime or inode). A folder whose
every such stat is what it was is not read again. A stat taken less than `RACY_SECONDS` before the
reading started is not trusted (changed again within its clock's resolution, it would look
unchanged): such a folder is read on every scan until it settles. The disk only (another tree,
such as a git commit, is read as before).

One file per scan root beside the facts (`manifests-<root hash>.bin`). Anything unexpected is a
miss: the folder is read as usual.
"""

from __future__ import annotations

import dataclasses
import os
import posixpath
import time

from crashlint.cache.blob import code_fingerprint, pack_path, read_blob, write_blob
from crashlint.dependencies import Manifest, read_folder, read_manifests, wanted_folders
from crashlint.sourcetree import DiskTree, SourceTree

MAGIC = b"CRASHLINT-MANIFESTS\n"
RACY_SECONDS = 2.0
FIELDS = tuple(f.name for f in dataclasses.fields(Manifest))

Stat = tuple[int, int, int, int] | None  # size, mtime_ns, ctime_ns, inode; None: absent


def _stat(path: str) -> Stat:
    try:
        stat = os.stat(path)
    except OSError:
        return None
    return stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns, stat.st_ino


class _Recorder(SourceTree):
    """The disk under `root`, remembering the folders looked into and the files read or found."""

    on_disk = True

    def __init__(self, root: str) -> None:
        self.root = root
        self.disk = DiskTree(root)
        self.looked: set[str] = set()

    def read(self, rel_path: str) -> bytes:
        self.looked.update((posixpath.dirname(rel_path), rel_path))
        return self.disk.read(rel_path)

    def is_file(self, rel_path: str) -> bool:
        self.looked.update((posixpath.dirname(rel_path), rel_path))
        return self.disk.is_file(rel_path)

    def list_dir(self, rel_dir: str) -> list[str]:
        self.looked.add(rel_dir)
        return self.disk.list_dir(rel_dir)


def _unchanged(disk: DiskTree, stats) -> bool:
    """Whether every path a folder's reading looked at has the stat it had. A path that was absent
    and whose folder is among them, unchanged, is absent still (an entry added to a folder changes
    its mtime and ctime): not asked again. The paths are sorted, so a folder comes before what it
    holds, and `all` stops at the first change: a folder passed is unchanged. Most of what a reading
    looks at is absent (a tsconfig, a pyproject, a Procfile looked for in each folder): on novu this
    takes 2,000 stats instead of 7,900."""
    passed: set[str] = set()
    for path, stat in stats:
        if stat is None and posixpath.dirname(path) in passed and path != "":
            passed.add(path)
            continue
        if _stat(disk._path(path)) != (None if stat is None else tuple(stat)):
            return False
        passed.add(path)
    return True


def cached_manifests(cache_dir: str, root: str, rel_dirs: set[str], read: dict[str, Manifest | None]) -> dict[str, Manifest]:
    """`dependencies.read_manifests(root, rel_dirs, None, read)`, reading from the disk only the
    folders where something their last reading looked at changed. O(the paths looked at) stats."""
    path = pack_path(cache_dir, root, "manifests")
    stored = read_blob(path, MAGIC, code_fingerprint())
    known: dict = stored[1] if isinstance(stored, tuple) and len(stored) == 2 and stored[0] == FIELDS else {}
    started = time.time_ns()
    settled = started - int(RACY_SECONDS * 1e9)
    disk = DiskTree(root)
    kept: dict[str, tuple[tuple[tuple[str, Stat], ...], tuple | None]] = {}
    for directory in sorted(wanted_folders(rel_dirs)):
        if directory in read:
            continue
        entry = known.get(directory)
        try:
            if entry is not None and _unchanged(disk, entry[0]):
                read[directory] = None if entry[1] is None else Manifest(*entry[1])
                kept[directory] = entry
                continue
        except (TypeError, ValueError):  # an entry of another shape: read the folder
            pass
        recorder = _Recorder(root)
        manifest = read[directory] = read_folder(recorder, directory)
        stats = tuple((p, _stat(disk._path(p))) for p in sorted(recorder.looked))
        if all(s is None or (s[1] < settled and s[2] < settled) for _, s in stats):
            kept[directory] = (stats, None if manifest is None else tuple(getattr(manifest, name) for name in FIELDS))
    if kept != known:
        write_blob(path, MAGIC, code_fingerprint(), (FIELDS, kept))
    return read_manifests(root, rel_dirs, None, read)
