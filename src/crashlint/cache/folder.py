"""The cache folder itself: marked so that git, backup tools and `git add -A` leave it alone."""

from __future__ import annotations

import os

# https://bford.info/cachedir/: backup tools (tar --exclude-caches, borg, restic) skip a folder holding this
CACHEDIR_TAG = (
    "Signature: 8a477f597d28d172789f06886806bc55\n"
    "# This file is a cache directory tag created by crashlint.\n"
    "# For information about cache directory tags, see:\n"
    "#\thttps://bford.info/cachedir/\n"
)
GITIGNORE = "# Automatically created by crashlint.\n*\n"
DEFAULT_NAME = ".crashlint_cache"


def prepare(cache_dir: str) -> None:
    """Create the folder with a `.gitignore` of `*` and a `CACHEDIR.TAG`, as `.ruff_cache` has them.

    Only in a folder crashlint creates or one named `.crashlint_cache`: a `--cache-dir` given by the
    user may be shared (a CI cache folder, even the project), and its `.gitignore` is not ours to
    write. Existing files are never overwritten. A folder that cannot be written is left alone (the
    scan runs uncached)."""
    try:
        created = not os.path.isdir(cache_dir)
        if not created and os.path.basename(os.path.normpath(cache_dir)) != DEFAULT_NAME:
            return
        os.makedirs(cache_dir, exist_ok=True)
        for name, text in ((".gitignore", GITIGNORE), ("CACHEDIR.TAG", CACHEDIR_TAG)):
            path = os.path.join(cache_dir, name)
            if not os.path.exists(path):
                with open(path, "x", encoding="utf-8") as handle:
                    handle.write(text)
    except OSError:
        pass
