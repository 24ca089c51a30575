"""Every fix snippet of the Markdown report parses, whatever shape the subject has: a client held in
a name, in an attribute, or made inline (`boto3.resource("sqs").Queue(…)`, `spawn("ffmpeg", […])`,
`http.createServer((req, res) => { …`). A rule's `[fix]` template prints subjects and apps as the
code wrote them; an inline one is no name to assign to or to quote inside a string, and a long one is
cut short with `…`. Snippets were once `boto3.resource("sqs") = boto3.resource(..., config=…)`,
`console.error("child process error (spawn("ffmpeg", …)):")` and
`const server = http.createServer((req, res) => { ….listen(PORT)`. (CL010's own property test, with
apps of every kind, is tests/test_health_fix.py.)"""

from __future__ import annotations

import re
from contextlib import chdir
from pathlib import Path

import pytest

from crashlint import __version__
from crashlint.fix import _error_count
from crashlint.report import FORMATTERS, ReportInput
from crashlint.scan import scan

ROOT = Path(__file__).resolve().parent.parent
SECTION = re.compile(r"^### Fix \d+: (.*?)$(.*?)(?=^#{2,3} |\Z)", re.M | re.S)
FENCE = re.compile(r"^```(\w+)\n(.*?)^```$", re.M | re.S)
FILE_FOR = {"python": "fix.py", "typescript": "fix.ts", "javascript": "fix.js"}
FOLDERS = sorted(p for p in (ROOT / "tests" / "fixtures").iterdir() if p.is_dir()) + \
    sorted(p for p in (ROOT / "examples").iterdir() if p.is_dir() and not p.name.endswith("-fixed"))


def snippets(folder: Path) -> list[tuple[str, str, str]]:
    """(fix title, language, code) of each fix in the Markdown report of a scan of `folder`."""
    with chdir(folder):
        result = scan(["."])
    data = ReportInput(result.findings, result.notes, result.rules, result.files_scanned, result.sources, __version__)
    markdown = FORMATTERS["markdown"](data, False)
    return [(title, language, code) for title, body in SECTION.findall(markdown) for language, code in FENCE.findall(body)]


def assert_parse(found: list[tuple[str, str, str]]) -> None:
    assert found
    for title, language, code in found:
        if language in FILE_FOR:
            assert _error_count(code.encode(), FILE_FOR[language]) == 0, f"{title} ({language}) does not parse:\n{code}"


@pytest.mark.parametrize("folder", FOLDERS, ids=lambda p: p.name)
def test_every_fix_snippet_of_the_fixtures_and_examples_parses(folder: Path) -> None:
    assert_parse(snippets(folder))


def test_fix_snippets_of_inline_clients_parse(tmp_path: Path) -> None:
    (tmp_path / "app.py").write_text(
        "import boto3\nfrom flask import Flask\n\napp = Flask(__name__)\n\n\n@app.route('/send')\ndef send():\n"
        "    boto3.resource('sqs').Queue('q').send_message(MessageBody='x')\n    return 'ok'\n\n\n"
        "def put(key):\n    return boto3.client('s3').put_object(Bucket='b', Key=key, Body=b'x')\n\n\n"
        "class Store:\n    def __init__(self):\n        self.s3 = boto3.client('s3')\n\n\nsns = boto3.client('sns')\n")
    (tmp_path / "a.ts").write_text(
        'import { S3Client } from "@aws-sdk/client-s3";\nimport { spawn } from "node:child_process";\n'
        'import http from "node:http";\n'
        "export const s3 = new S3Client({});\n"
        'export function send(x: any) { return use(new S3Client({})); }\n'
        'export function convert(input: string, output: string) {\n'
        '  spawn("ffmpeg", ["-i", input, output], { stdio: "ignore" });\n}\n'
        'http.createServer((req, res) => {\n  convert("a", "b");\n  res.end();\n}).listen(8080);\n')
    found = snippets(tmp_path)
    titles = " | ".join(title for title, _, _ in found)
    for title in ("Configure Timeouts on AWS Clients", "Add Error Listeners to Event Emitters", "Close the Server on SIGTERM"):
        assert title in titles
    assert_parse(found)
    python = next(code for title, language, code in found if language == "python" and "AWS" in title)
    assert 'boto3.resource("sqs", config=AWS_CONFIG)' in python.replace("'", '"')
    assert "self.s3 = boto3.client(..., config=AWS_CONFIG)" in python
