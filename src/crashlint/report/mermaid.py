"""The Markdown report's picture of a process: a Mermaid flowchart of what it holds and what it
closes (issue 16, item 4).

Drawn from the findings, which name the long-lived things a process creates and what they lack:
Redis clients (CL001), BullMQ workers and queues (CL002, CL004), other emitters with no 'error'
listener (CL004), servers (CL012), database connections (CL009). Each is an edge from the process's
entry; from it, one edge to `'error' events` (green: a listener; red: none) when its rule looks at
listeners, and one to `SIGTERM` (green: closed; red: not closed, saying which fix closes it) when its
rule looks at the shutdown. What no finding names is not drawn: the picture is of what needs work.

Only a small subset of Mermaid is written (`flowchart LR`, `id["label"]`, `id(["label"])`,
`a -->|"label"| b`, `linkStyle`, `classDef`, `class`), every label quoted and every character
outside a plain set written as an entity code (`#35;`), so no name from the scanned code can end a
label or a statement; node ids are generated (`p`, `r1`, …).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from crashlint.findings import Finding

MAX_HELD = 24  # resources drawn per process; the rest are counted in one node
GREEN, RED = "#2da44e", "#cf222e"
PLAIN = re.compile(r"[A-Za-z0-9 _.,:/@$'=+*()-]")
CLOSE_CALL = r"\.(?:quit|disconnect|close|end|aclose)\("


@dataclass
class Held:
    """A long-lived thing a process creates, as the findings describe it."""

    name: str
    kind: str  # "Redis client (ioredis)", "BullMQ Worker", "server (express)", …
    path: str
    line: int
    listener: bool | None = None  # has an 'error' listener; None: not looked at
    closed: bool | None = None  # closed on SIGTERM; None: not looked at
    fixed: bool = False  # the process's shutdown fix closes it


def label(text: str) -> str:
    """Text for a quoted Mermaid label: every character outside a plain set as an entity code."""
    return "".join(c if PLAIN.fullmatch(c) else f"#{ord(c)};" for c in text.replace("\n", " "))


def held(findings: list[Finding], plan_text: str) -> list[Held]:
    """What the findings of one process say it holds, in order of first mention, merged by name."""
    found: dict[tuple[str, str], Held] = {}

    def add(name: str, kind: str, path: str, line: int) -> Held:
        item = found.get((path, name))
        if item is None:
            item = found[(path, name)] = Held(name, kind, path, line)
        return item

    def closes(name: str) -> bool:
        return bool(plan_text) and re.search(r"(?<![\w$.])" + re.escape(name) + CLOSE_CALL, plan_text) is not None

    for f in findings:
        missing = f.context.get("missing", "").split()
        library = f.context.get("library", "")
        path, line = f.location.path, f.location.start_line
        planned = f.fix is not None and bool(f.fix.plan)
        # Redis clients with a listener that only this finding's shutdown fix closes (no finding of
        # their own in a process with no SIGTERM handler: engine/run.py `_carry_fix_only`)
        for carried in f.context.get("also_close", "").splitlines():
            where, at, name, kind = (carried.split("\t") + ["", "", ""])[:4]
            item = add(name, f"Redis client ({kind})" if kind else "Redis client", where, int(at) if at.isdigit() else 0)
            item.listener, item.closed = True, False
            item.fixed = item.fixed or planned or closes(name)
        if f.rule_id == "CL001":
            item = add(f.subject, f"Redis client ({library})" if library else "Redis client", path, line)
            if library != "redis-py":  # redis-py raises on the call: no 'error' events to listen to
                item.listener = "error-listener" not in missing
            item.closed = "close" not in missing
            item.fixed = item.fixed or (not item.closed and (planned or closes(f.subject)))
        elif f.rule_id == "CL002":
            created = {r.message.split("`")[1]: (r.location.path, r.location.start_line) for r in f.related
                       if r.message.startswith("`") and r.message.endswith("created here")}
            names = [(n, "BullMQ Worker") for n in f.context.get("workers", "").split()] + \
                    [(n, "BullMQ Queue") for n in f.context.get("queues", "").split()]
            if not names:
                names = [(f.subject, f"BullMQ {library}" if library else "worker")]
            for name, kind in names:
                where = created.get(name, (path, line))
                item = add(name, kind, *where)
                item.closed = False
                item.fixed = item.fixed or planned or closes(name)
        elif f.rule_id == "CL004":
            kind = f"BullMQ {library}" if library in ("Worker", "Queue", "QueueEvents", "FlowProducer") else (library or "emitter")
            item = add(f.subject, kind, path, line)
            item.listener = "error-listener" not in missing
        elif f.rule_id == "CL012":
            if f.context.get("loop") == "yes":
                item = add(f.subject, "worker loop", path, line)
            else:
                name = f.context.get("server") or f.context.get("app") or f.subject
                item = add(name, f"server ({library})" if library else "server", path, line)
            item.closed = False
            item.fixed = item.fixed or planned
        elif f.rule_id == "CL009":
            callee = f.context.get("callee", "")
            name = callee.split(".")[0] if callee.endswith(".connect") else f.subject
            item = add(name, f"database ({library})" if library else "database", path, line)
            if closes(name):
                item.closed, item.fixed = False, True  # never closed today: the shutdown fix does
    return list(found.values())


def flowchart(process: tuple[str, str, str], items: list[Held], fix_number: int, shown: Callable[[str], str]) -> str:
    """The Mermaid source of one process's picture ("" when it holds nothing the findings name)."""
    if not items:
        return ""
    name, kind, entry = process
    lines = ["flowchart LR"]
    title = f"{name}: {kind} process" if kind else name
    lines.append(f'  p["{label(title)}<br/>{label(shown(entry))}"]' if entry else f'  p["{label(title)}"]')
    edges: list[str] = []  # colour of each edge, in order: linkStyle numbers them from 0
    listeners = any(i.listener is not None for i in items)
    stops = any(i.closed is not None for i in items)
    if listeners:
        lines.append(f'  errors(["{label("error events")}"])')
    if stops:
        lines.append(f'  stop(["{label("SIGTERM")}"])')
    for n, item in enumerate(items[:MAX_HELD], start=1):
        node = f"r{n}"
        lines.append(f'  p --> {node}["{label(item.kind)}<br/>{label(item.name)}<br/>{label(shown(item.path))}:{item.line}"]')
        edges.append("")
        if item.listener is not None:
            text = "'error' listener" if item.listener else "no 'error' listener"
            lines.append(f'  {node} -->|"{label(text)}"| errors')
            edges.append(GREEN if item.listener else RED)
        if item.closed is not None:
            if item.closed:
                text = "closed"
            elif item.fixed and fix_number:
                text = f"not closed: Fix {fix_number} closes it"
            else:
                text = "not closed"
            lines.append(f'  {node} -->|"{label(text)}"| stop')
            edges.append(GREEN if item.closed else RED)
    if len(items) > MAX_HELD:
        lines.append(f'  p --> more["{label(f"… and {len(items) - MAX_HELD} more")}"]')
        edges.append("")
    for colour in (GREEN, RED):
        numbers = [str(i) for i, c in enumerate(edges) if c == colour]
        if numbers:
            lines.append(f"  linkStyle {','.join(numbers)} stroke:{colour},stroke-width:2px")
    bad = [f"r{n}" for n, i in enumerate(items[:MAX_HELD], start=1) if i.listener is False or i.closed is False]
    lines.append(f"  classDef bad stroke:{RED},stroke-width:2px")
    if bad:
        lines.append(f"  class {','.join(bad)} bad")
    return "\n".join(lines)
