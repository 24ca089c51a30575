"""Automatic fixes (`crashlint scan --fix / --diff / --unsafe-fixes`).

The words and code of every fix live in the rule files (`[[autofix]]`, see `fix/spec.py`); this
package only knows how to edit: byte ranges for TypeScript/JavaScript (`fix/javascript.py`),
planned from the call sites the scan recorded while it parsed each file (`record_edit_sites`: no
file is parsed again), and libcst codemods for Python (`fix/python.py`).

`attach_fixes` gives each finding its `Fix` (edits against the file as scanned);
`plan_changes` merges the chosen fixes of each file, as ruff does: identical edits once, two
insertions at one point in order, and a fix that overlaps one already taken is left for the next
pass. A result that would not parse as cleanly as the original is never written (`write_changes`).
"""

from __future__ import annotations

import dataclasses
import difflib
import hashlib
import os
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field

from crashlint.facts import edit_sites
from crashlint.facts.model import FileFacts
from crashlint.findings import Edit, Finding, Fix, Note
from crashlint.fix import javascript
from crashlint.fix.spec import Autofix, autofixes
from crashlint.languages import grammar_for, parser
from crashlint.parse import error_nodes
from crashlint.rulepack import Rule
from crashlint.templating import render

BOM = b"\xef\xbb\xbf"


@dataclass
class FileChange:
    path: str  # relative to the scan root
    before: bytes
    after: bytes
    fixes: list[Finding] = field(default_factory=list)  # the findings whose fixes it applies


def _read(root: str, path: str) -> bytes | None:
    try:
        with open(os.path.join(root, path), "rb") as handle:
            return handle.read()
    except OSError:
        return None


def _error_count(source: bytes, path: str) -> int:
    """ERROR and MISSING nodes: a fix may never add one (the tree-sitter grammar is the judge)."""
    return sum(1 for _ in error_nodes(parser(grammar_for(path)).parse(source).root_node))


def _edits_between(before: str, after: str) -> list[Edit]:
    """Minimal edits (in bytes of `before`) that turn `before` into `after`: changed line blocks,
    refined character by character, so that text the fix keeps is never part of an edit."""
    old_lines = _lines(before)
    new_lines = _lines(after)
    offsets = [0]
    for line in old_lines:
        offsets.append(offsets[-1] + len(line))
    # a fix changes a few lines: match only between the common head and tail (SequenceMatcher is
    # quadratic on a long module of repeated lines)
    head = 0
    while head < min(len(old_lines), len(new_lines)) and old_lines[head] == new_lines[head]:
        head += 1
    tail = 0
    while tail < min(len(old_lines), len(new_lines)) - head and old_lines[-1 - tail] == new_lines[-1 - tail]:
        tail += 1
    middle_old, middle_new = old_lines[head : len(old_lines) - tail], new_lines[head : len(new_lines) - tail]
    edits = []
    for tag, a1, a2, b1, b2 in difflib.SequenceMatcher(a=middle_old, b=middle_new, autojunk=False).get_opcodes():
        if tag == "equal":
            continue
        a1, a2 = a1 + head, a2 + head
        old, new = "".join(old_lines[a1:a2]), "".join(middle_new[b1:b2])
        chars = difflib.SequenceMatcher(a=old, b=new, autojunk=False)
        for op, i1, i2, j1, j2 in chars.get_opcodes():
            if op != "equal":
                start = len(before[: offsets[a1] + i1].encode("utf-8"))
                end = start + len(old[i1:i2].encode("utf-8"))
                edits.append(Edit(start, end, new[j1:j2]))
    return edits


def _lines(text: str) -> list[str]:
    """Lines as git sees them: split after each `\n` only (not form feeds or U+2028, which
    `str.splitlines` also breaks on), each keeping its line break."""
    parts = text.split("\n")
    lines = [part + "\n" for part in parts[:-1]]
    return lines + [parts[-1]] if parts[-1] else lines


