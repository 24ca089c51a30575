"""`--format text`: ruff-like lines, a code frame with the subject underlined, a summary.

Lines are built as styled segments and written in one pass: plain text when the output is not a
terminal (rich is not even imported), one rich print of the whole report in color.
"""

from __future__ import annotations

import io
from collections import Counter

from crashlint.findings import SEVERITIES, Finding
from crashlint.report.common import ReportInput, plural

SEVERITY_STYLE = {"critical": "bold red", "high": "bold yellow", "medium": "yellow", "low": "cyan"}
FRAME_LINES = 3  # lines of a multi-line subject shown in its frame


class Text:
    """One output line, built as rich's Text is (rich only renders it, in color): a text in a style
    for the whole line, and segments appended in their own styles."""

    __slots__ = ("style", "parts")

    def __init__(self, text: str = "", style: str = "") -> None:
        self.style = style
        self.parts = [(text, "")] if text else []

    def append(self, text: str, style: str = "") -> None:
        self.parts.append((text, style))

    @property
    def plain(self) -> str:
        return "".join(text for text, _ in self.parts)


def summary_line(findings: list[Finding], files_scanned: int, *, baselined: int = 0, new_since: str | None = None,
                 known: int = 0) -> str:
    """`Found 3 findings (1 critical, 2 medium) in 2 of 40 files.`: the files that have findings, of
    the files scanned; what the baseline hid; in new-findings mode, since which ref."""
    new = " new" if new_since else ""
    since = f" since {new_since}" if new_since else ""
    hidden = f" {plural(baselined, 'finding')} in the baseline not shown." if baselined else ""
    if new_since and known:
        hidden += f" {plural(known, 'finding')} from before not shown."
    if not findings:
        return f"No{new} crash patterns found{since} ({plural(files_scanned, 'file')} scanned).{hidden}"
    counts = Counter(f.severity for f in findings)
    parts = ", ".join(f"{counts[s]} {s}" for s in SEVERITIES if counts[s])
    with_findings = len({f.location.path for f in findings})
    return (f"Found {len(findings)}{new} {'finding' if len(findings) == 1 else 'findings'} ({parts}){since} "
            f"in {with_findings} of {plural(files_scanned, 'file')}.{hidden}")


def _frame(data: ReportInput, finding: Finding) -> list[Text]:
    loc = finding.location
    last = min(loc.end_line, loc.start_line + FRAME_LINES - 1)
    width = len(str(last))
    gutter = " " * width + " |"
    lines = [Text(gutter, style="blue")]
    for number in range(loc.start_line, last + 1):
        source = data.sources.line(loc.path, number).expandtabs(4)
        row = Text(f"{number:>{width}} | ", style="blue")
        row.append(source)
        lines.append(row)
        if number == loc.start_line:
            start = loc.start_col - 1
            end = loc.end_col - 1 if loc.end_line == number else len(source)
            marker = Text(gutter + " " + " " * start, style="blue")
            marker.append("^" * max(1, end - start), style=SEVERITY_STYLE[finding.severity])
            lines.append(marker)
    if last < loc.end_line:
        lines.append(Text(f"{'':>{width}} | …", style="blue"))
    return lines


def _plain_lines(data: ReportInput) -> list[str]:
    """The lines `render_text` builds, as plain strings: what `_print` writes when there is no
    color, made without a Text object per line and segment (issue 13: a cold scan of 6,000
    findings spent 0.25 s on those). tests/test_report_text.py holds the two to the same output."""
    out: list[str] = []
    path = data.path
    show_fixes = data.options.show_fixes
    for finding in data.findings:
        loc = finding.location
        fix = finding.fix
        out.append(f"{path(loc.path)}:{loc.start_line}:{loc.start_col}: {finding.rule_id}{' [*]' if fix is not None and fix.safe else ''} "
                   f"[{finding.severity}] {finding.message}")
        last = min(loc.end_line, loc.start_line + FRAME_LINES - 1)
        width = len(str(last))
        gutter = " " * width + " |"
        out.append(gutter)
        for number in range(loc.start_line, last + 1):
            source = data.sources.line(loc.path, number).expandtabs(4)
            out.append(f"{number:>{width}} | {source}")
            if number == loc.start_line:
                start = loc.start_col - 1
                end = loc.end_col - 1 if loc.end_line == number else len(source)
                out.append(gutter + " " + " " * start + "^" * max(1, end - start))
        if last < loc.end_line:
            out.append(f"{'':>{width}} | …")
        if finding.process:
            name, kind, entry, how = finding.process
            guess = ", judged by its path: no start command or server code names it" if how == "path" else ""
            out.append(f"  = in {kind} process `{name}` ({path(entry)}){guess}")
        out.extend([f"  = {problem}" for problem in finding.problems])
        for related in finding.related[:3]:
            r = related.location
            out.append(f"  = see {path(r.path)}:{r.start_line}: {related.message}")
        if show_fixes and fix is not None:
            out.append(f"  help: {fix.title} ({'safe fix' if fix.safe else 'unsafe fix, --unsafe-fixes'})")
        out.append("")
    for note in data.notes:
        where = (f"{path(note.path)}:{note.line}" if note.line else path(note.path)) if note.path else ""
        out.append(f"note: {where}: {note.message}" if where else f"note: {note.message}")
    if data.notes:
        out.append("")
    if data.options.quiet:
        return out[:-1] if out and not out[-1] else out  # the blank line after the last finding
    out.append(summary_line(data.findings, data.files_scanned, baselined=data.baselined, new_since=data.new_since, known=data.known))
    out.extend(_fixable_lines(data.findings))
    return out


