"""One formatter per output format, registered by name (SPEC §5).

Each format's module is imported when the format is used: a text scan does not load jinja2 (the
Markdown report's) or the SARIF writer.
"""

from __future__ import annotations

from importlib import import_module

from crashlint.report.common import Formatter, ReportInput

_WHERE = {
    "text": ("crashlint.report.text", "render_text"),
    "markdown": ("crashlint.report.markdown", "render_markdown"),
    "json": ("crashlint.report.json", "render_json"),
    "json-report": ("crashlint.report.json", "render_json_report"),
    "sarif": ("crashlint.report.sarif", "render_sarif"),
    "github": ("crashlint.report.github", "render_github"),
    "gitlab": ("crashlint.report.gitlab", "render_gitlab"),
}


def _lazy(module: str, name: str) -> Formatter:
    def render(data: ReportInput, color: bool) -> str:
        return getattr(import_module(module), name)(data, color)

    render.__name__ = name
    return render


FORMATTERS: dict[str, Formatter] = {fmt: _lazy(module, name) for fmt, (module, name) in _WHERE.items()}

__all__ = ["FORMATTERS", "ReportInput"]