def _position(source: bytes, offset: int) -> tuple[int, int]:
    """Byte offset → (line, column in characters), both 1-based."""
    line_start = source.rfind(b"\n", 0, offset) + 1
    return source.count(b"\n", 0, offset) + 1, len(source[line_start:offset].decode("utf-8", "replace")) + 1


def _context(finding: Finding) -> dict:
    return {**finding.context, "subject": finding.subject, "path": finding.location.path, "line": finding.location.start_line}


# the import facts of a finding whose rule adds no import (`_import_facts`' shape: nothing read)
_NO_IMPORTS = ((0, False), (), "")


def record_edit_sites(findings: list[Finding], files: dict[str, FileFacts], rules: list[Rule] | None = None) -> None:
    """Give each JS/TS finding anchored at a call what a fix edits there, from the facts of its file
    (the tree is gone): the call's site, the file's quotes and the fingerprint of the bytes parsed.
    `rules`: the scan's rules; a finding of one whose fixes add no import (none of its `[[autofix]]`
    entries has `imports`, safe or not) gets no import facts (`_NO_IMPORTS`): the file's imports
    and every name it declares were gathered per file with a finding and stored with each in the
    result cache, for fixes that never read them (issue 13, cost per finding). None: every rule's."""
    importing = None if rules is None else {rule.id for rule in rules if any(e.imports for e in autofixes(rule))}
    by_file: dict[str, tuple[dict, dict, tuple]] = {}  # path → (call span → call index, call index → site, imports)
    for finding in findings:
        if finding.language == "python" or finding.anchor == (0, 0, 0, 0):
            continue
        facts = files.get(finding.location.path)
        if facts is None:
            continue
        indexed = by_file.get(facts.path)
        if indexed is None:  # only files that have findings are indexed, and their sites unpacked
            spans: dict = {}
            for index, call in enumerate(facts.calls):
                spans.setdefault(call.span, index)
            indexed = by_file[facts.path] = (spans, edit_sites.unpack(facts.sites), ())
        index = indexed[0].get(finding.anchor)
        site = indexed[1].get(index) if index is not None else None
        if site and importing is not None and finding.rule_id not in importing:
            finding.edit_site = (*facts.content, *facts.quotes, site, *_NO_IMPORTS)
        elif site:
            if not indexed[2]:  # once per file, not per finding
                indexed = by_file[facts.path] = (*indexed[:2], _import_facts(facts))
            finding.edit_site = (*facts.content, *facts.quotes, site, *indexed[2])


def _import_facts(facts: FileFacts) -> tuple:
    """What a fix that adds an import needs: where it goes (facts.edit_sites.import_site), the
    file's module-level imports ((local, module, imported name), …) and every name it declares, one
    string joined by newlines (a finding carries it into the result cache: one string, not hundreds)."""
    imports = tuple(
        (d.name, d.value.module, d.value.name or "")
        for d in facts.decls
        if d.scope == 0 and d.value.kind == "import" and not d.name.startswith("<")
    )
    return (facts.import_site or (0, False), imports, "\n".join(sorted({d.name for d in facts.decls})))


class _Dependencies:
    """The version specs the manifests nearest a file declare (read only when an entry asks)."""

    def __init__(self, root: str) -> None:
        self.root = root
        self.manifests: dict = {}
        self.read: set[str] = set()

    def declared(self, path: str, package: str) -> str | None:
        from crashlint.dependencies import normalize, read_manifests

        directory = os.path.dirname(path)
        if directory not in self.read:
            self.manifests.update(read_manifests(self.root, {directory}))
            self.read.add(directory)
        wanted = normalize(package)
        while True:
            manifest = self.manifests.get(directory)
            if manifest is not None and wanted in manifest.dependencies:
                return manifest.dependencies[wanted]
            if not directory:
                return None
            directory = os.path.dirname(directory)

    def allow(self, entry: Autofix, path: str, values: dict) -> bool:
        """Whether the project declares what `entry` needs (`dependency`) and none of what rules it
        out (`unless_dependency`)."""
        from crashlint.dependencies import lowest_version

        if entry.dependency:
            declared = self.declared(path, render(entry.dependency["package"], **values))
            if declared is None:
                return False
            lowest = lowest_version(declared)
            for key, wanted in entry.dependency.items():
                if key in ("at_least", "below"):
                    bound = lowest_version(wanted)
                    if lowest is None or bound is None or (lowest < bound if key == "at_least" else lowest >= bound):
                        return False
        return not any(self.declared(path, package) is not None for package in entry.unless_dependency)


