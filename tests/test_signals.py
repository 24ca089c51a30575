"""Workers die with their scan (issue 13, item 8): SIGTERM (what `timeout`, CI runners and editors
send), SIGINT and SIGKILL to a running `crashlint scan -j 2` leave no process of it behind, and the
next scan's output is that of a clean scan (the cache is never left half-written)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytestmark = [pytest.mark.slow, pytest.mark.skipif(not Path("/proc").is_dir(), reason="needs /proc (Linux) to find the workers")]


def _project(root: Path, files: int = 1200) -> Path:
    src = root / "src"
    src.mkdir(parents=True)
    body = "".join(f"export function f{i}(u: string) {{ return fetch(u + {i}); }}\n" for i in range(60))
    for n in range(files):
        (src / f"m{n}.ts").write_text(f"import Redis from 'ioredis';\nexport const r{n} = new Redis();\n" + body)
    return root


def _children(pid: int) -> list[int]:
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as handle:
                    fields = handle.read().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                found.append(int(entry))
    return found


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as handle:
            return handle.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def _interruptible() -> None:
    """In the scan's process before it starts: SIGINT does what it does in a terminal. A shell
    starts a background job (`pytest … &`, a CI step's `cmd &`) with SIGINT ignored, Python then
    installs no KeyboardInterrupt handler, and an ignored SIGINT made the scan run to its end (the
    test failed only when that took over 30 s: under load)."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def _scan(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "crashlint", "scan", *args, "--format", "json", "--exit-zero"],
                          capture_output=True, text=True, timeout=600)


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT, signal.SIGKILL], ids=["SIGTERM", "SIGINT", "SIGKILL"])
def test_no_process_of_a_stopped_scan_is_left(tmp_path: Path, sig: signal.Signals) -> None:
    root = _project(tmp_path / "p")
    cache = tmp_path / "cache"
    scan = subprocess.Popen([sys.executable, "-m", "crashlint", "scan", str(root), "-j", "2", "--cache-dir", str(cache),
                             "--format", "json"], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                            env={**os.environ, "PYTHONFAULTHANDLER": "1"},  # SIGABRT prints every thread's stack
                            preexec_fn=_interruptible)
    workers: list[int] = []
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and len(workers) < 2 and scan.poll() is None:
        time.sleep(0.05)
        workers = _children(scan.pid)
    assert len(workers) >= 2, "the scan never started its worker processes"
    time.sleep(0.3)  # mid-parse
    scan.send_signal(sig)
    try:
        code = scan.wait(timeout=30)
    except subprocess.TimeoutExpired:  # say where it waits: the stacks faulthandler prints on SIGABRT
        scan.send_signal(signal.SIGABRT)
        _, stacks = scan.communicate(timeout=30)
        pytest.fail(f"the scan did not end within 30 s of {sig.name}; its threads:\n{stacks[-8000:]}")
    err = scan.stderr.read()
    time.sleep(2)
    assert not [pid for pid in workers if _alive(pid)], f"workers left behind after {sig.name}"
    assert "Traceback" not in err, err
    if sig == signal.SIGTERM:
        assert code == 143 and "crashlint: terminated" in err
    elif sig == signal.SIGKILL:
        assert code == -signal.SIGKILL
    else:
        assert code == 130, (code, err)  # interrupted, not a scan that ran to its end (1: findings)
    # what the stopped scan left in the cache changes nothing
    again = _scan(str(root), "-j", "2", "--cache-dir", str(cache))
    clean = _scan(str(root), "--no-cache")
    assert again.returncode == clean.returncode == 0 and again.stdout == clean.stdout
