"""Python fixes: libcst codemods, so that formatting and comments survive.

A fix finds the finding's call by its position, then adds keyword arguments, replaces the call's
bare statement, or inserts statements after the one that creates the subject; it also adds the
imports, module constants and module statements its text needs, once per module, after the
module's leading imports.
"""

from __future__ import annotations

import ast
import io
import re
import tokenize
import warnings
from dataclasses import dataclass, field

import libcst as cst
from libcst._nodes.internal import CodegenState
from libcst._position import CodeRange
from libcst.metadata.position_provider import NEWLINE_RE, PositionProvidingCodegenState

from crashlint.templating import render


class NoFix(Exception):
    """The code is not of a shape the fix can rewrite exactly: no fix is offered."""


@dataclass
class PythonFix:
    keywords: dict[str, str] = field(default_factory=dict)  # name → rendered value
    replace_statement: str = ""
    statement_after: str = ""
    imports: list[dict] = field(default_factory=list)
    constants: dict[str, dict] = field(default_factory=dict)  # name → {value, comment}
    module_statements: list[str] = field(default_factory=list)


class _Tracking(CodegenState):
    """A plain printer that follows the line and column as the position provider's state does,
    and notes where each statement's printing starts and ends, and the indentation it holds."""

    __slots__ = ("line", "column", "found", "_open", "_listed")

    def begin(self, line: int, column: int, found: list) -> None:
        self.line, self.column, self.found, self._open, self._listed = line, column, found, {}, set()

    def add_indent_tokens(self) -> None:
        self.tokens.extend(self.indent_tokens)
        for token in self.indent_tokens:
            self._advance(token)

    def add_token(self, value: str) -> None:
        self.tokens.append(value)
        self._advance(value)

    def _advance(self, value: str) -> None:  # PositionProvidingCodegenState._update_position
        if "\n" in value or "\r" in value:
            segments = NEWLINE_RE.split(value)
            self.line += len(segments) - 1
            self.column = len(segments[-1])
        else:
            self.column += len(value)

    def before_codegen(self, node: cst.CSTNode) -> None:
        # only the statements of a block's list, which their block prints as they are printed
        # alone (an `elif` is an If printed as the `orelse` of another, with a keyword argument)
        if isinstance(node, cst.IndentedBlock):
            self._listed.update(id(statement) for statement in node.body)
        elif isinstance(node, cst.BaseStatement) and id(node) in self._listed:
            entry = [node, (self.line, self.column), None, tuple(self.indent_tokens)]
            self.found.append(entry)
            self._open[id(node)] = entry

    def after_codegen(self, node: cst.CSTNode) -> None:
        entry = self._open.pop(id(node), None)
        if entry is not None:
            entry[2] = (self.line, self.column)


