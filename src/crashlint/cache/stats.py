"""Stat before hash (issue 13, the commit path): a file whose size, mtime, ctime and inode are those
it had when it was last hashed is not read again, as git's index does; its content digest comes
from the last scan. On novu that is 4,900 files not read (twice: the result cache hashes the files
before the scan and again after it, to see a file edited meanwhile — now a stat each).

An entry is saved only when the file's mtime and ctime are at least `RACY_SECONDS` older than the
moment it was hashed: a file written again within its clock's resolution after it was hashed
would keep its stat (git calls these "racily clean"), so a file changed just now is hashed on every
scan until it settles. A link's stat is its target's. One file per scan root beside the facts
(`stats-<root hash>.bin`); anything unexpected is a miss (the file is hashed).
"""

from __future__ import annotations

import os
import time

from crashlint.cache.blob import code_fingerprint, content_digest, pack_path, read_blob, write_blob
from crashlint.discover import SourceFile

MAGIC = b"CRASHLINT-STATS\n"
RACY_SECONDS = 2.0

Key = tuple[int, int, int, int, bool]  # size, mtime_ns, ctime_ns, inode, forced


def _key(path: str, forced: bool) -> Key | None:
    try:
        stat = os.stat(path)
    except OSError:
        return None
    return stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns, stat.st_ino, forced


class FileStats:
    """The digests of one scan's files on disk, by stat where it vouches for the content."""

    def __init__(self, cache_dir: str, root: str) -> None:
        self.path = pack_path(cache_dir, root, "stats")
        stored = read_blob(self.path, MAGIC, code_fingerprint())
        self.known: dict[str, tuple[Key, bytes]] = stored if isinstance(stored, dict) else {}
        self.seen: dict[str, tuple[Key | None, bytes | None]] = {}  # this scan's stats and digests
        self.started = time.time_ns()

    def digests(self, sources: list[SourceFile]) -> list[bytes | None]:
        """Each file's content digest (None if unreadable), reading only the files whose stat changed."""
        found: list[bytes | None] = []
        for source in sources:
            key = _key(source.abs_path, source.forced)
            entry = self.known.get(source.rel_path)
            if key is not None and entry is not None and tuple(entry[0]) == key:
                digest: bytes | None = entry[1]
            else:
                digest = _hash(source)
            self.seen[source.rel_path] = (key, digest)
            found.append(digest)
        self._save()
        return found

    def unchanged(self, sources: list[SourceFile]) -> bool:
        """Whether every file still has the content `digests` gave (a file whose stat changed since
        is hashed again: an edit put back still counts as unchanged)."""
        for source in sources:
            key, digest = self.seen.get(source.rel_path, (None, None))
            now = _key(source.abs_path, source.forced)
            if now is None or now != key:
                if _hash(source) != digest:
                    return False
        return True

    def _save(self) -> None:
        """The settled entries of this scan, when they differ from those read."""
        settled = self.started - int(RACY_SECONDS * 1e9)
        entries = {rel: (key, digest) for rel, (key, digest) in self.seen.items()
                   if key is not None and digest is not None and key[1] < settled and key[2] < settled}
        if entries != {rel: (tuple(key), digest) for rel, (key, digest) in self.known.items()}:
            write_blob(self.path, MAGIC, code_fingerprint(), entries)
            self.known = entries  # type: ignore[assignment]


def _hash(source: SourceFile) -> bytes | None:
    try:
        with open(source.abs_path, "rb") as handle:
            return content_digest(handle.read(), source.forced)
    except OSError:
        return None
