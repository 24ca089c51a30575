"""Findings, fixes and suppressions as Language Server Protocol values (lsprotocol types).

Positions: crashlint's locations count lines from 1 and columns in characters from 1; fixes edit
byte ranges. The protocol counts both from 0, columns in the code units the client and server
agreed on (UTF-16 unless the client offers UTF-8 or UTF-32)."""

from __future__ import annotations

import os
from pathlib import Path

from lsprotocol import types

from crashlint import __version__
from crashlint.findings import Edit, Finding, Location
from crashlint.report.sarif import help_uri
from crashlint.rulepack import Rule

SEVERITY = {
    "critical": types.DiagnosticSeverity.Error,
    "high": types.DiagnosticSeverity.Error,
    "medium": types.DiagnosticSeverity.Warning,
    "low": types.DiagnosticSeverity.Information,
}  # as SARIF's levels (crashlint.report.common.LEVEL): error, error, warning, note
SOURCE = "crashlint"


def units(text: str, encoding: str) -> int:
    """The length of `text` in the agreed code units."""
    if encoding == types.PositionEncodingKind.Utf8:
        return len(text.encode("utf-8", "surrogatepass"))
    if encoding == types.PositionEncodingKind.Utf32:
        return len(text)
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


class Lines:
    """A file's text by line, to turn characters and byte offsets into protocol positions."""

    def __init__(self, data: bytes, encoding: str) -> None:
        self.data = data
        self.encoding = encoding
        self.text = data.decode("utf-8", "replace")
        self.lines = self.text.split("\n")
        self.starts = [0]  # byte offset of each line
        for line in data.split(b"\n")[:-1]:
            self.starts.append(self.starts[-1] + len(line) + 1)

    def line(self, number: int) -> str:
        """Line `number` (0-based) without its line break; "" past the end."""
        return self.lines[number].rstrip("\r") if 0 <= number < len(self.lines) else ""

    def position(self, line: int, column: int) -> types.Position:
        """crashlint's 1-based line and character column as a protocol position."""
        text = self.line(line - 1)
        return types.Position(line=max(line - 1, 0), character=units(text[: max(column - 1, 0)], self.encoding))

    def at_byte(self, offset: int) -> types.Position:
        """A byte offset into the file as a protocol position."""
        offset = max(0, min(offset, len(self.data)))
        low, high = 0, len(self.starts) - 1
        while low < high:  # the last line starting at or before the offset
            middle = (low + high + 1) // 2
            if self.starts[middle] <= offset:
                low = middle
            else:
                high = middle - 1
        before = self.data[self.starts[low]:offset].decode("utf-8", "replace")
        return types.Position(line=low, character=units(before, self.encoding))


def uri_of(root: str, path: str) -> str:
    """The file URI of a path relative to the scan root."""
    return Path(os.path.normpath(os.path.join(root, path))).as_uri()


def range_of(location: Location, lines: Lines | None) -> types.Range:
    if lines is None:  # a file not read: columns as characters, which is right for ASCII lines
        return types.Range(types.Position(line=max(location.start_line - 1, 0), character=max(location.start_col - 1, 0)),
                           types.Position(line=max(location.end_line - 1, 0), character=max(location.end_col - 1, 0)))
    return types.Range(lines.position(location.start_line, location.start_col), lines.position(location.end_line, location.end_col))


def diagnostic(finding: Finding, rule: Rule | None, root: str, lines: Lines | None, read) -> types.Diagnostic:
    """A finding as a diagnostic: its message with its problems, the rule as code with a link to its
    documentation, related locations as related information. `read(path)` gives a related file's
    Lines (or None)."""
    message = finding.message
    extra = [p for p in finding.problems if p != finding.message]
    if extra:
        message += "".join(f"\n- {p}" for p in extra)
    related = []
    for item in finding.related:
        if item.location.path.startswith("/"):
            continue
        related.append(types.DiagnosticRelatedInformation(
            location=types.Location(uri=uri_of(root, item.location.path), range=range_of(item.location, read(item.location.path))),
            message=item.message,
        ))
    return types.Diagnostic(
        range=range_of(finding.location, lines),
        message=message,
        severity=SEVERITY.get(finding.severity, types.DiagnosticSeverity.Warning),
        code=finding.rule_id,
        code_description=types.CodeDescription(href=help_uri(rule, None, __version__)) if rule is not None else None,
        source=SOURCE,
        related_information=related or None,
        data={"fingerprint": finding.fingerprint, "slug": finding.slug},
    )


def text_edits(edits: tuple[Edit, ...], lines: Lines) -> list[types.TextEdit]:
    ordered = sorted(edits, key=lambda e: (e.start, e.end, e.order))
    return [types.TextEdit(range=types.Range(lines.at_byte(e.start), lines.at_byte(e.end)), new_text=e.text) for e in ordered]


def suppression(finding: Finding, lines: Lines) -> types.TextEdit:
    """A comment that suppresses this finding with a reason to fill in, in the file's style:
    `// crashlint-disable-next-line CL008 -- reason` above the line (JS/TS), `# crashlint:
    ignore[CL008] -- reason` at its end (Python, whose directive covers its own line)."""
    line = finding.location.start_line
    text = lines.line(line - 1)
    reason = "TODO: why this is safe"
    if finding.language == "python":
        end = types.Position(line=line - 1, character=units(text, lines.encoding))
        return types.TextEdit(range=types.Range(end, end), new_text=f"  # crashlint: ignore[{finding.rule_id}] -- {reason}")
    indent = text[: len(text) - len(text.lstrip())]
    start = types.Position(line=line - 1, character=0)
    return types.TextEdit(range=types.Range(start, start),
                          new_text=f"{indent}// crashlint-disable-next-line {finding.rule_id} -- {reason}\n")


def hover_text(finding: Finding, rule: Rule | None) -> str:
    """The rule's what / why / fix, under the finding's own message."""
    parts = [f"**{finding.rule_id} {finding.slug}** ({finding.severity}): {finding.title}", "", finding.message]
    parts += [f"- {p}" for p in finding.problems if p != finding.message]
    if rule is not None:
        parts += ["", "**What**", "", rule.what.strip(), "", "**Why it crashes**", "", rule.why.strip(),
                  "", "**Fix**", "", rule.fix_text.strip()]
        parts += ["", f"[{rule.id} documentation]({help_uri(rule, None, __version__)})"]
    return "\n".join(parts)
