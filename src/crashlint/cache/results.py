"""The whole-run result cache (issue 6): a re-scan whose inputs are all unchanged reuses the last
run's results instead of building the project model and running the rules.

The key covers everything a finding, a note or a hidden finding can depend on: the scan root, every
discovered file with its content digest (in discovery order) and the linter rules' YAML files beside
them (crashlint.discover.Discovery.beside), crashlint's code, version and rule
pack (`cache.facts.code_fingerprint`), the selected rules, the effective configuration, the
manifests the project reads (package.json, pyproject.toml, requirements*.txt, tsconfig/jsconfig of
every folder holding a discovered file and its ancestors), the baseline's contents and every scan
option that changes the results (files on disk are hashed only when their stat changed:
src/crashlint/cache/stats.py). Formatters read source lines lazily from disk (SourceCache): the
files are the ones hashed, so they read the same lines.

One file per scan root beside the facts (`result-<root hash>.bin`), holding the last key and its
results. Reading or writing it never fails a scan: anything unexpected is a miss.
"""

from __future__ import annotations

import dataclasses
import hashlib
import posixpath
from collections import Counter
from collections.abc import Callable

from crashlint.config import Config
from crashlint.dependencies import read_manifests
from crashlint.discover import Discovery
from crashlint.cache.blob import code_fingerprint, pack_path, read_blob, read_digests, write_blob
from crashlint.cache.manifests import cached_manifests
from crashlint.cache.stats import FileStats
from crashlint.findings import Edit, Finding, Fix, Location, Note, Related
from crashlint.result import ScanResult
from crashlint.rulepack import Rule
from crashlint.sourcetree import SourceTree

RESULT_FORMAT = 1
MAGIC = b"CRASHLINT-RESULT\n"
CLASSES = {cls.__name__: cls for cls in (Finding, Location, Related, Note, Fix, Edit)}
# ScanResult fields rebuilt on every run rather than stored
NOT_STORED = ("root", "rules", "sources", "notes", "tracebacks")


_LEAVES = frozenset({str, int, float, bool, bytes, type(None)})  # stored and read back as they are
_FIELDS = {cls: tuple(f.name for f in dataclasses.fields(cls)) for cls in CLASSES.values()}
_SLOTTED = frozenset(cls for cls in CLASSES.values() if "__slots__" in cls.__dict__)  # no __dict__ to fill


_ENCODE_TAGS = {cls: "\0" + cls.__name__ for cls in CLASSES.values()}
# fields that hold marshal's own data by their declaration (strings, numbers, and tuples, lists and
# dicts of them, never a dataclass): stored as they are, not walked (one in a cold scan per finding)
_PLAIN = {Finding: {"problems", "context", "anchor", "edit_site", "process"}, Fix: {"resolves", "regions"}}
_PLAIN_FLAGS = {cls: tuple(name in _PLAIN.get(cls, ()) for name in fields) for cls, fields in _FIELDS.items()}


def _encode(value: object) -> object:
    """Findings and notes as marshal-able data: a dataclass is a tuple tagged "\\0<class name>". A
    container of leaves only is handed to marshal as it is (a finding's problems, its anchor, a
    fix's names), and a dataclass without slots is read through its __dict__: a cold scan stores
    every finding (issue 13, cost per finding)."""
    kind = type(value)
    if kind in _LEAVES:
        return value
    fields = _FIELDS.get(kind)
    if fields is not None:
        attributes = value.__dict__ if kind not in _SLOTTED else None
        values = [attributes[name] for name in fields] if attributes is not None else [getattr(value, name) for name in fields]
        return (_ENCODE_TAGS[kind], *[v if plain or type(v) in _LEAVES else _encode(v) for v, plain in zip(values, _PLAIN_FLAGS[kind])])
    if kind is tuple or kind is list:
        if set(map(type, value)) <= _LEAVES:  # type: ignore[call-overload]
            return value
        encoded = [v if type(v) in _LEAVES else _encode(v) for v in value]  # type: ignore[attr-defined]
        return tuple(encoded) if kind is tuple else encoded
    if kind is dict:
        if set(map(type, value.values())) <= _LEAVES:  # type: ignore[attr-defined]
            return value
        return {k: v if type(v) in _LEAVES else _encode(v) for k, v in value.items()}  # type: ignore[attr-defined]
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        raise ValueError(f"cannot store a {kind.__name__} in the result cache")
    if isinstance(value, tuple):
        return tuple([v if type(v) in _LEAVES else _encode(v) for v in value])
    if isinstance(value, list):
        return [v if type(v) in _LEAVES else _encode(v) for v in value]
    if isinstance(value, dict):
        return {k: v if type(v) in _LEAVES else _encode(v) for k, v in value.items()}
    return value


_TAGS = {"\0" + name: cls for name, cls in CLASSES.items()}
_new = object.__new__


