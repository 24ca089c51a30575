"""Per-file facts for a whole scan: from the cache when the content is unchanged, otherwise parsed —
in worker processes when there are many files. Output is identical to a serial run: results are
collected in discovery order, whatever order the workers finish in."""

from __future__ import annotations

import hashlib
import os
import pickle
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from crashlint import __version__
from crashlint.discover import SourceFile
from crashlint.parse import Parsed, parse_source

PARALLEL_MIN_FILES = 64  # below this, starting processes costs more than it saves
CACHE_FORMAT = 1


def _cache_key(grammar: str, rel_path: str, data: bytes) -> str:
    digest = hashlib.sha256()
    for part in (f"{CACHE_FORMAT}:{__version__}:{grammar}:{rel_path}".encode(), data):
        digest.update(part)
    return digest.hexdigest()


def _read(source: SourceFile) -> bytes | Parsed:
    from crashlint.parse import parse_file

    try:
        with open(source.abs_path, "rb") as handle:
            return handle.read()
    except OSError:
        return parse_file(source.abs_path, source.rel_path, source.grammar)  # it words the note


def _load_one(source: SourceFile, cache_dir: str | None) -> Parsed:
    data = _read(source)
    if isinstance(data, Parsed):
        return data
    if cache_dir is None:
        return parse_source(source.rel_path, source.grammar, data)
    key = _cache_key(source.grammar, source.rel_path, data)
    entry = Path(cache_dir, key[:2], key)
    try:
        with open(entry, "rb") as handle:
            return pickle.load(handle)
    except (OSError, EOFError, pickle.UnpicklingError, AttributeError, ImportError, IndexError, TypeError, ValueError):
        pass  # absent or unreadable: parse again
    parsed = parse_source(source.rel_path, source.grammar, data)
    if parsed.traceback is None:  # never cache an internal error
        try:
            entry.parent.mkdir(parents=True, exist_ok=True)
            temporary = entry.with_suffix(f".{os.getpid()}.tmp")
            with open(temporary, "wb") as handle:
                pickle.dump(parsed, handle, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(temporary, entry)  # atomic: concurrent scans never read half a file
        except OSError:
            pass  # a read-only checkout still scans, uncached
    return parsed


def _load_chunk(args: tuple[list[SourceFile], str | None]) -> list[Parsed]:
    sources, cache_dir = args
    return [_load_one(source, cache_dir) for source in sources]


def load_facts(
    sources: list[SourceFile], cache_dir: str | None, jobs: int, progress: Callable[[int, int], None] | None = None
) -> list[Parsed]:
    """Parsed results in the order of `sources`; `progress(done, total)` after each file or chunk."""
    report = progress or (lambda done, total: None)
    results: list[Parsed] = []
    if jobs <= 1 or len(sources) < PARALLEL_MIN_FILES:
        for source in sources:
            results.append(_load_one(source, cache_dir))
            report(len(results), len(sources))
        return results
    size = max(8, len(sources) // (jobs * 8))
    chunks = [sources[i : i + size] for i in range(0, len(sources), size)]
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        for chunk in pool.map(_load_chunk, [(chunk, cache_dir) for chunk in chunks]):
            results.extend(chunk)
            report(len(results), len(sources))
    return results


def default_jobs() -> int:
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1))
