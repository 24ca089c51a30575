"""Per-file facts for a whole scan: from the cache when the content is unchanged, otherwise parsed —
in worker processes when there are many files. Output is identical to a serial run: results are
collected in discovery order, whatever order the workers finish in.

The cache is one file per scan root in the cache folder (`facts-<root hash>.bin`): a header
(magic, format), a commit record (the length of the committed data, its index's size, their
CRC-32), then the data: the encoded `Parsed` of each file (see crashlint.facts.codec) one after
another and a marshal'd index `relative path → (content digest, start, end)`. One read and one
decode per scan instead of a pickle per file; workers hand the parent the same encoded bytes, so
nothing is encoded twice. The first scan writes the pack whole, each encoded file as soon as it
arrives (`PackWriter`; the index comes last for that): the parent never holds the encoded pack
beside the decoded facts (issue 13, peak memory: 69 MB on langfuse, which the allocator did not
give back). Later scans append (`AppendWriter`): the files parsed again and a new index go after
the committed data and the record is rewritten last, so one edited file in a 5,000-file project
writes its entry and the index (about 0.5 MB on novu), not the 23 MB pack, and a scan killed
meanwhile leaves the pack as it was. Replaced entries and old indexes are dead bytes; once they
are half the file (and over 4 MB) the next scan writes the pack whole again (compaction).
A file is only written when something changed. Anything unreadable is ignored: the scan parses.
"""

from __future__ import annotations

import gc
import marshal
import os
import re
import shutil
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from crashlint.cache.blob import (  # noqa: F401 - the cache files' framing, named here as before
    CACHE_FORMAT, code_files, code_fingerprint, content_digest, default_jobs, pack_path, read_blob, read_digests,
    write_blob,
)
from crashlint.discover import SourceFile
from crashlint.facts import codec
from crashlint.parse import Parsed, parse_source
from crashlint.sourcetree import SourceTree

PARALLEL_MIN_FILES = 64  # below this, starting processes costs more than it saves
MAGIC = b"CRASHLINT-FACTS\n"
LEGACY_ENTRY_DIR = re.compile(r"[0-9a-f]{2}")  # format 1 folders, removed when a pack is written


RECORD = 20  # after the header: end of the committed data (8 bytes), its index's size (8), CRC-32 of data[:end] (4)
# An appended pack is rewritten whole (compacted) once its dead bytes (replaced entries, old
# indexes) pass both of these: half the file, and a size whose rewrite is worth saving
COMPACT_FRACTION = 0.5
COMPACT_MIN_BYTES = 4 << 20


class PackContents:
    """A pack as read: `entries` (`relative path → (digest, encoded Parsed)`, views into the one
    buffer read), the committed length of its data region and that region's CRC-32 (what an
    append continues from), and its dead bytes."""

    def __init__(self, entries: dict, index: dict, end: int, crc: int, record: bytes) -> None:
        self.entries = entries
        self.index = index
        self.end = end
        self.crc = crc
        self.record = record
        self.dead = end - sum(stop - start for _, start, stop in index.values())

    def worth_compacting(self) -> bool:
        return self.dead > COMPACT_MIN_BYTES and self.dead > COMPACT_FRACTION * self.end


def open_pack(path: Path, fingerprint: str) -> PackContents | None:
    """The pack at `path` written by `PackWriter` or `AppendWriter`, or None if unusable (absent,
    another format or crashlint, corrupt). Bytes after the committed end (an append killed before
    it committed) are ignored."""
    head = MAGIC + fingerprint.encode() + b"\n"
    try:
        with open(path, "rb") as handle:
            data = handle.read()
    except OSError:
        return None
    if not data.startswith(head) or len(data) < len(head) + RECORD:
        return None
    record = data[len(head) : len(head) + RECORD]
    end, size, crc = int.from_bytes(record[:8], "little"), int.from_bytes(record[8:16], "little"), int.from_bytes(record[16:], "little")
    view = memoryview(data)[len(head) + RECORD :]
    if end > len(view) or size > end or zlib.crc32(view[:end]) != crc:
        return None
    try:
        index = marshal.loads(view[end - size : end])
        entries = {rel: (digest, view[start:stop]) for rel, (digest, start, stop) in index.items()}
    except (EOFError, ValueError, TypeError, AttributeError):
        return None
    return PackContents(entries, index, end, crc, record)


