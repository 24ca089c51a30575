"""Source lines of scanned files, read lazily for code frames, snippets and fingerprints."""

from __future__ import annotations

import os


class SourceCache:
    def __init__(self, root: str) -> None:
        self.root = root
        self._lines: dict[str, list[str]] = {}

    def lines(self, rel_path: str) -> list[str]:
        if rel_path not in self._lines:
            try:
                with open(os.path.join(self.root, rel_path), "rb") as handle:
                    data = handle.read()
            except OSError:
                data = b""
            if data.startswith(b"\xef\xbb\xbf"):
                data = data[3:]
            text = data.decode("utf-8", "replace")
            self._lines[rel_path] = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
        return self._lines[rel_path]

    def line(self, rel_path: str, number: int) -> str:
        lines = self.lines(rel_path)
        return lines[number - 1] if 0 < number <= len(lines) else ""

    def snippet(self, rel_path: str, start: int, end: int) -> str:
        lines = self.lines(rel_path)
        return "\n".join(lines[max(start, 1) - 1 : end])