def _javascript_imports(source: bytes, finding: Finding, items: list[dict], style) -> tuple[dict[str, str], list[Edit]]:
    """The local name of each import an entry needs (the file's own import of it, or a new one
    under a name the file does not use), and the edit adding the new ones after the file's imports."""
    (after, esm), existing, taken = finding.edit_site[5:8]
    # a TypeScript file or an .mjs file is a module even before its first import (`require` is not
    # defined in an ES module)
    esm = esm or finding.language == "typescript" or finding.location.path.endswith((".mjs", ".mts"))
    names, wanted = _import_locals(existing, taken, items)
    lines = []
    q, semi = style.quote, style.semicolon
    for module, pairs in wanted.items():
        if esm:
            parts = ", ".join(name if name == local else f"{name} as {local}" for name, local in pairs)
            lines.append(f"import {{ {parts} }} from {q}{module}{q}{semi}")
        else:
            parts = ", ".join(name if name == local else f"{name}: {local}" for name, local in pairs)
            lines.append(f"const {{ {parts} }} = require({q}{module}{q}){semi}")
    if not lines:
        return names, []
    text = style.newline.join(lines)
    if after == 0:
        return names, [Edit(0, 0, text + style.newline, -1)]
    where = javascript._line_end(source, after)
    return names, [Edit(where, where, style.newline + text, -1)]


def _javascript_fix(source: bytes, finding: Finding, entries: list[Autofix], style, values: dict) -> list[Edit] | None:
    site = javascript.Site.decode(finding.edit_site[4])
    values.update(q=style.quote, semi=style.semicolon)
    edits: list[Edit] = []
    items = [dict(item) for e in entries for item in e.imports]
    if items:
        values["imported"], edits = _javascript_imports(source, finding, items, style)
    added = len(edits)
    options = {k: render(v, **values) for e in entries if e.action == "options" for k, v in e.body.items()}
    if options:
        index = int(finding.context.get("options_at", "0") or 0)
        found = javascript.add_options(source, site, index, list(options.items()), style)
        if found is None:
            return None
        edits += found
    statements = [render(e.body, **values) for e in entries if e.action == "statement_after"]
    statements = [s.strip("\n") for s in statements if s.strip()]
    if statements:
        statement = javascript.creating_statement(site, finding.subject)
        if statement is None:
            return None
        edits += javascript.statement_after(source, statement, "\n".join(statements), style)
    return edits if len(edits) > added else None  # imports alone fix nothing


def _javascript_fixable(finding: Finding, entries: list[Autofix], values: dict) -> bool:
    """Whether `_javascript_fix` would return edits, decided as it decides it, on the recorded site
    alone: the file's bytes and style only shape the edits' text (add_options merges into the object
    at `index`, or adds an argument, unless the site rules it out; statement_after always inserts).
    The same templates are rendered, so a template that fails makes the same note. `values` gets
    what `_javascript_fix` gives it for the fix's title, except the file's quote and semicolon, which
    no title reads (tests/test_cost.py checks the pack). O(the finding's entries)."""
    site = javascript.Site.decode(finding.edit_site[4])
    values.update(q='"', semi=";")  # only for the templates' emptiness below: no text is kept
    items = [dict(item) for e in entries for item in e.imports]
    if items:
        values["imported"] = _javascript_import_names(finding, items)
    options = {k: render(v, **values) for e in entries if e.action == "options" for k, v in e.body.items()}
    if options and not javascript.adds_options(site, int(finding.context.get("options_at", "0") or 0), list(options)):
        return False
    statements = [render(e.body, **values) for e in entries if e.action == "statement_after"]
    statements = [s.strip("\n") for s in statements if s.strip()]
    if statements and javascript.creating_statement(site, finding.subject) is None:
        return False
    return bool(options or statements)  # imports alone fix nothing


