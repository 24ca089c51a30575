"""A compact encoding of a file's parse result (`Parsed`: `FileFacts`, notes, traceback) as plain
tuples, lists and dicts, serialised with `marshal`: the facts cache and the worker → parent
transfer use it instead of pickling dataclasses (issue 6).

The fact dataclasses stay the in-memory model. Encoders and decoders are generated from their
fields; frozen slotted classes are rebuilt through their slot descriptors, which is about twice as
fast as their `__init__` (that calls `object.__setattr__` per field). `FORMAT` changes whenever a
field is added, removed or renamed, so a cache written by another layout is never read.

Equal values within a file are stored once (issue 13, peak memory): the encoder hands marshal one
object for every equal `Arg`, for every equal value of the fields in `SHARED` (a call's scopes,
callee, statement span, text…) and for every equal int of the fields in `SHARED_INTS` (spans), so marshal writes a back-reference instead of a copy, `marshal.loads`
returns one object for all of them, and the decoder builds one `Arg` per encoded one (memoized by
identity while a file is decoded). On langfuse a third of the Args and most scope chains, callees
and statement spans repeat within their file; the parent holds the facts of every file for the
project model, so this is what its peak memory is made of. Only frozen (immutable) values are
shared: `Call` objects, which the rules tell apart by identity, never are.

A serial scan (`-j 1`, or too few files for workers) keeps the decoded copy of each file it parses
too, not the extractor's objects, which share nothing (langfuse at `-j 1`: 423 → ~350 MB peak).
"""

from __future__ import annotations

import dataclasses
import hashlib
import marshal
import sys
from collections.abc import Iterator
from contextlib import contextmanager

from crashlint.facts import edit_sites
from crashlint.facts.model import Arg, Assignment, Call, Decl, Export, FileFacts, Function, Parsed, Value
from crashlint.findings import Note
from crashlint.suppressions import Suppression

CODEC_VERSION = 3  # 2: equal values within a file shared (back-references); 3: a file's call sites in one blob
MARSHAL_VERSION = 4

# How each field that holds fact objects is encoded; other fields are plain data, stored as they are.
NESTED: dict[type, dict[str, tuple[str, type]]] = {
    Arg: {"values": ("tuple", Arg), "branches": ("tuple", Arg)},
    Value: {"arg": ("optional", Arg)},
    Decl: {"value": ("one", Value)},
    Call: {"args": ("tuple", Arg), "keywords": ("pairs", Arg)},
    Function: {},
    Export: {},
    Assignment: {"value": ("one", Arg)},
    Suppression: {},
    Note: {},
    FileFacts: {
        "decls": ("list", Decl),
        "calls": ("list", Call),
        "exports": ("list", Export),
        "assignments": ("list", Assignment),
        "functions": ("dict", Function),
        "suppressions": ("list", Suppression),
        "members": ("triples", Arg),  # (scopes, path, Arg)
    },
}
# Plain fields (tuples of str or int, and str) whose equal values within a file are encoded as one
# object. Never a field that may hold a bool beside ints: 1 == True would merge them.
SHARED: dict[type, tuple[str, ...]] = {
    Arg: ("keys", "path", "text"),
    Value: ("module", "path"),
    Decl: ("name",),
    Call: ("callee", "method", "stmt_span", "scopes", "text", "chain"),
    Assignment: ("target", "scopes"),
}
# Fields of ints (spans, scope ids, lines) whose ints are shared too: a line or column above 256,
# and a scope id (a byte offset), is an object of its own each time marshal reads it.
SHARED_INTS: dict[type, tuple[str, ...]] = {
    Call: ("span", "stmt_span"),
    Function: ("span", "scope"),
    Decl: ("scope", "line"),
}
SHARED_RECORDS = (Arg, Value)  # frozen classes whose equal instances within a file decode to one object
# Shared records that, when this field is empty, are also shared across the files decoded within
# `shared_across_files` (a scan's facts): a leaf is cheap to hash, and a third of them repeat
# another file's (`ref req`, the string "error", a callback)
ACROSS_FILES: dict[type, str] = {Arg: "values", Value: "arg"}
ORDER = [Arg, Value, Decl, Call, Function, Export, Assignment, Suppression, Note, FileFacts]


def _signature() -> str:
    parts = [f"codec {CODEC_VERSION} marshal {MARSHAL_VERSION} python {sys.version_info[:2]} sites {edit_sites.SITE_FORMAT}"]
    for cls in ORDER:
        parts.append(cls.__name__ + ":" + ",".join(f.name for f in dataclasses.fields(cls)))
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:16]


FORMAT = _signature()  # part of every cache key and cache file header


def _expression(kind: str, target: type, value: str, direction: str) -> str:
    fn = f"{direction}_{target.__name__}"
    return {
        "one": f"{fn}({value})",
        "optional": f"(None if {value} is None else {fn}({value}))",
        "tuple": f"(tuple([{fn}(x) for x in {value}]) if {value} else ())",
        "list": f"[{fn}(x) for x in {value}]",
        "pairs": f"(tuple([(k, {fn}(v)) for k, v in {value}]) if {value} else ())",
        "dict": f"{{k: {fn}(v) for k, v in {value}.items()}}",
        "triples": f"[(s, p, {fn}(a)) for s, p, a in {value}]",
    }[kind]


def _twin(cls: type) -> type | None:
    """A plain class with the same slots as the slotted dataclass `cls`, or None if Python will not
    let an instance of it become one of `cls`. The decoder fills a twin's slots with plain
    attribute stores (which the interpreter specialises for slots), then sets its `__class__`:
    about half the time of a call to each slot's descriptor (what a frozen class needs, its
    `__setattr__` refusing), or of the class's `__init__` (a call with every field as an argument).
    The object is then exactly one made by `cls`: the same layout, the same values."""
    twin = type(f"_{cls.__name__}Twin", (), {"__slots__": tuple(cls.__slots__)})  # type: ignore[attr-defined]
    try:
        probe = object.__new__(twin)
        for f in dataclasses.fields(cls):
            setattr(probe, f.name, None)
        probe.__class__ = cls
    except TypeError:  # an incompatible layout (a base with slots of its own, a __weakref__ slot)
        return None
    return twin


