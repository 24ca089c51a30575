"""The one Finding model every formatter reads, plus the notes a scan emits beside findings."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

SEVERITIES = ("critical", "high", "medium", "low")
SEVERITY_RANK = {name: rank for rank, name in enumerate(SEVERITIES)}  # lower = more severe


@dataclass(frozen=True, order=True)
class Location:
    """A span in a file; `path` is POSIX and relative to the scan root, lines and columns 1-based."""

    path: str
    start_line: int
    start_col: int
    end_line: int
    end_col: int


@dataclass(frozen=True)
class Related:
    """Evidence elsewhere: where a listener was searched for, a router that was read, etc."""

    location: Location
    message: str


@dataclass(frozen=True, slots=True)
class Edit:
    """Replace bytes [start, end) of the file as on disk with `text` (start == end: an insertion)."""

    start: int
    end: int
    text: str
    order: int = 0  # among insertions at one point, lower first (a Python fix's imports before its constants)


@dataclass(frozen=True)
class Fix:
    """An automatic fix (crashlint.fix): one rule file's `[[autofix]]` entries applied to one finding."""

    title: str
    safe: bool  # applied by --fix; unsafe fixes need --unsafe-fixes too
    edits: tuple[Edit, ...]
    resolves: tuple[str, ...] = ()  # the needs it satisfies (context "missing"); () = the whole finding
    # each edit's region as reports give it: start line, start column, end line, end column (1-based,
    # columns in characters; start == end for an insertion)
    regions: tuple[tuple[int, int, int, int], ...] = ()
    digest: str = ""  # sha256 of the file the edits were computed on: a file changed since is left alone
    # edits the fix needs in other files, each (path, sha256 of that file, edits): one process's
    # shutdown goes into its entry file and exports what other modules hold (crashlint.fix.shutdown)
    elsewhere: tuple[tuple[str, str, tuple[Edit, ...]], ...] = ()
    # a process's one graceful shutdown (crashlint.fix.shutdown), the same for every finding it
    # resolves, so that a report shows it once per process: its title and every file's edits of it
    # (path, edits), the entry file first; "" and () for every other fix
    plan_title: str = ""
    plan: tuple[tuple[str, tuple[Edit, ...]], ...] = ()
    # marked, not planned: a report that shows only whether a finding has a fix (text, Markdown) gets
    # its title, safety and `resolves`, exactly when the edits would exist, and no edit (crashlint.fix)
    marked: bool = False


@dataclass
class Finding:
    rule_id: str
    slug: str
    severity: str
    title: str
    language: str
    location: Location
    subject: str  # the name of the client, worker, app or call the finding is about
    message: str
    problems: list[str]
    related: list[Related] = field(default_factory=list)
    # Names found in the code, for the rule's fix template (e.g. {"subject": "connection"}).
    context: dict[str, str] = field(default_factory=dict)
    # The subject's source line, stripped; feeds the fingerprint so it survives line moves.
    line_text: str = ""
    # The node the finding is about (a call), as a tree-sitter span with byte columns: where a fix edits.
    anchor: tuple[int, int, int, int] = (0, 0, 0, 0)
    # What a fix edits there, as the scan's parse of the file recorded it (set by the pipeline, read by
    # crashlint.fix): JS/TS (file CRC-32, file length, single quotes, double quotes, the call's site)
    edit_site: tuple = ()
    fix: Fix | None = None
    # The long-lived process whose code it is (crashlint.processes): (name, kind, entry file, how),
    # `how` "" when a start command or the code names the process, "path" when no entry point was
    # found and its files were judged by their paths; () for none.
    process: tuple[str, ...] = ()

    @property
    def fingerprint(self) -> str:
        """Stable across unrelated edits: rule, file, subject and the subject's own line text."""
        key = "\0".join((self.rule_id, self.location.path, self.subject, self.line_text))
        return hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()[:32]

    @classmethod
    def of_rule(cls, rule, language: str, location: Location, subject: str, message: str, problems: list[str],
                related: list[Related] | None = None, context: dict[str, str] | None = None,
                line_text: str = "", anchor: tuple[int, int, int, int] = (0, 0, 0, 0)) -> "Finding":
        """A finding of `rule` (a crashlint.rulepack.Rule): id, slug, severity and title come from it."""
        return cls(
            rule_id=rule.id, slug=rule.slug, severity=rule.severity, title=rule.title, language=language,
            location=location, subject=subject, message=message, problems=problems, related=related or [],
            context=context or {}, line_text=line_text, anchor=anchor,
        )

    def sort_key(self) -> tuple:
        return (SEVERITY_RANK[self.severity], self.rule_id, self.location, self.subject)


@dataclass(frozen=True, order=True)
class Note:
    """Something the scan could not fully analyse (parse error, unreadable file); never fatal."""

    path: str
    message: str
    line: int = 0
    level: str = "warning"  # SARIF notification level: error | warning | note
    verbose: bool = False  # shown only with --verbose (a file parsed in part because of a grammar gap)