class Positions:
    """libcst's PositionProvider positions of a module's nodes, computed one top-level statement at
    a time, when a node of it is first asked for. The provider prints the whole module while it
    tracks every node's position (about ten times the cost of printing it, and most of the fix
    planner's time on a Python project: issue 13); a fix asks about the statement holding its call
    and a few top-level statements. Each statement is printed by the provider's own codegen state,
    started at the line and column where the module's printing reaches it (found by printing the
    module plainly once), so every position is the one the provider gives."""

    def __init__(self, module: cst.Module) -> None:
        self.module = module
        self._computed: dict[cst.CSTNode, CodeRange] = {}  # the provider's table (its codegen state writes it)
        self._starts: list[tuple[int, int]] | None = None  # where each top-level statement's printing starts
        self.offsets: list[int] = []  # the same in characters of the module's code, and where the last one ends
        self._index = {id(statement): i for i, statement in enumerate(module.body)}
        self._done: set[int] = set()
        self._inner: dict[int, list] = {}  # top-level statement → _inner_layout
        self._inner_done: set[int] = set()  # ids of nested statements computed alone

    def _layout(self) -> list[tuple[int, int]]:
        if self._starts is None:
            state = CodegenState(default_indent=self.module.default_indent, default_newline=self.module.default_newline)
            line, column, counted, offset = 1, 0, 0, 0
            starts = []

            def advance() -> None:  # the provider's state, token by token (`_update_position`)
                nonlocal line, column, counted, offset
                for token in state.tokens[counted:]:
                    offset += len(token)
                    if "\n" in token or "\r" in token:
                        segments = NEWLINE_RE.split(token)
                        line += len(segments) - 1
                        column = len(segments[-1])
                    else:
                        column += len(token)
                counted = len(state.tokens)

            for header in self.module.header:
                header._codegen(state)
            for statement in self.module.body:
                advance()
                starts.append((line, column))
                self.offsets.append(offset)
                statement._codegen(state)
            advance()
            self.offsets.append(offset)
            self._end = (line, column)
            self._starts = starts
        return self._starts

    def _inner_layout(self, i: int) -> list[tuple[cst.CSTNode, tuple[int, int], tuple[int, int], tuple[str, ...]]]:
        """Every statement nested in top-level statement `i`, in printing order: (statement, where
        its printing starts and ends, the indentation the printer holds when it starts), from
        printing statement `i` plainly once."""
        found = self._inner.get(i)
        if found is None:
            line, column = self._layout()[i]
            found = []
            state = _Tracking(default_indent=self.module.default_indent, default_newline=self.module.default_newline)
            state.begin(line, column, found)
            self.module.body[i]._codegen(state)
            self._inner[i] = found
        return found

    def _compute_inner(self, i: int, start: tuple[int, int], end: tuple[int, int]) -> None:
        """The positions of the innermost statement nested in top-level statement `i` whose printing
        holds `start`..`end`, printed from where the whole module's printing reaches it."""
        innermost = None
        for entry in self._inner_layout(i):
            if entry[1] <= start and end <= entry[2]:
                innermost = entry  # printing order: a statement nested in it comes after it
        if innermost is None or id(innermost[0]) in self._inner_done:
            return
        self._inner_done.add(id(innermost[0]))
        statement, (line, column), _, indent = innermost
        state = PositionProvidingCodegenState(default_indent=self.module.default_indent,
                                              default_newline=self.module.default_newline, provider=self,  # type: ignore[arg-type]
                                              line=line, column=column, indent_tokens=list(indent))
        statement._codegen(state)

    def _compute(self, i: int) -> None:
        if i in self._done:
            return
        self._done.add(i)
        line, column = self._layout()[i]
        state = PositionProvidingCodegenState(default_indent=self.module.default_indent,
                                              default_newline=self.module.default_newline, provider=self,  # type: ignore[arg-type]
                                              line=line, column=column)
        self.module.body[i]._codegen(state)

    def _compute_all(self) -> None:
        for i in range(len(self.module.body)):
            self._compute(i)

    def enclosing_block(self, i: int, start: tuple[int, int], end: tuple[int, int]):
        """(statement, where its printing starts and ends, its indentation) of the innermost
        statement nested in top-level statement `i` whose block holds the statement whose printing
        holds `start`..`end` (the `def` or `if` whose body holds a call's statement); None when
        that statement is directly in top-level statement `i`'s block, or is `i` itself."""
        holders = [entry for entry in self._inner_layout(i) if entry[1] <= start and end <= entry[2]]
        return holders[-2] if len(holders) > 1 else None

    def statement_at(self, line: int) -> int | None:
        """The index of the top-level statement whose printing covers `line`."""
        starts = self._layout()
        found = None
        for i, (start, _) in enumerate(starts):
            if start > line:
                break
            found = i
        return found

    def printed(self, i: int) -> tuple[tuple[int, int], tuple[int, int]]:
        """Where the printing of top-level statement `i` starts and ends (its leading comments and
        blank lines, its final line break included)."""
        starts = self._layout()
        return starts[i], starts[i + 1] if i + 1 < len(starts) else self._end

    def nodes(self, line: int | None, span: tuple[int, int, int, int] | None = None) -> list[tuple[cst.CSTNode, CodeRange]]:
        """(node, position) of every node computed once the top-level statement covering `line`
        is (every statement when `line` is None or none covers it), in the provider's order. With
        `span` (line, column, end line, end column), only the innermost statement nested in it
        whose printing holds `span` (the statement of a call, in a method of a large class)."""
        i = None if line is None else self.statement_at(line)
        if i is None:
            self._compute_all()
        elif span is not None:
            self._compute_inner(i, span[:2], span[2:])
        else:
            self._compute(i)
        return list(self._computed.items())

    def __getitem__(self, node: cst.CSTNode) -> CodeRange:
        found = self._computed.get(node)
        if found is None:
            i = self._index.get(id(node))
            if i is not None and self.module.body[i] is node:
                self._compute(i)
            else:
                self._compute_all()
            found = self._computed[node]
        return found


_COMPOUND = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.If, ast.For, ast.AsyncFor, ast.While,
             ast.With, ast.AsyncWith, ast.Try, ast.Match) + ((ast.TryStar,) if hasattr(ast, "TryStar") else ())
_DEFS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)


class _Unsliced(Exception):
    """A fix that its slice of the module cannot make exactly: it is made on the whole module."""


