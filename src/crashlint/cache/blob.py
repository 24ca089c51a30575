"""The cache files' framing, below everything else of the cache: where a scan root's file lies
(`pack_path`), a marshal'd payload under a magic line, crashlint's code fingerprint and a CRC
(`read_blob`, `write_blob`), the files' content digests. Light on purpose: a re-scan answered by
the result cache imports this, not the facts' codec, the parser or the project model (issue 13).
"""

from __future__ import annotations

import hashlib
import marshal
import os
import sys
import zlib
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from crashlint import __version__

if TYPE_CHECKING:
    from crashlint.discover import SourceFile
    from crashlint.sourcetree import SourceTree

CACHE_FORMAT = 5  # 1: one pickle per file in xx/<sha256>; 2: one marshal pack per scan root; 3: indexed pack;
# 4: the index after the entries (written as they come); 5: a commit record after the header (appendable)
MARSHAL_VERSION = 4  # crashlint.facts.codec.MARSHAL_VERSION (tests/test_cache_and_jobs.py holds them equal)


def content_digest(data: bytes, forced: bool = False) -> bytes:
    """What the facts of a file depend on: its bytes, and whether it is analysed even if it looks
    generated (`--include`), which changes its facts."""
    digest = hashlib.sha256(b"forced\0" if forced else b"")
    digest.update(data)
    return digest.digest()


def read_digests(sources: list[SourceFile], tree: SourceTree | None = None) -> list[bytes | None]:
    """The content digest of each file; None when it cannot be read (parsing words the note).
    `tree`: where the files are read from when not from the disk (crashlint.sourcetree)."""
    if tree is not None and not tree.on_disk:
        return [None if isinstance(data, OSError) else content_digest(data, source.forced)
                for source, (_, data) in zip(sources, tree.read_many([source.rel_path for source in sources]))]
    digests: list[bytes | None] = []
    for source in sources:
        try:
            with open(source.abs_path, "rb") as handle:
                digests.append(content_digest(handle.read(), source.forced))
        except OSError:
            digests.append(None)
    return digests


def code_files() -> list[str]:
    """crashlint's own modules (the whole package, not only this folder) and the tree-sitter
    bindings and grammars: what a cached result was computed with. The bindings are found, not
    imported (a scan the result cache answers never loads them)."""
    from importlib.util import find_spec

    package = Path(__file__).resolve().parents[1]  # crashlint/, not crashlint/cache/
    trees = [package]
    for name in ("tree_sitter", "tree_sitter_javascript", "tree_sitter_python", "tree_sitter_typescript"):
        spec = find_spec(name)
        if spec is not None and spec.origin and spec.has_location:
            trees.append(Path(spec.origin).resolve().parent)
    found = []
    for tree in trees:
        for folder, dirs, files in os.walk(tree):
            dirs[:] = sorted(d for d in dirs if d != "__pycache__")
            found += [os.path.join(folder, name) for name in sorted(files) if name.endswith((".py", ".so", ".pyd", ".toml"))]
    return found


@cache
def code_fingerprint() -> str:
    """What the facts (and a scan's results) depend on besides the files: crashlint's version and
    code (sizes and mtimes of its modules, so an edited checkout never reads stale facts), the rule
    pack's text, the tree-sitter bindings and grammars, the cache and codec formats."""
    from crashlint.rulepack import rules_dir

    digest = hashlib.sha256(f"{CACHE_FORMAT}:{__version__}:{sys.version}".encode())
    for path in code_files():
        try:
            stat = os.stat(path)
        except OSError:
            continue
        digest.update(f"{path}\0{stat.st_size}\0{stat.st_mtime_ns}\n".encode())
    try:
        for entry in sorted(rules_dir().iterdir(), key=lambda e: e.name):
            if entry.name.endswith(".toml"):
                digest.update(entry.name.encode() + b"\0" + entry.read_bytes())
    except Exception:  # noqa: BLE001 - a broken rule pack is reported when it loads, not here
        digest.update(b"no rule pack")
    return digest.hexdigest()


def pack_path(cache_dir: str, root: str | None, kind: str = "facts") -> Path:
    """`<kind>-<hash of the scan root>.bin` in the cache folder."""
    name = hashlib.sha256((root or "").encode("utf-8", "surrogatepass")).hexdigest()[:16]
    return Path(cache_dir, f"{kind}-{name}.bin")


def read_blob(path: Path, magic: bytes, fingerprint: str) -> object | None:
    """The marshal'd payload of a cache file written by `write_blob`, or None (absent, another
    format, another crashlint, corrupt)."""
    head = magic + fingerprint.encode() + b"\n"
    try:
        with open(path, "rb") as handle:
            data = handle.read()
    except OSError:
        return None
    if not data.startswith(head) or len(data) < len(head) + 4:
        return None
    view = memoryview(data)
    crc = int.from_bytes(view[len(head) : len(head) + 4], "little")
    payload = view[len(head) + 4 :]
    if zlib.crc32(payload) != crc:
        return None
    try:
        return marshal.loads(payload)
    except (EOFError, ValueError, TypeError):
        return None


def write_blob(path: Path, magic: bytes, fingerprint: str, payload: object) -> bool:
    """Write atomically (concurrent scans never read half a file); False if it cannot be written."""
    try:
        data = marshal.dumps(payload, MARSHAL_VERSION)
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_name(f"{path.name}.{os.getpid()}.tmp")
        with open(temporary, "wb") as handle:
            handle.write(magic + fingerprint.encode() + b"\n")
            handle.write(zlib.crc32(data).to_bytes(4, "little"))
            handle.write(data)
        os.replace(temporary, path)
        return True
    except (OSError, ValueError):
        return False  # a read-only checkout still scans, uncached


def default_jobs() -> int:
    """Processes for parsing when `-j` is not given: the cores this process may run on."""
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1))
