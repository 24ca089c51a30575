"""CL003's fix for Express 4: wrap each async handler where it is registered.

Express 4 calls a handler and drops the promise it returns, so a rejection is unhandled and
Node.js exits; Express 5 passes it to `next(err)` (the engine reports only Express 4 or an
undeclared version). The fix wraps the handler in every registration the engine recorded
(context `registrations`: row, column of the call, argument index, file) —
`router.get("/:id", asyncHandler(getFile))` — with, in each file that registers one:

- the project's own wrapper when it has one: the package `[express_fix].packages` names, declared
  in the nearest package.json (`express-async-handler`), imported there; or a function of that name
  the file already declares or imports;
- otherwise a three-line `asyncHandler` defined after the file's imports (`[express_fix].helper`).

The handler's own file is left alone: a handler registered from several files is wrapped in each.
Unsafe: a rejection that used to end the process now reaches the error middleware (Express's
default one answers 500), which is a change of behaviour. Anything the edit cannot do exactly (a
handler inside an array, a registration above the file's imports, a file that does not parse
cleanly) leaves the finding without a fix.
"""

from __future__ import annotations

from crashlint.facts import edit_sites
from crashlint.findings import Edit, Finding, Fix
from crashlint.fix import javascript
from crashlint.fix.shutdown import SourceFile, _digest, _fresh, _parse, _position
from crashlint.parse import error_nodes
from crashlint.templating import render

CASES = ("express", "express_unknown")
CALLS = ("call_expression",)
# what a wrapper of the project's is declared as: a function, or a call that makes or requires one
WRAPPER_VALUES = ("arrow_function", "function_expression", "function", "call_expression")


def _registrations(finding: Finding) -> list[tuple[int, int, str, str]] | None:
    """(row, column, argument index, file) of every registration; None when one cannot be wrapped."""
    found = []
    for line in finding.context.get("registrations", "").split("\n"):
        parts = line.split("\t", 3)
        if len(parts) != 4 or not parts[0].isdigit() or not parts[1].isdigit():
            return None
        if not parts[2].isdigit():
            return None  # a handler inside an array of handlers
        found.append((int(parts[0]), int(parts[1]), parts[2], parts[3]))
    return found or None


def _call_starting_at(file: SourceFile, row: int, column: int):
    """The call expression that starts at (row, column), 1-based (byte columns)."""
    point = (row - 1, column - 1)
    node = file.tree.root_node.descendant_for_point_range(point, point)
    found = None
    while node is not None and node.start_point == point:
        if node.type in CALLS:
            found = node  # the outermost call starting there: `router.get(…)`, not `router.get`
        node = node.parent
    return found


def _arguments(call) -> list:
    args = call.child_by_field_name("arguments")
    if args is None or args.type != "arguments":
        return []
    return [c for c in args.named_children if c.type not in ("comment", "spread_element")]


def _declared_or_imported(file: SourceFile, names: list[str]) -> str | None:
    """A wrapper of the project's the file already has at its top level (declared or imported)."""
    for child in file.tree.root_node.named_children:
        decl = child.child_by_field_name("declaration") if child.type == "export_statement" else child
        if decl is None:
            continue
        if decl.type == "function_declaration":
            name = decl.child_by_field_name("name")
            if name is not None and file.text(name) in names:
                return file.text(name)
        if decl.type in ("lexical_declaration", "variable_declaration"):
            for declarator in decl.named_children:
                target = declarator.child_by_field_name("name") if declarator.type == "variable_declarator" else None
                value = declarator.child_by_field_name("value") if target is not None else None
                if target is not None and target.type == "identifier" and file.text(target) in names \
                        and value is not None and value.type in WRAPPER_VALUES:
                    return file.text(target)
        if decl.type == "import_statement":
            stack = list(decl.named_children)
            while stack:
                node = stack.pop()
                if node.type == "identifier" and file.text(node) in names:
                    return file.text(node)
                if node.type != "string":
                    stack.extend(node.named_children)
    return None


def _default_import_of(file: SourceFile, module: str) -> str | None:
    """The local name under which the file imports `module`'s default export (ESM or CommonJS)."""
    for child in file.tree.root_node.named_children:
        if child.type == "import_statement":
            source = child.child_by_field_name("source")
            if source is None or file.text(source)[1:-1] != module:
                continue
            clause = next((c for c in child.named_children if c.type == "import_clause"), None)
            if clause is not None and clause.named_children and clause.named_children[0].type == "identifier":
                return file.text(clause.named_children[0])
        elif child.type in ("lexical_declaration", "variable_declaration"):
            for declarator in child.named_children:
                target = declarator.child_by_field_name("name")
                value = declarator.child_by_field_name("value")
                if target is None or target.type != "identifier" or value is None or value.type != "call_expression":
                    continue
                if file.text(value).replace("'", '"') == f'require("{module}")':
                    return file.text(target)
    return None