def _fixable_lines(findings: list[Finding]) -> list[str]:
    safe = sum(1 for f in findings if f.fix is not None and f.fix.safe)
    unsafe = sum(1 for f in findings if f.fix is not None and not f.fix.safe)
    if not (safe or unsafe):
        return []
    more = f" ({unsafe} more with `--fix --unsafe-fixes`)" if unsafe else ""
    if safe:
        return [f"[*] {safe} fixable with `crashlint scan --fix`{more}."]
    return [f"{unsafe} fixable with `crashlint scan --fix --unsafe-fixes`."]


def render_text(data: ReportInput, color: bool) -> str:
    if not color:
        lines = _plain_lines(data)
        if not lines:
            return ""
        plain = ("\n".join(lines) + "\n").translate(_STRIPPED)
        if "\t" not in plain:
            return plain
        # a tab to expand to rich's cell-width tab stops: the styled lines below, through rich
    return _print(_styled_lines(data, color), color)


def _styled_lines(data: ReportInput, color: bool) -> list[Text]:
    out: list[Text] = []
    for finding in data.findings:
        loc = finding.location
        head = Text()
        head.append(f"{data.path(loc.path)}:{loc.start_line}:{loc.start_col}:", style="bold")
        head.append(" ")
        head.append(finding.rule_id, style="bold red" if finding.severity == "critical" else "bold")
        if finding.fix is not None and finding.fix.safe:
            head.append(" [*]", style="cyan")  # as ruff: `--fix` fixes it
        head.append(" ")
        head.append(f"[{finding.severity}]", style=SEVERITY_STYLE[finding.severity])
        head.append(" " + finding.message)
        out.append(head)
        out.extend(_frame(data, finding))
        if finding.process:
            name, kind, entry, how = finding.process
            guess = ", judged by its path: no start command or server code names it" if how == "path" else ""
            out.append(Text(f"  = in {kind} process `{name}` ({data.path(entry)}){guess}", style="dim" if color else ""))
        for problem in finding.problems:
            out.append(Text(f"  = {problem}", style="dim" if color else ""))
        for related in finding.related[:3]:
            r = related.location
            out.append(Text(f"  = see {data.path(r.path)}:{r.start_line}: {related.message}", style="dim" if color else ""))
        if data.options.show_fixes and finding.fix is not None:
            kind = "safe fix" if finding.fix.safe else "unsafe fix, --unsafe-fixes"
            out.append(Text(f"  help: {finding.fix.title} ({kind})", style="cyan" if color else ""))
        out.append(Text(""))
    for note in data.notes:
        where = (f"{data.path(note.path)}:{note.line}" if note.line else data.path(note.path)) if note.path else ""
        out.append(Text(f"note: {where}: {note.message}" if where else f"note: {note.message}", style="magenta"))
    if data.notes:
        out.append(Text(""))
    if data.options.quiet:
        return out[:-1] if out and not out[-1].plain else out  # the blank line after the last finding
    out.append(Text(summary_line(data.findings, data.files_scanned, baselined=data.baselined, new_since=data.new_since, known=data.known), style="bold"))
    out.extend(Text(line) for line in _fixable_lines(data.findings))
    return out


# what rich's Text drops from any text it holds (rich.control.STRIP_CONTROL_CODES): BEL, BS, VT, FF, CR
_STRIPPED = {code: None for code in (7, 8, 11, 12, 13)}


def _print(out: list[Text], color: bool) -> str:
    """The report as rich prints it (no wrapping, control codes dropped), in one pass."""
    if not out:
        return ""
    if not color:
        plain = ("\n".join([line.plain for line in out]) + "\n").translate(_STRIPPED)
        if "\t" not in plain:
            return plain
    # color, or a tab to expand to rich's cell-width tab stops: rich renders the whole report at once
    from rich.console import Console
    from rich.text import Text as RichText

    buffer = io.StringIO()
    console = Console(
        file=buffer, force_terminal=color, no_color=not color, color_system="standard" if color else None,
        width=10_000, highlight=False, soft_wrap=True,
    )
    rich_lines = []
    for line in out:
        rich_line = RichText(style=line.style)
        for text, style in line.parts:
            rich_line.append(text, style or None)
        rich_lines.append(rich_line)
    console.print(*rich_lines, sep="\n")
    return buffer.getvalue()
