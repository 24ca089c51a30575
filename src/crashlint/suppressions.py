"""Inline suppressions, read from comments (SPEC §6):

    // crashlint-disable-next-line CL008 -- reason      the next line
    // crashlint-disable-line CL008, CL001              this line
    // crashlint-disable-file CL011 -- reason           the whole file
    # crashlint: ignore[CL008] -- reason                this line (Python)
    # crashlint: ignore-file[CL008]                     the whole file (Python)

Rules are named by id or slug; none named means every rule. The reason after `--` is kept.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

DIRECTIVE = re.compile(
    r"crashlint(?:-disable-(?P<js>next-line|line|file)|:\s*(?P<py>ignore-file|ignore))"
    r"(?:\[(?P<bracket>[^\]]*)\]|(?P<bare>[ \t]+[A-Za-z0-9_, \t-]*?))?"
    r"(?:[ \t]+--[ \t]*(?P<reason>.*?))?[ \t]*(?:\*/)?[ \t]*$"
)


@dataclass(frozen=True)
class Suppression:
    line: int  # the line it covers; 0 = the whole file
    rules: tuple[str, ...]  # ids or slugs; () = every rule
    reason: str
    directive_line: int

    def covers(self, rule_id: str, slug: str, line: int) -> bool:
        return (self.line == 0 or self.line == line) and (not self.rules or rule_id in self.rules or slug in self.rules)


def parse_suppressions(source: bytes) -> list[Suppression]:
    if b"crashlint" not in source:
        return []
    found = []
    for number, raw in enumerate(source.decode("utf-8", "replace").splitlines(), start=1):
        if "crashlint" not in raw:
            continue
        match = DIRECTIVE.search(raw)
        if match is None:
            continue
        names = match.group("bracket") if match.group("bracket") is not None else (match.group("bare") or "")
        rules = tuple(r for r in re.split(r"[,\s]+", names.strip()) if r)
        kind = match.group("js") or match.group("py")
        line = {"next-line": number + 1, "line": number, "ignore": number}.get(kind, 0)
        found.append(Suppression(line, rules, (match.group("reason") or "").strip(), number))
    return found
