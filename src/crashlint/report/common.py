"""The input every formatter reads, the formatter signature, and what several formats share:
levels, display paths and the one-line region of a finding's call."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field

from crashlint.findings import Finding, Location, Note
from crashlint.rulepack import Rule
from crashlint.source import SourceCache
from crashlint.sourcetree import repository_top

# SARIF / GitHub levels by severity (SPEC §5)
LEVEL = {"critical": "error", "high": "error", "medium": "warning", "low": "note"}
CODE_FENCE_LANGUAGE = {"typescript": "typescript", "javascript": "javascript", "python": "python"}


@dataclass
class ReportOptions:
    """What the command line asks of the formats beyond the findings."""

    sarif_category: str | None = None  # SARIF runAutomationDetails.id (GitHub's upload category)
    security_severity: bool = False  # SARIF: rate rules as security vulnerabilities (off: crash patterns are not)
    help_uri_base: str | None = None  # SARIF helpUri: a URL prefix, or a template with {id} / {slug} / {file}
    show_fixes: bool = False  # text: a `help:` line under each finding that has an automatic fix
    quiet: bool = False  # text: the findings only, no summary or hints
    output_dir: str = ""  # markdown: the folder the report is written to (links to code are relative to it)


@dataclass
class ReportInput:
    findings: list[Finding]
    notes: list[Note]
    rules: list[Rule]  # the enabled rules, in id order
    files_scanned: int
    sources: SourceCache
    version: str
    suppressed: list[tuple[Finding, str]] = field(default_factory=list)  # (finding, reason) hidden inline
    root: str = ""  # the scan root, absolute: findings' paths are relative to it ("" = print them as they are)
    options: ReportOptions = field(default_factory=ReportOptions)
    baselined: int = 0  # findings hidden by the baseline
    new_since: str | None = None  # new-findings mode: the git ref compared against
    known: int = 0  # new-findings mode: findings already there at that ref (not shown)

    def __post_init__(self) -> None:
        self._display: dict[str, str] = {}

    def path(self, rel_path: str) -> str:
        """A finding's path as every terminal-facing format prints it: relative to the working
        directory (as ruff), absolute when the file is outside it."""
        shown = self._display.get(rel_path)
        if shown is None and not rel_path:
            return rel_path
        if shown is None:
            shown = self._display[rel_path] = display_path(self.root, rel_path, os.getcwd()) if self.root else rel_path
        return shown

    def absolute(self, rel_path: str) -> str:
        return rel_path if not self.root or os.path.isabs(rel_path) else os.path.join(self.root, rel_path)

    @property
    def files_with_findings(self) -> int:
        return len({f.location.path for f in self.findings})


Formatter = Callable[[ReportInput, bool], str]  # (input, color) → output text


def display_path(root: str, rel_path: str, base: str) -> str:
    """`rel_path` (relative to `root`, or absolute) relative to the folder `base`, in POSIX form;
    the absolute path when it lies outside `base`."""
    absolute = rel_path if os.path.isabs(rel_path) else os.path.join(root, rel_path)
    inside = relative_inside(absolute, base)
    return inside if inside is not None else absolute.replace(os.sep, "/")


def relative_inside(absolute: str, base: str) -> str | None:
    """`absolute` relative to `base` (POSIX), or None when it is not inside `base`."""
    base = os.path.join(os.path.normpath(base), "")
    absolute = os.path.normpath(absolute)
    if not absolute.startswith(base):
        return None
    return absolute[len(base):].replace(os.sep, "/")


def places_base() -> str:
    """The folder GitHub places paths from: the repository's top (upload-sarif resolves relative
    URIs from the checkout, the runner annotation paths from the workspace), else the working
    directory."""
    cwd = os.getcwd()
    return repository_top(cwd) or cwd


def head_location(finding: Finding, sources: SourceCache) -> Location:
    """One line on the call or constructor the finding is about: from its start to the end of the
    call, or of that line when the call goes on (a 60-line `new Worker(…, async (job) => {…})` is
    `new Worker("q", async (job) => {`). Annotations only show when every line of them is in a
    pull request's diff; the statement stays available as the context region."""
    loc = finding.location
    anchor = finding.anchor
    if anchor != (0, 0, 0, 0) and loc.start_line <= anchor[0] <= loc.end_line:
        line = anchor[0]
        text = sources.line(loc.path, line)
        start = _char_col(text, anchor[1])
        end = _char_col(text, anchor[3]) if anchor[2] == line else len(text.rstrip()) + 1
    else:
        line = loc.start_line
        text = sources.line(loc.path, line)
        start = loc.start_col
        end = loc.end_col if loc.end_line == line else len(text.rstrip()) + 1
    return Location(loc.path, line, start, line, max(end, start + 1))


def _char_col(text: str, byte_col: int) -> int:
    """tree-sitter columns count bytes (1-based here); reports count characters."""
    if text.isascii():
        return byte_col
    return len(text.encode("utf-8")[: byte_col - 1].decode("utf-8", "replace")) + 1


def plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


def read_bytes(path: str) -> bytes | None:
    """A file's bytes, or None when it cannot be read (a report never fails on it)."""
    try:
        with open(path, "rb") as handle:
            return handle.read()
    except OSError:
        return None


def code_point_position(source: bytes, offset: int) -> tuple[int, int]:
    """Byte offset → (line, column in code points), both 1-based: where a fix's edit in another
    file starts or ends, as reports give positions."""
    line_start = source.rfind(b"\n", 0, offset) + 1
    return source.count(b"\n", 0, offset) + 1, len(source[line_start:offset].decode("utf-8", "replace")) + 1