@dataclass
class _View:
    """A libcst module of the whole text, or of a slice of it: the innermost function or class
    holding a call (under `if 1:` lines that give it the indentation it has in the file), or the
    top-level statement holding it. Its line L is line L + delta of the file, its columns the
    file's; its character offset O is O + shift of the file's (after the `if 1:` lines)."""

    module: cst.Module
    positions: Positions
    delta: int = 0
    shift: int = 0
    wrapped: bool = False  # under `if 1:` lines: its top-level statement is not the file's
    sliced: bool = False
    calls: dict = field(default_factory=dict)  # (line, column, end line, end column) in the file → Call


def _start_line(statement: ast.stmt) -> int:
    """The first line of a statement as the file holds it: its first decorator's for a decorated one."""
    decorators = getattr(statement, "decorator_list", None)
    return min([statement.lineno] + [d.lineno for d in decorators]) if decorators else statement.lineno


def _groups(body: list[ast.stmt]) -> list[list[ast.stmt]]:
    """A module's top-level statements as libcst counts them: simple statements that share a line
    (`import a; import b`) are one `SimpleStatementLine`."""
    groups: list[list[ast.stmt]] = []
    for statement in body:
        if (groups and not isinstance(statement, _COMPOUND) and not isinstance(groups[-1][-1], _COMPOUND)
                and statement.lineno == groups[-1][-1].end_lineno):
            groups[-1].append(statement)
        else:
            groups.append([statement])
    return groups


