"""Property tests (issue 7): mutated fixtures through the whole pipeline and every format.

CI runs a fixed, bounded profile; `HYPOTHESIS_PROFILE=long python -m pytest tests/test_properties.py`
runs a longer one by hand.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from crashlint import __version__
from crashlint.languages import grammar_for
from crashlint.report import FORMATTERS, ReportInput
from crashlint.report.github import escape_data, escape_property, unescape
from crashlint.scan import scan

settings.register_profile("ci", max_examples=25, derandomize=True, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("long", max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

FIXTURES = Path(__file__).parent / "fixtures"
FIXTURE_FILES = sorted(p for p in FIXTURES.glob("CL*/*") if p.is_file() and grammar_for(p.name))
NASTY = ["`", "```", "````", "\x00", "\x1b[31m", "\r", "\r\n", "%", "::", ",", "\u2028", "\ufeff", "💥", "\\"]


@st.composite
def mutated_fixture(draw) -> tuple[str, bytes]:
    path = draw(st.sampled_from(FIXTURE_FILES))
    data = path.read_bytes()
    for _ in range(draw(st.integers(0, 4))):
        if not data:
            break
        start = draw(st.integers(0, len(data) - 1))
        end = draw(st.integers(start, min(len(data), start + 400)))
        kind = draw(st.sampled_from(["delete", "duplicate", "truncate", "insert"]))
        if kind == "delete":
            data = data[:start] + data[end:]
        elif kind == "duplicate":
            data = data[:end] + data[start:end] + data[end:]
        elif kind == "truncate":
            data = data[:start]
        else:
            data = data[:start] + draw(st.sampled_from(NASTY)).encode("utf-8") + data[start:]
    return path.name, data


def _fences_balanced(markdown: str) -> bool:
    """Every fence that opens a code block is closed by a fence of the same length."""
    open_fence = None
    for line in markdown.split("\n"):
        match = re.match(r"^(`{3,})", line)
        if not match:
            continue
        if open_fence is None:
            open_fence = match.group(1)
        elif line.strip() == open_fence:
            open_fence = None
    return open_fence is None


def _render_all(folder: str) -> dict[str, str]:
    result = scan([folder])
    data = ReportInput(result.findings, result.notes, result.rules, result.files_scanned, result.sources, __version__)
    return {name: formatter(data, False) for name, formatter in FORMATTERS.items()}


@given(mutated_fixture())
def test_mutated_fixtures_give_valid_outputs(sarif_validator, sample) -> None:
    name, data = sample
    with tempfile.TemporaryDirectory() as folder:
        Path(folder, name).write_bytes(data)
        first = _render_all(folder)
        second = _render_all(folder)
    assert first == second  # deterministic
    assert not list(sarif_validator.iter_errors(json.loads(first["sarif"])))
    assert isinstance(json.loads(first["json"]), list)
    assert _fences_balanced(first["markdown"])
    for line in first["github"].splitlines():  # one annotation per line, nothing unescaped
        assert line.startswith("::") and "\r" not in line


@given(st.lists(st.sampled_from(FIXTURE_FILES), min_size=2, max_size=5, unique=True), st.randoms())
def test_file_order_does_not_change_output(paths, rnd) -> None:
    with tempfile.TemporaryDirectory() as folder:
        for path in paths:
            Path(folder, path.parent.name + "_" + path.name).write_bytes(path.read_bytes())
        names = sorted(os.listdir(folder))
        shuffled = names[:]
        rnd.shuffle(shuffled)
        a = scan([os.path.join(folder, n) for n in names])
        b = scan([os.path.join(folder, n) for n in shuffled])
    assert [f.fingerprint for f in a.findings] == [f.fingerprint for f in b.findings]
    assert a.notes == b.notes


@given(st.text())
def test_github_escaping_round_trips(text: str) -> None:
    assert unescape(escape_data(text)) == text
    assert unescape(escape_property(text)) == text
    assert "\n" not in escape_data(text) and "\r" not in escape_data(text)
    assert "," not in escape_property(text) and ":" not in escape_property(text)


@given(st.binary(max_size=2000), st.sampled_from(["a.ts", "a.js", "a.py", "a.tsx"]))
def test_random_bytes_through_every_format(sarif_validator, data: bytes, name: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        Path(folder, name).write_bytes(data)
        out = _render_all(folder)
    assert not list(sarif_validator.iter_errors(json.loads(out["sarif"])))
    assert _fences_balanced(out["markdown"])
