"""What the benchmarks share to run and time a command: a whole process in its own session,
timed by wait4 and watched for its peak memory and for processes left behind (`measure`), the
synthetic project of small files (`synthetic`), and the median. Below bench.py and the modes it
runs (commit_path.py, oracle.py), which import it, so no two benchmark modules import each other."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import threading
import time
from dataclasses import dataclass
from pathlib import Path


TEMPLATES = [
    ("ts", 'import Redis from "ioredis";\nimport axios from "axios";\n\nexport const cache{i} = new Redis();\n'
           'export async function load{i}(url: string) {{\n  const r = await fetch(url);\n'
           '  return axios.get(url, {{ timeout: 5000 }}).then((x) => x.data ?? r);\n}}\n'),
    ("ts", 'import express from "express";\nconst router{i} = express.Router();\n'
           'router{i}.get("/items/{i}", async (req, res) => {{\n  try {{ res.json(await find{i}()); }} catch (e) {{ res.status(500).end(); }}\n}});\n'
           'async function find{i}() {{ return [{i}]; }}\nexport default router{i};\n'),
    ("js", 'const {{ Worker }} = require("bullmq");\nconst w{i} = new Worker("q{i}", async (job) => job.data, {{ connection: {{}} }});\n'
           'w{i}.on("error", console.error);\nmodule.exports = {{ w{i} }};\n'),
    ("py", 'import requests\nimport redis\n\nr{i} = redis.Redis(socket_timeout=5, socket_connect_timeout=5)\n\n\n'
           'def fetch{i}(url):\n    return requests.get(url, timeout=5).json()\n'),
]


def synthetic(count: int, folder: Path) -> None:
    rnd = random.Random(count)
    for i in range(count):
        ext, template = rnd.choice(TEMPLATES)
        sub = folder / f"pkg{i % 20}"
        sub.mkdir(parents=True, exist_ok=True)
        body = template.format(i=i) + "\n".join(f"// filler line {n} for file {i}" for n in range(rnd.randint(20, 200)))
        if ext == "py":
            body = body.replace("//", "#")
        (sub / f"mod{i}.{ext}").write_text(body + "\n")


@dataclass
class Run:
    """One subprocess: how long it took, what it cost, how it ended."""

    wall: float
    cpu: float  # user+sys of the process and the children it waited for
    peak_mb: float  # the largest resident set among them (wait4's ru_maxrss)
    returncode: int | None
    killed: str = ""  # "timeout" or "memory" when this benchmark killed it
    tree_peak_mb: float = 0.0  # the sum over its processes, sampled
    left_behind: int = 0  # its processes still alive after it exited (killed then)

    @property
    def finished(self) -> bool:
        return not self.killed


def session_processes(sid: int) -> dict[int, int]:
    """pid -> resident KiB of every process of this session (from /proc; empty where there is none)."""
    page_kb = os.sysconf("SC_PAGE_SIZE") // 1024
    found: dict[int, int] = {}
    try:
        entries = os.listdir("/proc")
    except OSError:
        return found
    for entry in entries:
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as handle:
                stat = handle.read()
        except OSError:
            continue
        fields = stat[stat.rfind(b")") + 2:].split()  # after "pid (comm) ": state ppid pgrp session …
        if len(fields) > 21 and int(fields[3]) == sid and fields[0] != b"Z":
            found[int(entry)] = int(fields[21]) * page_kb
    return found


def measure(argv: list[str], cwd: Path, stdout: Path, stderr: Path, *, timeout: float,
            memory_limit_mb: float = 0, env: dict[str, str] | None = None) -> Run:
    """Run argv in its own session; kill the whole session at timeout or over the memory limit."""
    with open(stdout, "wb") as out, open(stderr, "wb") as err:
        started = time.perf_counter()
        proc = subprocess.Popen(argv, cwd=cwd, stdin=subprocess.DEVNULL, stdout=out, stderr=err,
                                env=env, start_new_session=True)
        killed: list[str] = []
        tree_peak = [0]
        done = threading.Event()

        def watch() -> None:
            while not done.wait(0.2):
                rss = sum(session_processes(proc.pid).values())
                tree_peak[0] = max(tree_peak[0], rss)
                reason = ("timeout" if time.perf_counter() - started > timeout
                          else "memory" if memory_limit_mb and rss > memory_limit_mb * 1024 else "")
                if reason:
                    killed.append(reason)
                    try:
                        os.killpg(proc.pid, signal.SIGKILL)
                    except ProcessLookupError:
                        pass
                    return

        watcher = threading.Thread(target=watch, daemon=True)
        watcher.start()
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - started
        done.set()
        watcher.join()
        proc.returncode = os.waitstatus_to_exitcode(status)
    left = session_processes(proc.pid)
    for pid in left:  # orphaned workers: note them, then end them (they belong to this benchmark's run)
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    return Run(wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, proc.returncode,
               killed[0] if killed else "", tree_peak[0] / 1024, len(left))


def _median(values: list[float]) -> float:
    ordered = sorted(values)
    middle = len(ordered) // 2
    return ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2