class Module:
    """One module with findings to fix, shared by every fix in the file (each fix starts from the
    original). What a fix asks of the whole module (its top-level names and imports, where the
    leading imports end, its constants) is read from Python's own parse (`ast`, in C, fast); the
    call a fix rewrites is found and rewritten in a libcst module of the innermost function or class
    holding it, or of the top-level statement holding it (a slice of the file, parsed alone), so that
    a module is never parsed whole by libcst, which costs about ten times Python's parse (issue 13:
    the fix planner, which runs on every scan, was most of a small Python project's cold scan).
    A fix that its slice cannot make exactly is made on the whole module, as before."""

    def __init__(self, text: str) -> None:
        self.text = text
        with warnings.catch_warnings():  # `"\d"` in the scanned code is not ours to warn about
            warnings.simplefilter("ignore")
            tree = ast.parse(text)  # a file Python cannot parse gets no fixes (the caller's except)
        self._groups = _groups(tree.body)
        self._tree = tree
        self.lines = text.split("\n")
        self.line_starts = [0]
        for line in self.lines:
            self.line_starts.append(self.line_starts[-1] + len(line) + 1)
        self._whole: _View | None = None
        self._slices: dict[tuple[int, int], _View | None] = {}
        self._defs: list[tuple[int, int, tuple[str, ...]]] | None = None
        self._home: dict[int, _View] = {}  # id(call) → the view it was found in
        self._indent: str | None = None
        self._printer: cst.Module | None = None

    # ---- the libcst views ---------------------------------------------------------------------

    @property
    def module(self) -> cst.Module:
        """The whole module parsed by libcst (only for a fix its slice cannot make)."""
        return self._whole_view().module

    def _whole_view(self) -> _View:
        if self._whole is None:
            module = cst.parse_module(self.text)
            self._whole = _View(module, Positions(module))
            self._indent = module.default_indent
        return self._whole

    def _default_indent(self) -> str:
        """libcst's default indentation of the module: that of its first indented block."""
        if self._indent is None:
            indent = "    "  # libcst's when the module has no indented block
            try:
                for token in tokenize.generate_tokens(io.StringIO(self.text).readline):
                    if token.type == tokenize.INDENT:
                        indent = token.string  # the first block's indentation, relative to none
                        break
            except (tokenize.TokenError, SyntaxError):
                pass
            self._indent = indent
        return self._indent

    def _definitions(self) -> list[tuple[int, int, tuple[str, ...]]]:
        """(first line, last line, the indentation of each statement around it) of every function
        and class, outermost first."""
        if self._defs is None:
            found: list[tuple[int, int, tuple[str, ...]]] = []
            pending: list[tuple[ast.stmt, tuple[str, ...]]] = [(s, ()) for s in reversed(self._tree.body)]
            while pending:
                statement, around = pending.pop()
                if isinstance(statement, _DEFS):
                    found.append((_start_line(statement), statement.end_lineno or statement.lineno, around))
                if isinstance(statement, _COMPOUND):
                    line = self.lines[statement.lineno - 1]
                    indent = line[: len(line) - len(line.lstrip())]
                    # one `if 1:` a level: an `elif` is an `if` nested at its parent's indentation
                    inner = around if around and around[-1] == indent else around + (indent,)
                    nested: list[ast.stmt] = []
                    for child in ast.iter_child_nodes(statement):
                        if isinstance(child, ast.stmt):
                            nested.append(child)
                        elif isinstance(child, (ast.ExceptHandler, ast.match_case)):
                            nested += child.body
                    pending += [(child, inner) for child in reversed(nested)]
            self._defs = found
        return self._defs

    def _slice(self, line: int, end_line: int) -> _View | None:
        """The view of the innermost function or class holding lines `line`..`end_line`, or of the
        top-level statement holding them; None when there is none or it does not parse alone."""
        if "\r" in self.text:  # line breaks libcst and this module's line table count alike: \n only
            return None
        best = None
        for first, last, around in self._definitions():
            if first <= line and end_line <= last and (best is None or len(around) >= len(best[2])):
                best = (first, last, around)
        if best is None:
            for group in self._groups:
                first, last = _start_line(group[0]), group[-1].end_lineno or group[-1].lineno
                if first <= line and end_line <= last:
                    best = (first, last, ())
                    break
        if best is None:
            return None
        first, last, around = best
        if (first, last) in self._slices:
            return self._slices[(first, last)]
        wrap = "".join(f"{indent}if 1:\n" for indent in around)
        start, end = self.line_starts[first - 1], min(self.line_starts[last], len(self.text))
        view = None
        try:
            module = cst.parse_module(wrap + self.text[start:end], config=cst.PartialParserConfig(
                default_indent=self._default_indent(), default_newline="\n"))
        except Exception:  # noqa: BLE001 - libcst's parser refuses it alone: the whole module
            module = None
        if module is not None:
            view = _View(module, Positions(module), delta=first - 1 - len(around), shift=start - len(wrap),
                         wrapped=bool(around), sliced=True)
        self._slices[(first, last)] = view
        return view

    def _lookup(self, view: _View, key: tuple[int, int, int, int]) -> cst.Call | None:
        """The call at `key` (the file's line and character column) in `view`: among the calls of
        the innermost statement holding it, of the top-level statement holding its line, of every
        statement when it is not there (a line break libcst counts and tree-sitter does not)."""
        delta = view.delta
        line = key[0] - delta
        for at, span in ((line, (line, key[1], key[2] - delta, key[3])), (line, None), (None, None)):
            if key in view.calls:
                break
            for node, where in view.positions.nodes(at, span):
                if isinstance(node, cst.Call):
                    view.calls.setdefault((where.start.line + delta, where.start.column, where.end.line + delta, where.end.column), node)
        call = view.calls.get(key)
        if call is not None:
            self._home[id(call)] = view
        return call

    def call_at(self, anchor: tuple[int, int, int, int], whole: bool = False) -> cst.Call:
        """The libcst call at a finding's anchor (1-based line, 1-based byte column), found in the
        slice of the module that holds it, or with `whole` in the whole module."""
        key = (anchor[0], self._char_col(anchor[0], anchor[1]), anchor[2], self._char_col(anchor[2], anchor[3]))
        if not whole:
            view = self._slice(anchor[0], anchor[2])
            found = self._lookup(view, key) if view is not None else None
            if found is not None:
                return found
        found = self._lookup(self._whole_view(), key)
        if found is None:
            raise NoFix("call not found")
        return found

    def where(self, node: cst.CSTNode) -> tuple[int, int, int, int]:
        """(line, column, end line, end column) of a call `call_at` found, in the file."""
        view = self._home.get(id(node)) or self._whole_view()
        found = view.positions[node]
        return (found.start.line + view.delta, found.start.column, found.end.line + view.delta, found.end.column)

    def is_sliced(self, node: cst.CSTNode) -> bool:
        view = self._home.get(id(node))
        return view is not None and view.sliced

    # ---- what the module already has (Python's parse) --------------------------------------------

    def is_timeout_constant(self, name: str, line: int) -> bool:
        """Whether the module's own `name = <number or tuple of numbers>` at top level, above `line`,
        is the only thing the name means (no parameter or other binding of it in a signature)."""
        if re.search(rf"\bdef\s+\w+\s*\([^)]*\b{re.escape(name)}\b", self.text):
            return False
        for group in self._groups:
            for small in group:
                if name in _assigned_names(small):  # assignments only: a compound statement binds none here
                    value = getattr(small, "value", None)
                    if group[0].lineno >= line or value is None:
                        return False
                    try:
                        found = ast.literal_eval(value)
                    except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
                        return False
                    numbers = found if isinstance(found, tuple) else (found,)
                    return all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in numbers)
        return False

    def offset(self, line: int, column: int) -> int:
        """(1-based line, 0-based column in characters) → offset in the text."""
        return self.line_starts[line - 1] + column

    def code_for(self, node: cst.CSTNode) -> str:
        """The code of a node of the module or a new one (printed with the module's indentation
        and line break, which are all that printing a node reads of its module)."""
        view = self._home.get(id(node))
        if view is None:
            if self._printer is None:
                newline = NEWLINE_RE.search(self.text)
                self._printer = cst.Module(body=(), default_indent=self._default_indent(),
                                           default_newline=newline.group(0) if newline else "\n")
            return self._printer.code_for_node(node)
        return view.module.code_for_node(node)

    def rewritten(self, call: cst.Call, rewrite: cst.CSTTransformer) -> str | None:
        """The module's code with `rewrite` applied, visiting and printing only the statement
        whose block holds `call`'s statement (`_rewritten_inside`), else the top-level statement
        holding it (as a module of that one statement, so that the rewrite sees it at the top
        level as it would in the whole module), and keeping the rest of the text as it is; None
        when that statement's text is not exactly what it prints (the module's last statement
        without a final line break). Raises _Unsliced when the call's slice cannot tell."""
        view = self._home.get(id(call)) or self._whole_view()

        def not_here() -> None:  # the whole module: no rewrite of one statement; a slice: ask the whole module
            if view.sliced:
                raise _Unsliced

        where = view.positions[call]
        i = view.positions.statement_at(where.start.line)
        if i is None:
            return not_here()
        narrowed = self._rewritten_inside(view, i, call, rewrite)
        if narrowed is not None:
            return narrowed
        if view.wrapped:  # its top-level statement is an `if 1:` of ours
            raise _Unsliced
        statement = view.module.body[i]
        first, last = view.positions.printed(i)
        if first > (where.start.line, where.start.column) or last < (where.end.line, where.end.column):
            return not_here()
        start, end = view.positions.offsets[i] + view.shift, view.positions.offsets[i + 1] + view.shift
        if self.text[start:end] != view.module.code_for_node(statement):
            return not_here()
        alone = view.module.with_changes(header=(), body=(statement,), footer=(), has_trailing_newline=True)
        return self.text[:start] + alone.visit(rewrite).code + self.text[end:]

    def _rewritten_inside(self, view: _View, i: int, call: cst.Call, rewrite: cst.CSTTransformer) -> str | None:
        """The module's code with `rewrite` applied, visiting and printing only the innermost
        statement nested in top-level statement `i` whose block holds the call's statement (the
        method, not its class of a thousand lines), printed from where the module's printing reaches
        it, with the indentation it has there; None when there is no such statement or its text is
        not exactly what it prints. A rewrite changes the block that holds the call's statement (it
        replaces the statement, or adds one after it), so the statement around that block is all it
        needs to see."""
        where = view.positions[call]
        found = view.positions.enclosing_block(i, (where.start.line, where.start.column), (where.end.line, where.end.column))
        if found is None:
            return None
        statement, (line, column), (end_line, end_column), indent = found
        start, end = self.offset(line + view.delta, column), self.offset(end_line + view.delta, end_column)

        def printed(node: cst.CSTNode) -> str:
            state = CodegenState(default_indent=view.module.default_indent, default_newline=view.module.default_newline,
                                 indent_tokens=list(indent))
            node._codegen(state)
            return "".join(state.tokens)

        if self.text[start:end] != printed(statement):
            return None
        return self.text[:start] + printed(statement.visit(rewrite)) + self.text[end:]

    def fresh(self, base: str) -> str:
        """`base`, or `base_2`, … : a name the module never mentions, so a new binding shadows nothing."""
        words = set(re.findall(r"\w+", self.text))
        name, number = base, 1
        while name in words:
            number += 1
            name = f"{base}_{number}"
        return name

    def header_inserts(self, imports: list[str], others: list[str], after: int = 0) -> list[tuple[int, str, int]]:
        """Where the fix's imports, constants and module statements go, as (offset, text, order):
        imports at the end of the module's leading imports, the rest after a blank line below them,
        or below top-level statement `after` (an import they need that comes later in the module)."""
        newline = "\r\n" if "\r\n" in self.text else "\n"
        groups = self._groups
        at = _leading_end(groups)
        if not groups:
            return []
        if not at:  # before the first statement: below a shebang, a coding line, a comment header
            first = self.line_starts[groups[0][0].lineno - 1]
            return [(first, text + newline, 0) for text in imports] + [(first, text + newline * 2, 1) for text in others]
        end = self._line_end_of(groups[at - 1], newline)
        inserts = [(end, newline + text, 0) for text in imports]
        below = self._line_end_of(groups[after], newline) if after >= at else end
        return inserts + [(below, newline * 2 + text, 1) for text in others]

    def _line_end_of(self, group: list[ast.stmt], newline: str) -> int:
        """The offset just before the line break that ends a top-level statement's last line."""
        end = self.line_starts[group[-1].end_lineno or group[-1].lineno] - 1
        return min(end - (len(newline) - 1), len(self.text))

    def _char_col(self, line: int, byte_col: int) -> int:
        text = self.lines[line - 1] if 0 < line <= len(self.lines) else ""
        return len(text.encode("utf-8")[: byte_col - 1].decode("utf-8", "replace"))

    def top_level_names(self) -> set[str]:
        names: set[str] = set()
        for group in self._groups:
            for small in group:
                names.update(_assigned_names(small))
                if isinstance(small, (ast.Import, ast.ImportFrom)):
                    for alias in small.names:
                        if alias.name != "*":
                            names.add((alias.asname or alias.name).split(".")[0])
                elif isinstance(small, _DEFS):
                    names.add(small.name)
        return names

    def imported_as(self, module: str, name: str | None) -> str | None:
        """The local name under which `from module import name` (or `import module`) is bound."""
        found = self.import_of(module, name)
        return found[0] if found else None

    def import_of(self, module: str, name: str | None) -> tuple[str, int] | None:
        """(local name, index of the top-level statement) of the import that binds it, if any."""
        for index, group in enumerate(self._groups):
            for small in group:
                if name and isinstance(small, ast.ImportFrom) and small.module is not None and not small.level:
                    if small.module != module:
                        continue
                    for alias in small.names:
                        if alias.name == name:
                            return (alias.asname or name), index
                if isinstance(small, ast.Import):
                    for alias in small.names:
                        if alias.name == module:
                            local = alias.asname or module
                            return (f"{local}.{name}" if name else local), index
        return None


