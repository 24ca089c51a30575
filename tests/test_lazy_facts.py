"""Facts decoded lazily (issue 13, the commit path): a declaration's value and a call's arguments
stay encoded until read (crashlint.facts.codec.LAZY). Whatever is read, in whatever order, the
decoded facts equal the parser's, and a read object is one of the class itself."""

from __future__ import annotations

import copy
import pickle
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crashlint.facts import codec
from crashlint.facts.model import Call, Decl
from crashlint.languages import grammar_for
from crashlint.parse import parse_source

ROOT = Path(__file__).resolve().parent.parent
FILES = sorted(p for p in (ROOT / "tests" / "fixtures").rglob("*")
               if p.is_file() and p.suffix in (".ts", ".js", ".py", ".tsx", ".mjs", ".cjs"))[:400]


def _parsed(path: Path):
    return parse_source(path.name, grammar_for(path.name), path.read_bytes())


def test_lazy_objects_decode_on_first_read_and_become_the_class_itself() -> None:
    source = (b"import Redis from 'ioredis';\nconst r = new Redis({ host: 'x' });\n"
              b"export const f = (u) => fetch(u, { timeout: 5 });\nf('a');\nr.quit();\n")
    parsed = parse_source("a.ts", grammar_for("a.ts"), source)
    blob = codec.encode(parsed)
    facts = codec.decode(blob, lazy=True).facts
    assert {type(d).__name__ for d in facts.decls} == {"LazyDecl"}
    with_args = [c for c in facts.calls if c.callee != ("r", "quit")]
    assert {type(c).__name__ for c in with_args} == {"LazyCall"}
    assert [type(c) for c in facts.calls if c.callee == ("r", "quit")] == [Call]  # no arguments: whole
    assert [codec.arg_heads(c, frozenset({"string", "call", "ref", "object", "function"})) for c in facts.calls] == [[(a.kind, a.text, a.call) for a in c.args] for c in parsed.facts.calls]
    assert {type(c).__name__ for c in with_args} == {"LazyCall"}  # arg_heads decodes nothing
    assert facts.calls[0].args == parsed.facts.calls[0].args and type(facts.calls[0]) is Call
    assert facts.decls == parsed.facts.decls and {type(d) for d in facts.decls} == {Decl}
    # hashing, copying, pickling and repr see the decoded object
    for make in (lambda d: hash(d), lambda d: copy.deepcopy(d), lambda d: pickle.loads(pickle.dumps(d)), repr):
        lazy = codec.decode(blob, lazy=True).facts
        made = make(lazy.decls[1])
        assert type(lazy.decls[1]) is Decl
        assert made == (make(parsed.facts.decls[1]) if make is not repr else repr(parsed.facts.decls[1]))
    lazy = codec.decode(blob, lazy=True).facts
    lazy.calls[0].args = ()  # setting a field decodes the others first
    assert type(lazy.calls[0]) is Call and lazy.calls[0].keywords == parsed.facts.calls[0].keywords
    assert codec.decode(codec.encode(codec.decode(blob, lazy=True))) == parsed


@settings(max_examples=40, deadline=None, derandomize=True)
@given(st.sampled_from(FILES), st.lists(st.tuples(st.sampled_from(["decl", "call", "heads", "eq", "encode"]),
                                                  st.integers(0, 10_000)), max_size=12))
def test_any_order_of_reads_gives_the_parsers_facts(path: Path, reads: list) -> None:
    parsed = _parsed(path)
    if parsed.facts is None:
        return
    facts = codec.decode(codec.encode(parsed), lazy=True).facts
    for kind, n in reads:
        if kind == "decl" and facts.decls:
            i = n % len(facts.decls)
            assert facts.decls[i].value == parsed.facts.decls[i].value
        elif kind == "call" and facts.calls:
            i = n % len(facts.calls)
            assert (facts.calls[i].keywords if n % 2 else facts.calls[i].args) == \
                (parsed.facts.calls[i].keywords if n % 2 else parsed.facts.calls[i].args)
        elif kind == "heads" and facts.calls:
            i = n % len(facts.calls)
            assert codec.arg_heads(facts.calls[i], frozenset({"string", "call", "ref"})) == [(a.kind, a.text, a.call) for a in parsed.facts.calls[i].args if a.kind in ("string", "call", "ref")]
        elif kind == "eq":
            assert (parsed.facts.decls, parsed.facts.calls) == (facts.decls, facts.calls)
        elif kind == "encode":
            # (the bytes may differ: marshal marks an object for back-references by its reference count)
            assert codec.decode(codec.encode(codec.decode(codec.encode(parsed), lazy=True))) == parsed
    assert facts == parsed.facts
    assert all(type(d) is Decl for d in facts.decls) and all(type(c) is Call for c in facts.calls)


