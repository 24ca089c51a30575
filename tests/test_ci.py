"""Issue 15: what a team adopting crashlint in CI, pull requests and pre-commit relies on."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from helpers import run_cli

FETCH = "export async function load(url: string) {\n  return await fetch(url);\n}\n"
GIT = shutil.which("git")
needs_git = pytest.mark.skipif(GIT is None, reason="needs git")
GIT_ENV = {"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com", "GIT_COMMITTER_NAME": "t",
           "GIT_COMMITTER_EMAIL": "t@example.com", "GIT_CONFIG_NOSYSTEM": "1", "HOME": os.devnull}


def git(repo: Path, *args: str) -> str:
    run = subprocess.run(["git", "-c", "init.defaultBranch=main", "-c", "commit.gpgsign=false", *args], cwd=repo,
                         env={**os.environ, **GIT_ENV}, capture_output=True, text=True, check=True)
    return run.stdout


# ---- item 4: the cache folder stays out of git and backups ---------------------------------


@needs_git
def test_cache_folder_is_ignored_by_git_and_tagged(tmp_path) -> None:
    git(tmp_path, "init", "-q")
    (tmp_path / "a.ts").write_text(FETCH)
    cache = tmp_path / ".crashlint_cache"
    assert run_cli("scan", str(tmp_path), "--cache-dir", str(cache))[0] == 1
    assert (cache / ".gitignore").read_text().splitlines()[-1] == "*"
    assert (cache / "CACHEDIR.TAG").read_text().startswith("Signature: 8a477f597d28d172789f06886806bc55")
    assert list(cache.glob("facts-*.bin"))
    assert git(tmp_path, "status", "--porcelain", "--untracked-files=all").split() == ["??", "a.ts"]


def test_a_shared_cache_folder_gets_no_gitignore(tmp_path) -> None:
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "a.ts").write_text(FETCH)
    shared = tmp_path / "ci-cache"
    shared.mkdir()
    run_cli("scan", str(tmp_path / "src"), "--cache-dir", str(shared))
    assert not (shared / ".gitignore").exists() and list(shared.glob("facts-*.bin"))
    fresh = tmp_path / "new-cache"  # one crashlint creates is its own
    run_cli("scan", str(tmp_path / "src"), "--cache-dir", str(fresh))
    assert (fresh / ".gitignore").is_file() and (fresh / "CACHEDIR.TAG").is_file()
