"""The last rules phase of a scan root, kept for the commit path (issue 13 item 7): a scan whose
files changed only where the rules do not look reuses the rules' findings instead of decoding
every file's facts, building the project model and the process model and running the rules.

One file per scan root beside the facts (`phase-<root hash>.bin`) holding a `PhaseRecord`: the
key of everything the rules phase reads besides the files' contents (crashlint's code and rule
pack, the selected rules, the configuration, the manifests, the list of files: `RunCache.phase_key`),
the content digest of every file the rules ran on, the source lines the rules read of each file
(their numbers and a digest of their text), each file's parse notes, and the rules' findings as
they made them (before the filters, edit sites and fixes, which every scan applies again).

A later scan with the same key reuses them when every file whose digest differs (at most
MAX_CHANGED) has facts the rules read the same from (`facts.model.same_facts`: a comment, a blank
line or a string the rules never read, edited) and the same text on every line the rules read of
it. The facts the rules ran on come from the facts pack, whose entry for the file still holds them
until this scan parses it again. Anything else is a miss: the whole rules phase runs, as it must,
for an edit that changes code (the rules read every file's calls through project-wide indexes, so
no finding of theirs can be shown independent of one file's change), for a manifest, configuration
or rule-pack change (another key) and for a file added or removed (another list of files).
Reading or writing the file never fails a scan: anything unexpected is a miss.

Beside it (`model-<root hash>.bin`), under the same key, the project model's answers that read
nothing but the key's inputs (`Project.kept_answers`: where each import of each file leads, the
files each start command runs, functions of the list of files and the manifests alone), so that a
scan whose rules phase runs again after a code edit works out only what they lack (issue 13 item 7).
The passes of the rules whose answer about each file reads only that file's facts (`Project.own_pass`:
the calls each of CL003's cases looks at) are kept the same way, each file's answer with its digest
(`passes-<root hash>.bin`), so a code edit asks them of the edited files alone.
With them, the answers about one file that read only its own facts besides those inputs
(`Project.own_part`: where the file's imports, re-exports and spawns lead, its role by its path),
each with the content digest of the file it was computed from (`parts-<root hash>.bin`): a later
scan takes those whose file has the same digest, so a code edit computes them again for the edited
files alone.
"""

from __future__ import annotations

import hashlib
import marshal
from dataclasses import dataclass

from crashlint.cache.facts import PackContents, code_fingerprint, open_pack, pack_path, read_blob, write_blob
from crashlint.cache.results import _decode, _encode
from crashlint.facts import codec
from crashlint.facts.model import FileFacts
from crashlint.findings import Finding, Note

PHASE_FORMAT = 1
MAGIC = b"CRASHLINT-PHASE\n"
MODEL_FORMAT = 2
MODEL_MAGIC = b"CRASHLINT-MODEL\n"
PARTS_FORMAT = 3  # the per-file answers' file: 2 held them by file, each answer beside its file's digest
MAX_CHANGED = 32  # changed files compared one by one; more than this: run the rules
WHOLE_FILE = -1  # crashlint.source.WHOLE_FILE: every line of the file was read


@dataclass
class PhaseRecord:
    key: str  # RunCache.phase_key
    focus: tuple[str, ...] | None  # the files the per-file rules looked at (--in-project), None: all
    digests: dict[str, bytes | None]  # each file's content digest, as the rules read it
    lines: dict[str, tuple[tuple[int, ...], bytes]]  # lines the rules read, and a digest of their text
    notes: dict[str, list[Note]]  # each file's parse notes (files with none are left out)
    findings: list[Finding]  # the rules' findings, before the filters
    rule_notes: list[Note]
    # the same findings as they are saved (`stored_form`: tuples of plain values), made before
    # `finish` changes the findings in place: a snapshot in the one pass the save needs anyway, and
    # the source of a fresh copy for each reuse (a deep copy of 6,000 findings cost 0.1 ms each).
    # A new record holds only this (its `findings` are []); a loaded one both.
    stored: object

    def fresh_findings(self) -> list[Finding]:
        """A copy of the findings that the caller may change."""
        return _decode(self.stored)  # type: ignore[return-value]

    def covers(self, focus: set[str] | None) -> bool:
        """Whether the findings hold every finding a run with `focus` makes: the per-file rules
        of the recorded run looked at every file, or at these ones among others."""
        return self.focus is None or (focus is not None and focus <= set(self.focus))


