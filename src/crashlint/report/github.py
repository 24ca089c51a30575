"""`--format github`: GitHub Actions workflow commands, escaped as @actions/core escapes them."""

from __future__ import annotations

from crashlint.report.common import ReportInput

LEVEL = {"critical": "error", "high": "error", "medium": "warning", "low": "notice"}


def escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def unescape(text: str) -> str:
    """The runner's decoding: the inverse of both escapes (tests check the round trip)."""
    for encoded, char in (("%0D", "\r"), ("%0A", "\n"), ("%3A", ":"), ("%2C", ","), ("%25", "%")):
        text = text.replace(encoded, char)
    return text


def render_github(data: ReportInput, color: bool = False) -> str:
    lines = []
    for f in data.findings:
        loc = f.location
        props = [("file", loc.path), ("line", str(loc.start_line)), ("endLine", str(loc.end_line))]
        if loc.start_line == loc.end_line:  # GitHub ignores columns on multi-line annotations
            props += [("col", str(loc.start_col)), ("endColumn", str(loc.end_col))]
        props.append(("title", f"crashlint {f.rule_id} ({f.slug})"))
        message = "\n".join([f.message, *f.problems])
        rendered = ",".join(f"{key}={escape_property(value)}" for key, value in props)
        lines.append(f"::{LEVEL[f.severity]} {rendered}::{escape_data(message)}")
    for note in data.notes:
        props = f"file={escape_property(note.path)}" + (f",line={note.line}" if note.line else "")
        lines.append(f"::notice {props}::{escape_data(note.message)}")
    return "\n".join(lines) + ("\n" if lines else "")