def read_pack(path: Path, fingerprint: str) -> dict:
    """`relative path → (digest, encoded Parsed)` from a pack; {} if unusable."""
    contents = open_pack(path, fingerprint)
    return contents.entries if contents is not None else {}


def _record(end: int, size: int, crc: int) -> bytes:
    return end.to_bytes(8, "little") + size.to_bytes(8, "little") + crc.to_bytes(4, "little")


class PackWriter:
    """Writes a whole pack entry by entry, as the entries come: header, the commit record (filled
    in at the end), the entries, the marshal'd index `path → (digest, start, end)`. The file appears
    (atomically) only on `commit`; a writer that fails (a read-only checkout) or is discarded
    leaves nothing behind, and the scan goes on uncached."""

    def __init__(self, path: Path, fingerprint: str) -> None:
        self.path = path
        self.head = MAGIC + fingerprint.encode() + b"\n"
        self.temporary = path.with_name(f"{path.name}.{os.getpid()}.tmp")
        self.handle = None
        self.failed = False
        self.index: dict[str, tuple[bytes, int, int]] = {}
        self.offset = 0
        self.crc = 0

    def _start(self) -> None:
        if self.handle is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            _remove_orphans(self.path)
            self.handle = open(self.temporary, "wb")  # noqa: SIM115 - closed by commit or discard
            self.handle.write(self.head + bytes(RECORD))  # the commit record, written by commit

    def add(self, rel_path: str, digest: bytes, blob: bytes | memoryview) -> None:
        if self.failed:
            return
        try:
            self._start()
            self.handle.write(blob)  # type: ignore[union-attr]
        except (OSError, ValueError):
            self.discard()
            return
        self.crc = zlib.crc32(blob, self.crc)
        self.index[rel_path] = (digest, self.offset, self.offset + len(blob))
        self.offset += len(blob)

    def keep(self, rel_path: str, digest: bytes, blob: bytes | memoryview) -> None:
        """An entry of the old pack that stays: written again."""
        self.add(rel_path, digest, blob)

    def _finish(self) -> None:
        """Write the index after the entries, then the commit record that points at it."""
        encoded = marshal.dumps(self.index, codec.MARSHAL_VERSION)
        self.handle.write(encoded)  # type: ignore[union-attr]
        self.crc = zlib.crc32(encoded, self.crc)
        self.offset += len(encoded)
        self.handle.flush()  # type: ignore[union-attr]
        self.handle.seek(len(self.head))  # type: ignore[union-attr]
        self.handle.write(_record(self.offset, len(encoded), self.crc))  # type: ignore[union-attr]
        self.handle.close()  # type: ignore[union-attr]
        self.handle = None

    def commit(self) -> bool:
        """Write the index and put the file in place; False if it could not be written."""
        if self.failed:
            return False
        try:
            self._start()  # no entry at all: an empty pack
            self._finish()
            os.replace(self.temporary, self.path)
            return True
        except (OSError, ValueError):
            self.discard()
            return False

    def discard(self) -> None:
        self.failed = True
        if self.handle is not None:
            try:
                self.handle.close()
            except OSError:
                pass
            self.handle = None
        try:
            os.unlink(self.temporary)
        except OSError:
            pass