def _import_locals(existing, taken: str, items: list[dict]) -> tuple[dict[str, str], dict[str, list[tuple[str, str]]]]:
    """The local name of each import an entry needs (the file's own import of it, or a new name the
    file does not use), and the new imports to add: module → (imported name, local name)."""
    names: dict[str, str] = {}
    wanted: dict[str, list[tuple[str, str]]] = {}
    used = set(taken.split("\n")) if taken else set()
    for item in items:
        module, name = item["module"], item["name"]
        local = next((lo for lo, mod, imported in existing if mod == module and imported == name), None)
        if local is None:
            local, n = name, 2
            while local in used:
                local, n = f"{name}{n}", n + 1
            used.add(local)
            if (name, local) not in wanted.setdefault(module, []):
                wanted[module].append((name, local))
        names[name] = local
    return names, wanted


def _javascript_import_names(finding: Finding, items: list[dict]) -> dict[str, str]:
    """The local names `_javascript_imports` gives the imports an entry needs (no edit)."""
    existing, taken = finding.edit_site[6:8]
    return _import_locals(existing, taken, items)[0]


def _python_fix(module: python.Module, finding: Finding, entries: list[Autofix], overrides: dict, values: dict) -> list[Edit] | None:
    from crashlint.fix import python

    try:
        return _python_fix_of(module, finding, entries, overrides, values)
    except python.NoFix:
        return None  # a shape the codemod does not rewrite: no fix offered, nothing to say


def _python_fix_of(module: python.Module, finding: Finding, entries: list[Autofix], overrides: dict, values: dict) -> list[Edit] | None:
    from crashlint.fix import python  # libcst: imported only when a Python file has a fix to plan

    imports = [dict(item) for e in entries for item in e.imports]
    constants = {name: dict(c) for e in entries for name, c in e.constants.items()}
    names = python.names_for(module, imports, constants, overrides, finding.anchor[0])
    values.update(names, node_text=module.code_for(module.call_at(finding.anchor)), fresh=module.fresh)
    fix = python.render_fix(entries, values)
    fix.imports, fix.constants = imports, constants
    try:
        after, inserts = python.apply(module, finding.anchor, fix)
    except Exception:  # noqa: BLE001 - NoFix, or libcst refuses a shape: no fix offered
        return None
    edits = _edits_between(module.text, after)
    if not edits:
        return None
    for offset, text, order in inserts:
        at = len(module.text[:offset].encode("utf-8"))
        edits.append(Edit(at, at, text, order))
    return edits