def _assigned_names(small: ast.stmt) -> list[str]:
    """The plain names `x = …` / `x: T = …` binds."""
    if isinstance(small, ast.Assign):
        targets = small.targets
    elif isinstance(small, ast.AnnAssign):
        targets = [small.target]
    else:
        return []
    return [t.id for t in targets if isinstance(t, ast.Name)]


def _leading_end(groups: list[list[ast.stmt]]) -> int:
    """Index after the module's docstring, `__future__` and leading import statements."""
    index = 0
    for position, group in enumerate(groups):
        small = group[0]
        if isinstance(small, _COMPOUND):
            break
        docstring = position == 0 and len(group) == 1 and isinstance(small, ast.Expr) and isinstance(small.value, ast.Constant) \
            and isinstance(small.value.value, (str, bytes))
        if docstring or all(isinstance(s, (ast.Import, ast.ImportFrom)) for s in group):  # not `import x; x.go()`
            index = position + 1
        else:
            break
    return index


def _statements(code: str) -> list[cst.BaseStatement]:
    """Statements of a template; blank lines it starts with become the first one's leading lines."""
    blank = len(code) - len(code.lstrip("\n"))
    try:
        body = list(cst.parse_module(code.strip("\n") + "\n").body)
    except cst.ParserSyntaxError as exc:
        raise NoFix(f"the fix template does not parse: {exc}") from None
    if body and blank > 0:
        body[0] = body[0].with_changes(leading_lines=[cst.EmptyLine(indent=False)] * blank)
    return body