def lines_digest(lines: list[str], numbers: tuple[int, ...]) -> bytes:
    """A digest of the text of `lines` (1-based numbers; a line past the end reads "")."""
    digest = hashlib.sha256()
    for number in numbers:
        digest.update((lines[number - 1] if 0 < number <= len(lines) else "").encode("utf-8", "surrogatepass"))
        digest.update(b"\0\n")
    return digest.digest()


def stored_form(findings: list[Finding]) -> object:
    """`findings` as a record stores them (PhaseRecord.stored)."""
    return _encode(findings)


def load(cache_dir: str, root: str, key: str) -> PhaseRecord | None:
    """The record of `root` written under `key`, or None."""
    try:
        payload = read_blob(pack_path(cache_dir, root, "phase"), MAGIC, code_fingerprint())
        if not isinstance(payload, tuple) or len(payload) != 8 or payload[0] != PHASE_FORMAT or payload[1] != key:
            return None
        _, key, focus, digests, lines, notes, findings, rule_notes = payload
        record = PhaseRecord(key, None if focus is None else tuple(focus), dict(digests), dict(lines),
                             _decode(notes), _decode(findings), _decode(rule_notes), stored=findings)  # type: ignore[arg-type]
        if not all(isinstance(f, Finding) for f in record.findings):
            return None
        return record
    except Exception:  # noqa: BLE001 - a record we cannot read is a miss, never an error
        return None


def save(cache_dir: str, root: str, record: PhaseRecord) -> None:
    try:
        payload = (PHASE_FORMAT, record.key, record.focus, record.digests, record.lines, _encode(record.notes),
                   record.stored, _encode(record.rule_notes))
    except (ValueError, TypeError):
        return
    write_blob(pack_path(cache_dir, root, "phase"), MAGIC, code_fingerprint(), payload)


def open_facts(cache_dir: str, root: str) -> PackContents | None:
    """The facts pack of `root` as it is now (read once: the scan goes on with it, crashlint.cache.facts)."""
    return open_pack(pack_path(cache_dir, root), code_fingerprint())


def facts_from_pack(contents: PackContents | None, wanted: dict[str, bytes | None]) -> dict[str, FileFacts] | None:
    """The facts the pack holds for each path of `wanted` under exactly that content digest; None
    when one of them is not there (parsed again since, or never cached)."""
    if contents is None:
        return None
    found: dict[str, FileFacts] = {}
    for path, digest in wanted.items():
        entry = contents.entries.get(path)
        if digest is None or entry is None or entry[0] != digest:
            return None
        try:
            facts = codec.decode(entry[1]).facts
        except Exception:  # noqa: BLE001 - a corrupt entry: no reuse
            return None
        if facts is None:
            return None
        found[path] = facts
    return found


def load_model(cache_dir: str, root: str, key: str, digests: dict[str, bytes | None]) -> dict[str, dict] | None:
    """The model answers of `root` saved under `key` (`Project.kept_answers`), or None; under
    "parts", the per-file answers (`Project.own_part`: what → path → (extra, answer)) of the files
    whose content digest is the one of `digests`, from a file of their own (`parts-<root hash>.bin`:
    they change with every code edit, the others seldom). O(the answers saved), beside which the
    per-file answers cost O(files + the answers of files changed since)."""
    try:
        payload = read_blob(pack_path(cache_dir, root, "model"), MODEL_MAGIC, code_fingerprint())
        if not isinstance(payload, tuple) or len(payload) != 3 or payload[0] != MODEL_FORMAT or payload[1] != key \
                or not isinstance(payload[2], dict) or not all(isinstance(v, dict) for v in payload[2].values()):
            return None
        answers = dict(payload[2])
    except Exception:  # noqa: BLE001 - answers we cannot read are a miss, never an error
        return None
    parts: dict[str, dict] = {}
    try:
        saved = read_blob(pack_path(cache_dir, root, "parts"), MODEL_MAGIC, code_fingerprint())
        if isinstance(saved, tuple) and len(saved) == 4 and saved[0] == PARTS_FORMAT and saved[1] == key:
            _, _, names, parts = saved
            if not isinstance(parts, dict) or not all(isinstance(table, dict) for table in parts.values()):
                raise TypeError("not per-file answers")
            # the files whose content changed since (a commit scan: the edited ones) lose their answers;
            # the tables are this read's own, changed in place
            stale = [path for path, digest in names.items() if digests.get(path) != digest]
            if stale:
                for table in parts.values():
                    for path in stale:
                        table.pop(path, None)
    except Exception:  # noqa: BLE001 - as above: a miss
        parts = {}
    answers["parts"] = parts
    answers["passes"] = _load_passes(cache_dir, root, key, digests)
    return answers