def attach_fixes(findings: list[Finding], rules: list[Rule], root: str, overrides: dict[str, dict] | None = None,
                 unsafe: bool = False, read: Callable[[str], bytes | None] | None = None, edits: bool = True) -> list[Note]:
    """Give every finding its fix, when its rule has one that fits the code: its safe entries, or
    with `unsafe` (or when it has no safe one) all of them. Returns notes (never fatal).
    `read(path)`: a file's bytes as scanned (the language server's buffers), default the disk's.
    `edits=False`: a TypeScript/JavaScript finding's fix is marked (`Fix.marked`: its title, whether
    it is safe and what it resolves, exactly when the edits would exist) without computing its edits
    or the file's style (issue 13, cost per finding: the text and Markdown reports show no edit)."""
    by_rule = {rule.id: autofixes(rule) for rule in rules}
    notes: list[Note] = []
    by_path: dict[str, list[Finding]] = {}
    dependencies = _Dependencies(root)
    matching: dict[int, list[Autofix]] = {}  # id(finding) → its rule's entries that match it, asked once
    for finding in findings:
        outside = finding.location.path.startswith(("/", "../"))  # a link to a file elsewhere: not ours to edit
        if not outside and finding.anchor != (0, 0, 0, 0):
            matched = [e for e in by_rule.get(finding.rule_id, ()) if e.matches(finding)]
            if matched:
                matching[id(finding)] = matched
                by_path.setdefault(finding.location.path, []).append(finding)
    for path, group in sorted(by_path.items()):
        python_file = group[0].language == "python"
        if not python_file:
            # JS/TS: planned from the sites recorded when the file was parsed for this scan
            group = [f for f in group if f.edit_site]
            if not group:
                continue
        raw = read(path) if read is not None else _read(root, path)
        if raw is None:
            continue
        if not python_file and (zlib.crc32(raw), len(raw)) != group[0].edit_site[:2]:
            continue  # changed since it was parsed: its sites no longer say where things are
        marks = not edits and not python_file
        digest = hashlib.sha256(raw).hexdigest() if not marks else ""
        bom = len(BOM) if raw.startswith(BOM) else 0
        source = raw[bom:]
        try:
            if python_file:
                from crashlint.fix import python

                module = python.Module(source.decode("utf-8"))
            elif marks:
                style = None
            else:
                style = javascript.style_of(source, group[0].edit_site[2:4])
        except Exception:  # noqa: BLE001 - a file libcst cannot parse (Python 2, a syntax error) gets no fixes
            continue
        for finding in group:
            values = _context(finding)
            entries = [e for e in matching[id(finding)] if dependencies.allow(e, path, values)]
            if not entries:
                continue
            if not unsafe and any(e.safe for e in entries):
                entries = [e for e in entries if e.safe]
            try:
                if finding.language == "python":
                    found = _python_fix(module, finding, entries, (overrides or {}).get(finding.rule_id, {}), values)
                elif marks:
                    found = _javascript_fixable(finding, entries, values)
                else:
                    found = _javascript_fix(source, finding, entries, style, values)
            except Exception as exc:  # noqa: BLE001 - one fix failing must not stop the scan
                notes.append(Note(path, f"no fix offered for {finding.rule_id}: {type(exc).__name__}: {exc}", finding.location.start_line))
                continue
            if not found:
                continue
            if found is True:  # marked: what the report shows of it, and no edit
                planned: tuple[Edit, ...] = ()
                regions: tuple = ()
            else:
                regions = tuple((*_position(source, e.start), *_position(source, e.end)) for e in found)
                planned = tuple(Edit(e.start + bom, e.end + bom, e.text, e.order) for e in found)
            finding.fix = Fix(
                title="; ".join(dict.fromkeys(render(e.title, **values) for e in entries)),
                safe=all(e.safe for e in entries),
                edits=planned,
                resolves=tuple(dict.fromkeys(r for e in entries for r in e.resolves)),
                regions=regions,
                digest=digest,
                marked=found is True,
            )
    # one shutdown per process (unsafe: it changes how a process exits); without `unsafe` it is offered
    # only to findings with no safe fix of their own, so that `--fix` still applies those
    from crashlint.fix.express import attach_express_fixes
    from crashlint.fix.shutdown import attach_shutdown_fixes

    # CL003's Express handlers: wrapped where they are registered, often in another file (unsafe)
    attach_express_fixes(findings, rules, root, dependencies.declared)
    # CL007: the counter's key created with its TTL in the increment's transaction (unsafe)
    from crashlint.fix.redis_expiry import attach_redis_expiry_fixes

    attach_redis_expiry_fixes(findings, rules, root)

    attach_shutdown_fixes(findings, rules, root, unsafe)
    return notes


def _merge(fixes: list[Finding]) -> tuple[list[Edit], list[Finding]]:
    """Non-conflicting edits of `fixes`, in order; the findings whose whole fix was taken."""
    taken: list[Edit] = []
    applied: list[Finding] = []
    for finding in sorted(fixes, key=lambda f: (min((e.start for e in f.fix.edits), default=0), f.sort_key())):
        new = [e for e in finding.fix.edits if e not in taken]
        if any(_overlaps(e, t) for e in new for t in taken):
            continue
        taken += new
        applied.append(finding)
    return taken, applied