class _Rewrite(cst.CSTTransformer):
    def __init__(self, call: cst.Call, fix: PythonFix) -> None:
        self.call = call
        self.fix = fix
        self.done = False

    # ---- keywords -------------------------------------------------------------------------

    def leave_Call(self, original: cst.Call, updated: cst.Call) -> cst.BaseExpression:
        if original is not self.call or not self.fix.keywords:
            return updated
        args = list(updated.args)
        if any(a.star for a in args):
            raise NoFix("**kwargs may already carry the option")
        wanted = dict(self.fix.keywords)
        for position, arg in enumerate(args):
            if arg.keyword is not None and arg.keyword.value in wanted:
                value = wanted.pop(arg.keyword.value)
                if isinstance(arg.value, cst.Name) and arg.value.value == "None":
                    args[position] = arg.with_changes(value=cst.parse_expression(value))
        if wanted and args:
            last = args[-1]
            separator = cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))
            if isinstance(last.comma, cst.Comma):  # a trailing comma: one argument per line
                between = args[-2].comma.whitespace_after if len(args) > 1 and isinstance(args[-2].comma, cst.Comma) else updated.whitespace_before_args
                trailing = last.comma
                ws = trailing.whitespace_after
                if isinstance(ws, cst.ParenthesizedWhitespace) and isinstance(between, cst.ParenthesizedWhitespace):
                    # the last argument keeps its comment; ours go on the lines after it, and the
                    # closing parenthesis keeps its own indentation
                    between = between.with_changes(first_line=cst.TrailingWhitespace(), empty_lines=[])
                    args[-1] = last.with_changes(comma=trailing.with_changes(whitespace_after=between.with_changes(first_line=ws.first_line)))
                    trailing = trailing.with_changes(whitespace_after=ws.with_changes(first_line=cst.TrailingWhitespace()))
                else:
                    args[-1] = last.with_changes(comma=cst.Comma(whitespace_after=between))
                new = [cst.Arg(keyword=cst.Name(k), value=cst.parse_expression(v), equal=_EQUAL, comma=cst.Comma(whitespace_after=between)) for k, v in wanted.items()]
                new[-1] = new[-1].with_changes(comma=trailing)
            else:
                between = args[-2].comma.whitespace_after if len(args) > 1 and isinstance(args[-2].comma, cst.Comma) else updated.whitespace_before_args
                if isinstance(last.whitespace_after_arg, cst.ParenthesizedWhitespace) and isinstance(between, cst.ParenthesizedWhitespace):
                    separator = cst.Comma(whitespace_after=between.with_changes(first_line=cst.TrailingWhitespace(), empty_lines=[]))
                # the space before `)` (a line break and the parenthesis' indentation) moves to our last
                # argument; a comment at the end of the old last argument's line stays with it
                tail = last.whitespace_after_arg
                if isinstance(tail, cst.ParenthesizedWhitespace) and isinstance(separator.whitespace_after, cst.ParenthesizedWhitespace):
                    separator_here = separator.with_changes(whitespace_after=separator.whitespace_after.with_changes(first_line=tail.first_line))
                    tail = tail.with_changes(first_line=cst.TrailingWhitespace())
                else:
                    separator_here = separator
                args[-1] = last.with_changes(comma=separator_here, whitespace_after_arg=cst.SimpleWhitespace(""))
                new = [cst.Arg(keyword=cst.Name(k), value=cst.parse_expression(v), equal=_EQUAL, comma=separator) for k, v in wanted.items()]
                new[-1] = new[-1].with_changes(comma=cst.MaybeSentinel.DEFAULT, whitespace_after_arg=tail)
            args += new
        elif wanted:
            args = [cst.Arg(keyword=cst.Name(k), value=cst.parse_expression(v), equal=_EQUAL) for k, v in wanted.items()]
            args = [a.with_changes(comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))) for a in args[:-1]] + args[-1:]
        self.done = True
        return updated.with_changes(args=args)

    # ---- statements -----------------------------------------------------------------------

    def _rewrite_body(self, originals: tuple, body: tuple, top: bool = False) -> tuple:
        if not (self.fix.replace_statement or self.fix.statement_after) or len(originals) != len(body):
            return body
        out = []
        for original, statement in zip(originals, body):
            # identity holds on the original tree only (libcst rebuilds the nodes it visits)
            if not self.done and self._holds_call(original):
                if self.fix.replace_statement:
                    if not self._is_bare_call(original):
                        raise NoFix("the call is not a statement of its own")
                    new = _statements(self.fix.replace_statement)
                    new[0] = new[0].with_changes(leading_lines=statement.leading_lines)
                    if statement.trailing_whitespace.comment is not None and isinstance(new[0], cst.SimpleStatementLine):
                        new[0] = new[0].with_changes(trailing_whitespace=statement.trailing_whitespace)
                    out += new
                else:
                    if not self._binds_call(original):
                        raise NoFix("the call is not the value of its own assignment")
                    new = _statements(self.fix.statement_after)
                    if new and isinstance(new[0], (cst.FunctionDef, cst.ClassDef)):
                        # PEP 8: two blank lines at module level, one inside a function (E303); no
                        # indentation on a blank line (W293)
                        blank = cst.EmptyLine(indent=False)
                        new[0] = new[0].with_changes(leading_lines=[blank, blank] if top else [blank])
                    out += [statement, *new]
                self.done = True
                continue
            out.append(statement)
        return tuple(out)

    def _holds_call(self, statement) -> bool:
        return isinstance(statement, cst.SimpleStatementLine) and any(
            self._value_of(small) is self.call for small in statement.body
        )

    def _value_of(self, small):
        value = getattr(small, "value", None)
        while isinstance(value, cst.Await):
            value = value.expression
        return value

    def _is_bare_call(self, statement) -> bool:
        return len(statement.body) == 1 and isinstance(statement.body[0], cst.Expr) and statement.body[0].value is self.call

    def _binds_call(self, statement) -> bool:
        return len(statement.body) == 1 and isinstance(statement.body[0], (cst.Assign, cst.AnnAssign))

    def leave_IndentedBlock(self, original: cst.IndentedBlock, updated: cst.IndentedBlock) -> cst.IndentedBlock:
        return updated.with_changes(body=self._rewrite_body(original.body, updated.body))

    def leave_Module(self, original: cst.Module, updated: cst.Module) -> cst.Module:
        return updated.with_changes(body=self._rewrite_body(original.body, updated.body, top=True))


