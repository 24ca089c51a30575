"""Read a file, parse it once with tree-sitter, extract its facts. Never raises on bad input."""

from __future__ import annotations

import os
import re
import traceback
import zlib
from collections.abc import Iterator
from itertools import islice

import tree_sitter

from crashlint.facts.common import set_source
from crashlint.facts.model import FileFacts, Parsed  # noqa: F401  (Parsed: re-exported; it lives with the facts)
from crashlint.findings import Note
from crashlint.generated import generated_reason, wrapper_bundle
from crashlint.grammar_gaps import without_gaps
from crashlint.languages import LANGUAGE_OF_GRAMMAR, parser
from crashlint.suppressions import parse_suppressions

# whitespace, `//` and `/* */` comments and a `#!` line before a JS/TS module's first statement
LEADING_COMMENTS = re.compile(rb"(?:#![^\n]*\n)?(?:\s+|//[^\n]*(?:\n|$)|/\*.*?\*/)*", re.S)


class _Extractors(dict):
    """grammar → the extractor of its language, imported the first time a file of it is parsed
    (a TypeScript-only scan never imports the Python extractor: start-up)."""

    def __missing__(self, grammar: str):
        if grammar == "python":
            from crashlint.facts import python as module
        else:
            from crashlint.facts import javascript as module
        self[grammar] = module.extract
        return module.extract


EXTRACTORS: dict = _Extractors()
MAX_ERROR_LINES = 5  # parse-error lines named in a note


def error_nodes(root: tree_sitter.Node) -> Iterator[tree_sitter.Node]:
    """ERROR / MISSING nodes in source order, found by descending only into subtrees that have one."""
    stack = [root]
    while stack:
        node = stack.pop()
        if node.is_error or node.is_missing:
            yield node
            continue
        stack.extend(reversed([c for c in node.children if c.has_error or c.is_missing]))


def error_lines(root: tree_sitter.Node) -> list[int]:
    """First lines of ERROR / MISSING nodes (at most MAX_ERROR_LINES nodes)."""
    return sorted({node.start_point[0] + 1 for node in islice(error_nodes(root), MAX_ERROR_LINES)})


BINARY_HEAD = 8192  # the bytes a file is judged by
BINARY_NULS = 0.01  # more NULs than this share of the head: data or UTF-16, not source text


def is_binary(source: bytes) -> bool:
    """Whether a file is data, not source text, judged by its first BINARY_HEAD bytes: NUL bytes
    and either more than 1 % of them (and more than one) or bytes that are not UTF-8. One NUL in valid UTF-8 is text
    (mirlo's src/api.ts: a literal NUL in a `//` comment about ID3 padding; skipped, it hid the
    only importer of 154 route modules; the NUL itself is a grammar gap, crashlint.grammar_gaps). Text
    with no NUL is never binary here: a file that is not UTF-8 is parsed as far as it goes
    (`parse_source` says so)."""
    head = source[:BINARY_HEAD]
    nuls = head.count(b"\0")
    if not nuls:
        return False
    if nuls > max(1, len(head) * BINARY_NULS):  # one NUL in a short file is still a stray byte
        return True
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        # a multi-byte character cut by the head's end is not an undecodable byte
        return not (len(head) == BINARY_HEAD and exc.reason == "unexpected end of data")
    return False


def is_minified(grammar: str, source: bytes) -> bool:
    """A bundle, minified or other generated file, judged by its bytes (crashlint.generated)."""
    return generated_reason(grammar, source) is not None


GENERATED_NOTE = "not analysed: generated or vendored"  # scan.py sums these notes up in one line


def generated(rel_path: str, reason: str) -> Parsed:
    return Parsed(None, [Note(rel_path, f"{GENERATED_NOTE} ({reason}); --include analyses it anyway", level="note", verbose=True)])