class AppendWriter(PackWriter):
    """Adds to an existing pack in place (issue 13, the commit path: one changed file must not
    rewrite a 23 MB pack): the new entries and then a new index are appended after the committed
    data, and only then is the commit record (20 bytes after the header) overwritten to point at
    the new index. Until that last write the record points at the old index, whose bytes are never
    touched: a scan killed at any moment leaves a pack that reads as before (the bytes it appended
    are ignored, and cut off by the next append). Entries kept from the old pack are not written
    again, only indexed. An exclusive lock (flock) keeps two scans from appending at once; a scan
    that cannot take it, or finds the pack changed since it read it, writes nothing."""

    def __init__(self, path: Path, fingerprint: str, old: PackContents) -> None:
        super().__init__(path, fingerprint)
        self.old = old
        self.offset = old.end
        self.crc = old.crc

    def _start(self) -> None:
        if self.handle is not None:
            return
        import fcntl

        _remove_orphans(self.path)  # a whole pack being written when its scan was killed
        self.handle = open(self.path, "r+b")  # noqa: SIM115 - closed by commit or discard
        try:
            fcntl.flock(self.handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            self._give_up()  # another scan is writing it
            raise
        self.handle.seek(0)
        if self.handle.read(len(self.head) + RECORD) != self.head + self.old.record:
            self._give_up()  # changed since it was read: the other scan's pack stays
            raise OSError("the pack changed while it was read")
        self.handle.truncate(len(self.head) + RECORD + self.old.end)  # what an append killed before its commit left
        self.handle.seek(len(self.head) + RECORD + self.old.end)

    def keep(self, rel_path: str, digest: bytes, blob: bytes | memoryview) -> None:
        if rel_path in self.old.index and self.old.index[rel_path][0] == digest:
            self.index[rel_path] = self.old.index[rel_path]
        else:
            self.add(rel_path, digest, blob)

    def commit(self) -> bool:
        if self.failed:
            return False
        try:
            self._start()
            self._finish()  # the record is written last, in place: the append is committed
            return True
        except (OSError, ValueError):
            self.discard()
            return False

    def _give_up(self) -> None:
        self.failed = True
        if self.handle is not None:
            try:
                self.handle.close()  # releases the lock
            except OSError:
                pass
            self.handle = None

    def discard(self) -> None:
        """Leave the committed pack as it is; what was appended is cut off now or by the next append."""
        if self.handle is not None and not self.failed:
            try:
                self.handle.truncate(len(self.head) + RECORD + self.old.end)
            except OSError:
                pass
        self._give_up()


def pack_writer(path: Path, fingerprint: str, old: PackContents | None) -> PackWriter:
    """An `AppendWriter` onto the old pack when there is one worth keeping (and flock exists), else
    a `PackWriter` of a whole new one (the first scan, another format, compaction)."""
    if old is not None and not old.worth_compacting():
        try:
            import fcntl  # noqa: F401 - POSIX only

            return AppendWriter(path, fingerprint, old)
        except ImportError:
            pass
    return PackWriter(path, fingerprint)


def _remove_orphans(path: Path) -> None:
    """Temporary packs of scans killed while they parsed (the file is written all along the parse).
    POSIX only: on Windows `os.kill(pid, 0)` would end the process instead of asking about it."""
    if os.name != "posix":
        return
    for temporary in path.parent.glob(f"{path.name}.*.tmp"):
        pid = temporary.name[len(path.name) + 1 : -len(".tmp")]
        if not pid.isdigit() or int(pid) == os.getpid():
            continue
        try:
            os.kill(int(pid), 0)
        except ProcessLookupError:
            try:
                temporary.unlink()
            except OSError:
                pass
        except OSError:
            pass  # alive, or not ours to ask about


def write_pack(path: Path, fingerprint: str, entries: dict) -> bool:
    """A pack of `entries` (`relative path → (digest, encoded Parsed)`) at once."""
    writer = PackWriter(path, fingerprint)
    for rel_path, (digest, blob) in entries.items():
        writer.add(rel_path, digest, blob)
    return writer.commit()


@contextmanager
def no_gc() -> Iterator[None]:
    """Decoding a large project allocates a million small objects: collecting cycles among them
    (there are none) triples the time. They live as long as the scan, so they are then moved out of
    the collector's sight (gc.freeze; scan.rules_phase unfreezes what it froze too): else the next
    few allocations would walk them all, young, older and oldest — 0.3-0.6 s of a warm scan of
    novu. Frozen objects without cycles are still freed when their last reference goes."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if enabled:
            gc.enable()


def _read(source: SourceFile, data: bytes | OSError | None = None) -> bytes | Parsed:
    """The file's bytes: `data` when the parent read them from a tree not on disk, else the disk."""
    from crashlint.parse import parse_file, unreadable

    if isinstance(data, OSError):
        return unreadable(source.rel_path, data)
    if data is not None:
        return data
    try:
        with open(source.abs_path, "rb") as handle:
            return handle.read()
    except OSError:
        return parse_file(source.abs_path, source.rel_path, source.grammar)  # it words the note


def _parse_one(source: SourceFile, encode: bool, data: bytes | OSError | None = None) -> tuple[bytes | None, bytes | Parsed]:
    """(content digest or None, encoded Parsed — or the Parsed itself when not encoded)."""
    data = _read(source, data)
    if isinstance(data, Parsed):
        return None, data
    parsed = parse_source(source.rel_path, source.grammar, data, forced=source.forced)
    if encode:
        try:
            return content_digest(data, source.forced), codec.encode(parsed)
        except (ValueError, TypeError):
            pass  # a field marshal cannot store: hand the object over as it is, uncached
    return content_digest(data, source.forced), parsed


def parse_one(source: SourceFile) -> tuple[bytes | None, Parsed]:
    """(content digest or None when unreadable, Parsed) of one file on disk, parsed now and not cached."""
    digest, parsed = _parse_one(source, False)
    assert isinstance(parsed, Parsed)
    return digest, parsed


def _parse_chunk(items: list[tuple[SourceFile, bytes | OSError | None]]) -> list[tuple[bytes | None, bytes | Parsed]]:
    return [_parse_one(source, True, data) for source, data in items]


def load_facts(
    sources: list[SourceFile],
    cache_dir: str | None,
    jobs: int,
    progress: Callable[[int, int], None] | None = None,
    *,
    root: str | None = None,
    digests: list[bytes | None] | None = None,
    tree: SourceTree | None = None,
    ready: dict[str, tuple[bytes | None, Parsed]] | None = None,
    pack: PackContents | None = None,
    lazy: bool = False,
) -> list[Parsed]:
    """Parsed results in the order of `sources`; `progress(done, total)` after each file or chunk.

    `digests` (from `read_digests`, optional) are updated in place to the content actually parsed,
    should a file change during the scan. `root` names the cache file and lets entries of files
    outside this scan survive it while they exist. `tree`: where the files are read from when not
    from the disk (a git commit's tree, buffers): the parent reads them, workers parse the bytes;
    entries are looked up by content digest like any other, and an immutable tree writes nothing
    (the pack describes the disk). `ready`: files already parsed in this scan (`parse_one`), by
    relative path: used, and cached, instead of parsing them again. `pack`: the pack of `root` as
    this scan read it already (`open_pack`), not read again. `lazy`: the facts read from the pack
    leave a declaration's value and a call's arguments encoded until read (`codec.decode`)."""
    report = progress or (lambda done, total: None)
    total = len(sources)
    results: list[Parsed | None] = [None] * total
    reused: dict[int, bytes | memoryview] = {}  # entries of the old pack for unchanged files
    entries: dict = {}
    writer: PackWriter | None = None
    fingerprint = ""
    contents: dict[str, bytes | OSError] = {}
    if tree is not None and not tree.on_disk:
        contents = dict(tree.read_many([source.rel_path for source in sources]))
    if cache_dir is not None:
        fingerprint = code_fingerprint()
        if digests is None:
            digests = (
                [None if isinstance(contents[s.rel_path], OSError) else content_digest(contents[s.rel_path], s.forced) for s in sources]  # type: ignore[arg-type]
                if contents else read_digests(sources)
            )
        old = pack if pack is not None else open_pack(pack_path(cache_dir, root), fingerprint)
        entries = old.entries if old is not None else {}
        if tree is None or tree.identity is None:  # an immutable tree writes nothing: the pack describes the disk
            writer = pack_writer(pack_path(cache_dir, root), fingerprint, old)
    with codec.shared_across_files():  # equal leaf values of all files decoded once (issue 13)
        missing = _decode_cached(sources, digests, entries, results, reused, lazy)
        parsed_any = bool(missing)  # whether the pack gets new entries
        if ready:
            missing = _use_ready(sources, missing, ready, results, digests, writer)
        try:
            _parse_missing(sources, missing, results, contents, digests, writer, jobs, report)
        except BaseException:  # an interrupt, SIGTERM, an error: no half-written pack is left behind
            if writer is not None:
                writer.discard()
            raise
    if writer is not None:
        _save(writer, cache_dir, root, sources, digests, reused, entries, parsed_any)  # type: ignore[arg-type]
    return results  # type: ignore[return-value]


def _decode_cached(
    sources: list[SourceFile],
    digests: list[bytes | None] | None,
    entries: dict,
    results: list[Parsed | None],
    reused: dict[int, bytes | memoryview],
    lazy: bool = False,
) -> list[int]:
    """Decode the pack's entries of unchanged files into `results`; the indexes of the others."""
    missing: list[int] = []
    with no_gc():
        for i, source in enumerate(sources):
            entry = entries.get(source.rel_path)
            if digests is not None and digests[i] is not None and entry is not None and entry[0] == digests[i]:
                try:
                    results[i] = codec.decode(entry[1], lazy)
                    reused[i] = entry[1]
                    continue
                except Exception:  # noqa: BLE001 - a corrupt entry: parse the file again
                    pass
            missing.append(i)
    return missing


def _use_ready(sources: list[SourceFile], missing: list[int], ready: dict[str, tuple[bytes | None, Parsed]],
               results: list[Parsed | None], digests: list[bytes | None] | None, writer: PackWriter | None) -> list[int]:
    """Fill `results` at `missing` with the files parsed already (and write them to the pack, as a
    parse here would); the indexes still to parse."""
    left = []
    for i in missing:
        found = ready.get(sources[i].rel_path)
        if found is None:
            left.append(i)
            continue
        digest, parsed = found
        try:
            blob = codec.encode(parsed)
        except (ValueError, TypeError):
            blob = None
        if writer is not None and blob is not None and digest is not None and parsed.traceback is None:
            writer.add(sources[i].rel_path, digest, blob)
        if blob is not None:
            with no_gc():
                parsed = codec.decode(blob)  # the decoded copy, as `_parse_missing` keeps
        results[i] = parsed
        _note_digest(digests, i, digest)
    return left


def _parse_missing(
    sources: list[SourceFile],
    missing: list[int],
    results: list[Parsed | None],
    contents: dict[str, bytes | OSError],
    digests: list[bytes | None] | None,
    writer: PackWriter | None,
    jobs: int,
    report: Callable[[int, int], None],
) -> None:
    """Parse the files at `missing` into `results`, in worker processes when there are many;
    each encoded result goes to `writer` as it comes (and is not kept)."""
    total = len(sources)
    if jobs <= 1 or len(missing) < PARALLEL_MIN_FILES:
        for i in range(total):
            if results[i] is None:
                digest, parsed = _parse_one(sources[i], False, contents.get(sources[i].rel_path))
                assert isinstance(parsed, Parsed)
                try:
                    blob = codec.encode(parsed)
                except (ValueError, TypeError):
                    blob = None  # not cacheable: kept as extracted
                if writer is not None and blob is not None and digest is not None and parsed.traceback is None:
                    writer.add(sources[i].rel_path, digest, blob)
                if blob is not None:
                    # what is kept is the decoded copy, as from a worker: equal values shared and
                    # out of the collector's sight (issue 13, peak memory at -j 1; the extractor's
                    # own objects share nothing). It costs less than the collections it saves.
                    with no_gc():
                        parsed = codec.decode(blob)
                results[i] = parsed
                _note_digest(digests, i, digest)
            report(i + 1, total)
    else:
        done = total - len(missing)
        if done:
            report(done, total)
        chunks = _chunks(missing, _costs(sources, missing, contents), jobs)
        pool = _worker_pool(jobs)
        try:
            work = [(chunk, [(sources[i], contents.get(sources[i].rel_path)) for i in chunk]) for chunk in chunks]
            for indexes, outcomes in pool.imap_unordered(_parse_indexed_chunk, work):
                with no_gc():
                    for i, (digest, outcome) in zip(indexes, outcomes):
                        parsed = codec.decode(outcome) if isinstance(outcome, bytes) else outcome
                        results[i] = parsed
                        if writer is not None and isinstance(outcome, bytes) and digest is not None and parsed.traceback is None:
                            writer.add(sources[i].rel_path, digest, outcome)
                        _note_digest(digests, i, digest)
                done += len(indexes)
                report(done, total)
            pool.close()
        except BaseException:  # an interrupt, SIGTERM (crashlint.cli), an error: the workers go with the scan
            _stop_workers(pool)
            raise
        pool.join()


STOP_GRACE = 5.0  # seconds a stopped scan gives the pool to stop its workers before killing them


def _stop_workers(pool, grace: float = STOP_GRACE) -> None:
    """Stop the workers of a scan that ends early. `Pool.terminate` is run in a thread and given
    `grace` seconds: it takes locks its worker processes share (the task and result queues'), and
    a worker stopped while it holds one (a large chunk's facts half sent) can leave it waiting for
    ever — a scan interrupted under heavy load was seen to outlive its 30 s in the suite twice. If it
    has not returned by then, each worker is killed outright (SIGKILL), so that the scan still ends
    and leaves no process behind."""
    import signal
    import threading

    workers = list(getattr(pool, "_pool", ()))

    def terminate() -> None:
        pool.terminate()
        pool.join()

    stopper = threading.Thread(target=terminate, daemon=True, name="crashlint-stop-workers")
    stopper.start()
    stopper.join(grace)
    if stopper.is_alive():
        for worker in workers:
            try:
                os.kill(worker.pid, signal.SIGKILL)
            except (OSError, TypeError):
                pass  # already gone


FILE_COST = 2048  # a file's cost beyond its bytes, in bytes: reading it, the parser's and extractor's set-up
MIN_CHUNK_COST = 64 * 1024  # below this, a chunk's round trip to a worker is a noticeable part of it


def _costs(sources: list[SourceFile], missing: list[int], contents: dict[str, bytes | OSError]) -> dict[int, int]:
    """An estimate of the work of parsing each file at `missing`: its size (what parsing and
    extracting take grows with it), plus a constant."""
    costs = {}
    for i in missing:
        data = contents.get(sources[i].rel_path)
        if isinstance(data, bytes):
            size = len(data)
        else:
            try:
                size = os.stat(sources[i].abs_path).st_size
            except OSError:
                size = 0
        costs[i] = size + FILE_COST
    return costs


def _chunks(missing: list[int], costs: dict[int, int], jobs: int) -> list[list[int]]:
    """The files at `missing` in chunks for `jobs` workers, largest files first and each chunk a
    share of the work still left (guided self-scheduling): the first chunks are large (few round
    trips), the last ones small, so the workers finish together instead of one of them parsing a
    last large chunk alone while the other core idles (issue 13: on polar, under load, one worker
    finished 1.5 s before the other with chunks of a sixteenth of the files in discovery order).
    Ties keep the discovery order: the chunks are the same on every run, and each file's result
    goes to its own place whatever order the chunks come back in."""
    order = sorted(missing, key=lambda i: -costs[i])
    left = sum(costs.values())
    chunks: list[list[int]] = []
    j = 0
    while j < len(order):
        target = max(left // (jobs * 4), MIN_CHUNK_COST)
        chunk: list[int] = []
        got = 0
        while j < len(order) and (not chunk or got < target):
            chunk.append(order[j])
            got += costs[order[j]]
            j += 1
        left -= got
        chunks.append(chunk)
    return chunks


def _parse_indexed_chunk(work: tuple[list[int], list[tuple[SourceFile, bytes | OSError | None]]]) -> tuple[list[int], list[tuple[bytes | None, bytes | Parsed]]]:
    indexes, items = work
    return indexes, _parse_chunk(items)


def _worker_pool(jobs: int):
    """Worker processes that die with their scan: terminated when the scan stops for any reason,
    and, should the scan be killed outright (SIGKILL), ended by the kernel (Linux's
    PR_SET_PDEATHSIG) or by a watchdog that sees the parent gone."""
    import multiprocessing

    context = multiprocessing.get_context("fork" if hasattr(os, "fork") else None)
    return context.Pool(jobs, initializer=_worker_start, initargs=(os.getpid(),))


PR_SET_PDEATHSIG = 1  # linux/prctl.h


def _worker_start(parent: int) -> None:
    import signal
    import threading
    import time

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the scan decides what an interrupt does (it ends us)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)  # not the parent's handler, inherited by fork
    try:
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):
        pass  # not Linux: the watchdog below does it
    if os.getppid() != parent:
        os._exit(1)  # the parent died before the signal was armed

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(1)

    threading.Thread(target=watch, daemon=True, name="crashlint-parent-watch").start()


