"""Run the CLI in-process and render reports, for tests."""

from __future__ import annotations

import io
import sys
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

from crashlint import __version__
from crashlint.report import FORMATTERS, ReportInput
from crashlint.scan import scan

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "seed-service"
EXAMPLE_FIXED = ROOT / "examples" / "seed-service-fixed"


def write_project(root: Path, files: dict[str, str | bytes]) -> Path:
    """Write a small project: {relative path: text (UTF-8) or bytes}; returns `root`."""
    for name, content in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    return root


def run_cli(*args: str, stdin: bytes = b"") -> tuple[int, str, str]:
    from crashlint.cli import main

    out, err = io.StringIO(), io.StringIO()
    argv, real_stdin = sys.argv, sys.stdin
    sys.stdin = io.TextIOWrapper(io.BytesIO(stdin))
    if args and args[0] == "scan" and "--cache-dir" not in args:
        args = (*args, "--no-cache")  # tests must not leave .crashlint_cache in the checkout
    sys.argv = ["crashlint", *args]
    code = 0
    try:
        with redirect_stdout(out), redirect_stderr(err):
            main()
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 2)
    finally:
        sys.argv, sys.stdin = argv, real_stdin
    return code, out.getvalue(), err.getvalue()


def render(paths: list[str], fmt: str, **options) -> str:
    result = scan(paths, **options)
    data = ReportInput(result.findings, result.notes, result.rules, result.files_scanned, result.sources, __version__)
    return FORMATTERS[fmt](data, False)
