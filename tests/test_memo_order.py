"""The order of the questions (issue 13 item 7): the project model's memos are answered once, in
the order the questions come, with a cycle guard and a depth limit, so an answer may depend on which
memos existed when it was asked (README, "Why the rest cannot simply be kept"). Before per-file
answers can be kept across scans with the files they read, they must not. This asks every call's
callee names over the files in file order and, in a fresh model, in reverse order, and compares
them call by call, with the declarations' memo key by key: on every example and fixture project
(and, with benchmarks/memo_order.py, on a corpus: none differ on novu's 63,548 calls)."""

from __future__ import annotations

import posixpath
from pathlib import Path

import pytest

from crashlint.dependencies import read_manifests
from crashlint.discover import discover
from crashlint.parse import parse_file
from crashlint.project import Project

ROOT = Path(__file__).resolve().parent.parent
PROJECTS = sorted(p for p in (ROOT / "examples").iterdir() if p.is_dir()) + sorted(
    p for p in (ROOT / "tests" / "fixtures").glob("CL*/projects/*") if p.is_dir())


def answers(root: str, facts: list, order: list) -> tuple[dict, dict]:
    """Every call's callee names, what its callee and its receiver resolve to, asked in the order of `order`'s
    files, and the declarations' memo it leaves, in a fresh model of `facts`."""
    manifests = read_manifests(root, {posixpath.dirname(f.path) for f in facts}, None, None)
    project = Project(root, facts, manifests)
    project.build_members()
    names = {(f.path, i): (project.callee_names(f.path, call), sorted(map(repr, project.resolve(f.path, call.scopes, call.callee))),
                           sorted(map(repr, project.resolve(f.path, call.scopes, call.callee[:-1]))) if len(call.callee) > 1 else [])
             for f in order for i, call in enumerate(f.calls) if call.callee}
    declared = {key: sorted(map(repr, targets)) for key, targets in project._declared.items()}
    return names, declared


def test_memos_are_the_same_whatever_the_order_of_the_questions() -> None:
    differ: list[str] = []
    for project in PROJECTS:
        found = discover([str(project)])
        facts = [p.facts for p in (parse_file(s.abs_path, s.rel_path, s.grammar) for s in found.files) if p.facts is not None]
        forward, declared = answers(found.root, facts, facts)
        backward, declared_back = answers(found.root, facts, list(reversed(facts)))
        differ += [f"{project.name} {key}: {forward[key]} / {backward[key]}" for key in forward if forward[key] != backward[key]]
        differ += [f"{project.name} {key}: declared" for key in declared.keys() & declared_back.keys() if declared[key] != declared_back[key]]
    assert not differ, differ


CYCLE = {  # a module that takes a value from another that takes it back (a barrel cycle, a default)
    "package.json": '{"name": "svc", "dependencies": {"ioredis": "^5.0.0"}}\n',
    "a.ts": 'import { b } from "./b";\nexport const a = b;\na.get("k");\n',
    "b.ts": 'import Redis from "ioredis";\nimport { a } from "./a";\nexport const b = process.env.X ? a : new Redis();\nb.get("k");\n',
}


def test_a_cycle_between_two_modules_makes_the_answers_depend_on_the_order(tmp_path) -> None:
    """The order-dependent memo this test is here to find, as it stands: asked from a.ts first,
    `a` is what `b` holds (the Redis client, or what the cycle cannot see); asked from b.ts first,
    `b`'s derivation reaches `a` while `b` is under way, the cycle guard answers "unknown" for it,
    and `a`'s memo keeps that. Making such a memo the fixed point of its cycle (the same whatever
    the order) is what keeping per-file answers across scans needs; this test then fails and
    changes sides."""
    for rel, text in CYCLE.items():
        (tmp_path / rel).write_text(text)
    found = discover([str(tmp_path)])
    facts = [p.facts for p in (parse_file(s.abs_path, s.rel_path, s.grammar) for s in found.files) if p.facts is not None]
    assert [f.path for f in facts] == ["a.ts", "b.ts"]
    forward, declared = answers(found.root, facts, facts)
    backward, declared_back = answers(found.root, facts, list(reversed(facts)))
    receiver = 2  # what `a` in `a.get("k")` resolves to
    assert any("kind='call', path='b.ts'" in t for t in forward[("a.ts", 0)][receiver])
    assert all("kind='unknown'" in t for t in backward[("a.ts", 0)][receiver])
    assert declared[("a.ts", 0, "a", ())] != declared_back[("a.ts", 0, "a", ())]
    assert forward[("b.ts", 0)] == backward[("b.ts", 0)]  # the construction itself: the same
