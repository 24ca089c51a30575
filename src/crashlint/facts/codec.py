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

`decode(data, lazy=True)` (a warm scan that reports on a few files: the commit path, issue 13) leaves
a declaration's value and a call's arguments and keywords encoded in the object's own slot, the
object being of a subclass (`LazyDecl`, `LazyCall`) until one of them is read, which decodes them and
makes it an instance of the class itself (`_lazy_class`): such a scan reads every file's calls and
declarations, but the values and arguments of few (novu, one file reported on: 11,600 of 92,500
declarations, about 1,600 of 63,500 calls), and they were most of what decoding every file cost. Values
decoded later are shared as those decoded at once (by the id of their encoded form, within the
file; leaves across the files of the scan's `shared_across_files`). A pass that looks for a few
kinds of argument in every call reads them encoded (`arg_heads`). Cold scans and whole scans, whose
rules read nearly everything, decode eagerly.
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
# Fields decoded when first read, not when the file is decoded (issue 13, the commit path): their
# encoded form stays in the object's own slot and the object is of a lazy subclass (`_lazy_class`)
# until one of them is read; it then decodes them and becomes an instance of the class itself. A
# warm scan reads every file's calls and declarations, but the value of few declarations and the
# arguments of few calls (novu, a commit scan: the declarations' values of ~300 of 4,910 files);
# those were half of what decoding every file's facts cost. A call with no arguments and no
# keywords is decoded whole.
LAZY: dict[type, tuple[str, ...]] = {Decl: ("value",), Call: ("args", "keywords")}


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
                                    "across": None, "keep": None, "table": None, "setclass": object.__setattr__}
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
        lazy = LAZY.get(cls, ())
        finish = ""
        if lazy:  # kept encoded: `mat_<Class>` decodes them into the slots and restores the class
            decoded_values = values
            # the first lazy field's slot holds (each lazy field's encoded form, the file's table of
            # shared records decoded later, the scan's table of leaves or None:
            # `shared_across_files`), the others a placeholder, until `mat_<Class>` fills them all
            values = ["()" if f in lazy else v for f, v in zip(fields, values)]
            namespace[f"lazy_{name}"] = None  # the lazy subclass, made after the functions (`_lazy_class`)
            namespace[f"get_{name}_{lazy[0]}"] = cls.__dict__[lazy[0]].__get__
            raws = ", ".join(f"raw_{f}" for f in lazy)
            mat = (f"def mat_{name}(o):\n    global decoded, keep, across\n    {raws}, file_table, scan_table = get_{name}_{lazy[0]}(o)\n"
                   f"    outer, outer_across = decoded, across\n"
                   f"    if file_table is not None:\n        decoded, keep = file_table[0], file_table[1].append\n"
                   f"    across = scan_table\n    try:\n")
            for f in lazy:
                i = fields.index(f)
                namespace[f"put_{name}_{f}"] = cls.__dict__[f].__set__
                mat += f"        put_{name}_{f}(o, {decoded_values[i].replace(f't[{i}]', f'raw_{f}')})\n"
            mat += f"    finally:\n        if file_table is None:\n            decoded.clear()\n        decoded, keep, across = outer, None, outer_across\n    setclass(o, '__class__', cls_{name})\n"
            lines.append(mat)
            stored = ", ".join(f"t[{fields.index(f)}]" for f in lazy)
            finish = f"    o.{lazy[0]} = ({stored}, table, across)\n    setclass(o, '__class__', lazy_{name})\n"
            if cls is Call:  # a call with no arguments is decoded whole: nothing to decode later
                test = " or ".join(f"t[{fields.index(f)}]" for f in lazy)
                finish = f"    if {test}:\n" + "".join("    " + line + "\n" for line in finish.splitlines())
        if hasattr(cls, "__slots__") and "__dict__" not in cls.__dict__:
            twin = _twin(cls) if cls.__dataclass_params__.frozen else None  # type: ignore[attr-defined]
            # a class with lazy fields gets two decoders, `dec_<Class>_eager` and `_lazy`: `decode`
            # names one of them `dec_<Class>` for the file it decodes
            variants = [("", values, "")] if not lazy else [("_eager", decoded_values, ""), ("_lazy", values, finish)]
            for suffix, values, finish in variants:
                if not cls.__dataclass_params__.frozen:  # type: ignore[attr-defined]
                    # plain stores into its slots (specialised by the interpreter), not a call of __init__
                    body = f"    o = new(cls_{name})\n" + "".join(f"    o.{f} = {v}\n" for f, v in zip(fields, values)) + finish
                elif twin is not None:  # filled in as a twin of the class's layout, then made one of it
                    namespace[f"twin_{name}"] = twin
                    body = f"    o = new(twin_{name})\n" + "".join(f"    o.{f} = {v}\n" for f, v in zip(fields, values)) \
                        + (finish or f"    o.__class__ = cls_{name}\n")
                else:  # through the slot descriptors: a frozen class's own `__setattr__` refuses
                    if lazy:
                        raise TypeError(f"{name}: a frozen class with lazy fields needs a twin")
                    for i, f in enumerate(params):
                        namespace[f"set_{name}_{i}"] = cls.__dict__[f.name].__set__
                    body = f"    o = new(cls_{name})\n" + "".join(f"    set_{name}_{i}(o, {v})\n" for i, v in enumerate(values))
                if cls in SHARED_RECORDS:
                    leaf = f"t[{fields.index(ACROSS_FILES[cls])}]" if cls in ACROSS_FILES else "True"
                    lines.append(f"def dec_{name}{suffix}(t):\n    o = decoded.get(id(t))\n    if o is not None:\n        return o\n"
                                 f"{body}"
                                 f"    if across is not None and not {leaf}:\n        o = across(o, o)\n"
                                 f"    decoded[id(t)] = o\n"
                                 f"    if keep is not None:\n        keep(t)\n"
                                 f"    return o\n")
                else:
                    lines.append(f"def dec_{name}{suffix}(t):\n{body}    return o\n")
        elif not nested:
            lines.append(f"def dec_{name}(t):\n    return cls_{name}(*t)\n")
        else:
            lines.append(f"def dec_{name}(t):\n    return cls_{name}({', '.join(values)})\n")
    exec(compile("\n".join(lines), f"<crashlint codec {FORMAT}>", "exec"), namespace)  # noqa: S102 - our own source
    return namespace