def _wrapper_edits(file: SourceFile, table: dict, style: javascript.Style, package: str | None) -> tuple[str, list[Edit]] | None:
    """The name handlers are wrapped in, and the edits that make it available in `file`."""
    own = _declared_or_imported(file, list(table["names"]))
    if own is not None:
        return own, []
    after, esm = edit_sites.import_site(file.tree.root_node, file.source)
    esm = esm or file.ts or file.path.endswith((".mjs", ".mts"))
    semi = style.semicolon
    if package is not None:
        local = _default_import_of(file, package)
        if local is not None:
            return local, []
        name = _fresh(file, table["name"])
        template = table["import_esm"] if esm else table["import_cjs"]
        text = render(template, name=name, package=package, q=style.quote, semi=semi).strip("\n")
    else:
        name = _fresh(file, table["name"])
        text = "\n".join(line.rstrip() for line in render(table["helper"], name=name, ts=file.ts, q=style.quote, semi=semi).strip("\n").split("\n"))
        text = "\n".join(line.replace("  ", style.indent_unit) if line.startswith("  ") else line for line in text.split("\n"))
        text = "\n" + text  # a blank line between the imports and the helper
    text = text.replace("\n", style.newline)
    if after == 0:
        return name, [Edit(0, 0, text.lstrip(style.newline) + style.newline + style.newline, -1)]
    where = javascript._line_end(file.source, after)
    return name, [Edit(where, where, style.newline + text, -1)]


def attach_express_fixes(findings: list[Finding], rules, root: str, declared) -> None:
    """Give each Express-handler CL003 finding the edits that wrap its handler where registered.
    `declared(path, package)`: the version spec the manifest nearest `path` declares, or None."""
    rule = next((r for r in rules if r.id == "CL003"), None)
    table = rule.data.get("express_fix") if rule is not None else None
    if not table:
        return
    files: dict[str, SourceFile | None] = {}
    wrappers: dict[str, tuple[str, list[Edit]] | None] = {}

    def file_of(path: str) -> SourceFile | None:
        if path not in files:
            file = _parse(root, path)
            if file is not None and any(True for _ in error_nodes(file.tree.root_node)):
                file = None  # byte offsets in a tree with errors may not be where the code is
            files[path] = file
        return files[path]

    for finding in findings:
        if finding.rule_id != "CL003" or finding.context.get("case") not in CASES or finding.fix is not None \
                or finding.location.path.startswith(("/", "../")):
            continue
        registrations = _registrations(finding)
        if registrations is None:
            continue
        edits: dict[str, list[Edit]] = {}
        for row, column, index, path in registrations:
            file = file_of(path) if not path.startswith(("/", "../")) else None
            if file is None:
                break
            call = _call_starting_at(file, row, column)
            args = _arguments(call) if call is not None else []
            if int(index) >= len(args):
                break
            if path not in wrappers:
                style = javascript.style_of(file.source, (file.source.count(b"'"), file.source.count(b'"')))
                package = next((p for p in table["packages"] if declared(path, p) is not None), None)
                wrappers[path] = _wrapper_edits(file, table, style, package)
            wrapper = wrappers[path]
            if wrapper is None:
                break
            name, setup = wrapper
            arg = args[int(index)]
            if setup and arg.start_byte < max(e.start for e in setup):
                break  # registered above the imports: the helper would not be defined yet
            own = edits.setdefault(path, list(setup))
            own += [Edit(arg.start_byte, arg.start_byte, f"{name}("), Edit(arg.end_byte, arg.end_byte, ")")]
        else:
            here = finding.location.path
            own = edits.get(here, [])
            source = files[here].source if files.get(here) is not None else None
            if own and source is None:
                continue
            if source is None:
                source = _read(root, here)
                if source is None:
                    continue
            finding.fix = Fix(
                title=render(table["title"]),
                safe=bool(table.get("safe", False)),
                edits=tuple(own),
                regions=tuple((*_position(source, e.start), *_position(source, e.end)) for e in own),
                digest=_digest(source),
                elsewhere=tuple((p, _digest(files[p].source), tuple(e)) for p, e in sorted(edits.items()) if p != here),
            )


def _read(root: str, path: str) -> bytes | None:
    import os

    try:
        with open(os.path.join(root, path), "rb") as handle:
            return handle.read()
    except OSError:
        return None