_EQUAL = cst.AssignEqual(whitespace_before=cst.SimpleWhitespace(""), whitespace_after=cst.SimpleWhitespace(""))


def _applied(module: Module, call: cst.Call, fix: PythonFix) -> str:
    """The module's text with `fix` applied to `call` (raises NoFix, or _Unsliced when the call's
    slice cannot make it exactly)."""
    rewrite = _Rewrite(call, fix)
    code = None
    if fix.keywords and not (fix.replace_statement or fix.statement_after):
        # only the call changes: rewrite it alone and splice its code in (visiting and printing the
        # whole module per finding made a module with hundreds of findings take minutes)
        line, column, end_line, end_column = module.where(call)
        start, end = module.offset(line, column), module.offset(end_line, end_column)
        if module.text[start:end] == module.code_for(call):
            code = module.text[:start] + module.code_for(rewrite.leave_Call(call, call)) + module.text[end:]
    if code is None:
        code = module.rewritten(call, rewrite)  # the statement holding the call: not the whole module
    if code is None:
        if module.is_sliced(call):
            raise _Unsliced
        code = module.module.visit(rewrite).code
    if not rewrite.done:
        raise NoFix("nothing to change")
    return code


def apply(module: Module, anchor: tuple[int, int, int, int], fix: PythonFix) -> tuple[str, list[tuple[int, str, int]]]:
    """The module's new text with `fix` applied to the call at `anchor`, and the insertions
    (character offset, text) the fix needs after the leading imports: one per import, constant or
    module statement, so that two fixes adding the same one add it once (raises NoFix)."""
    try:
        code = _applied(module, module.call_at(anchor), fix)
    except _Unsliced:  # its slice cannot tell: the whole module
        code = _applied(module, module.call_at(anchor, whole=True), fix)
    names = module.top_level_names()
    imports, others = [], []
    for item in fix.imports:
        if module.imported_as(item["module"], item.get("name")) is None:
            if item.get("name"):
                alias = item.get("as")
                imports.append(f"from {item['module']} import {item['name']}" + (f" as {alias}" if alias else ""))
            else:
                imports.append(f"import {item['module']}")
    for name, constant in fix.constants.items():
        if name not in names:
            comment = f"  # {constant['comment']}" if constant.get("comment") else ""
            others.append(f"{name} = {constant['value']}{comment}")
    for statement in fix.module_statements:
        target = statement.split("=", 1)[0].split(":", 1)[0].strip()
        if target not in names:
            others.append(statement)
    # a module statement that uses an import found further down goes below that import
    needed = [module.import_of(item["module"], item.get("name")) for item in fix.imports]
    after = max((found[1] for found in needed if found is not None), default=-1)
    return code, module.header_inserts(imports, others, after)


