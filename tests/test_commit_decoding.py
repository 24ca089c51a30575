"""The commit path decodes what it reads, not the project (issue 13 item 7).

A warm `--in-project` scan after a code edit runs the whole rules phase over facts decoded lazily
from the pack (crashlint.facts.codec.LAZY): a call's arguments stay encoded until a rule reads
them. A pass over every call of the project that reads each call's arguments to pick a few (as
`logger_hooks` did: every call with an object argument, 42,700 of novu's 63,500 calls, a seventh of
the scan's CPU) makes the commit path decode the whole project again. Here the calls of the files
other than the edited one whose arguments get decoded must not grow with the project: N and 2N
modules of calls with object arguments and callbacks (none of them a call a rule looks at: the
rules' own candidates are decoded, as they must be) decode the same few, and the warm scan's
findings equal a cold one's."""

from __future__ import annotations

import gc
from pathlib import Path

import pytest

import crashlint
from crashlint.facts import codec
from crashlint.scan import scan

LOGGER = """import winston from "winston";
export const logger = winston.createLogger({ exitOnError: false, transports: [new winston.transports.Console({ handleExceptions: true })] });
"""
SERVER = """import express from "express";
import Redis from "ioredis";
import { logger } from "./logger";
export const redis = new Redis();
const app = express();
app.get("/orders", async (req, res) => { res.json(await redis.get("orders")); });
app.listen(3000, () => logger.info({ port: 3000 }));
"""
MODULE = """import {{ logger }} from "./logger";
export function handler{n}(req: any) {{
  logger.info({{ route: "r{n}", id: req.id }});
  const options = {{ retries: 3, label: "m{n}" }};
  helper{n}({{ exitOnError: true, name: "m{n}" }}, (err: any, data: any) => data);
  [options].forEach((o: any) => logger.debug({{ o, n: {n} }}));
  return Object.assign({{}}, options, {{ n: {n} }});
}}
function helper{n}(o: any, cb: any) {{ return cb(null, o); }}
"""


def _project(root: Path, modules: int) -> None:
    src = root / "src"
    src.mkdir(parents=True)
    (root / "package.json").write_text('{"name": "shop", "main": "src/server.ts", "dependencies": '
                                       '{"express": "4.18.2", "ioredis": "5.3.2", "winston": "3.11.0"}}')
    (src / "logger.ts").write_text(LOGGER)
    (src / "server.ts").write_text(SERVER + "".join(f'import "./m{n}";\n' for n in range(modules)))
    for n in range(modules):
        (src / f"m{n}.ts").write_text(MODULE.format(n=n))


def _decoded_elsewhere(root: Path, edited: str, monkeypatch) -> tuple[int, int, list]:
    """A warm `--in-project` scan of `edited` after a line of code is appended to it: (the calls of
    the other files whose arguments were decoded, the calls of those files that have arguments,
    the findings)."""
    cache = str(root / ".cache")
    monkeypatch.chdir(root)
    scan([str(root)], cache_dir=cache)
    scan([edited], in_project=True, cache_dir=cache)
    with open(root / edited, "a") as handle:
        handle.write("export const edited = 1;\n")
    held: list = []
    monkeypatch.setattr(crashlint, "HELD_UNTIL_EXIT", held)  # the scan hands its facts over instead of freeing them
    try:
        warm = scan([edited], in_project=True, cache_dir=cache)
    finally:
        gc.unfreeze()  # what the scan froze is the caller's to release when it holds the facts
    facts = held[0][0]
    lazy = codec._LAZY_CALL
    others = [call for file in facts if file.path != edited for call in file.calls]
    assert any(call.__class__ is lazy for call in others)  # the commit path: facts decoded lazily
    decoded = sum(1 for call in others if call.__class__ is not lazy and (call.args or call.keywords))
    with_args = sum(1 for call in others if call.__class__ is lazy or call.args or call.keywords)
    cold = scan([edited], in_project=True, cache_dir=None)
    key = [(f.rule_id, f.location.path, f.location.start_line, f.message, tuple(f.problems)) for f in warm.findings]
    assert key == [(f.rule_id, f.location.path, f.location.start_line, f.message, tuple(f.problems)) for f in cold.findings]
    return decoded, with_args, key


def test_a_commit_scan_decodes_no_more_arguments_in_a_project_twice_as_large(tmp_path, monkeypatch) -> None:
    measured = []
    for modules in (30, 60):
        root = tmp_path / f"p{modules}"
        _project(root, modules)
        measured.append(_decoded_elsewhere(root, "src/m0.ts", monkeypatch))
    (small, small_args, _), (large, large_args, _) = measured
    assert large_args >= 1.9 * small_args  # the other files' calls with arguments doubled
    assert large <= small + 2, measured  # … their decoded arguments did not
    assert large <= 0.1 * large_args, measured


@pytest.mark.parametrize("go_on", ["false", "true"])
def test_the_winston_listener_is_found_from_the_encoded_options(go_on: str, tmp_path, monkeypatch) -> None:
    """`exitOnError: false` read from the encoded first argument of a call in another file
    (`first_object_sets`): winston's `handleExceptions` transport keeps the server's process alive,
    and CL003 says so, on a warm commit scan as on a cold one; with `exitOnError: true` it does not."""
    _project(tmp_path, 2)
    logger = tmp_path / "src" / "logger.ts"
    logger.write_text(logger.read_text().replace("exitOnError: false", f"exitOnError: {go_on}"))
    *_, findings = _decoded_elsewhere(tmp_path, "src/server.ts", monkeypatch)
    problems = [problem for rule, *_, found in findings if rule == "CL003" for problem in found]
    assert problems
    assert any("winston registers (src/logger.ts:2" in problem for problem in problems) == (go_on == "false")