def _overlaps(a: Edit, b: Edit) -> bool:
    if a.start == a.end or b.start == b.end:  # an insertion conflicts only inside a replaced range
        point, other = (a, b) if a.start == a.end else (b, a)
        return other.start < point.start < other.end
    return a.start < b.end and b.start < a.end


def _apply(source: bytes, edits: list[Edit]) -> bytes:
    order = sorted(range(len(edits)), key=lambda i: (edits[i].start, edits[i].end, edits[i].order, i))
    out, cursor = [], 0
    for i in order:
        edit = edits[i]
        out.append(source[cursor : edit.start])
        out.append(edit.text.encode("utf-8"))
        cursor = max(cursor, edit.end)
    out.append(source[cursor:])
    return b"".join(out)


def plan_changes(findings: list[Finding], root: str, unsafe: bool) -> tuple[list[FileChange], list[Note]]:
    """The new content of each file with the chosen fixes applied, checked to parse as cleanly."""
    chosen: dict[str, list[Finding]] = {}
    stand_ins: set[int] = set()  # a fix's edits in another file, as a finding there: never counted
    counted_as: dict[int, Finding] = {}  # …unless it has no edits in its own file: then counted there
    for finding in findings:
        if finding.fix is not None and (finding.fix.safe or unsafe):
            chosen.setdefault(finding.location.path, []).append(finding)
            for path, digest, edits in finding.fix.elsewhere:
                other = dataclasses.replace(
                    finding, location=dataclasses.replace(finding.location, path=path),
                    fix=dataclasses.replace(finding.fix, edits=edits, digest=digest, elsewhere=()),
                )
                if finding.fix.edits:  # counted with its own file's change
                    stand_ins.add(id(other))
                else:  # all its edits are elsewhere (an Express handler wrapped where registered)
                    counted_as[id(other)] = finding
                chosen.setdefault(path, []).append(other)
    changes, notes = [], []
    for path, group in sorted(chosen.items()):
        before = _read(root, path)
        if before is None:
            continue
        if any(f.fix.digest and f.fix.digest != hashlib.sha256(before).hexdigest() for f in group):
            notes.append(Note(path, "not fixed: the file changed during the scan"))
            continue
        edits, applied = _merge(group)
        after = _apply(before, edits)
        if after == before:
            continue
        if _error_count(after, path) > _error_count(before, path):
            notes.append(Note(path, "fixes not applied: the result would not parse cleanly (please report this)"))
            continue
        counted = list({id(c): c for c in (counted_as.get(id(f), f) for f in applied if id(f) not in stand_ins)}.values())
        changes.append(FileChange(path, before, after, counted))
    return changes, notes


def write_changes(changes: list[FileChange], root: str) -> list[Note]:
    """Write each file, unless it changed since it was read (an editor saving meanwhile). A change
    that could not be written is removed from `changes`, so that only written ones are counted."""
    notes = []
    failed = []
    for change in changes:
        target = os.path.join(root, change.path)
        if _read(root, change.path) != change.before:
            notes.append(Note(change.path, "not fixed: the file changed during the scan"))
            failed.append(change)
            continue
        try:
            with open(target, "r+b") as handle:  # in place: keeps the file's mode, owner and links
                handle.write(change.after)
                handle.truncate()
        except OSError as exc:
            notes.append(Note(change.path, f"not fixed: {exc.strerror or exc}"))
            failed.append(change)
    for change in failed:
        changes.remove(change)
    return notes


def unified_diff(changes: list[FileChange], prefix: str) -> str:
    """A `git apply`-able diff; `prefix` is the scan root relative to the working directory."""
    parts = []
    for change in changes:
        name = f"{prefix}/{change.path}" if prefix and prefix != "." else change.path
        before = _lines(change.before.decode("utf-8", "surrogateescape"))
        after = _lines(change.after.decode("utf-8", "surrogateescape"))
        lines = list(difflib.unified_diff(before, after, f"a/{name}", f"b/{name}"))
        for line in lines:
            parts.append(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n")
    return "".join(parts)


__all__ = ["FileChange", "attach_fixes", "plan_changes", "write_changes", "unified_diff"]
