"""The discovery cache (issue 13, the commit path): a scan whose folders are unchanged reuses the
last scan's list of files instead of walking the tree and matching every path against the
.gitignore files again (0.3 s of a warm scan of novu's 4,900 files).

As git's untracked cache does, it trusts folder stats: adding, removing or renaming an entry
changes its folder's mtime, so the list is still right while every folder the walk entered keeps
its mtime and every .gitignore looked for keeps its size and mtime or is still absent (in the
folders walked and above the root up to the repository's top, whose `.git` must stay where it
was). Checking costs one stat per path (on novu 1,388 folders and as many .gitignore paths, about
10 ms). A stat taken less than `RACY_SECONDS` before it was saved is not trusted (a folder
changed again within its clock's resolution would look unchanged),
so such a discovery is not saved; a walk that met a linked file is never saved either (its target
can change unseen). The key holds the scan's paths, the working directory and the options.

One file per scan root beside the facts (`discovery-<root hash>.bin`). Anything unexpected is a
miss: the scan walks as usual.
"""

from __future__ import annotations

import os
import time

from crashlint.cache.blob import code_fingerprint, pack_path, read_blob, write_blob
from crashlint.discover import Discovery, SourceFile, discover

MAGIC = b"CRASHLINT-DISCOVERY\n"
RACY_SECONDS = 2.0


def _stat(path: str) -> tuple[int, int] | None:
    try:
        stat = os.stat(path)
    except OSError:
        return None
    return stat.st_mtime_ns, stat.st_size


def cached_discover(
    cache_dir: str | None, paths: list[str], *, respect_gitignore: bool, exclude: list[str], include: list[str]
) -> Discovery:
    """`discover(paths, …)`, reused from the last scan of the same paths with the same options
    while the folders it depends on are unchanged."""
    options = dict(respect_gitignore=respect_gitignore, exclude=exclude, include=include)
    if cache_dir is None or not paths or not all(os.path.isdir(p) for p in paths):
        return discover(paths, **options)
    key = repr((os.getcwd(), [os.path.abspath(p) for p in paths], respect_gitignore, list(exclude), list(include)))
    path = pack_path(cache_dir, key, "discovery")
    stored = read_blob(path, MAGIC, code_fingerprint())
    try:
        if isinstance(stored, tuple) and stored[0] == key and all(_stat(name) == stat for name, stat in stored[1]):
            root, files, beside = stored[2], stored[3], stored[4]
            return Discovery(root=root, files=[SourceFile(*entry) for entry in files], beside=list(beside))
    except (TypeError, ValueError, IndexError):
        pass
    watched: list[str] = []
    started = time.time_ns()
    found = discover(paths, **options, watched=watched)
    if found.notes or None in watched:
        return found  # a folder that could not be read, a linked file: walk again next time
    stats = [(name, _stat(name)) for name in dict.fromkeys(watched)]
    racy = started - int(RACY_SECONDS * 1e9)
    if any(stat is not None and stat[0] > racy for _, stat in stats):
        return found  # changed just now: its stat cannot vouch for what comes next
    files = [(f.abs_path, f.rel_path, f.grammar, f.forced) for f in found.files]
    write_blob(path, MAGIC, code_fingerprint(), (key, stats, found.root, files, found.beside))
    return found