def _note_digest(digests: list[bytes | None] | None, i: int, digest: bytes | None) -> None:
    if digests is not None:
        digests[i] = digest  # what was parsed, should the file have changed since it was hashed


def _save(
    writer: PackWriter,
    cache_dir: str,
    root: str | None,
    sources: list[SourceFile],
    digests: list[bytes | None],
    reused: dict[int, bytes | memoryview],
    old: dict,
    parsed_any: bool,
) -> None:
    """Finish the pack (the parsed files are in it already) when it would differ from the old one:
    files parsed, or entries of vanished files to drop. The entries of unchanged files come from
    the old pack, and so do those of files outside this scan (another subset of the same root)
    while they exist."""
    kept = [(sources[i].rel_path, digests[i], blob) for i, blob in reused.items()]
    names = set(writer.index) | {rel_path for rel_path, _, _ in kept}
    for rel_path, entry in old.items():
        if rel_path not in names and root is not None and os.path.isfile(os.path.join(root, rel_path)):
            kept.append((rel_path, *entry))
            names.add(rel_path)
    if not parsed_any and names == old.keys():
        writer.discard()
        return  # nothing new: the file on disk already says all this
    for rel_path, digest, blob in kept:
        writer.keep(rel_path, digest, blob)  # type: ignore[arg-type]
    if writer.commit():
        _remove_legacy_entries(cache_dir)


def _remove_legacy_entries(cache_dir: str) -> None:
    """Format 1 wrote a pickle per file in two-hex-digit folders: nothing reads them any more.
    Only in crashlint's own `.crashlint_cache` folder: a `--cache-dir` may be shared with other
    tools (or be the project itself), whose `db/` or `fe/` folders are not ours."""
    if os.path.basename(os.path.normpath(cache_dir)) != ".crashlint_cache":
        return
    try:
        names = os.listdir(cache_dir)
    except OSError:
        return
    for name in names:
        if LEGACY_ENTRY_DIR.fullmatch(name) and os.path.isdir(os.path.join(cache_dir, name)):
            shutil.rmtree(os.path.join(cache_dir, name), ignore_errors=True)