def _load_passes(cache_dir: str, root: str, key: str, digests: dict[str, bytes | None]) -> dict:
    """The `Project.own_pass` answers saved under `key` (`passes-<root hash>.bin`): what → (extra,
    path → answer) for the files whose content digest is the one of `digests`; {} when unreadable.
    O(the answers saved)."""
    try:
        saved = read_blob(pack_path(cache_dir, root, "passes"), MODEL_MAGIC, code_fingerprint())
        if not (isinstance(saved, tuple) and len(saved) == 5 and saved[0] == MODEL_FORMAT and saved[1] == key):
            return {}
        _, _, names, selections, passes = saved
        # the saved digests by file, each compared with the file's digest now once
        same = {path for path, digest in names.items() if digest is not None and digests.get(path) == digest}
        kept = {}
        for what, (extra, selection, answered) in passes.items():
            table = dict.fromkeys((path for path in selections[selection] if path in same), ())  # empty answers
            table.update((path, answer) for path, answer in answered.items() if path in same)
            kept[what] = (extra, table)
        return kept
    except Exception:  # noqa: BLE001 - answers we cannot read are a miss, never an error
        return {}


def save_passes(cache_dir: str, root: str, key: str, passes: dict, digests: dict[str, bytes | None]) -> None:
    """Save `passes` (`Project.own_passes`: what → (extra, path → answer)) with the content digest
    in `digests` of each file they answer about; a file with no digest is left out (asked again).
    Each pass is stored as the files it asked (a list several passes of the same selection share)
    and its non-empty answers: most answers are empty. A pass marshal cannot store is left out
    (computed again). O(the files asked + the non-empty answers)."""
    names: dict[str, bytes] = {}
    selections: list[list[str]] = []
    shared: dict[frozenset, int] = {}
    storable: dict = {}
    for what, (extra, answered) in passes.items():
        asked = [path for path in answered if digests.get(path) is not None]
        nonempty = {path: answered[path] for path in asked if answered[path]}
        if not _storable(what, extra, nonempty):
            continue
        selection = shared.get(frozenset(asked))
        if selection is None:
            selection = shared[frozenset(asked)] = len(selections)
            selections.append(asked)
            for path in asked:
                names[path] = digests[path]  # type: ignore[assignment]
        storable[what] = (extra, selection, nonempty)
    write_blob(pack_path(cache_dir, root, "passes"), MODEL_MAGIC, code_fingerprint(),
               (MODEL_FORMAT, key, names, selections, storable))


def save_model(cache_dir: str, root: str, key: str, answers: dict[str, dict]) -> None:
    """Save `answers`, leaving out any that marshal cannot store (they are worked out again)."""
    storable = {}
    for name, table in answers.items():
        try:
            marshal.dumps(table)
            storable[name] = table
        except ValueError:
            storable[name] = {k: v for k, v in table.items() if _storable(k, v)}
    write_blob(pack_path(cache_dir, root, "model"), MODEL_MAGIC, code_fingerprint(), (MODEL_FORMAT, key, storable))


def save_parts(cache_dir: str, root: str, key: str, parts: dict[str, dict[str, tuple[object, object]]],
               digests: dict[str, bytes | None]) -> None:
    """Save `parts` (`Project.own_parts`: what → path → (extra, answer)) as they are, with the
    content digest in `digests` of each file they answer about (one per file, not per answer); a
    file with no digest is left out (asked again), and so is an answer marshal cannot store (worked
    out again). O(files) beside marshal's own walk: a commit scan saves them after every code edit,
    and a pass over every answer cost novu's 0.03 s (issue 13 item 7)."""
    paths: set[str] = set().union(*parts.values())
    names = {path: digests.get(path) for path in paths}
    unnamed = [path for path, digest in names.items() if digest is None]
    if unnamed:
        for path in unnamed:
            del names[path]
        parts = {what: {path: item for path, item in table.items() if path in names} for what, table in parts.items()}
    if not write_blob(pack_path(cache_dir, root, "parts"), MODEL_MAGIC, code_fingerprint(), (PARTS_FORMAT, key, names, parts)):
        kept = {what: {path: item for path, item in table.items() if _storable(what, *item)} for what, table in parts.items()}
        write_blob(pack_path(cache_dir, root, "parts"), MODEL_MAGIC, code_fingerprint(), (PARTS_FORMAT, key, names, kept))


def _storable(*values: object) -> bool:
    try:
        marshal.dumps(values)
        return True
    except ValueError:
        return False
