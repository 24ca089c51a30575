"""One formatter per output format, registered by name (SPEC §5)."""

from __future__ import annotations

from crashlint.report.common import Formatter, ReportInput
from crashlint.report.github import render_github
from crashlint.report.gitlab import render_gitlab
from crashlint.report.json import render_json, render_json_report
from crashlint.report.markdown import render_markdown
from crashlint.report.sarif import render_sarif
from crashlint.report.text import render_text

FORMATTERS: dict[str, Formatter] = {
    "text": render_text,
    "markdown": render_markdown,
    "json": render_json,
    "json-report": render_json_report,
    "sarif": render_sarif,
    "github": render_github,
    "gitlab": render_gitlab,
}

__all__ = ["FORMATTERS", "ReportInput"]