def names_for(module: Module, imports: list[dict], constants: dict[str, dict], overrides: dict[str, str], line: int = 0) -> dict:
    """Template names: `imported.Config` (the local alias) and `constants.HTTP_TIMEOUT` (the
    constant's name, or its literal when the configuration asks for no constant). An existing
    constant is reused only when the module assigns it at top level above `line`; a name used in
    any other way (a parameter, an import, defined below) makes the fix define a fresh one."""
    taken = module.top_level_names()
    imported = {}
    for item in imports:
        name = item.get("name")
        local = module.imported_as(item["module"], name)
        key = name or item["module"]
        if local is None and name and name in taken:
            item["as"] = f"{item['module'].split('.')[0].capitalize()}{name}"  # `Config` is the app's own
            local = item["as"]
        imported[key] = local or (name or item["module"])
    values = {}
    for name, constant in list(constants.items()):
        if "value" in overrides:
            constant["value"] = overrides["value"]
        chosen = overrides.get("constant", name)
        if not chosen:
            values[name] = constant["value"]
            del constants[name]
        else:
            if re.search(rf"\b{re.escape(chosen)}\b", module.text) and not module.is_timeout_constant(chosen, line):
                chosen = module.fresh(chosen)  # taken for something else, or defined after its use
            if chosen != name:
                constants[chosen] = constants.pop(name)
            values[name] = chosen
    return {"imported": imported, "constants": values}


def render_fix(entries, context: dict) -> PythonFix:
    """Merge the matching `[[autofix]]` entries into one Python fix, templates rendered."""
    fix = PythonFix()
    for entry in entries:
        if entry.action == "keywords":
            fix.keywords.update({k: render(v, **context) for k, v in entry.body.items()})
        elif entry.action == "replace_statement":
            fix.replace_statement = render(entry.body, **context)
        elif entry.action == "statement_after":
            fix.statement_after += render(entry.body, **context) + "\n"
        fix.module_statements += [render(s, **context) for s in entry.module_statements if render(s, **context) not in fix.module_statements]
    return fix
