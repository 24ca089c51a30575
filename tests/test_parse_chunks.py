"""The parse workers' chunks in a cold `-j 2` scan (issue 13): largest files first, each chunk a
shrinking share of the work left, every file once, the same on every run."""

from __future__ import annotations

import crashlint.cache.facts as store


def test_chunks_cover_every_file_once_largest_first_and_shrinking() -> None:
    costs = {i: (i * 7919) % 50_000 + store.FILE_COST for i in range(500)}
    chunks = store._chunks(list(costs), costs, 2)
    flat = [i for chunk in chunks for i in chunk]
    assert sorted(flat) == list(range(500))
    assert [costs[i] for i in flat] == sorted(costs.values(), reverse=True)
    sizes = [sum(costs[i] for i in chunk) for chunk in chunks]
    assert sizes[0] >= sum(costs.values()) // 8 and sizes[-1] <= max(sizes[0] // 4, store.MIN_CHUNK_COST + 52_048)
    assert store._chunks(list(costs), costs, 2) == chunks  # the same on every run