def parse_source(rel_path: str, grammar: str, source: bytes, forced: bool = False) -> Parsed:
    """`forced`: analyse it even if it looks generated (`--include`, or named on the command line)."""
    notes: list[Note] = []
    if is_binary(source):
        return Parsed(None, [Note(rel_path, "binary file skipped", level="note")])
    content = (zlib.crc32(source), len(source))
    if source.startswith(b"\xef\xbb\xbf"):
        source = source[3:]
    reason = None if forced else generated_reason(grammar, source)
    if reason is not None:
        return generated(rel_path, reason)
    try:
        source.decode("utf-8")
    except UnicodeDecodeError as exc:
        notes.append(Note(rel_path, f"not valid UTF-8 (byte {exc.start}); analysed as far as it parses", level="note"))
    tree = parser(grammar).parse(source)
    if not forced and wrapper_bundle(grammar, source, tree.root_node):
        return generated(rel_path, "a bundle: one function wrapper spans the file")
    facts = FileFacts(path=rel_path, language=LANGUAGE_OF_GRAMMAR[grammar], content=content)
    # a directive prologue may follow comments (a license header: mozilla/blurts-server's client
    # components open with the MPL notice, then "use client") and a `#!` line; ECMAScript's
    # directive prologue is the file's first statements, and comments are no statements
    head = LEADING_COMMENTS.sub(b"", source[:4096], count=1)
    facts.ui = facts.client_directive = head.startswith((b'"use client"', b"'use client'"))
    facts.server_directive = head.startswith((b'"use server"', b"'use server'"))
    facts.cli = grammar != "python" and b"process.argv" in source
    facts.lint_fixture = b"ruleid:" in source  # semgrep's and crashlint's own test annotations
    facts.suppressions = parse_suppressions(source)
    root = tree.root_node
    if root.has_error:
        facts.parse_errors = error_lines(root)
        note, clean = syntax_note(rel_path, grammar, source, facts.parse_errors)
        notes.append(note)
        if clean is not None:  # the grammar's gaps rewritten, meaning kept: that tree, the file's bytes
            root = clean.root_node
    set_source(source)
    try:
        EXTRACTORS[grammar](root, facts, grammar)
    except RecursionError:
        notes.append(Note(rel_path, "nesting too deep to analyse; file skipped", level="warning"))
        return Parsed(None, notes)
    except Exception as exc:  # noqa: BLE001 - one file's bug must not stop the scan
        notes.append(Note(rel_path, f"internal error while analysing this file: {type(exc).__name__}: {exc}", level="error"))
        return Parsed(None, notes, traceback=f"{rel_path}\n{traceback.format_exc()}")
    return Parsed(facts, notes)


def syntax_note(rel_path: str, grammar: str, source: bytes, lines: list[int]) -> tuple[Note, tree_sitter.Tree | None]:
    """A syntax error, or — when the errors are all gaps of the grammar (crashlint.grammar_gaps:
    valid code it cannot parse) — a note that only `--verbose` shows; with the tree to read the
    facts from when rewriting the gaps kept the code's meaning and gave a clean parse."""
    again = without_gaps(grammar, source, parser(grammar), {line - 1 for line in lines})
    if again is not None:
        if not again.tree.root_node.has_error:
            what = "; ".join(again.found) or "a construct the grammar lacks"
            return Note(rel_path, f"parsed in part at line {', '.join(map(str, lines))}: {what} (valid code the "
                        "tree-sitter grammar cannot parse); the rest of the file is analysed",
                        line=lines[0] if lines else 0, level="note", verbose=True), again.tree if again.faithful else None
        lines = error_lines(again.tree.root_node)  # the real errors, once the grammar's gaps are set aside
    where = ", ".join(str(n) for n in lines) or "?"
    return Note(rel_path, f"syntax error at line {where}; the rest of the file is still analysed", line=lines[0] if lines else 0), None


def parse_file(abs_path: str, rel_path: str, grammar: str) -> Parsed:
    try:
        with open(abs_path, "rb") as handle:
            source = handle.read()
    except OSError as exc:
        return unreadable(rel_path, exc)
    return parse_source(rel_path, grammar, source)


def unreadable(rel_path: str, exc: OSError) -> Parsed:
    """The note for a file that could not be read."""
    if isinstance(exc, FileNotFoundError):
        return Parsed(None, [Note(rel_path, "file vanished during the scan", level="note")])
    return Parsed(None, [Note(rel_path, f"cannot read file: {os.strerror(exc.errno or 0) or exc}")])
