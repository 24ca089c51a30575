"""`--format github`: GitHub Actions workflow commands, escaped as @actions/core escapes them.

Paths are relative to the repository's top folder: the runner reads a relative `file=` from the
repository root (and makes an absolute one under the workspace relative), so a job that runs in a
subfolder still annotates the right file. The annotation is one line on the call (annotations only
show on a pull request when all their lines are in its diff)."""

from __future__ import annotations

from crashlint.report.common import ReportInput, display_path, head_location, places_base

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
    base = places_base()

    def path(rel_path: str) -> str:
        return display_path(data.root, rel_path, base) if data.root else rel_path

    lines = []
    for f in data.findings:
        head = head_location(f, data.sources)
        props = [("file", path(head.path)), ("line", str(head.start_line)), ("endLine", str(head.end_line)),
                 ("col", str(head.start_col)), ("endColumn", str(head.end_col)),
                 ("title", f"crashlint {f.rule_id} ({f.slug})")]
        message = "\n".join([f.message, *f.problems])
        rendered = ",".join(f"{key}={escape_property(value)}" for key, value in props)
        lines.append(f"::{LEVEL[f.severity]} {rendered}::{escape_data(message)}")
    for note in data.notes:
        props = f"file={escape_property(path(note.path))}" + (f",line={note.line}" if note.line else "")
        lines.append(f"::notice {props}::{escape_data(note.message)}")
    return "\n".join(lines) + ("\n" if lines else "")