@pytest.mark.parametrize("path", FILES[::25], ids=lambda p: str(p.relative_to(ROOT)))
def test_a_file_decoded_lazily_equals_one_decoded_whole(path: Path) -> None:
    parsed = _parsed(path)
    if parsed.facts is not None:
        assert codec.decode(codec.encode(parsed), lazy=True).facts == parsed.facts


def test_values_read_later_are_shared_as_those_decoded_at_once() -> None:
    """Issue 13 (peak memory): equal arguments of one file are one object whether decoded with the
    file or when first read, and equal leaves of the files decoded within `shared_across_files`
    (a scan's load) too."""
    body = "".join(f"  await fetch(url, {{ method: 'POST', headers: {{ a: 'b' }} }}); log.info('x', {{ id }});\n" for _ in range(50))
    source = f"export async function send(url: string, id: number) {{\n{body}}}\n".encode()
    parsed = parse_source("a.ts", "typescript", source)
    facts = codec.decode(codec.encode(parsed), lazy=True).facts
    fetches = [c for c in facts.calls if c.callee == ("fetch",)]
    assert len(fetches) == 50 and len({id(c.args[1]) for c in fetches}) == 1
    assert facts == parsed.facts
    blobs = [codec.encode(parse_source(f"f{i}.ts", "typescript", b"import x from 'y';\nexport const a = x;\nfetch(a, 'GET');\n"))
             for i in range(2)]
    with codec.shared_across_files():
        first, second = (codec.decode(blob, lazy=True).facts for blob in blobs)
    assert first.calls[0].args[1] is second.calls[0].args[1]  # the string 'GET', read after the load
    assert first.decls[0].value is second.decls[0].value  # the import of y
    apart = [codec.decode(blob, lazy=True).facts for blob in blobs]
    assert apart[0].calls[0].args[1] == apart[1].calls[0].args[1]
    assert apart[0].calls[0].args[1] is not apart[1].calls[0].args[1]


@pytest.mark.parametrize("path", FILES[::7], ids=lambda p: str(p.relative_to(ROOT)))
def test_a_first_argument_read_encoded_equals_the_decoded_one(path: Path) -> None:
    """`first_arg_head` and `first_object_sets` (the route count, winston's `exitOnError`) answer
    from a lazy call's encoded arguments as from the decoded call, and decode nothing."""
    parsed = _parsed(path)
    if parsed.facts is None:
        return
    facts = codec.decode(codec.encode(parsed), lazy=True).facts
    lazy = [type(c) for c in facts.calls]
    for encoded, decoded in zip(facts.calls, parsed.facts.calls):
        assert codec.first_arg_head(encoded) == codec.first_arg_head(decoded) == (
            (decoded.args[0].kind, decoded.args[0].text, decoded.args[0].keys) if decoded.args else None)
        first = decoded.args[0] if decoded.args else None
        pairs = list(zip(first.keys, first.values)) if first is not None and first.kind == "object" else []
        for key, value in pairs + [("absent", first or decoded)]:
            for kind, text in ((getattr(value, "kind", ""), getattr(value, "text", "")), ("other", "false")):
                expected = any(k == key and v.kind == kind and v.text == text for k, v in pairs)
                assert codec.first_object_sets(encoded, key, kind, text) == codec.first_object_sets(decoded, key, kind, text) == expected
    assert [type(c) for c in facts.calls] == lazy  # read encoded: nothing decoded


def test_the_options_are_read_from_the_encoded_first_argument() -> None:
    source = (b"import winston from 'winston';\n"
              b"const a = winston.createLogger({ exitOnError: false, level: 'info' });\n"
              b"const b = winston.createLogger({ exitOnError: 'false' });\n"
              b"const c = winston.createLogger(options, { exitOnError: false });\n"
              b"app.get('/health', (req, res) => res.send('ok'));\n")
    parsed = parse_source("a.ts", "typescript", source)
    facts = codec.decode(codec.encode(parsed), lazy=True).facts
    made = [c for c in facts.calls if c.callee[-1:] == ("createLogger",)]
    assert [codec.first_object_sets(c, "exitOnError", "other", "false") for c in made] == [True, False, False]
    route = next(c for c in facts.calls if c.method == "get")
    assert codec.first_arg_head(route) == ("string", "/health", ())
    assert {type(c).__name__ for c in made + [route]} == {"LazyCall"}