def _lazy_class(cls: type, names: tuple[str, ...], materialize) -> type:
    """The subclass of `cls` whose instances hold the encoded form of the fields `names` in their
    slots (`LAZY`). Reading or setting any of them first decodes them all (`materialize`), which
    makes the object an instance of `cls` itself: from then on it is one the decoder would have
    made whole (the same layout and values; attribute reads at the slots' own speed). No slot of its
    own, so the class can be changed either way. Comparisons, hashing and pickling decode first, so
    a lazy object equals, hashes and copies as its decoded self."""

    def field(name: str) -> property:
        slot = cls.__dict__[name]

        def read(self):
            materialize(self)
            return slot.__get__(self)

        def write(self, value):
            materialize(self)
            slot.__set__(self, value)

        return property(read, write, doc=f"{cls.__name__}.{name}, decoded when first read")

    def __eq__(self, other):
        materialize(self)
        return self == other

    def __reduce_ex__(self, protocol):
        materialize(self)
        return self.__reduce_ex__(protocol)

    def __repr__(self):
        materialize(self)
        return repr(self)

    namespace: dict[str, object] = {"__slots__": (), "__eq__": __eq__, "__reduce_ex__": __reduce_ex__, "__repr__": __repr__,
                                    "__module__": cls.__module__, "__qualname__": f"Lazy{cls.__name__}"}
    if cls.__hash__ is not None:  # frozen: hashable as its decoded self
        def __hash__(self):
            materialize(self)
            return hash(self)

        namespace["__hash__"] = __hash__
    else:
        namespace["__hash__"] = None
    namespace.update({name: field(name) for name in names})
    return type(f"Lazy{cls.__name__}", (cls,), namespace)