def _decode(value: object) -> object:
    """The inverse of `_encode`. A container of leaves only is marshal's own fresh object, returned
    as it is (a fix's names, a finding's problems); leaves are never visited one call each; a frozen
    dataclass without slots is filled through its __dict__ (no __init__ and its object.__setattr__
    per field). Half the time of the plain recursion on 6,000 findings."""
    kind = type(value)
    if kind is tuple:
        if not value:
            return value
        first = value[0]
        if type(first) is str and first[:1] == "\0":
            cls = _TAGS[first]
            values = [v if type(v) in _LEAVES else _decode(v) for v in value[1:]]
            if cls in _SLOTTED:
                return cls(*values)
            obj = _new(cls)
            obj.__dict__.update(zip(_FIELDS[cls], values))
            return obj
        if set(map(type, value)) <= _LEAVES:
            return value
        return tuple([v if type(v) in _LEAVES else _decode(v) for v in value])
    if kind is list:
        if set(map(type, value)) <= _LEAVES:
            return value
        return [v if type(v) in _LEAVES else _decode(v) for v in value]
    if kind is dict:
        if set(map(type, value.values())) <= _LEAVES:
            return value
        return {k: v if type(v) in _LEAVES else _decode(v) for k, v in value.items()}
    return value


def _canonical(value: object) -> object:
    """A repr-stable form: sets sorted (their order varies between processes), dicts in order."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return (type(value).__name__, tuple((f.name, _canonical(getattr(value, f.name))) for f in dataclasses.fields(value)))
    if isinstance(value, (set, frozenset)):
        return ("set", tuple(sorted(repr(_canonical(v)) for v in value)))
    if isinstance(value, dict):
        return ("dict", tuple((_canonical(k), _canonical(v)) for k, v in value.items()))
    if isinstance(value, (list, tuple)):
        return tuple(_canonical(v) for v in value)
    return value


class RunCache:
    """One scan's view of the result cache: its key, the file digests, and the files' facts args."""

    def __init__(
        self, cache_dir: str, found: Discovery | Callable[[], Discovery], key: str, digests: list[bytes | None] | None,
        tree: SourceTree | None = None, root: str = "", stats: FileStats | None = None, phase_key: str | None = None,
    ) -> None:
        self.cache_dir = cache_dir
        # what the rules phase reads besides the files' contents (crashlint.cache.phase); None for a
        # tree that is not the disk
        self.phase_key = phase_key
        self._found = found
        self.key = key
        self.tree = tree
        self._digests = None if digests is None else {s.rel_path: d for s, d in zip(self.found.files, digests)}
        # an immutable tree (a git commit: new-findings mode's base) keeps its own last result
        immutable = tree is not None and tree.identity is not None
        self.path = pack_path(cache_dir, (root or self.found.root) + ("\0tree" if immutable else ""), "result")
        self.parsed_digests: list[tuple[list, list]] = []
        self.stats = stats  # the files' stats when they are read from disk (src/crashlint/cache/stats.py)
        self.manifests_read: dict = {}  # each folder's manifest as the key read it (dependencies.read_manifests)

    @property
    def found(self) -> Discovery:
        """The discovered files; discovered when first needed (an immutable tree's key needs none)."""
        if callable(self._found):
            self._found = self._found()
        return self._found

    @property
    def digests(self) -> dict[str, bytes | None]:
        """Content digests by path; read when first needed (an immutable tree's key needs none)."""
        if self._digests is None:
            values = read_digests(self.found.files, self.tree)
            self._digests = {s.rel_path: d for s, d in zip(self.found.files, values)}
        return self._digests

    def restore(self, result) -> bool:
        """Fill `result` (a ScanResult holding the discovery notes) from the cache; False on a miss."""
        try:
            payload = read_blob(self.path, MAGIC, code_fingerprint())
            if not isinstance(payload, tuple) or len(payload) != 2 or payload[0] != self.key:
                return False
            stored = _decode(payload[1])
            assert isinstance(stored, dict)
            fields = {f.name for f in dataclasses.fields(result)}
            values = {name: stored[name] for name in fields - set(NOT_STORED)}
            notes = list(stored["notes"])
            if not all(isinstance(n, Note) for n in notes):
                return False
        except Exception:  # noqa: BLE001 - a cache we cannot use is a miss, never an error
            return False
        for name, value in values.items():
            setattr(result, name, value)
        result.notes = sorted(result.notes + notes)
        from crashlint.source import SourceCache

        result.sources = SourceCache(result.root, self.tree)
        return True

    def facts_args(self, sources: list) -> dict:
        """Keyword arguments for `cache.facts.load_facts` over `sources` (a subset of the files):
        digests already read, and the scan root. The digests come back updated."""
        digests = [self.digests.get(source.rel_path) for source in sources]
        self.parsed_digests.append((sources, digests))
        return {"root": self.found.root, "digests": digests, "tree": self.tree}

    def store(self, result) -> bool:
        """Save `result` under the key, unless a rule or file failed (internal errors are re-run)
        or a file changed while it was scanned; whether it was saved."""
        if result.tracebacks:
            return False
        for sources, digests in self.parsed_digests:
            if any(self.digests.get(source.rel_path) != digest for source, digest in zip(sources, digests)):
                return False  # the key describes other contents than those analysed
        # The rules also read source lines from disk (fingerprints, some decisions), and files whose
        # facts came from the cache were not read again: a file edited during the run (and put back
        # later) would replay a result built from other bytes. Hashing every file again is cheap.
        immutable = self.tree is not None and self.tree.identity is not None
        if self.stats is not None:
            if not self.stats.unchanged(self.found.files):  # a stat each; a file whose stat changed is hashed
                return False
        elif not immutable and read_digests(self.found.files, self.tree) != [self.digests.get(s.rel_path) for s in self.found.files]:
            return False
        discovered = Counter(self.found.notes)
        notes = []
        for note in result.notes:
            if discovered[note] > 0:
                discovered[note] -= 1  # discovery notes are recomputed on every run
            else:
                notes.append(note)
        stored = {f.name: getattr(result, f.name) for f in dataclasses.fields(result) if f.name not in NOT_STORED}
        stored["notes"] = notes
        try:
            payload = (self.key, _encode(stored))
        except (ValueError, TypeError):
            return False
        return write_blob(self.path, MAGIC, code_fingerprint(), payload)


def open_run(
    cache_dir: str | None,
    found: Discovery | Callable[[], Discovery],
    *,
    rules: list[Rule],
    config: Config,
    baseline: Counter | None,
    report_unused: bool,
    only_paths: set[str] | None,
    options: dict | None = None,
    tree: SourceTree | None = None,
    root: str = "",
    discovery_key: object = None,
) -> RunCache | None:
    """The run's cache handle, or None without a cache folder (or if the key cannot be made).
    Call before the filters: they consume the baseline. `tree`: where the files are read from when
    not from the disk; an immutable one (a git commit) is keyed by its identity, not its contents,
    and with `discovery_key` (what its discovery depends on) `found` may be a function that
    discovers its files, called only on a miss."""
    if cache_dir is None:
        return None
    try:
        result_fields = tuple(f.name for f in dataclasses.fields(ScanResult))
        digests: list[bytes | None] | None = None
        stats: FileStats | None = None
        manifests_read: dict = {}  # kept for the project model: the manifests are read once per scan
        immutable = tree is not None and tree.identity is not None
        if immutable and discovery_key is not None:
            files: object = discovery_key
        else:
            found = found() if callable(found) else found
            files = (tuple((f.rel_path, f.grammar, f.abs_path, f.forced) for f in found.files),
                     tuple(found.beside))  # a linter rule's YAML beside a file makes it a test case
        if immutable:
            contents: object = tree.identity  # a git tree id names every file's content and the manifests
            manifests: object = None
        else:
            assert isinstance(found, Discovery)
            if tree is None:  # the disk: files whose stat is unchanged are not read again
                stats = FileStats(cache_dir, found.root)
                digests = stats.digests(found.files)
            else:
                digests = read_digests(found.files, tree)
            contents = tuple(d.hex() if d is not None else None for d in digests)
            folders = {posixpath.dirname(f.rel_path) for f in found.files}
            # the disk: a folder is read again only where something its reading looked at changed
            manifests = cached_manifests(cache_dir, found.root, folders, manifests_read) if tree is None \
                else read_manifests(found.root, folders, tree, manifests_read)
        parts = (
            RESULT_FORMAT,
            code_fingerprint(),
            root or found.root,  # type: ignore[union-attr]
            files,
            contents,
            tuple(rule.id for rule in rules),
            _canonical(config),
            None if baseline is None else tuple(sorted(baseline.items())),
            bool(report_unused),
            None if only_paths is None else tuple(sorted(only_paths)),
            _canonical(manifests),
            result_fields,
            tuple(sorted((k, repr(v)) for k, v in (options or {}).items())),
            tuple((name, tuple(f.name for f in dataclasses.fields(cls))) for name, cls in CLASSES.items()),
        )
        key = hashlib.sha256(repr(parts).encode("utf-8", "surrogatepass")).hexdigest()
        # the rules phase's inputs but the files' contents (compared file by file: crashlint.cache.phase)
        # and what only the filters read (baseline, suppressions' report, the files reported on)
        phase_parts = ("phase", parts[1], parts[2], parts[3], parts[5], parts[6], parts[10], parts[12])
        phase_key = hashlib.sha256(repr(phase_parts).encode("utf-8", "surrogatepass")).hexdigest() if tree is None else None
    except Exception:  # noqa: BLE001 - no key, no cache: the scan runs as usual
        return None
    run_cache = RunCache(cache_dir, found, key, digests, tree, root, stats, phase_key)
    run_cache.manifests_read = manifests_read
    return run_cache