_shared: dict = {}  # encoding: one object per equal value of the file being encoded
_decoded: dict = {}  # decoding: id of an encoded shared record → the object decoded from it


def _generate() -> dict[str, object]:
    """`enc_<Class>(obj) -> tuple` and `dec_<Class>(tuple) -> obj` for every class in ORDER."""
    namespace: dict[str, object] = {"new": object.__new__, "share": _shared.setdefault, "decoded": _decoded,
                                    "across": None}
    lines: list[str] = [
        "def share_ints(v):\n"
        "    if v.__class__ is int:\n        return share(v, v)\n"
        "    t = tuple([share(i, i) for i in v])\n    return share(t, t)\n"
    ]
    for cls in ORDER:
        name = cls.__name__
        fields = [f.name for f in dataclasses.fields(cls)]
        nested = NESTED[cls]
        shared, ints = SHARED.get(cls, ()), SHARED_INTS.get(cls, ())
        namespace[f"cls_{name}"] = cls
        items = [_expression(*nested[f], f"o.{f}", "enc") if f in nested else f"share(o.{f}, o.{f})" if f in shared
                 else f"share_ints(o.{f})" if f in ints else f"o.{f}" for f in fields]
        record = f"({', '.join(items)},)"
        if cls in SHARED_RECORDS:
            lines.append(f"def enc_{name}(o):\n    t = {record}\n    return share(t, t)\n")
        else:
            lines.append(f"def enc_{name}(o):\n    return {record}\n")
        values = [_expression(*nested[f], f"t[{i}]", "dec") if f in nested else f"t[{i}]" for i, f in enumerate(fields)]
        params = dataclasses.fields(cls)
        if hasattr(cls, "__slots__") and "__dict__" not in cls.__dict__:
            twin = _twin(cls) if cls.__dataclass_params__.frozen else None  # type: ignore[attr-defined]
            if not cls.__dataclass_params__.frozen:  # type: ignore[attr-defined]
                # plain stores into its slots (specialised by the interpreter), not a call of __init__
                body = f"    o = new(cls_{name})\n" + "".join(f"    o.{f} = {v}\n" for f, v in zip(fields, values))
            elif twin is not None:  # filled in as a twin of the class's layout, then made one of it
                namespace[f"twin_{name}"] = twin
                body = f"    o = new(twin_{name})\n" + "".join(f"    o.{f} = {v}\n" for f, v in zip(fields, values)) \
                    + f"    o.__class__ = cls_{name}\n"
            else:  # through the slot descriptors: a frozen class's own `__setattr__` refuses
                for i, f in enumerate(params):
                    namespace[f"set_{name}_{i}"] = cls.__dict__[f.name].__set__
                body = f"    o = new(cls_{name})\n" + "".join(f"    set_{name}_{i}(o, {v})\n" for i, v in enumerate(values))
            if cls in SHARED_RECORDS:
                leaf = f"t[{fields.index(ACROSS_FILES[cls])}]" if cls in ACROSS_FILES else "True"
                lines.append(f"def dec_{name}(t):\n    o = decoded.get(id(t))\n    if o is not None:\n        return o\n"
                             f"{body}"
                             f"    if across is not None and not {leaf}:\n        o = across(o, o)\n"
                             f"    decoded[id(t)] = o\n    return o\n")
            else:
                lines.append(f"def dec_{name}(t):\n{body}    return o\n")
        elif not nested:
            lines.append(f"def dec_{name}(t):\n    return cls_{name}(*t)\n")
        else:
            lines.append(f"def dec_{name}(t):\n    return cls_{name}({', '.join(values)})\n")
    exec(compile("\n".join(lines), f"<crashlint codec {FORMAT}>", "exec"), namespace)  # noqa: S102 - our own source
    return namespace


_CODE = _generate()
_encode_facts = _CODE["enc_FileFacts"]
_decode_facts = _CODE["dec_FileFacts"]
_encode_note = _CODE["enc_Note"]
_decode_note = _CODE["dec_Note"]


@contextmanager
def shared_across_files() -> Iterator[None]:
    """While open, equal leaf records (`ACROSS_FILES`) decoded from any file are one object: the
    parent holds the facts of every file of the scan (issue 13, peak memory). The table goes
    when it closes."""
    table: dict = {}
    _CODE["across"] = table.setdefault
    try:
        yield
    finally:
        _CODE["across"] = None



def encode(parsed: Parsed) -> bytes:
    """`Parsed` → bytes. Raises ValueError if a field holds something marshal cannot store."""
    try:
        facts = None if parsed.facts is None else _encode_facts(parsed.facts)  # type: ignore[operator]
        notes = [_encode_note(n) for n in parsed.notes]  # type: ignore[operator]
        return marshal.dumps((facts, notes, parsed.traceback), MARSHAL_VERSION)
    finally:
        _shared.clear()


def decode(data: bytes) -> Parsed:
    """bytes → `Parsed`. Raises (EOFError, ValueError, TypeError, IndexError, …) on data it did not write."""
    facts, notes, traceback = marshal.loads(data)
    try:
        return Parsed(
            None if facts is None else _decode_facts(facts),  # type: ignore[operator]
            [_decode_note(n) for n in notes],  # type: ignore[operator]
            traceback,
        )
    finally:
        _decoded.clear()  # the ids are only those of this file's encoded objects, alive until here