_CODE = _generate()
for _cls, _names in LAZY.items():
    _CODE[f"lazy_{_cls.__name__}"] = _lazy_class(_cls, _names, _CODE[f"mat_{_cls.__name__}"])
_EAGER = {f"dec_{cls.__name__}": _CODE[f"dec_{cls.__name__}_eager"] for cls in LAZY}
_LAZY = {f"dec_{cls.__name__}": _CODE[f"dec_{cls.__name__}_lazy"] for cls in LAZY}
_CODE.update(_EAGER)
_LAZY_CALL = _CODE["lazy_Call"]
_raw_args = Call.__dict__["args"].__get__
_ARG_FIELDS = [f.name for f in dataclasses.fields(Arg)]
_KIND, _TEXT, _CALL = _ARG_FIELDS.index("kind"), _ARG_FIELDS.index("text"), _ARG_FIELDS.index("call")


def arg_heads(call: Call, kinds: frozenset[str]) -> list[tuple[str, str, int]]:
    """(kind, text, call) of each of `call`'s arguments of one of `kinds`, read from their encoded
    form when they are not decoded yet (a pass over every call of the project that looks for a few
    kinds of argument decodes only the calls that have one). O(the arguments)."""
    if call.__class__ is _LAZY_CALL:
        return [(t[_KIND], t[_TEXT], t[_CALL]) for t in _raw_args(call)[0] if t[_KIND] in kinds]
    return [(a.kind, a.text, a.call) for a in call.args if a.kind in kinds]


_KEYS, _VALUES = _ARG_FIELDS.index("keys"), _ARG_FIELDS.index("values")


def first_arg_head(call: Call) -> tuple[str, str, tuple[str, ...]] | None:
    """(kind, text, keys) of `call`'s first argument, None when it has none, read from the encoded
    form when the call is not decoded yet (`first_object_sets`). O(1)."""
    if call.__class__ is _LAZY_CALL:
        args = _raw_args(call)[0]
        return (args[0][_KIND], args[0][_TEXT], args[0][_KEYS]) if args else None
    return (call.args[0].kind, call.args[0].text, call.args[0].keys) if call.args else None


def first_object_sets(call: Call, key: str, kind: str, text: str) -> bool:
    """Whether `call`'s first argument is an object literal that sets `key` to a value of `kind`
    and `text` (`createLogger({ exitOnError: false })`), read from its encoded form when the call is
    not decoded yet: a pass over every call of the project that looks for one option decodes none
    of them (the commit path, issue 13 item 7). O(the first argument's keys)."""
    if call.__class__ is _LAZY_CALL:
        args = _raw_args(call)[0]
        if not args or args[0][_KIND] != "object":
            return False
        first = args[0]
        return any(k == key and v[_KIND] == kind and v[_TEXT] == text for k, v in zip(first[_KEYS], first[_VALUES]))
    if not call.args or call.args[0].kind != "object":
        return False
    first = call.args[0]
    return any(k == key and v.kind == kind and v.text == text for k, v in zip(first.keys, first.values))
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


def decode(data: bytes, lazy: bool = False) -> Parsed:
    """bytes → `Parsed`. Raises (EOFError, ValueError, TypeError, IndexError, …) on data it did not write.
    `lazy`: the fields of `LAZY` are decoded when first read (a warm scan's facts from the pack, of
    which it reads few); otherwise now (a cold scan's, which the rules read nearly whole)."""
    facts, notes, traceback = marshal.loads(data)
    _CODE.update(_LAZY if lazy else _EAGER)
    # the file's shared records decoded later (LAZY) are one object each, as those decoded now: by
    # the id of their encoded form, which the list keeps alive while an object of the file may ask
    _CODE["table"] = ({}, []) if lazy else None
    try:
        return Parsed(
            None if facts is None else _decode_facts(facts),  # type: ignore[operator]
            [_decode_note(n) for n in notes],  # type: ignore[operator]
            traceback,
        )
    finally:
        _decoded.clear()  # the ids are only those of this file's encoded objects, alive until here
        _CODE["table"] = None
